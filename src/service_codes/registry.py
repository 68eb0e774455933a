"""The code registry: the same matter always gets the same code, and no code is issued twice.

Codes live in an append-only ledger: a file on one machine, or a PostgreSQL table
that many service centers share (see ``ledger``); the registry's logic is the same
over both. A matter's identity is (origin, type, normalized name, normalized
sub-item name); a handling item's and a material's is (parent code, normalized
name). The registry only decides sequence numbers (see ``numbering``):
implementation codes are pure composition.

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
from pathlib import Path
from typing import BinaryIO, Final

import attrs

from service_codes import lifecycle
from service_codes.codes import CatalogCode
from service_codes.errors import InvalidCode, RegistryCorrupt, RegistryError
from service_codes.index import (
    Identity,
    Index,
    apply_event,
    check_event,
    matter_identity,
    mentions,
)
from service_codes.ledger import (
    Event,
    Ledger,
    Location,
    Repair,
    location_of,
    no_gc,
    open_ledger,
)
from service_codes.ledger.chain import GENESIS, unseal
from service_codes.ledger.file import FileLedger
from service_codes.model import Guide, Matter
from service_codes.numbering import Batch, code_guides, code_matters, resolve
from service_codes.requests import (
    CodeRequest,
    GuideCodes,
    MatterRequest,
    catalog_code,
    code_request,
    with_codes,
)

# Re-reading this many events on open is worth saving a snapshot of the index.
_SNAPSHOT_AFTER: Final = 10_000

_IMPORT_ERRORS = (RegistryError, InvalidCode, LookupError, TypeError, ValueError)


@attrs.frozen
class CodeInfo:
    """What the registry knows of one code: its identities, state and history."""

    code: str
    identities: tuple[Identity, ...]
    retired: str | None
    merged_into: str | None
    history: tuple[Event, ...]


class Registry:
    """The registry of codes over a ledger: a folder's ``codes.jsonl``, or PostgreSQL.

    Open it with :meth:`open`. Every method that issues or changes codes takes the
    ledger's writers' lock, reads what other writers appended, and returns only after
    its events are durable (fsynced, or committed). Look-ups answer from what was read
    at open or at the last write; :meth:`refresh` reads what others appended since.
    """

    def __init__(self, ledger: Ledger, today: Callable[[], dt.date]) -> None:
        self._ledger = ledger
        self._today = today
        self._index = Index()
        self._stale = False  # a failed write may have left codes in the index: read again
        self._unsaved = 0  # events read or written since the snapshot was saved or loaded

    @classmethod
    def open(
        cls,
        location: Location | None = None,
        *,
        dsn: str | None = None,
        create: bool = False,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> Registry:
        """Open the registry at ``location``: a folder, or ``postgresql://user@host/db``.

        ``dsn=`` names a database too; with neither, ``SERVICE_CODES_REGISTRY`` is read.
        ``create=True`` makes a new registry where none is (for a database: its schema).
        A missing registry is refused otherwise, so that a mistyped folder never starts
        an empty ledger that would issue other codes for the same matters. Raises
        :class:`RegistryError` for a missing or unreachable registry and
        :class:`RegistryCorrupt` when the ledger is damaged; a torn last line of a file
        (``error.torn``) is cut off by :meth:`repair`.
        """
        where = location_of(location, dsn)
        ledger = open_ledger(where)
        try:
            if create:
                ledger.create()
            elif not ledger.exists():
                raise RegistryError(
                    f"no code ledger in {where}: check the folder, or create a new registry"
                    " with Registry.open(folder, create=True)",
                    f"{where} 中没有编码登记簿：请核对目录，"
                    "或用 Registry.open(folder, create=True) 新建登记簿",
                )
            registry = cls(ledger, today)
            with ledger.reading():
                registry._load()
        except BaseException:
            ledger.close()
            raise
        return registry

    @classmethod
    def repair(cls, folder: str | Path) -> Repair:
        """Mend a torn last line of a file ledger: complete a whole one, cut off the rest."""
        ledger = FileLedger(Path(folder))
        with ledger.lock:
            return ledger.repair()

    def close(self) -> None:
        """Let go of the ledger (a database connection); the registry is not used after."""
        self._ledger.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        """Where the ledger is, as messages name it (never with a password)."""
        return self._ledger.describe()

    def refresh(self) -> None:
        """Read what other processes appended since this registry last read the ledger."""
        with self._ledger.reading(), no_gc():
            self._catch_up()

    @property
    def size(self) -> int:
        """The number of events in the ledger."""
        return self._ledger.head[0]

    @property
    def head(self) -> tuple[int, str]:
        """Where the ledger ends, as last read: its number of events and the last one's hash."""
        return self._ledger.head

    # --- reading -------------------------------------------------------------------------

    def save_snapshot(self) -> None:
        """Save the index beside the ledger, if enough events came since the last snapshot.

        Then the next :meth:`open` reads the snapshot instead of replaying those events:
        worth calling after issuing a large batch, as a build does.
        """
        if self._unsaved >= _SNAPSHOT_AFTER:
            with self._ledger.reading():
                self._ledger.save_snapshot(self._index.state())
            self._unsaved = 0

    def _load(self) -> None:
        with no_gc():
            state = self._ledger.load_snapshot()
            self._index = Index.from_state(state) if state else Index()
            self._unsaved = 0
            self._catch_up()
        self._stale = False
        self.save_snapshot()

    def _fresh(self) -> Index:
        """The index, read again first if a failed write may have left codes in it."""
        if self._stale:
            self._ledger.rewind()
            with self._ledger.reading():
                self._load()
        return self._index

    def _catch_up(self) -> int:
        """Apply what was appended since the last read; returns how many events."""
        first = number = self.size + 1
        for number, event in enumerate(self._ledger.read_new(), start=first):
            try:
                apply_event(self._index, event, strict=False)
            except (RegistryError, LookupError, TypeError, ValueError) as error:
                raise self._corrupt(number, error) from None
        replayed = self.size + 1 - first
        self._unsaved += replayed
        return replayed

    def _corrupt(self, number: int, error: Exception) -> RegistryCorrupt:
        en, zh = self._ledger.where(number)
        return RegistryCorrupt(f"{en}: {error}", f"{zh}：{error}", line=number)

    def verify(self) -> None:
        """Check the whole ledger: hashes, chain, well-formed events, unique codes.

        Raises :class:`RegistryCorrupt` naming the first bad line (or row).
        """
        index = Index()
        with self._ledger.reading(), no_gc():
            for number, (_, event) in enumerate(self._ledger.verified(), start=1):
                try:
                    check_event(event)
                    apply_event(index, event, strict=True)
                except _IMPORT_ERRORS as error:
                    raise self._corrupt(number, error) from None

    def events(self) -> list[Event]:
        """Every event in the ledger, oldest first (without the chain fields).

        Raises :class:`RegistryCorrupt` at the first line that fails its checks.
        """
        with self._ledger.reading():
            return [event for _, event in self._ledger.verified()]

    def export(self, into: BinaryIO) -> int:
        """Write every sealed line of the ledger, verified, to ``into``; returns how many.

        The lines are the ledger's own bytes, hashes included, whichever the backend:
        :meth:`import_lines` of them gives back the same ledger.
        """
        count = 0
        with self._ledger.reading():
            for line, _ in self._ledger.verified():
                into.write(line)
                count += 1
        return count

    def import_lines(self, lines: Iterable[bytes]) -> int:
        """Append the sealed lines of another ledger to this empty one, as they are.

        Every line is checked (hashes, chain, events) before anything is written, and
        the lines go in one batch; returns how many. Refused when this registry holds
        events already.
        """
        batch = [line if line.endswith(b"\n") else line + b"\n" for line in lines if line.strip()]
        checked, prev = Index(), GENESIS
        with no_gc():
            for number, line in enumerate(batch, start=1):
                event = unseal(line[:-1], number, prev, _import_line)
                prev = event.pop("hash")
                try:
                    check_event(event)
                    apply_event(checked, event, strict=True)
                except _IMPORT_ERRORS as error:
                    en, zh = _import_line(number)
                    raise RegistryCorrupt(f"{en}: {error}", f"{zh}：{error}", line=number) from None
        with self._writing() as _:
            if self.size:
                raise RegistryError(
                    f"the registry {self.location} already holds {self.size} events;"
                    " import into an empty one",
                    f"登记簿 {self.location} 已有 {self.size} 条事件，只能导入空登记簿",
                )
            if batch:
                self._ledger.append_lines(batch)
        self._index, self._unsaved = checked, len(batch)
        return len(batch)

    def catalog_code_of(self, matter: Matter) -> CatalogCode | None:
        """The code of a matter, following merges; None for a matter never seen.

        Raises :class:`RegistryError` when the matter's code is retired.
        """
        index = self._fresh()
        identity = matter_identity(matter.origin, matter.matter_type, matter.name, matter.sub_name)
        return catalog_code(resolve(index, identity)) if identity in index.code_of else None

    def info(self, code: object) -> CodeInfo:
        """Identities, state and history of a code; RegistryError for an unknown code."""
        index, text = self._fresh(), str(code)
        if not index.code_of.is_issued(text):
            raise RegistryError(f"code {text} is not in the registry", f"登记簿中没有编码 {text}")
        identities = tuple(index.code_of.identities_of(text))
        history = tuple(e for e in self.events() if mentions(e, text))
        return CodeInfo(
            text, identities, index.retired.get(text), index.merged_into.get(text), history
        )

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[Batch]:
        """Take the writers' lock, catch up, and append what is recorded as one batch.

        Events apply to the index as they are planned: if the append fails, the index
        is read again before its next use.
        """
        self._fresh()
        try:
            with self._ledger.writing(), no_gc():
                self._catch_up()
                batch = Batch(self._index, self._today().isoformat())
                yield batch
                if batch.events:
                    self._ledger.append(batch.events)
                    self._unsaved += len(batch.events)
        except BaseException:
            self._stale = True
            raise

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
            code_matters(batch, matters)

    def codes_for(self, requests: Sequence[CodeRequest]) -> list[GuideCodes]:
        """The codes of the guides ``requests`` describe, issuing what is new in one batch.

        The plain-data form of :meth:`assign_many`: a build's worker processes make the
        requests and fill in the answers with :func:`with_codes`.
        """
        with self._writing() as batch:
            return code_guides(batch, requests)

    # --- lifecycle -----------------------------------------------------------------------

    def rename(self, code: object, name: str, sub_name: str | None = None, *, reason: str) -> None:
        """Give a code a new name; the old name stays as an alias and the code is unchanged.

        Renaming a catalog matter renames every code of its main item (the sub-items keep
        their sub-item names); ``sub_name`` renames the sub-item of ``code`` as well.
        """
        with self._writing() as batch:
            lifecycle.rename(batch, str(code), name, sub_name, reason)

    def retire(self, code: object, *, reason: str) -> None:
        """Retire a code: it is never issued again, and its matter cannot be assigned."""
        with self._writing() as batch:
            lifecycle.retire(batch, str(code), reason)

    def reinstate(self, code: object, *, reason: str) -> None:
        """Bring a retired code back into use for its own identity."""
        with self._writing() as batch:
            lifecycle.reinstate(batch, str(code), reason)

    def merge(self, keep: object, others: Sequence[object], *, reason: str) -> None:
        """Merge codes into ``keep``: the others are retired and their matters go to it."""
        with self._writing() as batch:
            lifecycle.merge(batch, str(keep), [str(o) for o in others], reason)

    def split(self, code: object, names: Sequence[str], *, reason: str) -> list[str]:
        """Split a code into new ones named ``names`` (sub-items, or sibling items).

        The source is retired and records where it went; returns the new codes.
        """
        with self._writing() as batch:
            return lifecycle.split(batch, str(code), names, reason)


def _import_line(number: int) -> tuple[str, str]:
    return f"imported line {number}", f"导入的第 {number} 行"
