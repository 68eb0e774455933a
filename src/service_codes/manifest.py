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

import contextlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
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


# One guide of the last build, as its two files hold it: its name, its manifest line and its
# sources line ("" where that file has none), both with their newline. A plain tuple, since
# the rows go to the workers and a plain tuple pickles eight times faster than a named one.
Recorded = tuple[str, str, str]


DIGEST: Final = 32  # hex digits of a digest (BLAKE2b-128), which starts a manifest line


def read_manifest(out: Path, header: str) -> Iterator[Recorded] | None:
    """The last build's guides in name order, if its manifest fits this build; else None."""
    try:
        file = (out / MANIFEST).open(encoding="utf-8")
    except OSError:
        return None
    if file.readline().rstrip("\n") != header:
        file.close()
        return None

    def rows() -> Iterator[Recorded]:
        with file, _lines(out / SOURCES) as stat_lines:
            for number, line in enumerate(file, start=2):
                try:
                    # DIGEST hex digits, a tab, the name as a JSON string, a tab, the entry.
                    quoted_name = line[DIGEST + 1 : line.index("\t", DIGEST + 1)]
                    whole = line.endswith("\n") and line.count("\t") == 2  # copied as it is
                    if not whole or line[DIGEST] != "\t" or quoted_name[-1:] != '"':
                        raise ValueError(line)
                    name = quoted_name[1:-1] if "\\" not in quoted_name else json.loads(quoted_name)
                except ValueError:
                    raise BuildError(
                        f"{out / MANIFEST} is damaged at line {number};"
                        " build without --incremental",
                        f"{out / MANIFEST} 第 {number} 行已损坏，请不带 --incremental 重新构建",
                    ) from None
                yield name, line, next(stat_lines, "")

    return rows()


@contextlib.contextmanager
def _lines(path: Path) -> Iterator[Iterator[str]]:
    """The lines of a file; none when it cannot be read."""
    try:
        file = path.open(encoding="utf-8")
    except OSError:
        yield iter(())
        return
    with file:
        yield iter(file)


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


def spans(
    rows: Iterator[Recorded] | None, batches: Iterable[Sequence[str]]
) -> Iterator[list[Recorded]]:
    """For each batch of sorted names, the rows of names from its first to its last: the
    rows a worker joins the batch with (rows of names no longer built are passed over)."""
    source = rows if rows is not None else iter(())
    pending = next(source, None)
    for batch in batches:
        span: list[Recorded] = []
        while pending is not None and pending[0] <= batch[-1]:
            if pending[0] >= batch[0]:
                span.append(pending)
            pending = next(source, None)
        yield span
