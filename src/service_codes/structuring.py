"""From plain data to a guide record, whole or from its well-formed parts.

:func:`structure_guide` builds the record of data the schema accepts; codes, dates and
identifiers that do not parse are problems at their path. :func:`salvage` builds what it
can of data with faults: every part without a known problem is structured on its own (so
the codes of one field are checked even when another breaks the schema), and each faulty
top-level field is replaced by a neutral stand-in, so that the rules reading only
well-formed fields can still run (see ``rules.READS``).

>>> from service_codes.validation import schema_problems
>>> data = {"name": "食品经营许可", "visits": "twice", "effective_date": "2024-02-30"}
>>> salvaged = salvage(data, schema_problems(data))
>>> [(p.path, p.rule) for p in salvaged.problems]
[('/effective_date', 'value.invalid')]
>>> salvaged.guide.name, salvaged.guide.visits, "visits" in salvaged.faulty
('食品经营许可', 0, True)
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, Final, cast

import attrs
import cattrs

from service_codes import convert
from service_codes.errors import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from service_codes.model import Guide
from service_codes.problems import Problem, pointer

_CODE_RULES: Final[dict[type[InvalidCode], str]] = {
    InvalidLength: "code.length",
    InvalidFormat: "code.format",
    InvalidComponent: "code.component",
    InvalidChecksum: "code.checksum",
}
# What structuring raises for data it cannot build (cattrs groups them per field).
_FAULTS: Final = (cattrs.BaseValidationError, InvalidCode, ValueError, TypeError)


def structuring_problems(error: BaseException, path: tuple[str | int, ...]) -> Iterator[Problem]:
    """Walk cattrs' nested exception groups down to the failing fields."""
    if isinstance(error, cattrs.ClassValidationError):
        named, unnamed = error.group_exceptions()
        for sub, field in named:
            yield from structuring_problems(sub, (*path, field.name))
        for sub in unnamed:
            yield from structuring_problems(sub, path)
    elif isinstance(error, cattrs.IterableValidationError):
        indexed, unindexed = error.group_exceptions()
        for sub, item in indexed:
            yield from structuring_problems(sub, (*path, cast(int, item.index)))
        for sub in unindexed:
            yield from structuring_problems(sub, path)
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


def structure_guide(data: Any) -> tuple[Guide | None, tuple[Problem, ...]]:
    """The guide of data the schema accepts, or None and every structuring problem."""
    try:
        return convert.structure(data, Guide), ()
    except _FAULTS as error:
        return None, tuple(structuring_problems(error, ()))


def field_of(path: str) -> str:
    """The top-level field a JSON Pointer is in ('' for the root).

    >>> field_of("/materials/0/code"), field_of("/name"), field_of("")
    ('materials', 'name', '')
    """
    return path.split("/", 2)[1].replace("~1", "/").replace("~0", "~") if path else ""


@attrs.frozen
class Salvaged:
    """What :func:`salvage` could build of some data with faults."""

    guide: Guide | None  # None when no part is well-formed (not an object, absurd nesting)
    problems: tuple[Problem, ...]  # what does not structure in the well-formed parts
    faulty: frozenset[str]  # top-level fields that hold stand-ins, or are not fields at all


def salvage(data: object, known: Iterable[Problem]) -> Salvaged:
    """A guide of the well-formed parts of ``data``, given the problems already ``known``.

    The parts at and below a known problem's path are left alone; every other part is
    structured, and what does not structure is a problem too. The guide holds the data's
    values except in :attr:`Salvaged.faulty` fields, which have their default or a stand-in.
    """
    known = tuple(known)
    if not isinstance(data, dict) or any(p.path == "" for p in known):
        return Salvaged(None, (), frozenset())
    problems = tuple(_part_problems(data, Guide, (), {p.path for p in known}))
    faulty = frozenset(field_of(p.path) for p in (*known, *problems))
    kept = {key: value for key, value in data.items() if key not in faulty}
    kept.update((name, value) for name, value in _stand_ins().items() if name in faulty)
    guide, more = structure_guide(kept)  # every part of it structured on its own
    return Salvaged(guide, problems + more, faulty | {field_of(p.path) for p in more})


def _part_problems(
    value: object, declared: Any, parts: tuple[str | int, ...], bad: set[str]
) -> Iterator[Problem]:
    """Structuring problems of the parts of ``value`` that hold no ``bad`` path."""
    here = pointer(parts)
    if here in bad:  # the value itself is at fault: nothing in it to trust
        return
    if not any(path.startswith(here + "/") for path in bad):
        try:
            convert.structure(value, declared)
        except _FAULTS as error:
            yield from structuring_problems(error, parts)
        return
    declared = _unoptional(declared)
    if attrs.has(declared) and isinstance(value, dict):
        hints = _hints(declared)
        for key, item in value.items():
            if key in hints:
                yield from _part_problems(item, hints[key], (*parts, key), bad)
    elif typing.get_origin(declared) is tuple and isinstance(value, list):
        item_type = typing.get_args(declared)[0]
        for i, item in enumerate(value):
            yield from _part_problems(item, item_type, (*parts, i), bad)


def _unoptional(declared: Any) -> Any:
    """``X`` for ``X | None``; any other type as it is."""
    args = typing.get_args(declared)
    if type(None) in args and len(args) == 2:
        return next(arg for arg in args if arg is not type(None))
    return declared


@cache
def _hints(record_type: type) -> dict[str, Any]:
    return typing.get_type_hints(record_type)


@cache
def _stand_ins() -> dict[str, Any]:
    """Plain data for each required field of a guide: an empty text, zero, a first member."""
    return {
        field.name: _stand_in(_hints(Guide)[field.name])
        for field in attrs.fields(Guide)
        if field.default is attrs.NOTHING
    }


def _stand_in(declared: Any) -> Any:
    if attrs.has(declared):
        return {
            field.name: _stand_in(_hints(declared)[field.name])
            for field in attrs.fields(declared)
            if field.default is attrs.NOTHING
        }
    if typing.get_origin(declared) is tuple:
        return []
    if isinstance(declared, types.UnionType):  # a matter type: a member of its first kind
        return _stand_in(typing.get_args(declared)[0])
    if isinstance(declared, type) and issubclass(declared, enum.Enum):
        return next(iter(declared)).value
    return declared()  # str, int, bool


__all__ = ["Salvaged", "field_of", "salvage", "structure_guide", "structuring_problems"]
