"""The code registry: the same matter always gets the same code, and no code is issued twice.

Codes live in an append-only ledger (see ``ledger``). A matter's identity is
(origin, type, normalized name, normalized sub-item name); a handling item's and a
material's is (parent code, normalized name). The registry only decides sequence
numbers: new identities of one call are numbered in sorted order, so the result
does not depend on input order. Implementation codes are pure composition.

>>> import tempfile
>>> from service_codes import Matter, MatterType
>>> reg = Registry.open(tempfile.mkdtemp(), create=True)
>>> matter = Matter(origin="00", matter_type=MatterType.LICENSING, name="食品经营许可",
...                 sub_name=None, legal_basis=(), competent_department="市场监督管理局")
>>> reg.catalog_code_of(matter) is None
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

import attrs

from service_codes import codelists
from service_codes.codelists import Level, MatterType
from service_codes.codes import (
    CatalogCode,
    HandlingItemCode,
    ImplementationCode,
    MaterialCode,
)
from service_codes.errors import InvalidCode, RegistryCorrupt, RegistryError
from service_codes.index import (
    CATALOG,
    HANDLING_ITEM,
    MATERIAL,
    SEQ_WIDTH,
    Identity,
    Index,
    apply_event,
    check_event,
    check_shape,
    matter_identity,
    mentions,
    part_identity,
)
from service_codes.ledger import Event, Ledger, Repair, no_gc
from service_codes.model import Guide, HandlingItem, Material, Matter
from service_codes.text import normalize_name

# The number spaces of the standard (STANDARDS.md §1).
_SEQ_MAX: Final = {HANDLING_ITEM: 99, MATERIAL: 999}
_MAIN_MAX: Final = 99999
_SUB_MAX: Final = 999
# Re-reading this many events on open is worth saving a snapshot of the index.
_SNAPSHOT_AFTER: Final = 10_000


@attrs.frozen
class CodeInfo:
    """What the registry knows of one code: its identities, state and history."""

    code: str
    identities: tuple[Identity, ...]
    retired: str | None
    merged_into: str | None
    history: tuple[Event, ...]


class Registry:
    """The registry of codes over ``FOLDER/codes.jsonl``.

    Open it with :meth:`open`. Every method that issues or changes codes holds the
    ledger's file lock, re-reads what other writers appended, and returns only after
    its events are on disk. Look-ups answer from what was read at open or at the last
    write; :meth:`refresh` reads what other processes appended since.
    """

    def __init__(self, folder: Path, today: Callable[[], dt.date]) -> None:
        self.folder = folder
        self._today = today
        self._ledger = Ledger(folder)
        self._index = Index()
        self._date = ""  # of the batch being written
        self._unsaved = 0  # events read or written since the snapshot was saved or loaded

    @classmethod
    def open(
        cls,
        folder: str | Path,
        *,
        create: bool = False,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> Registry:
        """Open the registry in ``folder``; ``create=True`` makes a new one where none is.

        A missing registry is refused unless ``create`` is given, so that a mistyped
        folder never starts an empty ledger that would issue other codes for the same
        matters. Raises :class:`RegistryError` for a missing registry and
        :class:`RegistryCorrupt` when the ledger is damaged; a torn last line
        (``error.torn``) is cut off by :meth:`repair`.
        """
        registry = cls(Path(folder), today)
        if create:
            registry._ledger.create_if_absent()
        elif not registry._ledger.path.is_file():
            raise RegistryError(
                f"no code ledger in {folder}: check the folder, or create a new registry"
                " with Registry.open(folder, create=True)",
                f"{folder} 中没有编码登记簿：请核对目录，或用 Registry.open(folder, create=True)"
                " 新建登记簿",
            )
        with registry._ledger.lock:
            registry._load()
        return registry

    @classmethod
    def repair(cls, folder: str | Path) -> Repair:
        """Mend a torn last line: complete a whole one, cut off an unacknowledged one."""
        ledger = Ledger(Path(folder))
        with ledger.lock:
            return ledger.repair()

    def refresh(self) -> None:
        """Read what other processes appended since this registry last read the ledger."""
        with self._ledger.lock, no_gc():
            self._catch_up()

    @property
    def size(self) -> int:
        """The number of events in the ledger."""
        return self._ledger.lines

    @property
    def head(self) -> tuple[int, str]:
        """Where the ledger ends, as last read: its number of events and the last one's hash."""
        return self._ledger.lines, self._ledger.last_hash

    # --- reading -------------------------------------------------------------------------

    def save_snapshot(self) -> None:
        """Save the index beside the ledger, if enough events came since the last snapshot.

        Then the next :meth:`open` reads the snapshot instead of replaying those events:
        worth calling after issuing a large batch, as a build does.
        """
        if self._unsaved >= _SNAPSHOT_AFTER:
            with self._ledger.lock:
                self._ledger.save_snapshot(self._index.state())
            self._unsaved = 0

    def _load(self) -> None:
        with no_gc():
            state = self._ledger.load_snapshot()
            self._index = Index.from_state(state) if state else Index()
            self._unsaved = 0
            self._catch_up()
        self.save_snapshot()

    def _catch_up(self) -> int:
        """Apply what was appended since the last read; returns how many events."""
        first_line = number = self._ledger.lines + 1
        for number, event in enumerate(self._ledger.read_new(), start=first_line):
            try:
                apply_event(self._index, event, strict=False)
            except (RegistryError, LookupError, TypeError, ValueError) as error:
                raise RegistryCorrupt(
                    f"ledger line {number}: {error}", f"登记簿第 {number} 行：{error}", line=number
                ) from None
        replayed = self._ledger.lines + 1 - first_line
        self._unsaved += replayed
        return replayed

    def verify(self) -> None:
        """Check the whole ledger: hashes, chain, head, well-formed events, unique codes.

        Raises :class:`RegistryCorrupt` naming the first bad line.
        """
        index = Index()
        with self._ledger.lock:
            for number, event in enumerate(self._ledger.verified_events(), start=1):
                try:
                    check_event(event)
                    apply_event(index, event, strict=True)
                except (RegistryError, InvalidCode, LookupError, TypeError, ValueError) as error:
                    raise RegistryCorrupt(
                        f"ledger line {number}: {error}",
                        f"登记簿第 {number} 行：{error}",
                        line=number,
                    ) from None

    def events(self) -> list[Event]:
        """Every event in the ledger, oldest first (without the chain fields).

        Raises :class:`RegistryCorrupt` at the first line that fails its checks.
        """
        with self._ledger.lock:
            return list(self._ledger.verified_events())

    def catalog_code_of(self, matter: Matter) -> CatalogCode | None:
        """The code of a matter, following merges; None for a matter never seen.

        Raises :class:`RegistryError` when the matter's code is retired.
        """
        identity = matter_identity(matter.origin, matter.matter_type, matter.name, matter.sub_name)
        return _catalog_code(self._resolve(identity)) if identity in self._index.code_of else None

    def info(self, code: object) -> CodeInfo:
        """Identities, state and history of a code; RegistryError for an unknown code."""
        text = str(code)
        if not self._index.code_of.is_issued(text):
            raise RegistryError(f"code {text} is not in the registry", f"登记簿中没有编码 {text}")
        identities = tuple(self._index.code_of.identities_of(text))
        history = tuple(e for e in self.events() if mentions(e, text))
        return CodeInfo(
            text,
            identities,
            self._index.retired.get(text),
            self._index.merged_into.get(text),
            history,
        )

    def _resolve(self, identity: Identity) -> str:
        """The code to use for a known identity: follow merges, refuse retired codes."""
        code = self._index.code_of[identity]
        while code in self._index.merged_into:
            code = self._index.merged_into[code]
        if code in self._index.retired:
            raise RegistryError(
                f"the code {code} of {identity[3] if identity[0] == CATALOG else identity[2]!r} "
                f"is out of use ({self._index.retired[code]}); reinstate it to use it again",
                f"编码 {code} 已注销（{self._index.retired[code]}），如需再用请先恢复",
            )
        return code

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[list[Event]]:
        """Hold the lock, catch up, collect events and append them as one batch."""
        with self._ledger.lock, no_gc():
            self._catch_up()
            # Lines another writer wrote but never fsynced must not back what we acknowledge.
            self._ledger.make_durable()
            self._date = self._today().isoformat()
            batch: list[Event] = []
            try:
                yield batch
                if batch:
                    self._ledger.append(batch)
                    self._unsaved += len(batch)
            except BaseException:
                # The index may hold codes that never reached the disk: read it again.
                self._ledger = Ledger(self.folder)
                self._load()
                raise

    def _record(self, batch: list[Event], event: Event, reason: str) -> None:
        event = {**event, "date": self._date, "reason": reason}
        apply_event(self._index, event, strict=False)
        batch.append(event)

    def _issue(
        self, batch: list[Event], identity: Identity, code: str, names: dict[str, str]
    ) -> None:
        """Record an issue event: the hot path of assignment, so it skips _apply's dispatch."""
        if not identity[3 if identity[0] == CATALOG else 2]:
            raise RegistryError(
                f"{names['name']!r} has no visible characters", f"{names['name']!r} 没有可见字符"
            )
        self._index.code_of[identity] = code
        self._index.count(code, identity)
        batch.append(
            {"event": "issue", "code": code, "identity": identity, **names}
            | {"date": self._date, "reason": "assign"}
        )

    def _next_code(self, identity: Identity, skip: int = 0) -> str:
        """The next free code for a new identity (``skip`` more when several are planned)."""
        index = self._index
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
            type_code = codelists.code(MatterType(type_slug))
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

    def _issue_all(
        self,
        batch: list[Event],
        wanted: Iterable[tuple[Identity, str | None, dict[str, str]]],
    ) -> None:
        """Issue codes for the unknown identities among ``wanted`` in sorted order.

        Each item is (identity, code the input already carries or None, display names).
        A carried code is kept when it fits; one that contradicts the registry is an error.
        """
        new: dict[Identity, dict[str, str]] = {}
        for identity, carried, names in wanted:
            known = self._index.code_of.get(identity)
            if carried is not None:
                if known is not None and carried not in (known, self._resolve(identity)):
                    raise RegistryError(
                        f"the input carries code {carried}, but the registry has {known} for it",
                        f"输入中的编码 {carried} 与登记簿中的 {known} 不符",
                    )
                if known is None:
                    if self._index.code_of.is_issued(carried):
                        raise RegistryError(
                            f"code {carried} belongs to another identity",
                            f"编码 {carried} 属于其他事项",
                        )
                    self._check_adoptable(carried, identity)
                    self._issue(batch, identity, carried, names)
                continue
            if known is None and (identity not in new or _order(names) < _order(new[identity])):
                new[identity] = names  # the smallest display form wins, whatever the order
        for identity in sorted(new):
            if identity in self._index.code_of:  # another input may have carried its code
                continue
            code = self._next_code(identity)
            # Only a matter's main item can come back taken: by another name of the matter.
            if identity[0] == CATALOG and self._index.code_of.is_issued(code):
                event = {"event": "alias", "code": code, "identity": identity, **new[identity]}
                self._record(batch, event, "assign")
            else:
                self._issue(batch, identity, code, new[identity])

    def _check_adoptable(self, code: str, identity: Identity) -> None:
        """A code an input carries for a new identity must fit it and its siblings."""
        check_shape(code, identity)
        if identity[0] != CATALOG:
            return
        origin, type_slug, name = identity[1], identity[2], identity[3]
        main, carried_main = self._index.main_of.get((origin, type_slug, name)), int(code[4:9])
        if main is not None and main != carried_main:
            raise RegistryError(
                f"code {code} is not under main item {main:05d} of its matter",
                f"编码 {code} 不在其事项的主项 {main:05d} 之下",
            )
        if main is None and any(
            m == carried_main and key[:2] == (origin, type_slug)
            for key, m in self._index.main_of.items()
        ):
            raise RegistryError(
                f"the main item of code {code} belongs to another matter",
                f"编码 {code} 的主项属于其他事项",
            )

    def assign(self, guide: Guide) -> Guide:
        """The same guide with every missing code filled in (see :meth:`assign_many`)."""
        return self.assign_many([guide])[0]

    def assign_many(self, guides: Iterable[Guide]) -> list[Guide]:
        """Assign codes to many guides in one batch; returns them in input order.

        New identities are numbered in sorted order, so any permutation of the input
        gives the same codes. Codes a guide already carries are kept when they match
        their identity; a contradiction raises :class:`RegistryError` and writes nothing.
        """
        guides = list(guides)
        answers = self.codes_for([code_request(g) for g in guides])
        # New records by the hundred thousand would set the cycle collector walking the
        # whole index again and again; records hold no cycles.
        with no_gc():
            return [with_codes(g, a) for g, a in zip(guides, answers, strict=True)]

    def assign_matters(self, matters: Iterable[MatterRequest]) -> None:
        """Give every matter of ``matters`` its catalog code, new ones in sorted order.

        A build numbers the matters of a whole catalogue at once, so that coding its
        guides batch by batch gives the codes a single :meth:`assign_many` would.
        """
        with self._writing() as batch:
            self._issue_all(batch, (_matter_wanted(m) for m in matters))

    def codes_for(self, requests: Sequence[CodeRequest]) -> list[GuideCodes]:
        """The codes of the guides ``requests`` describe, issuing what is new in one batch.

        The plain-data form of :meth:`assign_many`: a build's worker processes make the
        requests and fill in the answers with :func:`with_codes`.
        """
        matters = [_matter_wanted(r.matter) for r in requests]
        with self._writing() as batch:
            self._issue_all(batch, matters)
            catalogs = [self._resolve(identity) for identity, _, _ in matters]
            implementations = [
                self._implementation(r, c) for r, c in zip(requests, catalogs, strict=True)
            ]
            for kind, field in ((HANDLING_ITEM, "handling_items"), (MATERIAL, "materials")):
                self._issue_all(
                    batch,
                    (
                        (part_identity(kind, impl, name), carried, {"name": name})
                        for r, impl in zip(requests, implementations, strict=True)
                        for name, carried in getattr(r, field)
                    ),
                )
            # Resolved before the batch is written: a retired part refuses the whole batch.
            return [
                self._answer(*args)
                for args in zip(requests, catalogs, implementations, strict=True)
            ]

    def _implementation(self, request: CodeRequest, catalog: str) -> str:
        code = str(ImplementationCode(request.uscc, request.level, _catalog_code(catalog)))
        if request.implementation is not None and request.implementation != code:
            raise RegistryError(
                f"the guide carries implementation code {request.implementation}, "
                f"but its agency, level and catalog code make {code}",
                f"办事指南中的实施编码 {request.implementation} 与由实施主体、"
                f"层级和基本编码组成的 {code} 不符",
            )
        return code

    def _answer(self, request: CodeRequest, catalog: str, implementation: str) -> GuideCodes:
        def seq_of(kind: str, name: str) -> int:
            return int(self._resolve(part_identity(kind, implementation, name))[31:])

        return GuideCodes(
            catalog,
            tuple(seq_of(HANDLING_ITEM, name) for name, _ in request.handling_items),
            tuple(seq_of(MATERIAL, name) for name, _ in request.materials),
        )

    # --- lifecycle -----------------------------------------------------------------------

    def _identity_of(self, code: str) -> Identity:
        if not self._index.code_of.is_issued(code):
            hint = " (implementation codes are composed, not issued)" if len(code) == 31 else ""
            raise RegistryError(
                f"code {code} is not in the registry{hint}", f"登记簿中没有编码 {code}"
            )
        # Identities come in ledger order: the last is the latest name.
        return self._index.code_of.identities_of(code)[-1]

    def _require_active(self, code: str) -> Identity:
        identity = self._identity_of(code)
        if code in self._index.retired:
            raise RegistryError(
                f"code {code} is {self._index.retired[code]}", f"编码 {code} 已注销"
            )
        return identity

    def rename(self, code: object, name: str, sub_name: str | None = None, *, reason: str) -> None:
        """Give a code a new name; the old name stays as an alias and the code is unchanged.

        Renaming a catalog matter renames every code of its main item (the sub-items keep
        their sub-item names); ``sub_name`` renames the sub-item of ``code`` as well.
        """
        text = str(code)
        with self._writing() as batch:
            identity = self._require_active(text)
            if identity[0] != CATALOG:
                renamed = {text: part_identity(identity[0], identity[1], name)}
            else:
                new_main = _visible(name)
                latest: dict[str, Identity] = {}
                for i, c in self._index.code_of.other.items():  # where matters are kept
                    if len(c) == len(text) and c[:9] == text[:9] and c not in self._index.retired:
                        latest[c] = i  # same origin, type and main item; the last name counts
                renamed = {c: (CATALOG, i[1], i[2], new_main, i[4]) for c, i in latest.items()}
                sub = identity[4] if sub_name is None else _visible(sub_name)
                renamed[text] = (CATALOG, identity[1], identity[2], new_main, sub)
            for target, new in sorted(renamed.items()):
                holder = self._index.code_of.get(new)
                if holder is not None and holder != target:
                    raise RegistryError(
                        f"the name is already used by code {holder}",
                        f"该名称已由编码 {holder} 使用",
                    )
                if holder is None:
                    names = _display(name, sub_name if target == text else new[-1] or None)
                    self._record(
                        batch,
                        {"event": "alias", "code": target, "identity": list(new), **names},
                        reason,
                    )

    def retire(self, code: object, *, reason: str) -> None:
        """Retire a code: it is never issued again, and its matter cannot be assigned."""
        text = str(code)
        with self._writing() as batch:
            self._require_active(text)
            self._record(batch, {"event": "retire", "code": text}, reason)

    def reinstate(self, code: object, *, reason: str) -> None:
        """Bring a retired code back into use for its own identity."""
        text = str(code)
        with self._writing() as batch:
            self._identity_of(text)
            if text not in self._index.retired:
                raise RegistryError(f"code {text} is not retired", f"编码 {text} 未被注销")
            self._record(batch, {"event": "reinstate", "code": text}, reason)

    def merge(self, keep: object, others: Sequence[object], *, reason: str) -> None:
        """Merge codes into ``keep``: the others are retired and their matters go to it."""
        kept, merged = str(keep), [str(o) for o in others]
        with self._writing() as batch:
            self._require_active(kept)
            if not merged or len(set(merged)) != len(merged) or kept in merged:
                raise RegistryError("merge needs distinct other codes", "合并需要不同的其他编码")
            for other in merged:
                self._require_active(other)
            self._record(batch, {"event": "merge", "code": kept, "merged": merged}, reason)

    def split(self, code: object, names: Sequence[str], *, reason: str) -> list[str]:
        """Split a code into new ones named ``names`` (sub-items, or sibling items).

        The source is retired and records where it went; returns the new codes.
        """
        text = str(code)
        with self._writing() as batch:
            identity = self._require_active(text)
            if not names:
                raise RegistryError("split needs new names", "拆分需要新的名称")
            wanted = sorted({(*identity[:-1], _visible(n)): n for n in names}.items())
            into: list[dict[str, Any]] = []
            for planned, (new, display) in enumerate(wanted):
                if new in self._index.code_of:
                    raise RegistryError(f"{display!r} already has a code", f"{display!r} 已有编码")
                code = self._next_code(new, skip=planned)  # all share one main item or parent
                into.append({"code": code, "identity": list(new), "name": display})
            self._record(batch, {"event": "split", "code": text, "into": into}, reason)
            return [str(part["code"]) for part in into]


