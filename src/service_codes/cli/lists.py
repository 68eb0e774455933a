"""``service-codes lists``: the six lists a district publishes, built from the coded catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from service_codes.cli.build import CATALOGUE, REGISTRY, assign_codes, guard_files, read_valid
from service_codes.cli.common import FORCE, Failure, Say, io_failure, lang_option
from service_codes.formats.lists_out import FORMATS, ListFormat, ListSink, file_names
from service_codes.matter_types import catalogue_types
from service_codes.output import NestedOutput, Output, refuse_nested


class _Formats(click.Choice):  # type: ignore[type-arg]
    """Formats given one by one or comma separated (``--format xlsx,csv``), each a choice."""

    name = "formats"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",") if part.strip()]
        return tuple(super(_Formats, self).convert(part, param, ctx) for part in parts)


@click.command("lists")
@lang_option
@CATALOGUE
@click.option(
    "--out",
    default="lists",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the lists to.",
)
@click.option(
    "--format",
    "formats",
    type=_Formats(list(FORMATS)),
    multiple=True,
    help="xlsx: a workbook per list; csv: a CSV file per list (UTF-8 with a byte order mark);"
    " html: one printable page of every list. Repeat it or separate with commas"
    " (default: all three).",
)
@FORCE
@REGISTRY
@click.pass_obj
def lists(
    say: Say,
    catalogue: Path,
    out: Path,
    formats: tuple[tuple[ListFormat, ...], ...],
    force: bool,
    registry_location: str | None,
) -> None:
    """Write the six published lists of a catalogue, every row naming its matter's code.

    The power list (权力清单), responsibility list (责任清单), public-service list
    (公共服务事项清单), fee catalogue (收费目录), intermediary-service fees for licensing
    (行政许可中介服务收费清单) and random-inspection list (随机抽查事项清单) are derived from
    the guides at every run, never kept by hand. Guides are validated and coded as export
    does; fees are grouped by agency; rows stand by agency, then code.

    Example: service-codes lists registry --out lists --format xlsx,html
    """
    chosen = [f for given in formats for f in given] or list(FORMATS)
    try:
        refuse_nested(out, [catalogue / "guides"])
    except NestedOutput as error:
        raise Failure(say.text("out.inside-source", out=error.out, source=error.source)) from None
    _, guides = read_valid(say, catalogue)
    output = Output(out, force=force)
    guard_files(say, output, file_names(chosen))
    guides = assign_codes(say, registry_location or str(catalogue), guides)
    sink = ListSink(chosen, catalogue_types(catalogue))
    for guide in guides:
        sink.add(guide)
    files = sink.finish()
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            output.write(name, data)
        output.close()
    except OSError as error:
        raise io_failure(say, "io.cannot-write", out, error) from None
    _say_written(say, sink, sink.formats, len(guides), out)


def _say_written(
    say: Say, sink: ListSink, formats: Sequence[ListFormat], guides: int, out: Path
) -> None:
    for published in sink.tables.lists:
        rows = len(sink.tables.rows(published))
        say("lists.rows", title=published.title, name=published.name, rows=rows)
    say(
        "lists.written",
        lists=len(sink.tables.lists),
        formats=say.join(formats),
        guides=guides,
        out=out,
    )
