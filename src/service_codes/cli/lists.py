"""``service-codes lists``: the six lists a district publishes, built from the coded catalogue."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from service_codes.cli.build import CATALOGUE, REGISTRY, stream
from service_codes.cli.common import FORCE, Say, fail, lang_option
from service_codes.errors import InvalidCodeLists
from service_codes.formats.lists_out import FORMATS, ListFormat, ListSink
from service_codes.matter_types import catalogue_types


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
    the guides at every run, never kept by hand: this is the build, with the lists as its
    only output, so guides are validated and coded as there. Fees are grouped by agency;
    rows stand by agency, then code.

    Example: service-codes lists registry --out lists --format xlsx,html
    """
    chosen = [f for given in formats for f in given] or list(FORMATS)
    try:
        types = catalogue_types(catalogue)
    except InvalidCodeLists as error:
        fail(say, error, 1)
    sink = ListSink(chosen, types)
    location = registry_location or str(catalogue)
    built = stream(say, catalogue, out, (), os.cpu_count() or 1, False, force, location, [sink])
    _say_written(say, sink, built.guides, out)


def _say_written(say: Say, sink: ListSink, guides: int, out: Path) -> None:
    for published in sink.tables.lists:
        rows = len(sink.tables.rows(published))
        say("lists.rows", title=published.title, name=published.name, rows=rows)
    say(
        "lists.written",
        lists=len(sink.tables.lists),
        formats=say.join(sink.formats),
        guides=guides,
        out=out,
    )
