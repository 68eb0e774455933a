"""XML of a guide: one namespace, English element names, Chinese text, checked by the XSD.

The XML mirrors the canonical JSON: one element per field in model order, named as
the JSON key; a list is a wrapper element with one element per item. Reading goes
through a hardened parser (no DTD, no entities, no network, bounded size), then the
XSD (``schemas/guide.xsd``), then the same JSON Schema and structure checks as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, Final, cast

from lxml import etree

from service_codes.convert import guide_to_data
from service_codes.errors import InvalidGuide
from service_codes.model import Guide
from service_codes.problems import Problem, pointer
from service_codes.schemas import guide_schema, schema_path
from service_codes.validation import guide_from_data

NAMESPACE: Final = "urn:service-codes:guide:1"
# The element of one item of each list field.
ITEM_NAMES: Final = {
    "local_codes": "local_code",
    "joint_agencies": "agency",
    "legal_basis": "basis",
    "conditions": "condition",
    "steps": "step",
    "special_procedures": "procedure",
    "intermediary_services": "service",
    "service_objects": "object",
    "handling_forms": "form",
    "online_urls": "url",
    "materials": "material",
    "fees": "fee",
    "faqs": "faq",
    "handling_items": "item",
}
_WRAPPER_OF: Final = {item: wrapper for wrapper, item in ITEM_NAMES.items()}
# A guide is a few kilobytes; anything this large is not one.
MAX_BYTES: Final = 4 * 1024 * 1024
_PARSER: Final = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: etree._Element, data: dict[str, Any], schema: dict[str, Any]) -> None:
    """Elements for the fields of ``data``, in the order the schema (and the XSD) lists them."""
    properties = schema["properties"]
    for key in properties:
        if key not in data:
            continue
        value, child = data[key], etree.SubElement(parent, _tag(key))
        if isinstance(value, dict):
            _fill(child, value, _resolve(properties[key]))
        elif isinstance(value, list):
            items = _resolve(properties[key]["items"])
            for item in value:
                element = etree.SubElement(child, _tag(ITEM_NAMES[key]))
                if isinstance(item, dict):
                    _fill(element, item, items)
                else:
                    element.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(guide: Guide) -> bytes:
    """The XML of a guide as UTF-8 bytes; equal guides give identical bytes."""
    root = etree.Element(_tag("guide"), nsmap={None: NAMESPACE})  # type: ignore[dict-item]
    _fill(root, guide_to_data(guide), guide_schema())
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _junk(rule: str, en: str, zh: str) -> InvalidGuide:
    return InvalidGuide([Problem(path="", rule=rule, message=en, message_zh=zh)])


@cache
def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema_path("guide.xsd")), _PARSER))


def _pointer(root: etree._Element, element: etree._Element) -> str:
    """The JSON Pointer of the field an element holds."""
    parts: list[str | int] = []
    current: etree._Element | None = element
    while current is not None and current is not root:
        parent = current.getparent()
        name = etree.QName(current).localname
        if parent is not None and _WRAPPER_OF.get(name) == etree.QName(parent).localname:
            parts.append(list(parent).index(current))
        else:
            parts.append(name)
        current = parent
    return pointer(reversed(parts))


def _xsd_problems(root: etree._Element) -> Iterator[Problem]:
    tree = root.getroottree()
    for error in cast(Iterable[Any], _xsd().error_log):
        found = cast(list[Any], tree.xpath(error.path)) if error.path else []
        where = _pointer(root, found[0]) if found and isinstance(found[0], etree._Element) else ""
        message = error.message.replace(f"{{{NAMESPACE}}}", "")
        yield Problem(
            path=where,
            rule="xsd.invalid",
            message=f"line {error.line}: {message}",
            message_zh=f"第 {error.line} 行：不符合 XML Schema：{message}",
        )


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    definition: dict[str, Any] = guide_schema()["$defs"][ref.rsplit("/", 1)[1]] if ref else schema
    return definition


def _value(element: etree._Element, schema: dict[str, Any]) -> Any:
    """The JSON value an element holds, typed as the JSON Schema says."""
    schema = _resolve(schema)
    kind = schema.get("type")
    children = [c for c in element if isinstance(c.tag, str)]
    if kind == "object":
        return {
            (name := etree.QName(c).localname): _value(c, schema["properties"].get(name, {}))
            for c in children
        }
    if kind == "array":
        return [_value(c, schema["items"]) for c in children]
    text = element.text or ""
    if kind == "integer":
        return int(text)
    if kind == "boolean":
        return text.strip() in ("true", "1")
    return text


def from_xml(data: bytes | str) -> Guide:
    """Read a guide from XML; raises :class:`InvalidGuide` for junk, hostile or invalid input.

    DTDs and entities are refused before parsing, so nothing named in a document is
    ever read or fetched. Problems carry the JSON Pointer of the field and the line.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
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
    except UnicodeDecodeError as error:
        raise _junk("xml.encoding", f"not UTF-8: {error}", f"不是 UTF-8 编码：{error}") from None
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise _junk(
            "xml.dtd-forbidden",
            "document type declarations and entities are not allowed",
            "不允许文档类型声明（DTD）和实体",
        )
    try:
        root = etree.fromstring(raw.removeprefix(b"\xef\xbb\xbf"), _PARSER)
    except etree.XMLSyntaxError as error:
        raise _junk(
            "xml.syntax", f"not well-formed XML: {error}", f"不是格式正确的 XML：{error}"
        ) from None
    if root.tag != _tag("guide"):
        raise _junk(
            "xml.root",
            f"the root element must be <guide> in namespace {NAMESPACE}",
            f"根元素应为命名空间 {NAMESPACE} 中的 <guide>",
        )
    if not _xsd().validate(root):
        raise InvalidGuide(list(_xsd_problems(root)))
    return guide_from_data(_value(root, guide_schema()))
