"""Reading and writing guides in the formats the service center exchanges."""

from __future__ import annotations

import codecs

from service_codes.encoding import UnreadableText, decode
from service_codes.formats.json import from_json
from service_codes.formats.xml import from_xml
from service_codes.model import Guide

# UTF-16 and UTF-32 (whose little-endian mark starts with UTF-16's): the bytes after the mark
# are not ASCII, so the text must be decoded to see its first character.
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


def read_guide(data: bytes | str) -> Guide:
    """Read a guide from JSON or XML, telling them apart by content (XML starts with ``<``).

    Raises :class:`~service_codes.errors.InvalidGuide` as ``from_json``/``from_xml`` do.
    """
    return from_xml(data) if is_xml(data) else from_json(data)


def is_xml(data: bytes | str) -> bool:
    """Whether a document is XML: its first character, after a byte order mark and
    whitespace, is ``<``, in UTF-8, GB18030 or UTF-16 with a byte order mark.

    >>> is_xml("\\ufeff <guide/>"), is_xml('<guide/>'.encode("utf-16")), is_xml(b'{"a": 1}')
    (True, True, False)
    """
    if isinstance(data, bytes) and data.startswith(_WIDE_BOMS):
        try:
            data = decode(data).text
        except UnreadableText:
            return False  # from_json says which encoding it found and how to re-save
    if isinstance(data, str):
        return data.lstrip("\ufeff \t\r\n").startswith("<")
    return isinstance(data, bytes) and data.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<")
