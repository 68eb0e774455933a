"""Coding guides as plain data: what the registry needs of a guide, and its answer.

A build's worker processes make the requests and fill in the answers; only these
small tuples cross between processes.
"""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter
from typing import Final, NamedTuple, TypeVar

import attrs

from service_codes.codelists import Level
from service_codes.codes import CatalogCode, HandlingItemCode, ImplementationCode, MaterialCode
from service_codes.model import Guide, HandlingItem, Material


class MatterRequest(NamedTuple):
    """What the registry needs of a matter to give it a catalog code."""

    origin: str
    matter_type: str  # the type's value: a slug, or an extension type's two digits
    name: str
    sub_name: str | None
    catalog: str | None  # the code the guide already carries


class CodeRequest(NamedTuple):
    """What the registry needs of a guide to code it: plain data, cheap to send to a process."""

    matter: MatterRequest
    uscc: str
    level: Level
    implementation: str | None
    handling_items: tuple[tuple[str, str | None], ...]  # (name, carried code)
    materials: tuple[tuple[str, str | None], ...]


class GuideCodes(NamedTuple):
    """The registry's answer to a :class:`CodeRequest`: the catalog code and part numbers."""

    catalog: str
    handling_items: tuple[int, ...]
    materials: tuple[int, ...]


def code_request(guide: Guide) -> CodeRequest:
    """The request to code ``guide``."""
    return CodeRequest(
        MatterRequest(
            guide.origin,
            guide.matter_type.value,
            guide.name,
            guide.sub_name,
            str(guide.catalog_code) if guide.catalog_code else None,
        ),
        guide.agency.uscc,
        guide.level,
        str(guide.implementation_code) if guide.implementation_code else None,
        tuple((i.name, str(i.code) if i.code else None) for i in guide.handling_items),
        tuple((m.name, str(m.code) if m.code else None) for m in guide.materials),
    )


@lru_cache(maxsize=65536)
def catalog_code(text: str) -> CatalogCode:
    """Catalog codes recur in every implementation of a matter: parse each once."""
    return CatalogCode.parse(text)


def with_codes(guide: Guide, codes: GuideCodes) -> Guide:
    """``guide`` with the codes the registry answered filled in."""
    implementation = ImplementationCode(guide.agency.uscc, guide.level, catalog_code(codes.catalog))
    return attrs.evolve(
        guide,
        catalog_code=implementation.catalog,
        implementation_code=implementation,
        handling_items=tuple(
            _with_code(item, HandlingItemCode(implementation, seq))
            for item, seq in zip(guide.handling_items, codes.handling_items, strict=True)
        ),
        materials=tuple(
            _with_code(m, MaterialCode(implementation, seq))
            for m, seq in zip(guide.materials, codes.materials, strict=True)
        ),
    )


_Part = TypeVar("_Part", HandlingItem, Material)


def _with_code(part: _Part, code: object) -> _Part:
    """``attrs.evolve(part, code=code)`` for a material or handling item, in a third of the time.

    A build fills in the code of every material of every guide.
    """
    aliases, values_of = _FIELDS[type(part)]
    values = dict(zip(aliases, values_of(part), strict=True))
    values["code"] = code
    return type(part)(**values)


# The arguments of __init__ of each kind of part, and a getter of their values, made once.
_FIELDS: Final = {
    cls: (
        tuple(f.alias for f in attrs.fields(cls)),
        attrgetter(*(f.name for f in attrs.fields(cls))),
    )
    for cls in (HandlingItem, Material)
}
