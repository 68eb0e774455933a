"""Validation: the JSON Schema, then the rules a schema cannot say (``rules``), in one report.

Problems are data: each has a JSON Pointer ``path``, a stable ``rule`` id, an
English and a Chinese message and a ``severity``. ``validate`` collects them all
and never raises on bad content.

>>> report = validate({"name": "食品经营许可"})
>>> report.ok
False
>>> [p.path for p in report.problems if p.rule == "schema.required"][:3]
['/matter_type', '/level', '/agency']
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Final, cast

import cattrs
import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from service_codes import convert
from service_codes.errors import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidGuide,
    InvalidLength,
)
from service_codes.model import Guide
from service_codes.problems import Problem, Report, Severity, pointer
from service_codes.rules import rule_problems
from service_codes.schemas import guide_schema

# --- layer 1: the JSON Schema -------------------------------------------------------------

_JSON_TYPES_ZH: Final = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值",
    "array": "数组",
    "object": "对象",
    "null": "空值",
}


@cache
def _schema_validator() -> Draft202012Validator:
    schema = guide_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _schema_problem(error: ValidationError) -> Iterator[Problem]:
    """Our problems for one jsonschema error, with bilingual messages."""
    path = list(error.absolute_path)
    keyword, value = str(error.validator), cast(Any, error.validator_value)
    rule = f"schema.{keyword}"
    if keyword == "required":
        present = error.instance if isinstance(error.instance, Mapping) else {}
        for name in value:
            if name not in present:
                yield Problem(
                    path=pointer([*path, name]),
                    rule=rule,
                    message=f"the required field {name!r} is missing",
                    message_zh=f"缺少必填项 {name}",
                )
        return
    if keyword == "additionalProperties":
        known = cast(Mapping[str, Any], error.schema).get("properties", {})
        for name in cast(Mapping[str, Any], error.instance):
            if name not in known:
                yield Problem(
                    path=pointer([*path, name]),
                    rule=rule,
                    message=f"{name!r} is not a field of this element",
                    message_zh=f"{name} 不是该要素允许的字段",
                )
        return
    message, message_zh = _schema_messages(keyword, value, error)
    yield Problem(path=pointer(path), rule=rule, message=message, message_zh=message_zh)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _schema_messages(keyword: str, value: Any, error: ValidationError) -> tuple[str, str]:
    """English and Chinese message for one failed schema keyword."""
    match keyword:
        case "type":
            return f"must be of type {value}", f"类型应为{_JSON_TYPES_ZH.get(str(value), value)}"
        case "enum":
            options = ", ".join(map(str, value))
            return (
                f"{_shown(error.instance)} is not one of {options}",
                f"取值 {_shown(error.instance)} 无效，应为以下之一：{options}",
            )
        case "pattern":
            return (
                f"{_shown(error.instance)} does not have the required format",
                f"{_shown(error.instance)} 格式不正确",
            )
        case "minLength" if value == 1:
            return "must not be empty", "不能为空"
        case "minLength":
            return f"must have at least {value} characters", f"至少应有 {value} 个字符"
        case "maxLength":
            return f"must have at most {value} characters", f"不能超过 {value} 个字符"
        case "minimum":
            return f"must be at least {value}", f"不能小于 {value}"
        case "maximum":
            return f"must be at most {value}", f"不能大于 {value}"
        case "minItems":
            return f"must have at least {value} item(s)", f"至少应有 {value} 项"
        case "uniqueItems":
            return "must not repeat an item", "不能有重复项"
    return error.message, f"不符合规范：{error.message}"


@cache
def _fast_validator() -> Any:
    # The same schema file compiled by a native validator: it accepts a valid guide about
    # fifteen times as fast as jsonschema, which then only runs to explain a failure.
    return jsonschema_rs.validator_for(guide_schema())


def schema_problems(data: object) -> tuple[Problem, ...]:
    """Every problem the JSON Schema finds in plain data, each once."""
    try:
        if _fast_validator().is_valid(data):
            return ()
    except Exception:
        pass
    problems = _explained(data)
    return problems or _unencodable(data)


def _unencodable(data: object, path: tuple[str | int, ...] = ()) -> tuple[Problem, ...]:
    """Text that UTF-8 cannot encode (lone surrogates), which the native validator refuses."""
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return (
                Problem(
                    path=pointer(path),
                    rule="schema.encoding",
                    message="holds a lone surrogate, which UTF-8 cannot encode",
                    message_zh="含有无法用 UTF-8 编码的代理字符",
                ),
            )
        return ()
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found = _unencodable(value, (*path, key))
        if found:
            return found
    return ()


def _explained(data: object) -> tuple[Problem, ...]:
    """The full, path-exact report of jsonschema."""
    try:
        problems = [p for e in _schema_validator().iter_errors(data) for p in _schema_problem(e)]
    except RecursionError:
        return (
            Problem(
                path="",
                rule="schema.depth",
                message="the document is nested too deeply to be a guide",
                message_zh="文档嵌套层次过深，不是办事指南",
            ),
        )
    return tuple(dict.fromkeys(problems))


# --- from plain data to a record -----------------------------------------------------------

_CODE_RULES: Final[dict[type[InvalidCode], str]] = {
    InvalidLength: "code.length",
    InvalidFormat: "code.format",
    InvalidComponent: "code.component",
    InvalidChecksum: "code.checksum",
}


def _structuring_problems(error: BaseException, path: tuple[str | int, ...]) -> Iterator[Problem]:
    """Walk cattrs' nested exception groups down to the failing fields."""
    if isinstance(error, cattrs.ClassValidationError):
        named, unnamed = error.group_exceptions()
        for sub, field in named:
            yield from _structuring_problems(sub, (*path, field.name))
        for sub in unnamed:
            yield from _structuring_problems(sub, path)
    elif isinstance(error, cattrs.IterableValidationError):
        indexed, unindexed = error.group_exceptions()
        for sub, item in indexed:
            yield from _structuring_problems(sub, (*path, cast(int, item.index)))
        for sub in unindexed:
            yield from _structuring_problems(sub, path)
    elif isinstance(error, InvalidCode):
        yield Problem(
            path=pointer(path),
            rule=_CODE_RULES.get(type(error), "code.invalid"),
            message=error.message,
            message_zh=error.message_zh,
        )
    else:
        yield Problem(
            path=pointer(path),
            rule="value.invalid",
            message=f"invalid value: {error}",
            message_zh=f"取值无效：{error}",
        )


