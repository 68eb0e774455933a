"""Where the registry's events are kept: a file on one machine, or a shared PostgreSQL table.

Both ledgers keep the same sealed lines (see ``chain``) and do only what storage
must: take the writers' lock, read the events after the last one read, append a
batch durably, and say where they end. Everything about codes lives in the
registry, unchanged over either ledger.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from service_codes.errors import RegistryError
from service_codes.ledger.chain import GENESIS, Event, no_gc, seal
from service_codes.ledger.file import FileLedger, Repair

__all__ = ["GENESIS", "Event", "FileLedger", "Ledger", "Repair", "is_dsn", "no_gc", "seal"]

# The registry's location when a command names none: a folder or a connection string.
LOCATION_VARIABLE = "SERVICE_CODES_REGISTRY"
Location = str | os.PathLike[str]


class Ledger(Protocol):
    """What the registry asks of a ledger backend."""

    def describe(self) -> str:
        """Where the ledger is, for messages: a file, or a database on a host (no password)."""
        ...

    def where(self, number: int) -> tuple[str, str]:
        """The ``number``-th event named in English and Chinese: "ledger line 3"."""
        ...

    @property
    def head(self) -> tuple[int, str]:
        """(events read so far, the last one's hash): where the ledger ends, as last read."""
        ...

    def exists(self) -> bool: ...

    def create(self) -> None: ...

    def close(self) -> None: ...

    def reading(self) -> AbstractContextManager[Any]:
        """A consistent view of the ledger for reading."""
        ...

    def writing(self) -> AbstractContextManager[Any]:
        """The writers' lock (and transaction): what is appended inside is durable at its end."""
        ...

    def read_new(self) -> Iterator[Event]:
        """The events appended since the last read; consume it whole."""
        ...

    def append(self, events: Sequence[Event]) -> None:
        """Seal ``events`` after the last one read and append them, within :meth:`writing`."""
        ...

    def append_lines(self, lines: Sequence[bytes]) -> None:
        """Append sealed lines as they are, within :meth:`writing`; their chain is checked."""
        ...

    def verified(self) -> Iterator[tuple[bytes, Event]]:
        """Every sealed line and its event, oldest first, checking hashes and chain."""
        ...

    def rewind(self) -> None:
        """Forget the read position: the next :meth:`read_new` starts from the first event."""
        ...

    def load_snapshot(self) -> Any | None: ...

    def save_snapshot(self, state: Any) -> None: ...


# A libpq "key=value ..." connection string starts with one of its keywords.
_KEYWORDS = re.compile(r"\s*(host|hostaddr|port|dbname|user|password|service|passfile)\s*=")


def is_dsn(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a folder: a
    ``postgresql://`` URL or a libpq ``key=value`` string, never taken for a path."""
    return isinstance(location, str) and (
        location.startswith(("postgresql://", "postgres://")) or bool(_KEYWORDS.match(location))
    )


def location_of(location: Location | None, dsn: str | None = None) -> Location:
    """Where the registry is: ``location``, or ``dsn``, or ``SERVICE_CODES_REGISTRY``."""
    if dsn is not None:
        if location is not None:
            raise RegistryError(
                "give the registry's folder or its dsn, not both", "登记簿目录与连接串只能给一个"
            )
        return dsn
    if location is not None:
        return location
    named = os.environ.get(LOCATION_VARIABLE)
    if not named:
        raise RegistryError(
            f"no registry named: give a folder or a connection string, or set {LOCATION_VARIABLE}",
            f"未指定登记簿：请给出目录或连接串，或设置 {LOCATION_VARIABLE}",
        )
    return named


def open_ledger(location: str | os.PathLike[str]) -> Ledger:
    """The ledger at ``location``: a PostgreSQL connection string, or a folder."""
    if is_dsn(location):
        from service_codes.ledger.postgres import PostgresLedger

        return PostgresLedger(str(location))
    return FileLedger(Path(location))


def describe(location: str | os.PathLike[str]) -> str:
    """Where the ledger at ``location`` is, as messages name it (never with a password)."""
    return open_ledger(location).describe()
