"""A code's life after its issue: renamed, retired, reinstated, merged or split.

Each change is planned into a :class:`~service_codes.numbering.Batch` from the
index alone; the registry appends the batch to its ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service_codes.errors import RegistryError
from service_codes.index import CATALOG, Identity, Index, part_identity
from service_codes.numbering import Batch, display, next_code, visible


def identity_of(index: Index, code: str) -> Identity:
    """The latest identity of an issued code."""
    if not index.code_of.is_issued(code):
        hint = " (implementation codes are composed, not issued)" if len(code) == 31 else ""
        raise RegistryError(f"code {code} is not in the registry{hint}", f"登记簿中没有编码 {code}")
    # Identities come in ledger order: the last is the latest name.
    return index.code_of.identities_of(code)[-1]


def _require_active(index: Index, code: str) -> Identity:
    identity = identity_of(index, code)
    if code in index.retired:
        raise RegistryError(f"code {code} is {index.retired[code]}", f"编码 {code} 已注销")
    return identity


def rename(batch: Batch, code: str, name: str, sub_name: str | None, reason: str) -> None:
    """Give ``code`` a new name; the old name stays an alias (see ``Registry.rename``)."""
    index = batch.index
    identity = _require_active(index, code)
    if identity[0] != CATALOG:
        renamed = {code: part_identity(identity[0], identity[1], name)}
    else:
        new_main = visible(name)
        latest: dict[str, Identity] = {}
        for i, c in index.code_of.other.items():  # where matters are kept
            if len(c) == len(code) and c[:9] == code[:9] and c not in index.retired:
                latest[c] = i  # same origin, type and main item; the last name counts
        renamed = {c: (CATALOG, i[1], i[2], new_main, i[4]) for c, i in latest.items()}
        sub = identity[4] if sub_name is None else visible(sub_name)
        renamed[code] = (CATALOG, identity[1], identity[2], new_main, sub)
    for target, new in sorted(renamed.items()):
        holder = index.code_of.get(new)
        if holder is not None and holder != target:
            raise RegistryError(
                f"the name is already used by code {holder}", f"该名称已由编码 {holder} 使用"
            )
        if holder is None:
            names = display(name, sub_name if target == code else new[-1] or None)
            batch.record({"event": "alias", "code": target, "identity": list(new), **names}, reason)


def retire(batch: Batch, code: str, reason: str) -> None:
    _require_active(batch.index, code)
    batch.record({"event": "retire", "code": code}, reason)


def reinstate(batch: Batch, code: str, reason: str) -> None:
    identity_of(batch.index, code)
    if code not in batch.index.retired:
        raise RegistryError(f"code {code} is not retired", f"编码 {code} 未被注销")
    batch.record({"event": "reinstate", "code": code}, reason)


def merge(batch: Batch, kept: str, merged: Sequence[str], reason: str) -> None:
    _require_active(batch.index, kept)
    if not merged or len(set(merged)) != len(merged) or kept in merged:
        raise RegistryError("merge needs distinct other codes", "合并需要不同的其他编码")
    for other in merged:
        _require_active(batch.index, other)
    batch.record({"event": "merge", "code": kept, "merged": list(merged)}, reason)


def split(batch: Batch, code: str, names: Sequence[str], reason: str) -> list[str]:
    """Split ``code`` into new codes named ``names``; returns them."""
    index = batch.index
    identity = _require_active(index, code)
    if not names:
        raise RegistryError("split needs new names", "拆分需要新的名称")
    wanted = sorted({(*identity[:-1], visible(n)): n for n in names}.items())
    into: list[dict[str, Any]] = []
    for planned, (new, shown) in enumerate(wanted):
        if new in index.code_of:
            raise RegistryError(f"{shown!r} already has a code", f"{shown!r} 已有编码")
        new_code = next_code(index, new, skip=planned)  # all share one main item or parent
        into.append({"code": new_code, "identity": list(new), "name": shown})
    batch.record({"event": "split", "code": code, "into": into}, reason)
    return [str(part["code"]) for part in into]
