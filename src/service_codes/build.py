"""Building a catalogue: every guide read, validated, coded and written, one batch at a time.

Two passes over the guides, each spread over worker processes, with only a few batches
in memory at once:

1. *check*: read and validate every guide and note its content digest. Nothing is
   written and no code is issued unless every guide is valid. The matters of the
   whole catalogue are then numbered at once, so the codes do not depend on where
   batches begin and end.
2. *write*: the parent asks the registry for each batch's codes, in source order
   (issuing stays in one process, so codes are the same with any number of
   workers); the workers fill them in, render each guide and write it.

Sinks (:class:`~service_codes.sink.Sink`: the lists, and any output made from the whole
catalogue) are fed every coded guide in pass 2 and their files written with the rest.

The manifest (``OUT/manifest.tsv``) records each guide's digest and index entry. An
incremental build redoes only the guides whose bytes changed, and gives the same
files as a full build: it falls back to one when the ledger, the formats or the
library version changed since the manifest was written.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from pathlib import Path
from stat import S_ISREG
from typing import Any, Final, Literal, NamedTuple, cast

import attrs

from service_codes.convert import guide_to_data
from service_codes.errors import ServiceCodesError
from service_codes.formats import read_and_check, read_guide
from service_codes.formats.json import data_to_json
from service_codes.formats.xml import data_to_xml
from service_codes.ledger import is_dsn
from service_codes.manifest import (
    MANIFEST,
    SOURCES,
    Block,
    BuildError,
    Format,
    LastBuild,
    Stat,
    line_digest,
    line_entry,
    manifest_header,
    manifest_line,
    read_manifest,
    rows,
    stat_line,
)
from service_codes.matter_types import MatterTypes, catalogue_types
from service_codes.model import Guide
from service_codes.output import (
    Mark,
    Output,
    Risk,
    digest,
    index_line,
    refuse_nested,
    stale,
    state,
    write_file,
)
from service_codes.parallel import executor, ordered
from service_codes.problems import Report
from service_codes.registry import Registry
from service_codes.requests import CodeRequest, GuideCodes, MatterRequest, code_request, with_codes
from service_codes.sink import Sink

# Both formats are written from one unstructuring of the guide.
RENDER: Final[dict[str, Callable[[dict[str, Any]], bytes]]] = {
    "json": data_to_json,
    "xml": data_to_xml,
}
BATCH: Final = 500  # guides per task: big enough to amortize a round trip, small in memory


class CatalogueInvalid(ServiceCodesError):
    """Some guides of the catalogue are invalid; nothing was written."""

    def __init__(self, counts: Counts, total: int) -> None:
        super().__init__(
            f"{counts.invalid} of {total} guides are invalid; nothing was written",
            f"{total} 份中有 {counts.invalid} 份无效，未写出任何文件",
        )
        self.counts = counts
        self.total = total


@attrs.define
class Counts:
    """Invalid guides, errors and warnings found so far."""

    invalid: int = 0
    errors: int = 0
    warnings: int = 0

    def add(self, report: Report) -> None:
        self.invalid += not report.ok
        self.errors += len(report.errors)
        self.warnings += len(report.warnings)


class Listener:
    """What a build tells as it goes; the command line shows it, a library caller may not."""

    def start(self, guides: int) -> None:
        """The build has found ``guides`` guides."""

    def report(self, source: Path, report: Report) -> None:
        """A guide has problems (errors or warnings)."""

    def advance(self, phase: Literal["check", "write"], guides: int) -> None:
        """``guides`` more guides are checked, or written."""


@attrs.frozen
class Built:
    """What a build did."""

    guides: int
    rebuilt: int  # guides coded and written again; the rest were unchanged
    new_codes: int
    counts: Counts
    incremental: bool  # False when there was no earlier build that fits to build on
    removed: tuple[str, ...] = ()  # files of an earlier build removed from OUT/guides


# --- what the workers do -----------------------------------------------------------------


class Checked(NamedTuple):
    """Pass 1's finding on a new or changed guide: its digest, its source's stat when read
    and, when valid, its request."""

    digest: str
    stat: Stat
    request: CodeRequest | None

    @property
    def valid(self) -> CodeRequest:
        assert self.request is not None, "only valid guides get this far"
        return self.request


def _read(path: Path) -> tuple[bytes, Stat]:
    """A source's bytes, and its stat taken as it was read."""
    try:
        with path.open("rb") as file:
            return file.read(), Stat.of(os.fstat(file.fileno()))
    except OSError as error:
        raise OSError(f"cannot read {path}: {error.strerror or error}") from None


