"""Validation: the JSON Schema, then the rules a schema cannot say (``rules``), in one report.

Problems are data: each has a JSON Pointer ``path``, a stable ``rule`` id, an
English and a Chinese message and a ``severity``. ``validate`` collects them all
and never raises on bad content.

A fault never hides the problems of other fields: the well-formed parts of a guide are
still structured, and the rules that read only well-formed fields still run
(``structuring.salvage``, ``rules.READS``), so one report holds every problem.

>>> report = validate({"name": "食品经营许可"})
>>> report.ok
False
>>> [p.path for p in report.problems if p.rule == "schema.required"][:3]
['/matter_type', '/level', '/agency']
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from functools import cache
from typing import Any

import attrs
import jsonschema_rs
from jsonschema import Draft202012Validator

from service_codes import convert
from service_codes.errors import InvalidGuide
from service_codes.matter_types import STANDARD, MatterTypes
from service_codes.model import Guide
from service_codes.problems import Problem, Report, Severity, pointer
from service_codes.rules import rule_problems
from service_codes.schema_messages import schema_problem as _schema_problem
from service_codes.schemas import guide_schema
from service_codes.structuring import field_of, salvage, structure_guide

# --- layer 1: the JSON Schema -------------------------------------------------------------


@cache
def _schema_validator() -> Draft202012Validator:
    schema = guide_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


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
    return _explained(data) + tuple(_unencodable(data))


def _unencodable(data: object) -> Iterator[Problem]:
    """Text that UTF-8 cannot encode (lone surrogates), which the native validator refuses.

    A walk with its own stack: data nested too deeply for the schema is walked all the same.
    """
    stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                yield Problem(
                    path=pointer(path),
                    rule="schema.encoding",
                    message="holds a lone surrogate, which UTF-8 cannot encode",
                    message_zh="含有无法用 UTF-8 编码的代理字符",
                )
        elif isinstance(value, dict | list):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend(((*path, key), item) for key, item in reversed(list(items)))


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


# --- one report from both layers -------------------------------------------------------


def guide_from_data(data: object) -> Guide:
    """Check plain data against the schema and build the guide.

    Raises :class:`InvalidGuide` with every problem when the data is not a guide: those of
    the schema and, in the parts the schema accepts, the codes and dates that do not parse.
    The content rules are left to :func:`validate`.
    """
    guide, problems = _read(data)
    if guide is None:
        raise InvalidGuide(problems + salvage(data, problems).problems)
    return guide


def validate(guide: Guide | object, types: MatterTypes = STANDARD) -> Report:
    """Validate a guide record or its plain data; one report from both layers.

    ``types`` are the matter types the guide's catalogue declares beyond the standard's
    (see :func:`~service_codes.matter_types.read_matter_types`).

    Never raises on bad content: whatever is wrong ends up in the report, all of it at
    once. When some fields are faulty, the rules that read only the others still run.
    """
    if isinstance(guide, Guide):
        return _validate_record(guide, types)
    return check_data(guide, types=types)[1]


def check_data(
    data: object, known: tuple[Problem, ...] = (), types: MatterTypes = STANDARD
) -> tuple[Guide | None, Report]:
    """The guide plain data describes (None unless it reads) and the report of every problem.

    ``known`` are problems another layer found in the same document (an XML guide's XSD
    errors): they come first, their fields are not judged again, and the guide does not read.
    """
    if known:
        seen = {field_of(p.path) for p in known}
        more = tuple(p for p in schema_problems(data) if field_of(p.path) not in seen)
        return None, _salvaged_report(data, known + more, types)
    guide, problems = _read(data)
    if guide is None:
        return None, _salvaged_report(data, problems, types)
    return guide, Report(rule_problems(guide, types=types))


def _read(data: object) -> tuple[Guide | None, tuple[Problem, ...]]:
    problems = schema_problems(data)
    return (None, problems) if problems else structure_guide(data)


def _salvaged_report(data: object, known: tuple[Problem, ...], types: MatterTypes) -> Report:
    """The known problems, those of structuring the well-formed parts, and the rules' on them."""
    salvaged = salvage(data, known)
    found = known + salvaged.problems
    if salvaged.guide is None:
        return Report(found)
    faulty = salvaged.faulty
    judged = rule_problems(salvaged.guide, skip=faulty, types=types)
    # A rule reads what it declares, so none reports on a stand-in; this makes sure of it.
    return Report(found + tuple(p for p in judged if field_of(p.path) not in faulty))


def _validate_record(guide: Guide, types: MatterTypes) -> Report:
    data, mistyped = _record_data(guide)
    if mistyped:  # the fields left out of the data are reported as mistyped, not as missing
        wrong = {field_of(p.path) for p in mistyped}
        known = tuple(p for p in schema_problems(data) if field_of(p.path) not in wrong)
        return _salvaged_report(data, mistyped + known, types)
    problems = schema_problems(data)
    if problems:
        return _salvaged_report(data, problems, types)
    try:
        return Report(rule_problems(guide, types=types))
    except (AttributeError, TypeError, ValueError):
        # The record holds values its data stands for but not of its declared types (a code
        # as text, say): judge the guide that data describes.
        return check_data(data, types=types)[1]


@cache
def _guide_fields() -> tuple[tuple[attrs.Attribute[Any], Any], ...]:
    types = typing.get_type_hints(Guide)
    return tuple((field, types[field.name]) for field in attrs.fields(Guide))


def _record_data(guide: Guide) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The plain data of a record, and a problem for each field it had to leave out because
    its value is not of the declared type."""
    try:
        return convert.guide_to_data(guide), ()
    except Exception:  # a record built in code with a value of the wrong type
        pass
    data, problems = {}, []
    for field, declared in _guide_fields():
        value = getattr(guide, field.name)
        try:
            plain = convert.converter.unstructure(value, unstructure_as=declared)
        except Exception as error:
            problems.append(
                Problem(
                    path=f"/{field.name}",
                    rule="record.type",
                    message=f"holds a value of the wrong type ({type(error).__name__}: {error})",
                    message_zh=f"取值类型错误（{type(error).__name__}：{error}）",
                )
            )
            continue
        if field.default is attrs.NOTHING or value != field.default:  # as guide_to_data does
            data[field.name] = plain
    return data, tuple(problems) or (
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
    "check_data",
    "guide_from_data",
    "pointer",
    "schema_problems",
    "validate",
]
