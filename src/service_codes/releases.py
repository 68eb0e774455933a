"""The release log (信息发布台账): one hash-chained entry per publication of a catalogue.

``CATALOGUE/releases.jsonl`` is a file ledger (:class:`~service_codes.ledger.file.FileLedger`)
beside the code ledger, sealed and checked the same way: an edited, removed or reordered
entry breaks the chain. An entry says when the catalogue was published, who published and
who reviewed it, with which library version, every published guide's implementation code,
name and content digest, and what changed since the entry before (added, changed,
withdrawn). Publishing the same guides again makes no entry.

The log stays with the catalogue's folder even when the codes come from a shared
PostgreSQL registry: a service center publishes its own catalogue, and answers for it
(谁发布谁负责).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from service_codes.errors import RegistryCorrupt, RegistryError
from service_codes.ledger.file import FileLedger, Repair

LOG: Final = "releases"  # releases.jsonl, releases.head


def content_digest(data: bytes) -> str:
    """A published guide's digest: SHA-256 of its canonical JSON, as the log records it."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@attrs.frozen
class ReleasedGuide:
    """One guide as released: its implementation code, name and content digest."""

    code: str
    name: str
    digest: str


@attrs.frozen
class Release:
    """One entry of the release log. ``added``, ``changed`` and ``withdrawn`` hold codes."""

    number: int
    time: str  # ISO 8601, UTC, to the second
    publisher: str
    reviewer: str
    version: str  # the library's
    guides: tuple[ReleasedGuide, ...]  # by code
    events: str  # the digest of the code ledger's published events (data/events.csv)
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    # For a changed guide whose earlier publication was at hand: the elements that changed.
    elements: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def event(self) -> dict[str, Any]:
        """The entry as the log's event (the chain adds ``prev`` and ``hash``)."""
        data = attrs.asdict(self)
        data["guides"] = [[g.code, g.name, g.digest] for g in self.guides]
        data["elements"] = [[code, list(names)] for code, names in self.elements]
        return {"event": "release", **data}

    @classmethod
    def from_event(cls, event: dict[str, Any], number: int) -> Release:
        try:
            return cls(
                number=event["number"],
                time=event["time"],
                publisher=event["publisher"],
                reviewer=event["reviewer"],
                version=event["version"],
                guides=tuple(ReleasedGuide(*g) for g in event["guides"]),
                events=event["events"],
                added=tuple(event["added"]),
                changed=tuple(event["changed"]),
                withdrawn=tuple(event["withdrawn"]),
                elements=tuple((code, tuple(names)) for code, names in event["elements"]),
            )
        except (KeyError, TypeError) as error:
            raise RegistryCorrupt(
                f"release log entry {number} is not a release: {error}",
                f"发布台账第 {number} 条不是发布记录：{error}",
                line=number,
            ) from None


