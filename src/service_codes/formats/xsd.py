"""The XML Schema of a guide (``schemas/guide.xsd``): checking a tree against it, and saying
libxml2's errors as problems at the field's JSON Pointer, in English and in Chinese.

The namespace and the item element of each list are the XSD's, so they live here too.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, Final, cast

from lxml import etree

from service_codes.problems import Problem, pointer
from service_codes.schema_messages import (
    Messages,
    enum_messages,
    keyword_messages,
    pattern_messages,
    shown,
)
from service_codes.schemas import definition, field_name_zh, field_schema, schema_path

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
    "situations": "situation",
    "options": "option",
    "applies_to": "option",
    "discretion": "row",
    "penalties": "penalty",
    "items": "item",
    "accountability": "case",
    "withheld": "field",
}
# (item, wrapper) pairs: an item element's name alone may serve several lists.
_ITEM_OF: Final = {(item, wrapper) for wrapper, item in ITEM_NAMES.items()}
# Past this many, more XSD problems only slow the report down.
MAX_PROBLEMS: Final = 100

_XSD_LOCK: Final = threading.Lock()


@cache
def _xsd() -> etree.XMLSchema:
    # The library's own file, read without entities or network all the same.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(schema_path("guide.xsd")), parser))


def _parts(root: etree._Element, element: etree._Element) -> list[str | int]:
    """The JSON Pointer parts of the field an element holds."""
    parts: list[str | int] = []
    current: etree._Element | None = element
    while current is not None and current is not root:
        parent = current.getparent()
        name = etree.QName(current).localname
        if parent is not None and (name, etree.QName(parent).localname) in _ITEM_OF:
            parts.append(parent.index(current))
        else:
            parts.append(name)
        current = parent
    return parts[::-1]


_STEP: Final = re.compile(r"(?:[^:/\[]*:)?([^:/\[]+)(?:\[(\d+)\])?$")
_EXPECTED: Final = re.compile(r"Expected is (?:one of )?\( ?(?:\{[^}]*\})?(\w+)")


def _element_at(root: etree._Element, path: str) -> etree._Element | None:
    """The element libxml2 names by a path such as /*/s:materials/*[2] (any prefixes)."""
    element: etree._Element | None = None
    for step in path.strip("/").split("/"):
        match = _STEP.match(step)
        if match is None:
            return None
        name, number = match.group(1), int(match.group(2) or 1)
        if element is None:
            element = root
            continue
        candidates = [c for c in element if name == "*" or etree.QName(c).localname == name]
        if len(candidates) < number:
            return None
        element = candidates[number - 1]
    return element


# libxml2's XSD errors about an element's value, and the JSON Schema keyword saying the same.
_VALUE_ERRORS: Final = {
    "SCHEMAV_CVC_PATTERN_VALID": "pattern",
    "SCHEMAV_CVC_ENUMERATION_VALID": "enum",
    "SCHEMAV_CVC_MININCLUSIVE_VALID": "minimum",
    "SCHEMAV_CVC_MAXINCLUSIVE_VALID": "maximum",
    "SCHEMAV_CVC_MINLENGTH_VALID": "minLength",
    "SCHEMAV_CVC_MAXLENGTH_VALID": "maxLength",
}
_DATATYPE: Final = "SCHEMAV_CVC_DATATYPE_VALID_1_2_1"
_UNION: Final = "SCHEMAV_CVC_DATATYPE_VALID_1_2_3"  # a value no member type of a union takes
_NAME: Final = re.compile(r"(?:\{[^}]*\})?([\w.-]+)")
_ATTRIBUTE: Final = re.compile(r"attribute '([^']*)'")


def _named(parts: list[str | int], name: str) -> Messages:
    """An element as messages name it: ``<tag>``, and in Chinese with its field's name."""
    if not name:
        return "the document", "文档"
    name_zh = field_name_zh(parts)
    return f"<{name}>", f"<{name}>（{name_zh}）" if name_zh else f"<{name}>"


def _child(parts: list[str | int], name: str) -> Messages:
    """A child element ``name`` of the element at ``parts``: a field, or an item of a list."""
    is_item = bool(parts) and ITEM_NAMES.get(str(parts[-1])) == name
    return _named([*parts, 0 if is_item else name], name)


def _expected(message: str, parts: list[str | int]) -> tuple[Messages, ...]:
    """The elements libxml2 expected ("Expected is one of ( a, b )"), as children of ``parts``."""
    listed = message.partition("Expected is")[2]
    inside = listed[listed.find("(") + 1 : listed.rfind(")")]
    return tuple(_child(parts, name) for name in _NAME.findall(inside))


def _listed(names: tuple[Messages, ...], one: Messages, many: Messages) -> Messages:
    """Expected elements after the words for ``one`` or ``many`` (English, Chinese)."""
    en, zh = many if len(names) > 1 else one
    return en + ", ".join(n[0] for n in names), zh + "、".join(n[1] for n in names)


def _value_messages(keyword: str, parts: list[str | int], text: str) -> Messages | None:
    """The JSON message for a value the XSD refused; the schemas agree on what is allowed."""
    schema = field_schema(parts)
    if schema is None:
        return None
    resolved = definition(dict(schema))[0]
    if keyword == "enum":
        return enum_messages(schema, text)
    if keyword == "pattern":
        return pattern_messages(schema, text)
    number = keyword in ("minimum", "maximum")  # the XSD reads numbers without spaces
    return keyword_messages(
        keyword, resolved.get(keyword), text.strip() if number else text, schema
    )


def _datatype_messages(parts: list[str | int], text: str) -> Messages | None:
    """The message for text that is not a number or a boolean where one is due."""
    schema = field_schema(parts)
    kind = definition(dict(schema))[0].get("type") if schema is not None else None
    if kind == "integer":
        return f"{shown(text)} is not a whole number", f"{shown(text)} 不是整数"
    if kind == "boolean":
        return (
            f"{shown(text)} is not 'true' or 'false'",
            f"{shown(text)} 不是布尔值，应为 'true' 或 'false'",
        )
    return None


def _union_messages(parts: list[str | int], text: str) -> Messages | None:
    """What each branch of the field's ``anyOf`` wants (a matter type: a slug, or two digits)."""
    schema = field_schema(parts)
    branches = [definition(dict(b))[0] for b in (schema or {}).get("anyOf", ())]
    said = [enum_messages(b, text) if "enum" in b else pattern_messages(b, text) for b in branches]
    if not said:
        return None
    return "; or ".join(en for en, _ in said), "；或".join(zh for _, zh in said)


def _content_messages(
    kind: str, message: str, here: Messages, parts: list[str | int]
) -> Messages | None:
    """Messages for an element in the wrong place, a missing one, or content of the wrong kind."""
    (en, zh), attribute = here, _ATTRIBUTE.search(message)
    if "Missing child element" in message:
        wanted = _listed(
            _expected(message, parts),
            (" lacks the element ", "缺少子元素 "),
            (" lacks one of the elements ", "缺少以下子元素之一："),
        )
        return en + wanted[0], zh + wanted[1]
    if "not expected" in message and "Expected is" in message:
        wanted = _listed(
            _expected(message, parts[:-1]),
            ("expected ", "应为 "),
            ("expected one of ", "应为以下之一："),
        )
        return f"{en} is not expected here; {wanted[0]}", f"此处不应出现 {zh}，{wanted[1]}"
    if "not expected" in message:
        return f"{en} is not expected here", f"此处不应出现 {zh}"
    if kind == "SCHEMAV_CVC_COMPLEX_TYPE_2_3":
        return f"{en} may hold only elements, not text", f"{zh}只能包含子元素，不能直接包含文本"
    if kind == "SCHEMAV_CVC_TYPE_3_1_2":
        return f"{en} holds a value, not elements", f"{zh}只能包含取值，不能包含子元素"
    if attribute and "not allowed" in message:
        name = attribute.group(1)
        return f"{en} takes no attribute {name!r}", f"{zh}不允许有属性 {name!r}"
    return None


def _xsd_messages(
    error: Any, message: str, element: etree._Element | None, parts: list[str | int]
) -> Messages:
    """English and Chinese for one libxml2 XSD error, naming the element and its value.

    An error not mapped here keeps libxml2's text in English and gets a Chinese message
    of its own, naming the element and libxml2's error type.
    """
    kind = str(error.type_name)
    here = _named(parts, etree.QName(element).localname if element is not None else "")
    text = (element.text or "") if element is not None else ""
    value = (
        _value_messages(_VALUE_ERRORS[kind], parts, text)
        if kind in _VALUE_ERRORS
        else _datatype_messages(parts, text)
        if kind == _DATATYPE
        else _union_messages(parts, text)
        if kind == _UNION
        else None
    )
    if value is not None:
        return f"{here[0]}: {value[0]}", f"{here[1]}：{value[1]}"
    return _content_messages(kind, message, here, parts) or (
        message,
        f"{here[1]}不符合 XSD（错误类型 {kind}）",
    )


def _xsd_problems(root: etree._Element, log: Iterable[Any]) -> Iterator[Problem]:
    """Our problems for libxml2's XSD errors: at the field's JSON Pointer, with the line."""
    seen: set[tuple[int, str]] = set()
    for error in itertools.islice(log, MAX_PROBLEMS):
        element = _element_at(root, error.path or "")
        message = error.message.replace(f"{{{NAMESPACE}}}", "")
        parts = _parts(root, element) if element is not None else []
        en, zh = _xsd_messages(error, message, element, parts)
        expected = _EXPECTED.search(message)
        if expected and "Missing child element" in message:
            # The missing field itself, as JSON reports it; a list without items is the list's.
            if not parts or ITEM_NAMES.get(str(parts[-1])) != expected.group(1):
                parts.append(expected.group(1))
        elif expected and "not expected" in message and parts:
            parts[-1] = expected.group(1)
        if error.type_name == _DATATYPE and (error.line, pointer(parts)) in seen:
            continue  # older libxml2 repeats a failed facet as a failed datatype
        seen.add((error.line, pointer(parts)))
        yield Problem(
            path=pointer(parts),
            rule="xsd.invalid",
            message=f"line {error.line}: {en}",
            message_zh=f"第 {error.line} 行：{zh}",
        )


def xsd_problems(root: etree._Element) -> tuple[Problem, ...]:
    """Every problem the XSD finds in a parsed guide (none when it is valid)."""
    xsd = _xsd()
    with _XSD_LOCK:  # the schema's error log is shared: one validation at a time
        try:
            if xsd.validate(root):
                return ()
        except etree.Error as error:
            return (
                Problem(
                    path="",
                    rule="xml.syntax",
                    message=f"cannot be validated: {error}",
                    message_zh="无法按 XSD 校验",
                ),
            )
        return tuple(_xsd_problems(root, cast(Iterable[Any], xsd.error_log)))
