"""``service-codes render``: printable guide pages and a catalogue index, as HTML."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service_codes.cli.common import (
    CODELISTS,
    FORCE,
    Failure,
    Say,
    check_file,
    io_failure,
    lang_option,
    progress,
)
from service_codes.formats.html import IndexEntry, render_guide, render_index
from service_codes.matter_types import MatterTypes
from service_codes.output import Output, UnsafeWrite
from service_codes.publication import published


@click.command()
@lang_option
@click.argument("guides", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    default="pages",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pages and index.html.",
)
@FORCE
@CODELISTS
@click.pass_obj
def render(say: Say, guides: tuple[Path, ...], out: Path, force: bool, types: MatterTypes) -> None:
    """Write one self-contained, printable HTML page per guide (JSON or XML), plus index.html.

    A page shows what a citizen needs at the counter: codes, conditions, materials, the
    process as a diagram, time limits, fees, place, hours and contacts; it fits A4. A page
    is a publication: fields a guide withholds are left out, and a guide that is not
    主动公开 gets no page.

    Example: service-codes render build/guides/*.json --out pages
    """
    names = [path.stem for path in guides]
    twins = sorted({n for n in names if names.count(n) > 1})
    if twins:
        raise Failure(say.text("render.twins", names=say.join(twins)))
    checked = [check_file(say, p, types) for p in progress(say, guides, "build.phase-check")]
    unreadable = [c for c in checked if c.guide is None]
    for c in unreadable:
        for problem in c.report.problems:
            say.problem(c.source, problem)
    if unreadable:
        say("render.failed", err=True, guides=len(unreadable))
        sys.exit(1)
    # A page is a publication: what a guide withholds is not on it, nor a guide not 主动公开.
    shown, withdrawn = [], []
    for c in checked:
        public = published(c.guide) if c.guide else None
        if public is None:
            say("render.unpublished", source=c.source)
            withdrawn.append(f"{c.source.stem}.html")  # its page of an earlier render goes
        else:
            shown.append((c.source, public))
    names = [source.stem for source, _ in shown]
    output = Output(out, force=force)
    try:
        output.guard([f"{name}.html" for name in names] + ["index.html"] + withdrawn)
    except UnsafeWrite as error:
        say.unsafe(error)
    entries = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for source, guide in shown:
            page = f"{source.stem}.html"
            output.write(page, render_guide(guide, types).encode())
            entries.append(IndexEntry(page, guide))
        output.write("index.html", render_index(entries, types=types).encode())
        for page in withdrawn:
            if (out / page).is_file():
                output.remove(page)
        output.close()
    except OSError as error:
        raise io_failure(say, "io.cannot-write", out, error) from None
    say("render.written", pages=len(entries), out=out)
