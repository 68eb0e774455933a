"""``service-codes import``: guides from the spreadsheet layout staff already use."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import click

from service_codes.cli.common import IOFailure, Say, lang_option
from service_codes.formats.json import to_json
from service_codes.formats.spreadsheet import read_spreadsheet, template


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
@click.pass_obj
def import_(say: Say, source: Path, out: Path | None, template_: bool, partial: bool) -> None:
    """Import guides from SOURCE: an .xlsx workbook, or FILE.csv with FILE-materials.csv,
    FILE-steps.csv, ... beside it. A sheet of matters, one per list, linked by the key column.

    Every bad cell is reported with its sheet, row, column and reason; nothing is written
    unless every row is valid (--partial writes the valid guides and reports the rest).

    Example: service-codes import staff.xlsx --out registry
    (and service-codes import --template staff.xlsx for an empty one)
    """
    if source.suffix.lower() not in (".xlsx", ".csv"):
        raise IOFailure(f"{source} is neither an .xlsx workbook nor a .csv file")
    if template_:
        if not source.parent.is_dir():
            raise IOFailure(f"cannot write {source}: {source.parent} is not a folder")
        try:
            template(source)
        except OSError as error:
            raise IOFailure(f"cannot write {source}: {error.strerror or error}") from None
        say(f"template written to {source}", f"模板已写入 {source}")
        return
    if out is None:
        raise click.UsageError("--out is required to import")
    try:
        imported = read_spreadsheet(source)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:  # not a workbook
        raise IOFailure(f"cannot read {source}: {error}") from None
    for problem in imported.problems:
        message = problem.message_zh if say.lang == "zh" else problem.message
        click.echo(
            f"{source}: {problem.sheet}, row {problem.row}, {problem.column}: {message}", err=True
        )
    if imported.problems and not partial:
        say(
            f"import failed: {len(imported.problems)} problems; nothing was written",
            f"导入失败：{len(imported.problems)} 个问题，未写出任何文件",
            err=True,
        )
        sys.exit(1)
    folder = out / "guides"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        items = imported.guides.items()
        if sys.stderr.isatty():  # a bar for people at a terminal; nothing when piped
            with click.progressbar(items, label="writing", file=sys.stderr) as bar:
                for key, guide in bar:
                    (folder / f"{key}.json").write_text(to_json(guide), encoding="utf-8")
        else:
            for key, guide in items:
                (folder / f"{key}.json").write_text(to_json(guide), encoding="utf-8")
    except OSError as error:
        raise IOFailure(f"cannot write to {folder}: {error.strerror or error}") from None
    if imported.problems:  # --partial: the rows left out, for staff to fix
        report = out / "import-problems.txt"
        lines = [
            f"{p.sheet}\t{p.row}\t{p.column}\t{p.message_zh if say.lang == 'zh' else p.message}"
            for p in imported.problems
        ]
        report.write_text("\n".join(["sheet\trow\tcolumn\tproblem", *lines]) + "\n", "utf-8")
    say(
        f"import: {len(imported.guides)} guides written to {folder},"
        f" {len(imported.problems)} problems",
        f"导入：{len(imported.guides)} 份办事指南写入 {folder}，{len(imported.problems)} 个问题",
    )
    if imported.problems:
        sys.exit(1)
