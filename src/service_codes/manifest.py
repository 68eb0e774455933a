"""The manifest of the last build (``OUT/manifest.tsv``): what an incremental build builds on.

Its first line records what the build depended on (the library's version, the formats, the
ledger's head and the declared matter types); each further line a guide's digest, name and
index entry, in name order. A build whose header differs starts afresh.

Beside it, ``OUT/.sources.tsv`` records, line for line, each source's digest with the size,
modification and change times (ns) and inode it had when read: this machine's view of the
files, kept apart so that the manifest is the same wherever the catalogue is built. An
incremental build takes a source whose stat is the recorded one as unchanged without reading
it, as git's index and rsync do. A file edited within the file system's timestamp granularity
of being read keeps its times (git's "racy" case), so a source changed that shortly before
the build began is recorded *smudged* (size -1): the next build reads it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import version
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, NamedTuple, TextIO

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
    ctime_ns: int  # as git does: any write or utime sets it, and no one can set it back
    inode: int

    @classmethod
    def of(cls, result: os.stat_result) -> Stat:
        return cls(result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)

    def row(self, digest: str, began_ns: int) -> str:
        """The line of ``.sources.tsv`` for a source of ``digest`` read by a build begun at
        ``began_ns``: smudged when it changed so shortly before that an edit may keep its time."""
        racy = max(self.mtime_ns, self.ctime_ns) > began_ns - RACY_NS
        return (self._replace(size=-1) if racy else self).line(digest)

    def line(self, digest: str) -> str:
        """The line of ``.sources.tsv`` that records this stat for a source of ``digest``."""
        return f"{digest}\t{self.size}\t{self.mtime_ns}\t{self.ctime_ns}\t{self.inode}\n"


def stat_line(digest: str, result: os.stat_result) -> str:
    """``Stat.of(result).line(digest)``, without the record: a build makes one per source."""
    return (
        f"{digest}\t{result.st_size}\t{result.st_mtime_ns}\t{result.st_ctime_ns}\t{result.st_ino}\n"
    )


DIGEST: Final = 32  # hex digits of a digest (BLAKE2b-128), which starts a manifest line


class Block(NamedTuple):
    """A stretch of the last build's guides, as its two files hold them: one line each of
    the manifest and of the sources file (fewer there when that file is short or lost)."""

    number: int  # the manifest's line number of the first line, for a damage's message
    lines: list[str]
    stat_lines: list[str]


class LastBuild:
    """The last build's manifest and sources files, read in blocks that follow the batches
    of a build, and read again in pass 2. The parent reads the names of a few lines per
    block (a bisection); the workers check each line of theirs (:func:`rows`)."""

    def __init__(self, out: Path, manifest: TextIO) -> None:
        self.path = out / MANIFEST
        self._manifest = manifest
        self._body = manifest.tell()  # after the header
        try:
            self._sources: TextIO | None = (out / SOURCES).open(encoding="utf-8")
        except OSError:
            self._sources = None
        self.tail = False  # whether lines remain past the last batch's block
        self._number = 2

    def blocks(self, batches: Iterable[Sequence[str]]) -> Iterator[Block]:
        """For each batch of sorted names, the lines after the last block's up to the last
        whose name is not past the batch's last name (names no longer built included)."""
        pending: list[str] = []
        number = 2
        for batch in batches:
            last = batch[-1]
            while not pending or _name(pending[-1], self.path, number + len(pending) - 1) < last:
                more = list(islice(self._manifest, len(batch)))
                if not more:
                    break
                pending += more
            cut = _cut(pending, last, self.path, number)
            block, pending = pending[:cut], pending[cut:]
            stat_lines = list(islice(self._sources, len(block))) if self._sources else []
            yield Block(number, block, stat_lines)
            number += len(block)
        self.tail = bool(pending) or bool(self._manifest.readline())

    def rewind(self) -> None:
        """Go back to the first guide's lines, for pass 2 to read the blocks again."""
        self._manifest.seek(self._body)
        if self._sources:
            self._sources.seek(0)
        self._number = 2

    def next_block(self, size: int) -> Block:
        """The next ``size`` lines of each file, after :meth:`rewind`."""
        lines = list(islice(self._manifest, size))
        stat_lines = list(islice(self._sources, size)) if self._sources else []
        self._number += size
        return Block(self._number - size, lines, stat_lines)

    def close(self) -> None:
        self._manifest.close()
        if self._sources:
            self._sources.close()


def read_manifest(out: Path, header: str) -> LastBuild | None:
    """The last build's files, if its manifest fits this build; else None."""
    try:
        file = (out / MANIFEST).open(encoding="utf-8")
    except OSError:
        return None
    if file.readline().rstrip("\n") != header:
        file.close()
        return None
    return LastBuild(out, file)


def rows(block: Block, path: Path) -> list[str]:
    """The name of each line of a block, each line checked whole; a damaged line is a
    :class:`BuildError` that names it."""
    names = []
    for index, line in enumerate(block.lines):
        # Copied as it is into the next manifest: only a whole line of three fields.
        if not line.endswith("\n") or line.count("\t") != 2:
            raise _damaged(path, block.number + index)
        names.append(_name(line, path, block.number + index))
    return names


def _name(line: str, path: Path, number: int) -> str:
    """The name of a manifest line: DIGEST hex digits, a tab, the name as a JSON string, a
    tab, the entry."""
    try:
        quoted = line[DIGEST + 1 : line.index("\t", DIGEST + 1)]
        if line[DIGEST] != "\t" or len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
            raise ValueError(line)
        name = quoted[1:-1] if "\\" not in quoted else json.loads(quoted)
    except ValueError:
        raise _damaged(path, number) from None
    if not isinstance(name, str):
        raise _damaged(path, number)
    return name


def _cut(lines: list[str], last: str, path: Path, number: int) -> int:
    """How many of ``lines`` (sorted by name) have a name not past ``last``: a bisection."""
    low, high = 0, len(lines)
    while low < high:
        middle = (low + high) // 2
        if last < _name(lines[middle], path, number + middle):
            high = middle
        else:
            low = middle + 1
    return low


def _damaged(path: Path, number: int) -> BuildError:
    return BuildError(
        f"{path} is damaged at line {number}; build without --incremental",
        f"{path} 第 {number} 行已损坏，请不带 --incremental 重新构建",
    )


# A name JSON writes between quotes as it is: printable ASCII but quotes and backslashes.
_PLAIN: Final = re.compile(r"[ !#-\[\]-~]*")


def manifest_line(digest: str, name: str, entry: str) -> str:
    """A guide's line of the manifest; its name a JSON string, as ``json.dumps`` writes it."""
    quoted = f'"{name}"' if _PLAIN.fullmatch(name) else json.dumps(name)
    return f"{digest}\t{quoted}\t{entry}\n"


def line_digest(line: str) -> str:
    """The digest a manifest line records."""
    return line[:DIGEST]


def line_entry(line: str) -> str:
    """The index entry a manifest line records."""
    return line[line.index("\t", DIGEST + 1) + 1 : -1]
