"""Numbering: which events give the identities a write asks for their codes.

A pure planner over the index: given what is wanted, it records into a
:class:`Batch` the issue and alias events that code it, applying each to the
index as it goes so that the next number is known. New identities of one batch
are numbered in sorted order, so the codes do not depend on input order. The
registry appends the batch to its ledger, whichever backend that is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from service_codes.codes import ImplementationCode
from service_codes.errors import RegistryError
from service_codes.index import (
    CATALOG,
    HANDLING_ITEM,
    MATERIAL,
    SEQ_WIDTH,
    Identity,
    Index,
    apply_event,
    check_shape,
    matter_identity,
    part_identity,
)
from service_codes.ledger import Event
from service_codes.matter_types import from_value, slot
from service_codes.requests import CodeRequest, GuideCodes, MatterRequest, catalog_code
from service_codes.text import normalize_name

# The number spaces of the standard (STANDARDS.md §1).
_SEQ_MAX: Final = {HANDLING_ITEM: 99, MATERIAL: 999}
_MAIN_MAX: Final = 99999
_SUB_MAX: Final = 999

# What is wanted of one identity: (identity, the code the input carries or None, names).
Wanted = tuple[Identity, str | None, dict[str, str]]


class Batch:
    """The events one write will append, applied to the index as they are recorded."""

    def __init__(self, index: Index, date: str) -> None:
        self.index = index
        self.date = date
        self.events: list[Event] = []

    def record(self, event: Event, reason: str) -> None:
        event = {**event, "date": self.date, "reason": reason}
        apply_event(self.index, event, strict=False)
        self.events.append(event)

    def issue(self, identity: Identity, code: str, names: dict[str, str]) -> None:
        """Record an issue event: the hot path of assignment, so it skips apply_event."""
        if not identity[3 if identity[0] == CATALOG else 2]:
            raise RegistryError(
                f"{names['name']!r} has no visible characters", f"{names['name']!r} 没有可见字符"
            )
        self.index.code_of[identity] = code
        self.index.count(code, identity)
        self.events.append(
            {"event": "issue", "code": code, "identity": identity, **names}
            | {"date": self.date, "reason": "assign"}
        )


def resolve(index: Index, identity: Identity) -> str:
    """The code to use for a known identity: follow merges, refuse retired codes."""
    code = index.code_of[identity]
    while code in index.merged_into:
        code = index.merged_into[code]
    if code in index.retired:
        raise RegistryError(
            f"the code {code} of {identity[3] if identity[0] == CATALOG else identity[2]!r} "
            f"is out of use ({index.retired[code]}); reinstate it to use it again",
            f"编码 {code} 已注销（{index.retired[code]}），如需再用请先恢复",
        )
    return code


def next_code(index: Index, identity: Identity, skip: int = 0) -> str:
    """The next free code for a new identity (``skip`` more when several are planned)."""
    kind = identity[0]
    if kind == CATALOG:
        _, origin, type_slug, name, sub = identity
        main = index.main_of.get((origin, type_slug, name))
        if main is None:
            main = index.last_main.get((origin, type_slug), 0) + 1 + skip
            if main > _MAIN_MAX:
                raise RegistryError(
                    f"no main item number is left for origin {origin}, type {type_slug}",
                    f"来源 {origin}、类型 {type_slug} 的主项编号已用尽",
                )
        sub_no = 0
        if sub:
            sub_no = index.last_sub.get((origin, type_slug, main), 0) + 1 + skip
            if sub_no > _SUB_MAX:
                raise RegistryError(
                    f"no sub-item number is left under main item {main:05d}",
                    f"主项 {main:05d} 下的子项编号已用尽",
                )
        type_code = slot(from_value(type_slug))
        code = f"{origin}{type_code}{main:05d}{sub_no:03d}"
        if not sub and index.code_of.is_issued(code) and code not in index.retired:
            return code  # the main item under another name of the same matter: an alias
    else:
        parent = identity[1]
        seq = index.code_of.last_number(kind, parent) + 1 + skip
        if seq > _SEQ_MAX[kind]:
            raise RegistryError(
                f"no {kind} number is left under {parent}", f"{parent} 下的编号已用尽"
            )
        code = f"{parent}{seq:0{SEQ_WIDTH[kind]}d}"
    if code in index.retired:  # e.g. a main item asked for again after its split
        raise RegistryError(
            f"the code {code} this would get is out of use ({index.retired[code]})",
            f"对应的编码 {code} 已注销（{index.retired[code]}）",
        )
    if index.code_of.is_issued(code):
        raise RegistryError(
            f"code {code} is already taken by another identity", f"编码 {code} 已被占用"
        )
    return code


def issue_all(batch: Batch, wanted: Iterable[Wanted]) -> None:
    """Issue codes for the unknown identities among ``wanted`` in sorted order.

    A carried code is kept when it fits; one that contradicts the registry is an error.
    """
    index = batch.index
    new: dict[Identity, dict[str, str]] = {}
    for identity, carried, names in wanted:
        known = index.code_of.get(identity)
        if carried is not None:
            if known is not None and carried not in (known, resolve(index, identity)):
                raise RegistryError(
                    f"the input carries code {carried}, but the registry has {known} for it",
                    f"输入中的编码 {carried} 与登记簿中的 {known} 不符",
                )
            if known is None:
                if index.code_of.is_issued(carried):
                    raise RegistryError(
                        f"code {carried} belongs to another identity",
                        f"编码 {carried} 属于其他事项",
                    )
                _check_adoptable(index, carried, identity)
                batch.issue(identity, carried, names)
            continue
        if known is None and (identity not in new or _order(names) < _order(new[identity])):
            new[identity] = names  # the smallest display form wins, whatever the order
    for identity in sorted(new):
        if identity in index.code_of:  # another input may have carried its code
            continue
        code = next_code(index, identity)
        # Only a matter's main item can come back taken: by another name of the matter.
        if identity[0] == CATALOG and index.code_of.is_issued(code):
            event = {"event": "alias", "code": code, "identity": identity, **new[identity]}
            batch.record(event, "assign")
        else:
            batch.issue(identity, code, new[identity])


def _check_adoptable(index: Index, code: str, identity: Identity) -> None:
    """A code an input carries for a new identity must fit it and its siblings."""
    check_shape(code, identity)
    if identity[0] != CATALOG:
        return
    origin, type_slug, name = identity[1], identity[2], identity[3]
    main, carried_main = index.main_of.get((origin, type_slug, name)), int(code[4:9])
    if main is not None and main != carried_main:
        raise RegistryError(
            f"code {code} is not under main item {main:05d} of its matter",
            f"编码 {code} 不在其事项的主项 {main:05d} 之下",
        )
    if main is None and any(
        m == carried_main and key[:2] == (origin, type_slug) for key, m in index.main_of.items()
    ):
        raise RegistryError(
            f"the main item of code {code} belongs to another matter",
            f"编码 {code} 的主项属于其他事项",
        )


def visible(name: str) -> str:
    """The identity key of a name given to a lifecycle change; it must not fold to nothing."""
    key = normalize_name(name)
    if not key:
        raise RegistryError(f"{name!r} has no visible characters", f"{name!r} 没有可见字符")
    return key


def display(name: str, sub_name: str | None) -> dict[str, str]:
    """The display names an event records."""
    return {"name": name} | ({"sub_name": sub_name} if sub_name else {})


def _order(names: dict[str, str]) -> tuple[str, str]:
    return names["name"], names.get("sub_name", "")


# --- coding guides --------------------------------------------------------------------------


def code_matters(batch: Batch, matters: Iterable[MatterRequest]) -> None:
    """Give every matter its catalog code, new ones numbered in sorted order."""
    issue_all(batch, (_matter_wanted(m) for m in matters))


def code_guides(batch: Batch, requests: Sequence[CodeRequest]) -> list[GuideCodes]:
    """The codes of the guides ``requests`` describe, recording what is new into ``batch``."""
    matters = [_matter_wanted(r.matter) for r in requests]
    issue_all(batch, matters)
    catalogs = [resolve(batch.index, identity) for identity, _, _ in matters]
    implementations = [_implementation(r, c) for r, c in zip(requests, catalogs, strict=True)]
    for kind, field in ((HANDLING_ITEM, "handling_items"), (MATERIAL, "materials")):
        issue_all(
            batch,
            (
                (part_identity(kind, impl, name), carried, {"name": name})
                for r, impl in zip(requests, implementations, strict=True)
                for name, carried in getattr(r, field)
            ),
        )
    # Resolved before the batch is written: a retired part refuses the whole batch.
    return [
        _answer(batch.index, *args)
        for args in zip(requests, catalogs, implementations, strict=True)
    ]


def _implementation(request: CodeRequest, catalog: str) -> str:
    code = str(ImplementationCode(request.uscc, request.level, catalog_code(catalog)))
    if request.implementation is not None and request.implementation != code:
        raise RegistryError(
            f"the guide carries implementation code {request.implementation}, "
            f"but its agency, level and catalog code make {code}",
            f"办事指南中的实施编码 {request.implementation} 与由实施主体、"
            f"层级和基本编码组成的 {code} 不符",
        )
    return code


def _answer(index: Index, request: CodeRequest, catalog: str, implementation: str) -> GuideCodes:
    def seq_of(kind: str, name: str) -> int:
        return int(resolve(index, part_identity(kind, implementation, name))[31:])

    return GuideCodes(
        catalog,
        tuple(seq_of(HANDLING_ITEM, name) for name, _ in request.handling_items),
        tuple(seq_of(MATERIAL, name) for name, _ in request.materials),
    )


def _matter_wanted(matter: MatterRequest) -> Wanted:
    identity = matter_identity(matter.origin, matter.matter_type, matter.name, matter.sub_name)
    return identity, matter.catalog, display(matter.name, matter.sub_name)
