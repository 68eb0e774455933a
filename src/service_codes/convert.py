"""The one cattrs converter: records <-> plain data (dicts, lists, str, int, bool).

Codes become their canonical text, dates ISO ``YYYY-MM-DD``, enums their slug.
Fields equal to their default are left out, so the plain form of a guide is
canonical: equal guides give equal data, and reading it back gives the guide.

>>> from service_codes.model import TimeLimit, TimeUnit
>>> unstructure(TimeLimit(value=5, unit=TimeUnit.WORKING_DAY))
{'value': 5, 'unit': 'working_day'}
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from operator import attrgetter
from typing import Any, Final, TypeVar

import cattrs

from service_codes.codes import CatalogCode, HandlingItemCode, ImplementationCode, MaterialCode
from service_codes.matter_types import AnyMatterType, ExtensionType, from_value
from service_codes.model import Guide

T = TypeVar("T")

# Unknown keys are the schema's to refuse (additionalProperties is false everywhere), and
# data is always checked against it before it is structured: no second check here.
converter: Final = cattrs.Converter(omit_if_default=True)

for _code_type in (CatalogCode, ImplementationCode, HandlingItemCode, MaterialCode):
    converter.register_unstructure_hook(_code_type, str)
    converter.register_structure_hook(_code_type, lambda text, cls: cls.parse(text))


def _structure_date(text: Any, _: type) -> dt.date:
    # The schema fixes the YYYY-MM-DD shape; this rejects impossible dates like 2024-02-30.
    return dt.date.fromisoformat(text)


# The code-list enums are StrEnums, which cattrs would pass through as str subclasses; and
# a look-up by value is several times quicker than calling the enum.
converter.register_unstructure_hook(enum.StrEnum, lambda member: member.value)
# A matter type is a slug, or the two digits of a type the standard's list does not name.
converter.register_unstructure_hook(ExtensionType, attrgetter("code"))
converter.register_unstructure_hook(AnyMatterType, attrgetter("value"))  # a bare str: refused
converter.register_structure_hook(AnyMatterType, lambda value, _: from_value(value))
converter.register_structure_hook(
    enum.StrEnum, lambda value, enum_type: enum_type._value2member_map_[value]
)


def _optional(optional_type: Any, converter_: cattrs.Converter) -> Any:
    """Structure ``X | None`` with X's own hook, found once rather than on every call."""
    inner = next(t for t in typing.get_args(optional_type) if t is not type(None))
    if inner is str:  # text is text: nothing to build
        return lambda value, _: value
    structure_inner = converter_.get_structure_hook(inner)
    return lambda value, _: None if value is None else structure_inner(value, inner)


converter.register_structure_hook_factory(
    lambda t: type(None) in typing.get_args(t) and len(typing.get_args(t)) == 2, _optional
)


def _whole(number: float) -> float | int:
    # An int is a float to a type checker: a record built in code may hold one.
    return number if isinstance(number, int) else int(number) if number.is_integer() else number


# A whole amount is written as an integer (5000, not 5000.0); it reads back as the same float.
converter.register_unstructure_hook(float, _whole)
converter.register_structure_hook(float, lambda value, _: float(value))
converter.register_unstructure_hook(dt.date, dt.date.isoformat)
converter.register_structure_hook(dt.date, _structure_date)


def unstructure(record: object) -> Any:
    """The plain-data form of a record (a guide, a material, a code, ...)."""
    return converter.unstructure(record)


def structure(data: Any, cls: type[T]) -> T:
    """Build a record of type ``cls`` from plain data; raises cattrs errors on mismatch."""
    return converter.structure(data, cls)


def guide_to_data(guide: Guide) -> dict[str, Any]:
    """The canonical plain-data form of a guide."""
    data: dict[str, Any] = converter.unstructure(guide, Guide)
    return data