# An unchanged guide as pass 1 hands it to pass 2: the index of its lines in the batch's
# block of the last build's files, copied as they are; or with the sources line its read
# made (the bytes proved the same). Small ints pickle fast, which counts at a million.
Kept = int | tuple[int, str]


class Findings(NamedTuple):
    """Pass 1's findings on one batch."""

    found: list[Checked | Kept]
    reports: list[tuple[str, Report]]  # the reports that have problems
    at_risk: list[tuple[Path, Risk]]  # outputs that may not be overwritten
    gone: list[str]  # names of the block that are no longer built
    matters: list[MatterRequest]  # of the valid guides new or changed


def _joined_rows(
    names: Sequence[str], block: Block, path: Path
) -> tuple[list[int | None], list[str]]:
    """For each name, the index of its line in the block (None if none); and the names of the
    block no longer built. A block that holds just the batch's names is the usual case."""
    recorded = rows(block, path)
    if recorded == names:
        return list(range(len(names))), []
    at: list[int | None] = []
    gone, index = [], 0
    for name in names:
        while index < len(recorded) and recorded[index] < name:
            gone.append(recorded[index])
            index += 1
        found = index < len(recorded) and recorded[index] == name
        at.append(index if found else None)
        index += found
    return at, gone + recorded[index:]


def _unchanged(
    guides: Path,
    out: Path,
    mark: Mark,
    suffixes: tuple[str, ...],
    names: Sequence[str],
    at: list[int | None],
    block: Block,
) -> list[bool]:
    """For each name, whether its source has the stat its sources line records (never, when
    smudged) and its outputs are files older than the mark: as the last build left them.

    This loop is all an unchanged catalogue's build does: a stat each, relative to a folder
    opened once, and the line the source's stat would make compared, not parsed."""
    lines, stat_lines = block.lines, block.stat_lines
    written = mark.mtime_ns if "guides" in mark.folders else 0
    if not written:
        return [False] * len(names)
    files = mark.files  # those state() compares by digest; empty after a whole build
    sources = os.open(guides, os.O_RDONLY | os.O_DIRECTORY)
    outputs = os.open(out / "guides", os.O_RDONLY | os.O_DIRECTORY)
    verdicts = []
    try:
        for name, index in zip(names, at, strict=True):
            if index is None or index >= len(stat_lines):
                verdicts.append(False)
                continue
            try:
                if stat_lines[index] != stat_line(
                    line_digest(lines[index]), os.stat(name, dir_fd=sources)
                ):
                    verdicts.append(False)
                    continue
                stem = name[: -len(".json")]
                kept = True
                for suffix in suffixes:
                    output = os.stat(stem + suffix, dir_fd=outputs)
                    if not S_ISREG(output.st_mode) or output.st_mtime_ns >= written:
                        kept = False
                        break
                verdicts.append(kept and not (files and _marked(files, stem, suffixes)))
            except OSError:
                verdicts.append(False)  # looked at again by the caller
    finally:
        os.close(sources)
        os.close(outputs)
    return verdicts


def _marked(files: dict[str, str], stem: str, suffixes: tuple[str, ...]) -> bool:
    return any(f"guides/{stem}{s}" in files for s in suffixes)


