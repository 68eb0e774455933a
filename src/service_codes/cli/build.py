"""``service-codes build`` and ``export``: read, validate, assign codes and publish a catalogue."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import click

from service_codes.build import (
    Built,
    CatalogueInvalid,
    Listener,
    build,
)
from service_codes.cli.common import (
    FORCE,
    Failure,
    Say,
    check_file,
    fail,
    io_failure,
    lang_option,
    progress,
    registry_option,
)
from service_codes.cli.linked_data import check_shapes, needs_linked_data
from service_codes.codelists import Scheme
from service_codes.errors import (
    InvalidCodeLists,
    InvalidGuide,
    RegistryCorrupt,
    RegistryUnavailable,
    ServiceCodesError,
)
from service_codes.formats.sinks import CpsvSink, ExchangeRefused, ExchangeSink, WorkbookSink
from service_codes.ledger import describe, is_dsn
from service_codes.manifest import BuildError, Format, previous_formats
from service_codes.matter_types import catalogue_types
from service_codes.model import Guide
from service_codes.output import NestedOutput, UnsafeWrite, refuse_nested
from service_codes.problems import Report
from service_codes.publish import ReviewBlocked
from service_codes.sink import Sink


def _is_new(location: str) -> bool:
    """Whether coding will start a new ledger in a folder (a database's is made by init)."""
    return not is_dsn(location) and not (Path(location) / "codes.jsonl").is_file()


def _say_assigned(say: Say, location: str, guides: int, new: int, new_ledger: bool) -> None:
    ledger = describe(location)
    if new_ledger:
        say("build.new-ledger", ledger=ledger)
    say("build.assigned", guides=guides, new=new, ledger=ledger)


def _say_validated(say: Say, guides: int, errors: int, warnings: int) -> None:
    say("build.validated", guides=guides, errors=errors, warnings=warnings)


def read_valid(say: Say, catalogue: Path) -> tuple[list[Path], list[Guide]]:
    """Every guide of the catalogue in memory, validated; exits if any is invalid."""
    sources = sorted((catalogue / "guides").glob("*.json"))
    if not sources:
        say("build.no-guides", err=True, folder=catalogue / "guides")
        sys.exit(2)
    say("build.read", guides=len(sources), folder=catalogue / "guides")
    try:
        types = catalogue_types(catalogue)
    except InvalidCodeLists as error:
        fail(say, error, 1)
    checked = [check_file(say, s, types) for s in progress(say, sources, "build.phase-check")]
    invalid = [c for c in checked if not c.report.ok]
    _say_validated(
        say,
        len(checked),
        sum(len(c.report.errors) for c in checked),
        sum(len(c.report.warnings) for c in checked),
    )
    for c in checked:
        for problem in c.report.problems:
            say.problem(c.source, problem)
    if invalid:
        say("build.invalid", err=True, invalid=len(invalid), total=len(checked))
        sys.exit(1)
    return sources, [c.guide for c in checked if c.guide is not None]


class _Staff(Listener):
    """Tells staff what a build does: problems as they are found, a progress bar on a terminal."""

    def __init__(self, say: Say, catalogue: Path) -> None:
        self.say, self.catalogue = say, catalogue
        self.total = 0
        self.bar: Any = None
        self.phase = ""

    def start(self, guides: int) -> None:
        self.total = guides
        self.say("build.read", guides=guides, folder=self.catalogue / "guides")

    def report(self, source: Path, report: Report) -> None:
        for problem in report.problems:
            self.say.problem(source, problem)

    def advance(self, phase: Literal["check", "write"], guides: int) -> None:
        if not sys.stderr.isatty():
            return
        if phase != self.phase:
            self.close()
            self.bar = click.progressbar(
                length=self.total, label=self.say.text(f"build.phase-{phase}"), file=sys.stderr
            )
            self.phase = phase
        self.bar.update(guides)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def stream(
    say: Say,
    catalogue: Path,
    out: Path,
    formats: Sequence[Format],
    workers: int,
    incremental: bool,
    force: bool,
    location: str,
    sinks: Sequence[Sink] = (),
    checksum: bool = False,
) -> Built:
    """Build through the streaming pipeline (see ``service_codes.build``); say what was
    validated and coded, leaving what was written to the caller."""

    def run(staff: Listener) -> Built:
        return build(
            catalogue,
            out,
            formats,
            workers=workers,
            incremental=incremental,
            listener=staff,
            force=force,
            registry=location,
            sinks=sinks,
            checksum=checksum,
        )

    return guarded(say, catalogue, out, location, run)


def guarded(
    say: Say, catalogue: Path, out: Path, location: str, run: Callable[[Listener], Built]
) -> Built:
    """``run`` a build, telling staff its progress and problems and turning its failures
    into messages and exit codes; say what was validated and coded."""
    staff = _Staff(say, catalogue)
    new_ledger = _is_new(location)
    try:
        try:
            built = run(staff)
        finally:
            staff.close()  # the progress bar ends before anything else is said
    except NestedOutput as error:
        raise Failure(say.text("out.inside-source", out=error.out, source=error.source)) from None
    except CatalogueInvalid as error:
        _say_validated(say, error.total, error.counts.errors, error.counts.warnings)
        say("build.invalid", err=True, invalid=error.counts.invalid, total=error.total)
        sys.exit(1)
    except (BuildError, RegistryCorrupt, RegistryUnavailable, UnsafeWrite) as error:
        fail(say, error, 2)
    except (ExchangeRefused, ReviewBlocked):
        raise  # the command names each guide and why
    except ServiceCodesError as error:  # a code that contradicts the ledger, an exhausted range
        fail(say, error, 1)
    except OSError as error:
        # A guide that cannot be read comes with its own message; else writing failed.
        if error.strerror is None:
            raise Failure(str(error)) from None
        raise io_failure(say, "io.cannot-write", out, error) from None
    _say_validated(say, built.guides, built.counts.errors, built.counts.warnings)
    _say_assigned(say, location, built.guides, built.new_codes, new_ledger)
    return built


def _say_written(say: Say, out: Path, formats: Sequence[Format], built: Built) -> None:
    dropped = sorted({name.rpartition(".")[2] for name in built.removed} - set(formats))
    if dropped:
        say("build.formats-dropped", formats=say.join(dropped), kept=say.join(formats))
    key = "build.written-incremental" if built.incremental else "build.written"
    say(key, guides=built.guides, formats=say.join(formats), out=out, rebuilt=built.rebuilt)


ExportFormat = Literal["json", "xml", "exchange", "xlsx", "cpsv-ap"]


def _cpsv(say: Say, catalogue: Path, out: Path, force: bool, location: str, check: bool) -> None:
    if check:
        needs_linked_data(say)
    try:
        types = catalogue_types(catalogue)
    except InvalidCodeLists as error:
        fail(say, error, 1)
    sink = CpsvSink(types)
    workers = os.cpu_count() or 1
    built = stream(say, catalogue, out, (), workers, False, force, location, [sink])
    document = out / CpsvSink.FILE
    say("export.cpsv", guides=len(sink.guides), all=built.guides, document=document)
    if check:
        check_shapes(say, document, "cpsv")


def _exchange(
    say: Say, catalogue: Path, out: Path, scheme: Scheme, force: bool, location: str
) -> None:
    try:
        types = catalogue_types(catalogue)
    except InvalidCodeLists as error:
        fail(say, error, 1)
    sink = ExchangeSink(scheme, types)
    try:
        built = stream(say, catalogue, out, (), os.cpu_count() or 1, False, force, location, [sink])
    except ExchangeRefused as error:
        _say_warnings(say, catalogue, sink)
        for stem, why in error.refused:
            source = catalogue / "guides" / f"{stem}.json"
            if isinstance(why, InvalidGuide):  # a value the exchange records cannot carry
                for problem in why.problems:
                    say.problem(source, problem)
            else:  # a member the chosen scheme has no code for
                say("export.refused-guide", err=True, source=source, message=say.error(why))
        say("export.refused", err=True, out=out)
        sys.exit(1)
    _say_warnings(say, catalogue, sink)
    say("export.written", guides=built.guides, format="exchange", out=out)


def _say_warnings(say: Say, catalogue: Path, sink: ExchangeSink) -> None:
    for stem, problem in sink.warnings:
        say.problem(catalogue / "guides" / f"{stem}.json", problem)


REGISTRY = registry_option(None, "CATALOGUE's own codes.jsonl")
CATALOGUE = click.argument(
    "catalogue",
    default="registry",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def _out(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--out",
        default=default,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder to write the coded guides and index.json to.",
    )


@click.command("build")
@lang_option
@CATALOGUE
@_out("build")
@click.option(
    "--format",
    "formats",
    type=click.Choice(["json", "xml"]),
    multiple=True,
    help="Format to write each guide in; give it twice for both (default: json, or for"
    " --incremental the formats of the last build).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Processes that read, check and write guides; the output is the same for any number.",
)
@click.option(
    "--incremental",
    is_flag=True,
    help="Rewrite only the guides whose file changed since the last build into --out; a file"
    " with the size, time and inode the last build recorded is not read.",
)
@click.option(
    "--checksum",
    is_flag=True,
    help="With --incremental: read and hash every guide, trusting no file's size and time.",
)
@FORCE
@REGISTRY
@click.pass_obj
def build_command(
    say: Say,
    catalogue: Path,
    out: Path,
    formats: tuple[Format, ...],
    workers: int,
    incremental: bool,
    checksum: bool,
    force: bool,
    registry_location: str | None,
) -> None:
    """Read, validate, code and write every guide of a catalogue.

    CATALOGUE is a folder with guides/*.json and the code ledger codes.jsonl
    (default: registry). Valid guides get their codes from the ledger, new
    matters new codes; nothing is written and no code is issued unless every
    guide is valid. Guides stream through in batches, so a catalogue of any size
    builds in the same memory; --incremental gives the same files as a full build.

    Example: service-codes build registry --out build --format json --format xml
    """
    if not formats:
        before = previous_formats(out) if incremental else None
        formats = before or ("json",)
        if before:
            say("build.formats-kept", formats=say.join(before), out=out)
    location = registry_location or str(catalogue)
    built = stream(
        say, catalogue, out, formats, workers, incremental, force, location, checksum=checksum
    )
    _say_written(say, out, formats, built)


@click.command()
@lang_option
@CATALOGUE
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "xml", "exchange", "xlsx", "cpsv-ap"]),
    default="json",
    show_default=True,
    help="json: canonical JSON; xml: XML valid against schemas/guide.xsd; exchange: the"
    " platform's flat records; xlsx: one workbook in the layout 'import' reads; cpsv-ap: the"
    " published guides as one CPSV-AP 3.2 JSON-LD document.",
)
@click.option(
    "--scheme",
    type=click.Choice(["platform", "gbt39046"]),
    default="platform",
    show_default=True,
    help="Code scheme of service objects in exchange records.",
)
@click.option(
    "--check",
    is_flag=True,
    help="With cpsv-ap: check the document against the official CPSV-AP 3.2.0 SHACL shapes"
    " (needs the linked-data extra); exit 1 on a violation.",
)
@_out("export")
@FORCE
@REGISTRY
@click.pass_obj
def export(
    say: Say,
    catalogue: Path,
    format_: ExportFormat,
    scheme: Scheme,
    check: bool,
    out: Path,
    force: bool,
    registry_location: str | None,
) -> None:
    """Validate, assign codes and write every guide of a catalogue in a chosen format.

    Example: service-codes export registry --format exchange --scheme gbt39046 --out export
    """
    try:
        refuse_nested(out, [catalogue / "guides"])
        refuse_nested(out / "guides", [catalogue / "guides"])
    except NestedOutput as error:
        raise Failure(say.text("out.inside-source", out=error.out, source=error.source)) from None
    if check and format_ != "cpsv-ap":
        raise Failure(say.text("export.check-cpsv-only", format=format_, wanted="cpsv-ap"))
    location = registry_location or str(catalogue)
    workers = os.cpu_count() or 1
    if format_ == "exchange":
        _exchange(say, catalogue, out, scheme, force, location)
    elif format_ == "cpsv-ap":
        _cpsv(say, catalogue, out, force, location, check)
    elif format_ == "xlsx":
        built = stream(say, catalogue, out, (), workers, False, force, location, [WorkbookSink()])
        say("export.workbook", guides=built.guides, workbook=out / WorkbookSink.FILE)
    else:
        built = stream(say, catalogue, out, [format_], workers, False, force, location)
        _say_written(say, out, [format_], built)
