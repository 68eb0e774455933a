"""Reading and writing guides in the formats the service center exchanges."""

from __future__ import annotations

from service_codes.formats.json import from_json
from service_codes.formats.xml import from_xml
from service_codes.model import Guide


def read_guide(data: bytes | str) -> Guide:
    """Read a guide from JSON or XML, telling them apart by content (XML starts with ``<``).

    Raises :class:`~service_codes.errors.InvalidGuide` as ``from_json``/``from_xml`` do.
    """
    text = data.lstrip("\ufeff \t\r\n") if isinstance(data, str) else None
    if text is not None:
        return from_xml(data) if text.startswith("<") else from_json(data)
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip() if isinstance(data, bytes) else b""
    return from_xml(data) if start.startswith(b"<") else from_json(data)