def _check_batch(
    guides: Path,
    out: Path,
    mark: Mark,
    suffixes: tuple[str, ...],
    types: MatterTypes,
    checksum: bool,
    began_ns: int,
    names: Sequence[str],
    block: Block,
) -> Findings:
    """Pass 1 over one batch, joined with the last build's ``block`` of its names: read and
    validate each new or changed guide. A guide whose source has its recorded stat is not
    read unless ``checksum``."""
    at, gone = _joined_rows(names, block, out / MANIFEST)
    findings = Findings([], [], [], gone, [])
    verdicts = (
        [False] * len(names)
        if checksum or not block.lines
        else _unchanged(guides, out, mark, suffixes, names, at, block)
    )
    for name, before, unchanged in zip(names, at, verdicts, strict=True):
        if unchanged:
            findings.found.append(cast(int, before))
            continue
        stem = name[: -len(".json")]
        states = [(t, state(out, mark, t)) for t in (f"guides/{stem}{s}" for s in suffixes)]
        risks = [(out / t, why) for t, why in states if why == "changed" or why == "foreign"]
        outputs_kept = all(why == "kept" for _, why in states)
        data, stat = _read(guides / name)
        digested = digest(data)
        if before is not None and digested == line_digest(block.lines[before]) and outputs_kept:
            findings.found.append((before, stat.row(digested, began_ns)))
            continue
        findings.at_risk.extend(risks)
        guide, report = read_and_check(data, types)
        if report.problems:
            findings.reports.append((name, report))
        request = code_request(guide) if guide and report.ok else None
        findings.found.append(Checked(digested, stat, request))
        if request is not None:
            findings.matters.append(request.matter)
    return findings


def _write_batch(
    guides: Path,
    out: Path,
    formats: tuple[Format, ...],
    names: Sequence[str],
    digests: Sequence[str],
    codes: Sequence[GuideCodes],
    keep: bool,
) -> tuple[list[str], list[Guide]]:
    """Pass 2 over one batch: fill in the codes, write every format; the index entries,
    and the coded guides when ``keep`` (for the sinks)."""
    entries, kept = [], []
    for name, expected, answer in zip(names, digests, codes, strict=True):
        data, _ = _read(guides / name)
        if digest(data) != expected:
            raise BuildError(
                f"{guides / name} changed during the build; build again",
                f"构建期间 {guides / name} 被修改，请重新构建",
            )
        guide = with_codes(read_guide(data), answer)
        unstructured = guide_to_data(guide)
        stem = name[: -len(".json")]
        for format_ in formats:
            write_file(out / f"{stem}.{format_}", RENDER[format_](unstructured))
        if formats:
            entries.append(index_line(stem, formats, guide))
        if keep:
            kept.append(guide)
    return entries, kept


# --- the parent ----------------------------------------------------------------------------


def source_names(guides: Path) -> list[str]:
    """The file names of a catalogue's guides (``*.json``), sorted."""
    try:
        with os.scandir(guides) as entries:
            # Folders named *.json stay in, to be refused when read.
            return sorted(e.name for e in entries if e.name.endswith(".json"))
    except FileNotFoundError:
        return []