def _structure(data: Any) -> tuple[Guide | None, tuple[Problem, ...]]:
    try:
        return convert.structure(data, Guide), ()
    except (cattrs.BaseValidationError, InvalidCode, ValueError, TypeError) as error:
        return None, tuple(_structuring_problems(error, ()))


def guide_from_data(data: object) -> Guide:
    """Check plain data against the schema and build the guide.

    Raises :class:`InvalidGuide` with every problem when the data is not a guide;
    the content rules are left to :func:`validate`.
    """
    problems = schema_problems(data)
    if problems:
        raise InvalidGuide(problems)
    guide, problems = _structure(data)
    if guide is None:
        raise InvalidGuide(problems)
    return guide


def validate(guide: Guide | object) -> Report:
    """Validate a guide record or its plain data; one report from both layers.

    Never raises on bad content: whatever is wrong ends up in the report.
    """
    data: object
    if isinstance(guide, Guide):
        try:
            data = convert.guide_to_data(guide)
        except Exception:  # a record built in code with a value of the wrong type
            return Report(_mistyped_fields(guide))
    else:
        data = guide
    problems = schema_problems(data)
    if problems:
        return Report(problems)
    record, problems = (guide, ()) if isinstance(guide, Guide) else _structure(data)
    if record is None:
        return Report(problems)
    try:
        return Report(rule_problems(record))
    except (AttributeError, TypeError, ValueError):
        # The record holds values its data stands for but not of its declared types (a code
        # as text, say): judge the guide that data describes.
        record, problems = _structure(data)
        return Report(problems if record is None else rule_problems(record))


@cache
def _guide_types() -> dict[str, Any]:
    return typing.get_type_hints(Guide)


def _mistyped_fields(guide: Guide) -> tuple[Problem, ...]:
    """A problem for each field of a record whose value is not of the declared type."""
    problems = []
    for name, declared in _guide_types().items():
        try:
            convert.converter.unstructure(getattr(guide, name), unstructure_as=declared)
        except Exception as error:
            problems.append(
                Problem(
                    path=f"/{name}",
                    rule="record.type",
                    message=f"holds a value of the wrong type ({type(error).__name__}: {error})",
                    message_zh=f"取值类型错误（{type(error).__name__}：{error}）",
                )
            )
    return tuple(problems) or (
        Problem(
            path="",
            rule="record.type",
            message="the record holds a value of the wrong type",
            message_zh="记录中有类型错误的取值",
        ),
    )


__all__ = [
    "Problem",
    "Report",
    "Severity",
    "guide_from_data",
    "pointer",
    "schema_problems",
    "validate",
]
