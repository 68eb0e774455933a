"""The manifest of the last build (``OUT/manifest.tsv``): what an incremental build builds on.

Its first line records what the build depended on (the library's version, the formats, the
ledger's head and the declared matter types); each further line a guide's digest, name and
index entry, in name order. A build whose header differs starts afresh.

Beside it, ``OUT/.sources.tsv`` records, line for line, each source's digest with the size,
modification time (ns) and inode it had when read: this machine's view of the files, kept
apart so that the manifest is the same wherever the catalogue is built. An incremental build
takes a source whose stat is the recorded one as unchanged without reading it, as git's
index and rsync do. A file edited within the file system's timestamp granularity of being
read keeps its time (git's "racy" case), so a source modified that shortly before the build
began is recorded *smudged* (size -1): the next build reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, NamedTuple

from service_codes.errors import ServiceCodesError
from service_codes.matter_types import MatterTypes

if TYPE_CHECKING:
    from service_codes.registry import Registry

Format = Literal["json", "xml"]
FORMATS: Final = ("json", "xml")
MANIFEST: Final = "manifest.tsv"
SOURCES: Final = ".sources.tsv"
# A source modified less than this before the build began may be edited again without its
# time changing: the coarsest timestamps in use (FAT's 2 s), with the kernel clock's lag.
RACY_NS: Final = 3_000_000_000


class BuildError(ServiceCodesError):
    """The build cannot go on: no guides, a damaged manifest, or a guide changed while it ran."""


def manifest_header(formats: tuple[Format, ...], registry: Registry, types: MatterTypes) -> str:
    # Declared types change the warnings (and the labels) of the guides: a reason to rebuild.
    declared = [[d.code, d.label_zh, d.family.value] for d in types.declared]
    return json.dumps(
        {
            "library": version("service-codes"),
            "formats": formats,
            "ledger": registry.head,
            "types": declared,
        },
        ensure_ascii=False,
    )


def previous_formats(out: Path) -> tuple[Format, ...] | None:
    """The formats the last build into ``out`` wrote, from its manifest; None if none."""
    try:
        with (out / MANIFEST).open(encoding="utf-8") as file:
            formats = json.loads(file.readline())["formats"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    known = [f for f in formats if f in FORMATS] if isinstance(formats, list) else []
    return tuple(known) or None


class Stat(NamedTuple):
    """What an incremental build compares of a source before reading it."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, result: os.stat_result) -> Stat:
        return cls(result.st_size, result.st_mtime_ns, result.st_ino)

    def row(self, digest: str, began_ns: int) -> str:
        """The line of ``.sources.tsv`` for a source of ``digest`` read by a build begun at
        ``began_ns``: smudged when it changed so shortly before that an edit may keep its time."""
        size = -1 if self.mtime_ns > began_ns - RACY_NS else self.size
        return f"{digest}\t{size}\t{self.mtime_ns}\t{self.inode}\n"


UNKNOWN: Final = Stat(-1, 0, 0)  # matches no file: its source is read


class Previous(NamedTuple):
    """One guide in the manifest of the last build, with its source's recorded stat."""

    name: str
    digest: str
    entry: str
    stat: Stat = UNKNOWN


def read_manifest(out: Path, header: str) -> Iterator[Previous] | None:
    """The last build's guides in name order, if its manifest fits this build; else None."""
    try:
        file = (out / MANIFEST).open(encoding="utf-8")
    except OSError:
        return None
    if file.readline().rstrip("\n") != header:
        file.close()
        return None

    def rows() -> Iterator[Previous]:
        with file, _stats(out) as stats:
            for number, line in enumerate(file, start=2):
                try:
                    digest, name, entry = line.rstrip("\n").split("\t")
                    plain = _PLAIN.fullmatch(name)
                    name = plain.group(1) if plain else json.loads(name)
                    yield Previous(name, digest, entry, stats(digest))
                except ValueError:
                    raise BuildError(
                        f"{out / MANIFEST} is damaged at line {number};"
                        " build without --incremental",
                        f"{out / MANIFEST} 第 {number} 行已损坏，请不带 --incremental 重新构建",
                    ) from None

    return rows()


# A name JSON writes between quotes as it is: printable ASCII but quotes and backslashes.
_PLAIN: Final = re.compile(r'"([ !#-\[\]-~]*)"')


def quoted(name: str) -> str:
    """A source's name as the manifest writes it: a JSON string (``json.dumps``)."""
    return f'"{name}"' if _PLAIN.fullmatch(f'"{name}"') else json.dumps(name)


@contextlib.contextmanager
def _stats(out: Path) -> Iterator[Callable[[str], Stat]]:
    """The recorded stat of each next manifest row, given its digest: UNKNOWN where the
    sources file is missing, damaged, or not of these rows (a build cut short between the
    two files), so that the source is read."""
    try:
        file = (out / SOURCES).open(encoding="utf-8")
    except OSError:
        yield lambda digest: UNKNOWN
        return

    def stat(digest: str) -> Stat:
        try:
            recorded, size, mtime, inode = file.readline().rstrip("\n").split("\t")
            return Stat(int(size), int(mtime), int(inode)) if recorded == digest else UNKNOWN
        except ValueError:
            return UNKNOWN

    with file:
        yield stat


def by_name(rows: Iterator[Previous] | None) -> Callable[[str], Previous | None]:
    """Find rows by name, for names asked in increasing order (a merge join)."""
    pending: Previous | None = None

    def find(name: str) -> Previous | None:
        nonlocal pending
        if rows is None:
            return None
        while pending is None or pending.name < name:
            pending = next(rows, None)
            if pending is None:
                return None
        return pending if pending.name == name else None

    return find