def build(
    catalogue: Path,
    out: Path,
    formats: Sequence[Format] = ("json",),
    *,
    workers: int = 1,
    incremental: bool = False,
    listener: Listener | None = None,
    batch: int = BATCH,
    force: bool = False,
    registry: str | Path | None = None,
    sinks: Sequence[Sink] = (),
    checksum: bool = False,
) -> Built:
    """Validate, code and write every guide of ``catalogue`` (``guides/*.json``) to ``out``.

    Codes come from the registry at ``registry``: a folder or a PostgreSQL DSN, by
    default the catalogue's own ledger ``CATALOGUE/codes.jsonl``. The matter types the
    catalogue uses beyond the standard's are declared in ``CATALOGUE/codelists.toml``.

    Writes ``out/guides/NAME.FORMAT`` for each format, ``out/index.json`` and the
    manifest, and removes the guides of an earlier build whose source is gone. When
    a guide is invalid, raises :class:`CatalogueInvalid` after telling ``listener``
    every report with problems; then nothing is written and no code is issued.
    ``incremental`` rewrites only the guides whose bytes changed since the last build; a
    source with the size, time and inode the last build recorded is taken as unchanged
    without being read, unless ``checksum`` (see :mod:`service_codes.manifest`).
    The output is the same for any number of ``workers``. Files in ``out`` that the
    build did not write, or that changed since, are never overwritten or removed:
    :class:`~service_codes.output.UnsafeWrite` names them all before anything is
    written or issued, unless ``force``.

    Every guide, coded, goes to each of ``sinks``, whose files are written beside the
    guides; a build with sinks is never incremental. With no ``formats`` it writes the
    sinks' files alone: no guides, no index, no manifest.
    """
    began_ns = time.time_ns()  # before any source is read: the racy window ends here
    formats = tuple(dict.fromkeys(formats))
    listener = listener or Listener()
    guides = catalogue / "guides"
    refuse_nested(out, [guides])
    refuse_nested(out / "guides", [guides])  # OUT itself the catalogue: guides over guides
    names = source_names(guides)
    if not names:
        raise BuildError(f"no guides found in {guides}", f"{guides} 中没有办事指南")
    types = catalogue_types(catalogue)
    listener.start(len(names))
    incremental = incremental and not sinks  # a sink is made from every guide
    location = catalogue if registry is None else registry
    shared = is_dsn(location)
    batches = [names[i : i + batch] for i in range(0, len(names), batch)]
    ahead = 2 * max(workers, 1)
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(executor(workers, len(batches)))  # before any registry
        # A folder's ledger is made with its first code; a database's by `registry init`.
        opened = None
        if incremental and (shared or _has_ledger(Path(location))):
            opened = Registry.open(location)
        header = manifest_header(formats, opened, types) if opened else ""
        previous = read_manifest(out, header) if opened else None
        if previous is not None:
            stack.callback(previous.close)
        output = Output(out, force=force)
        spill = stack.enter_context(tempfile.TemporaryFile())
        checked = _check(
            pool, batches, guides, output, formats, types, previous, ahead, checksum, began_ns
        )
        counts = Counts()
        matters: set[MatterRequest] = set()
        at_risk: list[tuple[Path, Risk]] = []
        gone: list[str] = []
        for (found, reports, risks, passed, requested), size in checked:
            at_risk.extend(risks)
            gone += passed
            for name, report in reports:
                listener.report(guides / name, report)
                counts.add(report)
            if not counts.invalid:  # past the first invalid guide, only its reports matter
                matters.update(requested)
                pickle.dump((found, size), spill, pickle.HIGHEST_PROTOCOL)
            listener.advance("check", len(found))
        if counts.invalid:
            raise CatalogueInvalid(counts, len(names))
        removed = _removed(output, names, formats, previous, gone)
        retired = [r for s in sinks for r in s.retired(out, names)]
        # The manifest is the build's own bookkeeping; what people read is guarded.
        guarded = [f"guides/{name}" for name in removed] + (["index.json"] if formats else [])
        guarded += [f for s in sinks for f in s.files(names)] + retired
        output.guard(guarded, also=at_risk)
        coder = opened or Registry.open(location, create=not shared)
        before = coder.size
        coder.assign_matters(sorted(matters))
        spill.seek(0)
        if formats:  # a sink's files make their own folders, once they are known to be good
            (out / "guides").mkdir(parents=True, exist_ok=True)
        spilled = (pickle.load(spill) for _ in batches)
        try:
            rebuilt = _write(
                pool,
                coder,
                _joined(batches, spilled, previous),
                guides,
                out,
                formats,
                ahead,
                listener,
                sinks,
                began_ns,
                types,
            )
            made = {name: data for s in sinks for name, data in s.finish(coder).items()}
        except BaseException:
            # The index and manifest in place stay those of the last whole build.
            for partial in (".index.json.tmp", f".{MANIFEST}.tmp", f"{SOURCES}.tmp"):
                (out / partial).unlink(missing_ok=True)
            raise
    _finish(output, [f"guides/{n}" for n in removed] + retired, formats, coder, types, made)
    coder.save_snapshot()  # so that the next build opens the registry quickly
    coder.close()
    return Built(
        len(names), rebuilt, coder.size - before, counts, previous is not None, tuple(removed)
    )


