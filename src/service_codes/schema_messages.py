"""What a JSON Schema failure means, in English and in Chinese, and what was expected.

Every ``pattern`` of ``schemas/guide.schema.json`` carries a ``patternErrorMessage``
written "中文 / English", as the titles are (editors such as VS Code show it too), so a
problem says which format a value must have. Where the value looks like a known slip
(a code whose leading zeros a spreadsheet dropped, a lower-case USCC, a date written
2024/03/01 or kept as a spreadsheet serial number), the message also says what to write.
Enum problems list the allowed values under their Chinese names in ``message_zh``.

>>> from service_codes.schemas import guide_schema
>>> en, zh = pattern_messages(guide_schema()["$defs"]["date"], "2024/3/1")
>>> print(en.replace("; ", ";\\n"))
'2024/3/1' does not have the required format: a date is written YYYY-MM-DD, such as 2024-03-01;
a date is written with hyphens and two-digit months and days: write '2024-03-01'
>>> print(zh.replace("：", "：\\n").replace("；", "；\\n"))
'2024/3/1' 格式不正确：
日期应写作 YYYY-MM-DD，例如 2024-03-01；
日期应以短横线分隔，月和日各写两位，请改为 '2024-03-01'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, cast

from jsonschema.exceptions import ValidationError

from service_codes.problems import Problem, pointer
from service_codes.schemas import (
    Schema,
    bilingual,
    definition,
    field_name_zh,
    field_schema,
    title_zh,
)
from service_codes.slips import diagnosis, repair

Messages = tuple[str, str]  # English, Chinese
_EXAMPLE: Final = re.compile(r"such as '?([^'\s]+)'?$")  # a word's example is quoted

_JSON_TYPES_ZH: Final = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值",
    "array": "数组",
    "object": "对象",
    "null": "空值",
}
_JSON_TYPE_OF: Final[dict[type, str]] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def shown(value: object) -> str:
    """A value as a message quotes it: its repr, cut short (text stays quoted).

    >>> shown("2024/03/01"), shown("大" * 50)[-4:]
    ("'2024/03/01'", "大大…'")
    """
    if isinstance(value, str) and len(value) > 36:
        return repr(value[:30] + "…")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- patterns: what the format is, and what a slip should have been ------------------------


def _format_of(schema: Schema) -> tuple[str, Messages]:
    """The pattern a schema sets (following its ``$ref``) and its description."""
    resolved = definition(dict(schema))[0]
    pattern = str(resolved.get("pattern", ""))
    described = resolved.get("patternErrorMessage")
    if not isinstance(described, str):
        return pattern, ("it must match the pattern of its field", "不符合该字段要求的格式")
    return pattern, bilingual(described)


def _hint(value: str, pattern: str, example: str | None) -> Messages | None:
    fixed = repair(value, pattern)
    if fixed is not None:
        text, why, why_zh = fixed
        return f"{why}: write {text!r}", f"{why_zh}，请改为 {text!r}"
    return diagnosis(value, pattern, example)


def pattern_messages(schema: Schema, value: str) -> Messages:
    """Messages for ``value`` failing the pattern of ``schema``: the format, and a hint."""
    pattern, (format_en, format_zh) = _format_of(schema)
    example = _EXAMPLE.search(format_en)
    en = f"{shown(value)} does not have the required format: {format_en}"
    zh = f"{shown(value)} 格式不正确：{format_zh}"
    hint = _hint(value, pattern, example.group(1) if example else None)
    return (f"{en}; {hint[0]}", f"{zh}；{hint[1]}") if hint else (en, zh)


def type_messages(schema: Schema, expected: object, instance: object) -> Messages:
    """Messages for a value of the wrong JSON type, such as a code kept as a number."""
    wanted = expected if isinstance(expected, list) else [expected]
    actual = _JSON_TYPE_OF.get(type(instance), type(instance).__name__)
    en = f"must be of type {' or '.join(map(str, wanted))}, not {actual}"
    wanted_zh = "或".join(_JSON_TYPES_ZH.get(str(w), str(w)) for w in wanted)
    zh = f"类型应为{wanted_zh}，而不是{_JSON_TYPES_ZH.get(actual, actual)}"
    pattern = _format_of(schema)[0]
    if pattern and "string" in wanted and type(instance) is int:
        fixed = repair(str(instance), pattern)
        if fixed is not None:
            text, why, why_zh = fixed
            return (
                f"{en}; write it as text, {text!r} ({why})",
                f"{zh}；请改为文本 {text!r}（{why_zh}）",
            )
    return en, zh


def _suggested_member(values: Sequence[str], labels: Sequence[str], instance: object) -> str | None:
    """The enum value a slip stands for: its Chinese name, or its value in other case."""
    if not isinstance(instance, str):
        return None
    text = instance.strip()
    by_label = dict(zip(labels, values, strict=True))
    slug = text.lower().replace(" ", "_").replace("-", "_")
    return by_label.get(text) or (slug if slug in values and slug != instance else None)


def enum_messages(schema: Schema, instance: object) -> Messages:
    """Messages for a value outside an enum; Chinese lists each value with its Chinese name.

    The value a file holds is the English slug, so the Chinese message names it too.

    >>> from service_codes.schemas import guide_schema
    >>> en, zh = enum_messages(guide_schema()["$defs"]["TimeUnit"], "工作日")
    >>> print(en)
    '工作日' is not one of working_day, calendar_day; '工作日' is written 'working_day'
    >>> print(zh.replace("：", "：\\n").replace("；", "；\\n"))
    取值 '工作日' 无效，应为以下之一：
    工作日（working_day）、自然日（calendar_day）；
    '工作日' 应写作 'working_day'
    """
    resolved = definition(dict(schema))[0]
    values = [str(v) for v in resolved["enum"]]
    labels = [str(v) for v in resolved.get("enumDescriptions", values)]
    en = f"{shown(instance)} is not one of {', '.join(values)}"
    choices = "、".join(
        value if label == value else f"{label}（{value}）"
        for value, label in zip(values, labels, strict=True)
    )
    zh = f"取值 {shown(instance)} 无效，应为以下之一：{choices}"
    member = _suggested_member(values, labels, instance)
    if member is None:
        return en, zh
    return (
        f"{en}; {shown(instance)} is written {member!r}",
        f"{zh}；{shown(instance)} 应写作 {member!r}",
    )


# --- one jsonschema error, one or more problems ---------------------------------------------


def keyword_messages(keyword: str, value: Any, instance: Any, schema: Schema) -> Messages:
    """English and Chinese message for one failed schema keyword other than required ones."""
    match keyword:
        case "type":
            return type_messages(schema, value, instance)
        case "enum":
            return enum_messages(schema, instance)
        case "pattern" if isinstance(instance, str):
            return pattern_messages(schema, instance)
        case "minLength" if value == 1:
            return "must not be empty", "不能为空"
        case "minLength":
            return f"must have at least {value} characters", f"至少应有 {value} 个字符"
        case "maxLength":
            return (
                f"must have at most {value} characters, not {len(instance)}",
                f"不能超过 {value} 个字符（实有 {len(instance)} 个）",
            )
        case "minimum":
            return (
                f"must be at least {value}, not {instance}",
                f"不能小于 {value}（实为 {instance}）",
            )
        case "maximum":
            return (
                f"must be at most {value}, not {instance}",
                f"不能大于 {value}（实为 {instance}）",
            )
        case "minItems":
            return f"must have at least {value} item(s)", f"至少应有 {value} 项"
        case "uniqueItems":
            return _repeated(instance)
    return (
        f"breaks the schema's {keyword!r} constraint",
        f"不符合办事指南 JSON 模式的 {keyword!r} 约束",
    )


def _repeated(instance: object) -> Messages:
    seen: list[object] = []
    for item in instance if isinstance(instance, list) else []:
        if item in seen:  # a list, not a set: items may be unhashable
            return (
                f"must not repeat an item: {shown(item)} is listed twice",
                f"不能有重复项：{shown(item)} 重复",
            )
        seen.append(item)
    return "must not repeat an item", "不能有重复项"


def schema_problem(error: ValidationError) -> Iterator[Problem]:
    """Our problems for one jsonschema error, with bilingual messages.

    A ``required`` or ``additionalProperties`` error gives a problem per field, at that field.
    """
    path = list(error.absolute_path)
    keyword, value = str(error.validator), cast(Any, error.validator_value)
    schema = cast(Schema, error.schema)
    rule = f"schema.{keyword}"
    if keyword == "required":
        present = error.instance if isinstance(error.instance, Mapping) else {}
        properties = cast(Schema, schema.get("properties", {}))
        for name in value:
            if name not in present:
                where = pointer([*path, name])
                label = title_zh(properties.get(name, {}))
                named = f"“{label}”（{where}）" if label else f" {where}"
                yield Problem(
                    path=where,
                    rule=rule,
                    message=f"the required field {name!r} is missing",
                    message_zh=f"缺少必填项{named}",
                )
        return
    if keyword == "additionalProperties":
        known = cast(Schema, schema.get("properties", {}))
        owner = field_name_zh(path) or "该要素"  # the root's name is 办事指南
        for name in cast(Mapping[str, Any], error.instance):
            if name not in known:
                yield Problem(
                    path=pointer([*path, name]),
                    rule=rule,
                    message=f"{name!r} is not a field of this element",
                    message_zh=f"{name!r} 不是{owner}允许的字段",
                )
        return
    if keyword == "dependentRequired":  # a range's bound needs its unit: missing at the unit
        present = error.instance if isinstance(error.instance, Mapping) else {}
        properties = cast(Schema, schema.get("properties", {}))
        needed: dict[str, str] = {}  # each missing field, and the first field that needs it
        for given, names in value.items():
            for name in names if given in present else ():
                needed.setdefault(name, given)
        for name, because in needed.items():
            if name not in present:
                label = title_zh(properties.get(name, {})) or name
                yield Problem(
                    path=pointer([*path, name]),
                    rule="schema.required",
                    message=f"the field {name!r} is required when {because!r} is given",
                    message_zh=f"填写了 {because!r} 时，“{label}”（{name}）为必填项",
                )
        return
    if keyword == "anyOf":  # a matter type: a slug, or two free digits; say what each wants
        yield _any_of_problem(error, path)
        return
    message, message_zh = keyword_messages(keyword, value, error.instance, schema)
    yield Problem(path=pointer(path), rule=rule, message=message, message_zh=message_zh)


def _any_of_problem(error: ValidationError, path: list[str | int]) -> Problem:
    """One problem for a value no branch of an ``anyOf`` accepts, under the first's rule."""
    branches = [e for e in error.context or () if not e.relative_path]
    said = dict.fromkeys(
        keyword_messages(str(e.validator), e.validator_value, e.instance, cast(Schema, e.schema))
        for e in branches
    )
    rule = f"schema.{branches[0].validator}" if branches else "schema.anyOf"
    return Problem(
        path=pointer(path),
        rule=rule,
        message="; or ".join(en for en, _ in said) or "matches none of the allowed forms",
        message_zh="；或".join(zh for _, zh in said) or "不符合任何一种允许的形式",
    )


__all__ = [
    "Messages",
    "bilingual",
    "enum_messages",
    "field_name_zh",
    "field_schema",
    "keyword_messages",
    "pattern_messages",
    "repair",
    "schema_problem",
    "shown",
    "title_zh",
    "type_messages",
]