def next_release(
    previous: Release | None,
    guides: Iterable[ReleasedGuide],
    *,
    events: str,
    elements: Callable[[str], Sequence[str]] = lambda code: (),
    publisher: str,
    reviewer: str,
    version: str,
    time: dt.datetime,
) -> Release | None:
    """The entry a publication of ``guides`` and the ledger's events (their digest) adds
    after ``previous``, or None when it releases exactly what ``previous`` did.
    ``elements`` tells, of a changed guide's code, the elements that changed, where known.

    >>> at = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    >>> first = next_release(None, [ReleasedGuide("A", "甲", "sha256:1")], events="e",
    ...                      publisher="中心", reviewer="李四", version="1", time=at)
    >>> first.number, first.added
    (1, ('A',))
    >>> second = next_release(first, [ReleasedGuide("A", "甲", "sha256:2")], events="e",
    ...                       publisher="中心", reviewer="李四", version="1", time=at)
    >>> second.number, second.added, second.changed
    (2, (), ('A',))
    >>> next_release(second, second.guides, events="e", publisher="x", reviewer="y",
    ...              version="2", time=at) is None
    True
    """
    released = tuple(sorted(guides, key=lambda g: g.code))
    codes = [g.code for g in released]
    if len(set(codes)) != len(codes):
        twins = sorted({c for c in codes if codes.count(c) > 1})
        raise RegistryError(
            f"two published guides carry the implementation code {twins[0]}",
            f"两份公开的办事指南使用同一实施编码 {twins[0]}",
        )
    if previous is not None and (previous.guides, previous.events) == (released, events):
        return None
    if previous is not None:
        check_order(previous, time)
    when = _iso(time)
    before = {g.code: g.digest for g in previous.guides} if previous else {}
    now = {g.code: g.digest for g in released}
    changed = tuple(c for c in now if c in before and before[c] != now[c])
    return Release(
        number=(previous.number if previous else 0) + 1,
        time=when,
        publisher=publisher,
        reviewer=reviewer,
        version=version,
        guides=released,
        events=events,
        added=tuple(c for c in now if c not in before),
        changed=changed,
        withdrawn=tuple(c for c in sorted(before) if c not in now),
        elements=tuple((c, tuple(found)) for c in changed if (found := elements(c))),
    )


def _iso(time: dt.datetime) -> str:
    return time.astimezone(dt.UTC).isoformat(timespec="seconds")


def check_order(previous: Release, time: dt.datetime) -> None:
    """Refuse a release ``time`` before ``previous``'s: the log runs forward."""
    when = _iso(time)
    if when < previous.time:  # both written alike, so their text sorts as their time
        raise RegistryError(
            f"the release time {when} is before the last release's, {previous.time}"
            " (is SOURCE_DATE_EPOCH set?)",
            f"发布时间 {when} 早于上次发布时间 {previous.time}（是否设置了 SOURCE_DATE_EPOCH？）",
        )


class ReleaseLog:
    """The release log of the catalogue in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.ledger = FileLedger(folder, LOG)

    @property
    def path(self) -> Path:
        return self.ledger.path

    def releases(self) -> list[Release]:
        """Every entry, each checked: its hash, the chain and the head record; raises
        :class:`~service_codes.errors.RegistryCorrupt` naming the first that is not right."""
        if not self.ledger.exists():
            return []
        try:
            with self.ledger.reading():
                return [
                    Release.from_event(event, number)
                    for number, (_, event) in enumerate(self.ledger.verified(), start=1)
                ]
        except RegistryCorrupt as error:  # named, so that no one takes it for the code ledger
            mend = " (`service-codes publish --repair-log` cuts it off)" if error.torn else ""
            mend_zh = "（可用 service-codes publish --repair-log 截去）" if error.torn else ""
            raise RegistryCorrupt(
                f"{self.path}: {error.message.partition(';')[0]}{mend}",
                f"{self.path}：{error.message_zh.partition('；')[0]}{mend_zh}",
                line=error.line,
                torn=error.torn,
            ) from None

    def repair(self) -> Repair:
        """Mend a torn last entry left by a crash, as ``registry repair`` mends the code
        ledger: complete a whole one, cut off the rest; nothing acknowledged is touched."""
        if not self.ledger.exists():
            return Repair(0, completed=False)
        with self.ledger.lock:
            return self.ledger.repair()

    def last(self) -> Release | None:
        found = self.releases()
        return found[-1] if found else None

    def append(self, release: Release) -> None:
        """Seal ``release`` onto the log; refused when another entry came first."""
        self.ledger.create()
        with self.ledger.writing():
            self.ledger.rewind()
            before = sum(1 for _ in self.ledger.read_new())
            if before != release.number - 1:
                raise RegistryError(
                    f"the release log gained entry {before} while this release was made;"
                    " publish again",
                    f"本次发布期间发布台账新增了第 {before} 条，请重新发布",
                )
            self.ledger.append([release.event()])