def _has_ledger(catalogue: Path) -> bool:
    return (catalogue / "codes.jsonl").is_file()


def _check(
    pool: Executor,
    batches: list[list[str]],
    guides: Path,
    output: Output,
    formats: tuple[Format, ...],
    types: MatterTypes,
    previous: LastBuild | None,
    ahead: int,
    checksum: bool,
    began_ns: int,
) -> Iterator[tuple[Findings, int]]:
    """Pass 1: each batch's findings, joined with its block of the last build's lines by
    its worker, and the block's size."""
    suffixes = tuple(f".{f}" for f in formats)
    blocks = previous.blocks(batches) if previous else (Block(2, [], []) for _ in batches)

    def calls() -> Iterator[tuple[Any, Callable[..., Any], tuple[Any, ...]]]:
        mark = output.mark
        for names, block in zip(batches, blocks, strict=True):
            args = (guides, output.root, mark, suffixes, types, checksum, began_ns, names, block)
            yield len(block.lines), _check_batch, args

    for size, findings in ordered(pool, calls(), ahead):
        yield findings, size


def _removed(
    output: Output,
    names: list[str],
    formats: tuple[Format, ...],
    previous: LastBuild | None,
    gone: list[str],
) -> list[str]:
    """The outputs in ``guides/`` whose source is gone, or whose format is no longer built.

    When the folder is as the last build left it (no file made, removed or renamed in it
    since its mark, as its time shows) and that build's manifest fits, those are the
    outputs of the names it lists that are no longer built: no need to list the folder."""
    if not formats:
        return []
    folder, mark = output.root / "guides", output.mark
    if previous is not None and not previous.tail and "guides" in mark.folders:
        with contextlib.suppress(OSError):
            if os.stat(folder).st_mtime_ns < mark.mtime_ns:
                return sorted(f"{name[: -len('.json')]}.{f}" for name in gone for f in formats)
    return stale(folder, names, tuple(f".{f}" for f in formats))


def _joined(
    batches: list[list[str]],
    spilled: Iterator[tuple[list[Checked | Kept], int]],
    previous: LastBuild | None,
) -> Iterator[tuple[list[str], list[Checked | Kept], Block]]:
    """Each batch with pass 1's findings and its block of the last build's lines, read again."""
    if previous is not None:
        previous.rewind()
    for names, (found, size) in zip(batches, spilled, strict=True):
        yield names, found, previous.next_block(size) if previous else Block(2, [], [])


