"""Reading and writing guides in the formats the service center exchanges."""

from __future__ import annotations

import codecs

from service_codes.encoding import UnreadableText, decode
from service_codes.errors import InvalidGuide
from service_codes.formats.json import from_json, json_data
from service_codes.formats.xml import from_xml, read_xml
from service_codes.matter_types import STANDARD, MatterTypes
from service_codes.model import Guide
from service_codes.problems import Report
from service_codes.validation import check_data

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


def read_and_check(data: bytes, types: MatterTypes = STANDARD) -> tuple[Guide | None, Report]:
    """A guide's bytes (JSON or XML) read and validated: every problem in one report.

    The guide is None when it does not read; the rules still run on the well-formed parts,
    beside the schema's (or the XSD's) problems. ``types`` are those its catalogue declares.
    """
    try:
        if is_xml(data):
            return check_data(*read_xml(data), types=types)
        plain, repeated = json_data(data)
    except InvalidGuide as error:
        return None, Report(error.problems)
    # A repeated key is a fault of the text, not of a field: the data is judged whole.
    guide, report = check_data(plain, types=types)
    return (None, Report(repeated + report.problems)) if repeated else (guide, report)