def _visible(name: str) -> str:
    """The identity key of a name given to a lifecycle change; it must not fold to nothing."""
    key = normalize_name(name)
    if not key:
        raise RegistryError(f"{name!r} has no visible characters", f"{name!r} 没有可见字符")
    return key


@lru_cache(maxsize=65536)
def _catalog_code(text: str) -> CatalogCode:
    """Catalog codes recur in every implementation of a matter: parse each once."""
    return CatalogCode.parse(text)


def _order(names: dict[str, str]) -> tuple[str, str]:
    return names["name"], names.get("sub_name", "")


def _display(name: str, sub_name: str | None) -> dict[str, str]:
    return {"name": name} | ({"sub_name": sub_name} if sub_name else {})


def _matter_wanted(matter: MatterRequest) -> tuple[Identity, str | None, dict[str, str]]:
    identity = matter_identity(matter.origin, matter.matter_type, matter.name, matter.sub_name)
    return identity, matter.catalog, _display(matter.name, matter.sub_name)


# --- coding guides as plain data -----------------------------------------------------------


class MatterRequest(NamedTuple):
    """What the registry needs of a matter to give it a catalog code."""

    origin: str
    matter_type: MatterType
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
            guide.matter_type,
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


def with_codes(guide: Guide, codes: GuideCodes) -> Guide:
    """``guide`` with the codes the registry answered filled in."""
    implementation = ImplementationCode(
        guide.agency.uscc, guide.level, _catalog_code(codes.catalog)
    )
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
    values = {alias: getattr(part, name) for name, alias in _FIELDS[type(part)]}
    values["code"] = code
    return type(part)(**values)


# (field, argument of __init__) of each kind of part, looked up once.
_FIELDS: Final = {
    cls: tuple((f.name, f.alias) for f in attrs.fields(cls)) for cls in (HandlingItem, Material)
}