def _write(
    pool: Executor,
    registry: Registry,
    batches: Iterable[tuple[list[str], list[Checked | Kept], Block]],
    guides: Path,
    out: Path,
    formats: tuple[Format, ...],
    ahead: int,
    listener: Listener,
    sinks: Sequence[Sink],
    began_ns: int,
    types: MatterTypes,
) -> int:
    """Pass 2: code and write what changed; index everything, in name order; feed the sinks.
    The manifest records each source's stat as of a build begun at ``began_ns``."""

    def calls() -> Iterator[tuple[Any, Callable[..., Any] | None, Any]]:
        for names, found, block in batches:
            changed = [(n, f) for n, f in zip(names, found, strict=True) if isinstance(f, Checked)]
            context = (names, found, block, len(changed))
            if not changed and not sinks:
                yield context, None, ([], [])  # nothing to write: no worker asked
                continue
            codes = registry.codes_for([f.valid for _, f in changed])
            digests = [f.digest for _, f in changed]
            yield (
                context,
                _write_batch,
                (
                    guides,
                    out / "guides",
                    formats,
                    [n for n, _ in changed],
                    digests,
                    codes,
                    bool(sinks),
                ),
            )

    rebuilt = 0
    with contextlib.ExitStack() as files:
        if formats:  # else the sinks are all there is to write
            index = files.enter_context((out / ".index.json.tmp").open("w", encoding="utf-8"))
            manifest = files.enter_context((out / f".{MANIFEST}.tmp").open("w", encoding="utf-8"))
            manifest.write(manifest_header(formats, registry, types) + "\n")  # see _finish
            sources = files.enter_context((out / f"{SOURCES}.tmp").open("w", encoding="utf-8"))
            index.write("[")
        separator = "\n"
        for (names, found, block, changed), (entries, kept) in ordered(pool, calls(), ahead):
            # With sinks every guide is coded again, so ``kept`` holds one for each name.
            for name, guide in zip(names, kept if sinks else [], strict=bool(sinks)):
                for sink in sinks:
                    sink.add(name[: -len(".json")], guide)
            rebuilt += changed
            listener.advance("write", len(names))
            if not formats:
                continue
            if not changed and found == list(range(len(block.lines))):
                # The batch is its block, unchanged: its lines are copied whole.
                lines, stat_lines = block.lines, block.stat_lines
                indexed = [line_entry(line) for line in lines]
            else:
                lines, stat_lines, indexed = _lines(found, entries, block, began_ns, names)
            manifest.write("".join(lines))
            sources.write("".join(stat_lines))
            index.write(separator + ",\n".join(indexed))
            separator = ",\n"
        if formats:
            index.write("\n]\n")
    return rebuilt


def _lines(
    found: list[Checked | Kept], entries: list[str], block: Block, began_ns: int, names: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """A batch's manifest and sources lines and index entries: the new ones of the guides
    written, the block's for the others."""
    written = iter(entries)
    lines, stat_lines, indexed = [], [], []
    for name, finding in zip(names, found, strict=True):
        if isinstance(finding, Checked):
            entry = next(written)
            lines.append(manifest_line(finding.digest, name, entry))
            stat_lines.append(finding.stat.row(finding.digest, began_ns))
        else:
            index, stat_line = (finding, "") if isinstance(finding, int) else finding
            line = block.lines[index]
            entry = line_entry(line)
            lines.append(line)
            stat_lines.append(stat_line or block.stat_lines[index])
        indexed.append(entry)
    return lines, stat_lines, indexed


def _finish(
    output: Output,
    removed: list[str],
    formats: tuple[Format, ...],
    registry: Registry,
    types: MatterTypes,
    made: dict[str, bytes],
) -> None:
    """Write the sinks' files, put the index and manifest in place, remove what an earlier
    build left (guides, then ``removed`` relative paths), mark it."""
    output.root.mkdir(parents=True, exist_ok=True)
    folders = ("", "guides") if formats else ()
    try:
        for name, data in made.items():
            output.write(name, data)
        for relative in removed:
            if relative not in made:  # a sink may retire a file and make it again
                output.remove(relative)
    except BaseException:
        # What was written is marked as written, so that building again may replace it.
        output.close(folders=folders)
        raise
    if not formats:
        output.close()
        return
    out = output.root
    os.replace(out / ".index.json.tmp", out / "index.json")
    # The header records the ledger as this build left it. Pass 2 wrote the ledger's head
    # as it began; when pass 2 issued codes, the rows go under the new header.
    rows = out / f".{MANIFEST}.tmp"
    header = manifest_header(formats, registry, types) + "\n"
    with rows.open(encoding="utf-8") as body:
        rewrite = body.readline() != header
        if rewrite:
            with (out / f".{MANIFEST}.new").open("w", encoding="utf-8") as manifest:
                manifest.write(header)
                shutil.copyfileobj(body, manifest)
    os.replace(out / f".{MANIFEST}.new" if rewrite else rows, out / MANIFEST)
    os.replace(out / f"{SOURCES}.tmp", out / SOURCES)
    rows.unlink(missing_ok=True)
    output.close(folders=folders)
