"""XML of a guide: one namespace, English element names, Chinese text, checked by the XSD.

The XML mirrors the canonical JSON: one element per field in model order, named as
the JSON key; a list is a wrapper element with one element per item. Reading goes
through a hardened parser (no DTD, no entities, no network, bounded size), then the
XSD (``schemas/guide.xsd``), then the same JSON Schema and structure checks as JSON.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Final

import attrs
from lxml import etree

from service_codes.convert import guide_to_data
from service_codes.encoding import UnreadableText, decode
from service_codes.errors import InvalidGuide
from service_codes.formats.earlier import upgrade_tree
from service_codes.formats.xsd import ITEM_NAMES, NAMESPACE, xsd_problems
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.schemas import (
    definition,
    guide_schema,
)
from service_codes.validation import guide_from_data

# A guide is a few kilobytes; anything this large is not one.
MAX_BYTES: Final = 4 * 1024 * 1024
# A guide of a few kilobytes has a few hundred elements.
MAX_ELEMENTS: Final = 20_000
_PARSER: Final = etree.XMLParser(
    encoding="utf-8",  # whatever the declaration says: a UTF-16 or UTF-7 one could hide a DTD
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)
_DTD_FORBIDDEN: Final = (
    "xml.dtd-forbidden",
    "document type declarations and entities are not allowed",
    "不允许文档类型声明（DTD）和实体",
)


class _Doctype(Exception):
    """Raised by :class:`_DoctypeSpotter` to stop the parser at a document type declaration."""


class _DoctypeSpotter:
    """A parser target that builds nothing and stops at ``<!DOCTYPE``.

    libxml2 reports the declaration once it has read its name and external ID, before the
    internal subset, so no entity is declared, expanded or fetched before parsing stops.
    """

    def doctype(self, name: str | None, pubid: str | None, system: str | None) -> None:
        raise _Doctype(name)

    def close(self) -> None:
        return None


def _refuse_a_dtd(raw: bytes) -> None:
    """Raise :class:`InvalidGuide` if ``raw`` has a document type declaration, as libxml2
    reads it (one in a comment, CDATA section or processing instruction is only text), or
    is not well-formed; return if it is well-formed and declares no DTD."""
    # lxml calls only the callbacks a target has; the stubs ask for all of them.
    target: Any = _DoctypeSpotter()
    spotter = etree.XMLParser(
        target=target,
        encoding="utf-8",  # as _PARSER reads it
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        etree.fromstring(raw, spotter)
    except _Doctype:
        raise _junk(*_DTD_FORBIDDEN) from None
    except etree.XMLSyntaxError as error:
        raise _not_well_formed(error) from None


def _not_well_formed(error: etree.XMLSyntaxError) -> InvalidGuide:
    return _junk("xml.syntax", f"not well-formed XML: {error}", f"不是格式正确的 XML：{error}")


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    return definition(schema)[0]


@attrs.frozen(eq=False)
class _Node:
    """What the JSON Schema says of one element: its kind, fields (objects) or items (lists)."""

    kind: str  # object, array, integer, boolean, string
    fields: tuple[tuple[str, _Node], ...] = ()  # in schema order, which the XSD follows
    items: _Node | None = None
    item_name: str = ""
    by_tag: dict[str, tuple[str, _Node]] = attrs.field(factory=dict)  # for reading


def _node(schema: dict[str, Any], name: str = "") -> _Node:
    schema = _resolve(schema)
    kind = schema.get("type", "string")
    if kind == "object":
        fields = tuple((key, _node(p, key)) for key, p in schema["properties"].items())
        return _Node(kind, fields, by_tag={_tag(key): (key, node) for key, node in fields})
    if kind == "array":
        return _Node(kind, items=_node(schema["items"]), item_name=ITEM_NAMES[name])
    return _Node(kind)


@cache
def _guide_node() -> _Node:
    return _node(guide_schema())


# Text as XML writes it; \r becomes a reference, or a reader would see a line feed.
_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: object) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    return str(value).translate(_ESCAPES)


def _write(out: list[str], data: dict[str, Any], node: _Node, pad: str) -> None:
    """Elements for the fields of ``data``, indented by ``pad``, as lxml pretty-prints them."""
    for key, child in node.fields:
        if key not in data:
            continue
        value = data[key]
        if child.kind == "object":
            out.append(f"{pad}<{key}>\n")
            _write(out, value, child, pad + "  ")
            out.append(f"{pad}</{key}>\n")
        elif child.kind != "array":
            out.append(f"{pad}<{key}>{_text(value)}</{key}>\n")
        elif not value:
            out.append(f"{pad}<{key}/>\n")
        else:
            out.append(f"{pad}<{key}>\n")
            item, items = child.item_name, child.items
            assert items is not None
            for entry in value:
                if items.kind == "object":
                    out.append(f"{pad}  <{item}>\n")
                    _write(out, entry, items, pad + "    ")
                    out.append(f"{pad}  </{item}>\n")
                else:
                    out.append(f"{pad}  <{item}>{_text(entry)}</{item}>\n")
            out.append(f"{pad}</{key}>\n")


def to_xml(guide: Guide) -> bytes:
    """The XML of a guide as UTF-8 bytes; equal guides give identical bytes.

    Raises :class:`InvalidGuide` for text XML cannot carry (control characters).
    """
    return data_to_xml(guide_to_data(guide))


def data_to_xml(data: dict[str, Any]) -> bytes:
    """:func:`to_xml` of a guide already unstructured by ``convert.guide_to_data``."""
    out = [f"<?xml version='1.0' encoding='UTF-8'?>\n<guide xmlns=\"{NAMESPACE}\">\n"]
    _write(out, data, _guide_node(), "  ")
    out.append("</guide>\n")
    text = "".join(out)
    bad = _NOT_XML.search(text)
    if bad:
        raise _junk(
            "xml.unencodable",
            f"the guide holds {bad.group()!r}, which XML cannot carry",
            f"办事指南含有 XML 无法表示的字符 {bad.group()!r}",
        )
    return text.encode()


def _junk(rule: str, en: str, zh: str) -> InvalidGuide:
    return InvalidGuide([Problem(path="", rule=rule, message=en, message_zh=zh)])


def _read(element: etree._Element, node: _Node) -> Any:
    """The JSON value an element holds, typed as the schema says where it can be."""
    if node.kind == "object":
        out = {}
        for child in element:
            if child.tag in node.by_tag:  # else the XSD has said what is out of place
                key, child_node = node.by_tag[child.tag]
                out[key] = _read(child, child_node)
        return out
    if node.kind == "array":
        assert node.items is not None
        return [_read(child, node.items) for child in element]
    text = element.text or ""
    if node.kind == "integer":
        digits = text.strip().lstrip("0") or "0"  # the XSD bounds it; zeros may pad it
        return int(digits) if digits.isascii() and digits.isdigit() else text
    if node.kind == "boolean":
        return text.strip() in ("true", "1")
    if node.kind == "number":
        try:
            return float(text)  # the XSD has said whether it is a number; JSON ints stay ints
        except ValueError:
            return text
    return text


def from_xml(data: bytes | str) -> Guide:
    """Read a guide from XML; raises :class:`InvalidGuide` for junk, hostile or invalid input.

    DTDs and entities are refused before their declarations are read, so nothing named in
    a document is ever read or fetched; the text ``<!DOCTYPE`` in a comment or CDATA is
    fine. Problems carry the JSON Pointer of the field and the line.
    """
    plain, problems = read_xml(data)
    if problems:
        raise InvalidGuide(problems)
    return guide_from_data(plain)


def read_xml(data: bytes | str) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The plain data an XML guide holds, and every problem its XSD finds.

    Raises :class:`InvalidGuide` for what is not a guide at all (junk, hostile, too
    large); an XSD-invalid guide is read as far as it goes, so the fields that are
    well-formed can still be judged.
    """
    try:
        raw = data.encode("utf-8") if isinstance(data, str) else data
    except UnicodeEncodeError as error:
        raise _junk(
            "xml.encoding", f"not encodable as UTF-8: {error}", f"无法编码为 UTF-8：{error}"
        ) from None
    if not isinstance(raw, bytes):
        raise _junk("xml.syntax", "expected XML bytes or text", "应为 XML 字节或文本")
    if len(raw) > MAX_BYTES:
        raise _junk(
            "xml.too-large",
            f"the document has {len(raw)} bytes; a guide has at most {MAX_BYTES}",
            f"文档有 {len(raw)} 字节，办事指南最多 {MAX_BYTES} 字节",
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        # GB18030, or UTF-16 with a byte order mark, re-encoded (at most half as long again):
        # the checks below and the parser, which reads UTF-8 whatever is declared, see UTF-8.
        try:
            raw = decode(raw).text.encode("utf-8")
        except UnreadableText as error:
            raise _junk("xml.encoding", error.message, error.message_zh) from None
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    # Now UTF-8, and read as UTF-8 whatever is declared, a DTD must spell "<!DOCTYPE" (entities
    # are declared only inside one): text without it goes straight on. Text with it, in a
    # comment or CDATA say, is asked of libxml2, which stops at a real declaration before its
    # internal subset, so _PARSER never sees a DTD.
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        _refuse_a_dtd(raw)
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as error:
        raise _not_well_formed(error) from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _junk(*_DTD_FORBIDDEN)  # the check above missed one: never expected
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise _junk(
            "xml.too-large",
            f"the document has more than {MAX_ELEMENTS} elements",
            f"文档元素超过 {MAX_ELEMENTS} 个",
        )
    if root.tag != _tag("guide"):
        raise _junk(
            "xml.root",
            f"the root element must be <guide> in namespace {NAMESPACE}",
            f"根元素应为命名空间 {NAMESPACE} 中的 <guide>",
        )
    upgrade_tree(root, NAMESPACE)
    return _read(root, _guide_node()), xsd_problems(root)
