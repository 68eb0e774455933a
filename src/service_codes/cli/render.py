"""``service-codes render``: printable guide pages and a catalogue index, as HTML."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service_codes.cli.common import IOFailure, Say, check_file, lang_option
from service_codes.formats.html import IndexEntry, render_guide, render_index


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
@click.pass_obj
def render(say: Say, guides: tuple[Path, ...], out: Path) -> None:
    """Write one self-contained, printable HTML page per guide (JSON or XML), plus index.html.

    A page shows what a citizen needs at the counter: codes, conditions, materials, the
    process as a diagram, time limits, fees, place, hours and contacts; it fits A4.

    Example: service-codes render build/guides/*.json --out pages
    """
    names = [path.stem for path in guides]
    twins = sorted({n for n in names if names.count(n) > 1})
    if twins:
        raise IOFailure(f"two guides would share a page name: {', '.join(twins)}")
    checked = [check_file(path) for path in guides]
    unreadable = [c for c in checked if c.guide is None]
    for c in unreadable:
        for problem in c.report.problems:
            say.problem(c.source, problem)
    if unreadable:
        say(
            f"render failed: {len(unreadable)} guides do not read; nothing was written",
            f"生成失败：{len(unreadable)} 份办事指南无法读取，未写出任何文件",
            err=True,
        )
        sys.exit(1)
    entries = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for c in checked:
            assert c.guide is not None
            page = out / f"{c.source.stem}.html"
            page.write_text(render_guide(c.guide), encoding="utf-8")
            entries.append(IndexEntry(page.name, c.guide))
        (out / "index.html").write_text(render_index(entries), encoding="utf-8")
    except OSError as error:
        raise IOFailure(f"cannot write to {out}: {error.strerror or error}") from None
    say(
        f"render: {len(entries)} pages and index.html in {out}",
        f"生成：{len(entries)} 个页面及 index.html，位于 {out}",
    )
