"""``service-codes import``: guides from the spreadsheet layout staff already use."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import click

from service_codes.cli.common import FORCE, Failure, Say, io_failure, lang_option, progress
from service_codes.codes import ImplementationCode
from service_codes.encoding import UnreadableText
from service_codes.errors import ServiceCodesError
from service_codes.formats import read_guide
from service_codes.formats.exchange_import import Bases, read_exchange_file
from service_codes.formats.json import to_json
from service_codes.formats.spreadsheet import read_spreadsheet, template
from service_codes.model import Guide
from service_codes.output import Output, UnsafeWrite
from service_codes.registry import Registry

PROBLEMS = "import-problems.txt"


@click.command(name="import")
@lang_option
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Catalogue folder to write guides/<key>.json into.",
)
@click.option(
    "--template",
    "template_",
    is_flag=True,
    help="Write an empty SOURCE (.xlsx or .csv) to fill in.",
)
@click.option("--partial", is_flag=True, help="Write the valid guides even if other rows are bad.")
@FORCE
@click.pass_obj
def import_(
    say: Say, source: Path, out: Path | None, template_: bool, partial: bool, force: bool
) -> None:
    """Import guides from SOURCE: an .xlsx workbook, or FILE.csv with FILE-materials.csv,
    FILE-steps.csv, ... beside it. A sheet of matters, one per list, linked by the key column.
    Or FILE.json: the platform's exchange records (one, or a list), each written as
    guides/<implementation code>.json.

    Every bad cell is reported with its sheet, row, column and reason; nothing is written
    unless every row is valid (--partial writes the valid guides and reports the rest).
    A guide file edited since the last import, or not written by it, is never
    overwritten without --force; nor is a filled-in workbook by --template.

    Example: service-codes import staff.xlsx --out registry
    (and service-codes import --template staff.xlsx for an empty one)
    """
    if source.suffix.lower() not in (".xlsx", ".csv", ".json"):
        raise Failure(say.text("import.neither", path=source))
    if template_:
        if source.suffix.lower() == ".json":
            raise Failure(say.text("import.neither", path=source))
        _template(say, source, force)
        return
    if out is None:
        raise Failure(say.text("import.needs-out"))
    try:
        if source.suffix.lower() == ".json":  # the platform's exchange records
            imported = read_exchange_file(source.read_bytes(), _guides_in(out))
        else:
            imported = read_spreadsheet(source)
    except UnreadableText as error:
        raise Failure(f"{source}: {say.error(error)}") from None
    except OSError as error:
        raise io_failure(say, "io.cannot-read", source, error) from None
    except (ValueError, KeyError, zipfile.BadZipFile) as error:  # not a workbook, not JSON
        raise Failure(say.text("io.cannot-read", path=source, reason=error)) from None
    zh = say.lang == "zh"
    for problem in imported.problems:
        message = problem.message_zh if zh else problem.message
        say(
            "import.problem",
            err=True,
            source=source,
            sheet=problem.sheet,
            row=problem.row,
            column=problem.column,
            message=message,
        )
    if not imported.guides and not imported.problems:
        say("import.empty", path=source)
        return
    if imported.problems and not partial:
        say("import.failed", err=True, problems=len(imported.problems))
        sys.exit(1)
    output = Output(out, force=force)
    files = {
        f"guides/{key}.json": to_json(guide).encode() for key, guide in imported.guides.items()
    }
    try:
        output.guard([*files, *([PROBLEMS] if imported.problems else [])])
    except UnsafeWrite as error:
        say.unsafe(error)
    folder = out / "guides"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for relative, data in progress(say, list(files.items()), "import.phase-write"):
            output.write(relative, data)
        if imported.problems:  # --partial: the rows left out, for staff to fix
            lines = [
                f"{p.sheet}\t{p.row}\t{p.column}\t{p.message_zh if zh else p.message}"
                for p in imported.problems
            ]
            header = say.text("import.report-header")
            output.write(PROBLEMS, "\n".join([header, *lines]).encode() + b"\n")
        output.close()
    except OSError as error:
        raise io_failure(say, "io.cannot-write", folder, error) from None
    say(
        "import.written",
        guides=len(imported.guides),
        folder=folder,
        problems=len(imported.problems),
    )
    if imported.problems:
        sys.exit(1)


def _guides_in(catalogue: Path) -> Bases:
    """The guides a catalogue holds already, by the implementation code its registry gives
    them (or they carry): a record of that implementation reads over its guide, and is
    written back to its file."""
    registry = Registry.open(catalogue) if (catalogue / "codes.jsonl").is_file() else None
    found: dict[str, tuple[str, Guide]] = {}
    for path in sorted((catalogue / "guides").glob("*.json")):
        try:
            guide = read_guide(path.read_bytes())
            code = guide.implementation_code or _composed(registry, guide)
        except (OSError, ServiceCodesError):
            continue  # a guide that does not read, or is retired, is no base
        if code is not None:
            found[str(code)] = (path.stem, guide)
    if registry is not None:
        registry.close()
    return found


def _composed(registry: Registry | None, guide: Guide) -> ImplementationCode | None:
    catalog = registry.catalog_code_of(guide.matter) if registry else None
    return ImplementationCode(guide.agency.uscc, guide.level, catalog) if catalog else None


def _template(say: Say, source: Path, force: bool) -> None:
    """Write an empty workbook (or CSV files) to fill in, never over one already filled."""
    if not source.parent.is_dir():
        raise Failure(say.text("io.not-a-folder", path=source.parent))
    output = Output(source.parent, force=force)
    with tempfile.TemporaryDirectory() as scratch:
        try:
            template(Path(scratch) / source.name)
        except OSError as error:
            raise io_failure(say, "io.cannot-write", source, error) from None
        made = {p.name: p.read_bytes() for p in Path(scratch).iterdir()}
    try:
        output.guard(made)
    except UnsafeWrite as error:
        say.unsafe(error)
    try:
        for name, data in sorted(made.items()):
            output.write(name, data)
        output.close()
    except OSError as error:
        raise io_failure(say, "io.cannot-write", source, error) from None
    say("import.template", path=source)
