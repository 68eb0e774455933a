"""``service-codes build`` and ``export``: read, validate, assign codes and publish a catalogue."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import click

from service_codes.build import (
    BuildError,
    Built,
    CatalogueInvalid,
    Format,
    Listener,
    build,
    index_line,
    remove_stale,
    write_file,
)
from service_codes.cli.common import IOFailure, Say, check_file, fail, lang_option
from service_codes.codelists import Scheme
from service_codes.errors import InvalidGuide, RegistryCorrupt, ServiceCodesError
from service_codes.formats.exchange import to_exchange
from service_codes.formats.spreadsheet import write_workbook
from service_codes.model import Guide
from service_codes.problems import Report
from service_codes.registry import Registry


def _assign(say: Say, catalogue: Path, guides: list[Guide]) -> list[Guide]:
    """Fill in every guide's codes from the catalogue's ledger."""
    try:
        registry = Registry.open(catalogue, create=True)
        before = registry.size
        assigned = registry.assign_many(guides)
    except RegistryCorrupt as error:
        fail(say, error, 2)
    except ServiceCodesError as error:  # a code that contradicts the ledger, an exhausted range
        fail(say, error, 1)
    _say_assigned(say, catalogue, len(assigned), registry.size - before)
    return assigned


def _say_assigned(say: Say, catalogue: Path, guides: int, new: int) -> None:
    say(
        f"assign: {guides} guides, {new} new codes in {catalogue / 'codes.jsonl'}",
        f"赋码：{guides} 份办事指南，新发放 {new} 个编码（{catalogue / 'codes.jsonl'}）",
    )


def _say_read(say: Say, catalogue: Path, guides: int) -> None:
    say(
        f"read: {guides} guides from {catalogue / 'guides'}",
        f"读取：{catalogue / 'guides'} 中 {guides} 份办事指南",
    )


def _say_validated(say: Say, guides: int, errors: int, warnings: int) -> None:
    say(
        f"validate: {guides} guides, {errors} errors, {warnings} warnings",
        f"校验：{guides} 份办事指南，{errors} 个错误，{warnings} 个警告",
    )


def _say_invalid(say: Say, invalid: int, total: int) -> None:
    say(
        f"build failed: {invalid} of {total} guides are invalid; nothing was written",
        f"构建失败：{total} 份中有 {invalid} 份无效，未写出任何文件",
        err=True,
    )


def read_valid(say: Say, catalogue: Path) -> tuple[list[Path], list[Guide]]:
    """Every guide of the catalogue in memory, validated; exits if any is invalid."""
    sources = sorted((catalogue / "guides").glob("*.json"))
    if not sources:
        say(
            f"no guides found in {catalogue / 'guides'}",
            f"{catalogue / 'guides'} 中没有办事指南",
            err=True,
        )
        sys.exit(2)
    _say_read(say, catalogue, len(sources))
    checked = [check_file(source) for source in sources]
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
        _say_invalid(say, len(invalid), len(checked))
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
        _say_read(self.say, self.catalogue, guides)

    def report(self, source: Path, report: Report) -> None:
        for problem in report.problems:
            self.say.problem(source, problem)

    def advance(self, phase: Literal["check", "write"], guides: int) -> None:
        if not sys.stderr.isatty():
            return
        if phase != self.phase:
            self.close()
            label = {"check": ("check", "校验"), "write": ("write", "写出")}[phase]
            self.bar = click.progressbar(
                length=self.total, label=label[self.say.lang == "zh"], file=sys.stderr
            )
            self.phase = phase
        self.bar.update(guides)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _stream(
    say: Say, catalogue: Path, out: Path, formats: Sequence[Format], workers: int, incremental: bool
) -> None:
    """Build through the streaming pipeline (see ``service_codes.build``) and say what it did."""
    staff = _Staff(say, catalogue)
    try:
        try:
            built = build(
                catalogue, out, formats, workers=workers, incremental=incremental, listener=staff
            )
        finally:
            staff.close()  # the progress bar ends before anything else is said
    except CatalogueInvalid as error:
        _say_validated(say, error.total, error.counts.errors, error.counts.warnings)
        _say_invalid(say, error.counts.invalid, error.total)
        sys.exit(1)
    except (BuildError, RegistryCorrupt) as error:
        fail(say, error, 2)
    except ServiceCodesError as error:  # a code that contradicts the ledger, an exhausted range
        fail(say, error, 1)
    except OSError as error:
        # A guide that cannot be read comes with its own message; else writing failed.
        message = (
            str(error) if error.strerror is None else f"cannot write to {out}: {error.strerror}"
        )
        raise IOFailure(message) from None
    _say_built(say, catalogue, out, formats, built)


def _say_built(
    say: Say, catalogue: Path, out: Path, formats: Sequence[Format], built: Built
) -> None:
    _say_validated(say, built.guides, built.counts.errors, built.counts.warnings)
    _say_assigned(say, catalogue, built.guides, built.new_codes)
    kinds = ", ".join(formats)
    say(
        f"write: {built.guides} guides ({kinds}) and index.json to {out}"
        + (f"; {built.rebuilt} changed, the rest as built before" if built.incremental else ""),
        f"写出：{built.guides} 份办事指南（{kinds}）及 index.json 至 {out}"
        + (f"；{built.rebuilt} 份有改动，其余沿用上次构建" if built.incremental else ""),
    )


ExportFormat = Literal["json", "xml", "exchange", "xlsx"]


def _exchange(say: Say, catalogue: Path, out: Path, scheme: Scheme) -> None:
    sources, guides = read_valid(say, catalogue)
    guides = _assign(say, catalogue, guides)
    rendered, refused = [], False
    for source, guide in zip(sources, guides, strict=True):
        try:
            record = to_exchange(guide, scheme)
            rendered.append((json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode())
        except InvalidGuide as error:  # a value the exchange records cannot carry
            refused = True
            for problem in error.problems:
                say.problem(source, problem)
        except ServiceCodesError as error:  # a member the chosen scheme has no code for
            refused = True
            say(f"{source}: {error.message}", f"{source}：{error.message_zh}", err=True)
    if refused:
        say(
            f"export failed: nothing was written to {out}",
            f"导出失败：未向 {out} 写出任何文件",
            err=True,
        )
        sys.exit(1)
    try:
        guides_out = out / "guides"
        guides_out.mkdir(parents=True, exist_ok=True)
        for source, data in zip(sources, rendered, strict=True):
            write_file(guides_out / source.name, data)
        index = [index_line(s.stem, ["json"], g) for s, g in zip(sources, guides, strict=True)]
        write_file(out / "index.json", ("[\n" + ",\n".join(index) + "\n]\n").encode())
        remove_stale(guides_out, sorted(s.name for s in sources), (".json",))
    except OSError as error:
        raise IOFailure(f"cannot write to {out}: {error.strerror or error}") from None
    say(
        f"write: {len(index)} guides (exchange) and index.json to {out}",
        f"写出：{len(index)} 份办事指南（exchange）及 index.json 至 {out}",
    )


def _workbook(say: Say, catalogue: Path, out: Path) -> None:
    sources, guides = read_valid(say, catalogue)
    guides = _assign(say, catalogue, guides)
    workbook = out / "catalogue.xlsx"
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_workbook({s.stem: g for s, g in zip(sources, guides, strict=True)}, workbook)
    except OSError as error:
        raise IOFailure(f"cannot write to {out}: {error.strerror or error}") from None
    say(
        f"write: {len(guides)} guides to {workbook}", f"写出：{len(guides)} 份办事指南至 {workbook}"
    )


def _refuse_the_catalogue(catalogue: Path, out: Path) -> None:
    if (out / "guides").resolve() == (catalogue / "guides").resolve():
        raise click.UsageError(
            "--out must not be the catalogue itself: it would overwrite the guides"
        )


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
        help="Folder to write the published guides and index.json to.",
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
    default=["json"],
    show_default=True,
    help="Format to write each guide in; give it twice for both.",
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
    help="Rewrite only the guides whose file changed since the last build into --out.",
)
@click.pass_obj
def build_command(
    say: Say,
    catalogue: Path,
    out: Path,
    formats: tuple[Format, ...],
    workers: int,
    incremental: bool,
) -> None:
    """Read, validate, code and publish every guide of a catalogue.

    CATALOGUE is a folder with guides/*.json and the code ledger codes.jsonl
    (default: registry). Valid guides get their codes from the ledger, new
    matters new codes; nothing is written and no code is issued unless every
    guide is valid. Guides stream through in batches, so a catalogue of any size
    builds in the same memory; --incremental gives the same files as a full build.

    Example: service-codes build registry --out build --format json --format xml
    """
    _refuse_the_catalogue(catalogue, out)
    _stream(say, catalogue, out, formats, workers, incremental)


@click.command()
@lang_option
@CATALOGUE
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "xml", "exchange", "xlsx"]),
    default="json",
    show_default=True,
    help="json: canonical JSON; xml: XML valid against schemas/guide.xsd; exchange: the"
    " platform's flat records; xlsx: one workbook in the layout 'import' reads.",
)
@click.option(
    "--scheme",
    type=click.Choice(["platform", "gbt39046"]),
    default="platform",
    show_default=True,
    help="Code scheme of service objects in exchange records.",
)
@_out("export")
@click.pass_obj
def export(say: Say, catalogue: Path, format_: ExportFormat, scheme: Scheme, out: Path) -> None:
    """Validate, assign codes and write every guide of a catalogue in a chosen format.

    Example: service-codes export registry --format exchange --scheme gbt39046 --out export
    """
    _refuse_the_catalogue(catalogue, out)
    if format_ == "exchange":
        _exchange(say, catalogue, out, scheme)
    elif format_ == "xlsx":
        _workbook(say, catalogue, out)
    else:
        _stream(say, catalogue, out, [format_], os.cpu_count() or 1, incremental=False)
