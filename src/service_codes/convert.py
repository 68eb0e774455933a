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
from collections.abc import Callable
from operator import attrgetter
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.fns import identity

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
converter.register_unstructure_hook(enum.StrEnum, attrgetter("_value_"))
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


# --- records to plain data, as cattrs' generated functions do, in fewer calls ----------------
# cattrs calls a hook for every enum, optional and sequence field, and compares an optional
# record with its default None through attrs' __ne__: most of a guide's unstructuring time.
# Each record type gets one function with those cases written inline. Its output, keys in
# the same order (required fields first, then the others, each in declaration order), is
# the output of cattrs' own generator: tests compare the two.


def _inline(declared: Any, value: str, hooks: dict[str, Callable[[Any], Any]]) -> str:
    """An expression for the plain data of ``value``, an expression of type ``declared``."""
    if declared in (str, int, bool):
        return value
    if isinstance(declared, type) and issubclass(declared, enum.StrEnum):
        return f"{value}._value_"
    args = typing.get_args(declared)
    if typing.get_origin(declared) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _inline(args[0], "item", hooks)
        if item == "item":
            return f"list({value})"
        if item.startswith("hook_") and item.endswith("(item)"):  # no comprehension frame
            return f"list(map({item.removesuffix('(item)')}, {value}))"
        return f"[{item} for item in {value}]"
    if type(None) in args and len(args) == 2:
        inner = next(arg for arg in args if arg is not type(None))
        return f"(None if {value} is None else {_inline(inner, value, hooks)})"
    hook = converter.get_unstructure_hook(declared)
    if hook is identity:
        return value
    name = f"hook_{len(hooks)}"
    hooks[name] = hook
    return f"{name}({value})"


_FACTORY: Final[type] = type(attrs.Factory(list))  # attrs' stubs type Factory as a function


def _record_unstructurer(record_type: type) -> Callable[[Any], dict[str, Any]]:
    fields = attrs.fields(record_type)
    if any(isinstance(f.default, _FACTORY) or not f.init for f in fields):  # not in guides
        return converter.gen_unstructure_attrs_fromdict(record_type)
    hints = typing.get_type_hints(record_type)
    hooks: dict[str, Any] = {}
    required, defaulted = [], []
    for field in fields:
        declared, access = hints[field.name], f"record.{field.name}"
        if field.default is attrs.NOTHING:
            required.append(f"{field.name!r}: {_inline(declared, access, hooks)}")
            continue
        if field.default is None:
            test = "value is not None"  # not an optional record's __ne__, a Python call
            others = [arg for arg in typing.get_args(declared) if arg is not type(None)]
            if len(others) == 1 and type(None) in typing.get_args(declared):
                declared = others[0]
        else:
            hooks[f"default_{field.name}"] = field.default
            test = f"value != default_{field.name}"
        defaulted.append(
            f"    value = {access}\n    if {test}:\n"
            f"        data[{field.name!r}] = {_inline(declared, 'value', hooks)}\n"
        )
    # Hooks and defaults are bound as arguments' defaults: local names, the quickest to load.
    source = (
        f"def unstructure(record, {', '.join(f'{name}={name}' for name in hooks)}):\n"
        f"    data = {{{', '.join(required)}}}\n{''.join(defaulted)}    return data\n"
    )
    namespace = dict(hooks)
    exec(compile(source, f"<unstructure {record_type.__qualname__}>", "exec"), namespace)
    function: Callable[[Any], dict[str, Any]] = namespace["unstructure"]
    return function


converter.register_unstructure_hook_factory(attrs.has, _record_unstructurer)


def unstructure(record: object) -> Any:
    """The plain-data form of a record (a guide, a material, a code, ...)."""
    return converter.unstructure(record)


def structure(data: Any, cls: type[T]) -> T:
    """Build a record of type ``cls`` from plain data; raises cattrs errors on mismatch."""
    return converter.structure(data, cls)


def guide_to_data(guide: Guide) -> dict[str, Any]:
    """The canonical plain-data form of a guide."""
    return _guide_to_data(guide)


_guide_to_data: Final[Callable[[Guide], dict[str, Any]]] = converter.get_unstructure_hook(Guide)
