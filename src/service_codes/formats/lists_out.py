"""The six published lists as files: a workbook and a CSV file per list, and one printable page.

:class:`ListSink` is a sink of the one build (DESIGN.md, "Outputs as sinks"): it is fed one
coded guide at a time and renders every file at its finish, as bytes for the caller to write
through :class:`~service_codes.output.Output`. Equal catalogues give identical bytes: rows
are in a stable order (:class:`~service_codes.lists.Tables`) and a workbook carries no
clock, neither in its properties nor in its zip entries.

Files: ``NAME.xlsx`` (one sheet, named for the list's Chinese title) and ``NAME.csv`` (UTF-8
with a byte order mark, as Excel opens it) for each list NAME of
:data:`~service_codes.lists.LISTS`, and ``lists.html`` with all six.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final, Literal

from service_codes import publication
from service_codes.formats.html import environment
from service_codes.formats.spreadsheet import column_width, styles, without_clock
from service_codes.lists import LISTS, PublishedList, Row, Tables
from service_codes.matter_types import STANDARD, MatterTypes
from service_codes.model import Guide

ListFormat = Literal["xlsx", "csv", "html"]
FORMATS: Final[tuple[ListFormat, ...]] = ("xlsx", "csv", "html")
PAGE: Final = "lists.html"
PAGE_TITLE: Final = "政务服务事项清单"
# What a spreadsheet opening a CSV file reads as the start of a formula (CWE-1236).
_FORMULA_START: Final = frozenset("=+-@\t\r")


def file_names(formats: Iterable[ListFormat], lists: Sequence[PublishedList] = LISTS) -> list[str]:
    """The files the lists make in these formats, in a stable order.

    >>> file_names(["html", "csv"])[:2], file_names(["html"])
    (['power.csv', 'responsibility.csv'], ['lists.html'])
    """
    chosen = set(formats)
    names = [f"{p.name}.{f}" for f in ("xlsx", "csv") if f in chosen for p in lists]
    return names + ([PAGE] if "html" in chosen else [])


class ListSink:
    """Every list, fed one coded guide at a time; :meth:`finish` gives each file's bytes.

    >>> sink = ListSink(["csv"])
    >>> files = sink.finish()
    >>> sorted(files)[0], files["fees.csv"].decode("utf-8-sig").splitlines()[0][:21]
    ('fees.csv', '收费单位 agency.name,收费项目')
    """

    def __init__(self, formats: Iterable[ListFormat], types: MatterTypes = STANDARD) -> None:
        self.formats = tuple(f for f in FORMATS if f in set(formats))
        self.tables = Tables(types)

    def files(self, names: Sequence[str] = ()) -> list[str]:
        """The files :meth:`finish` gives, whatever the guides."""
        return file_names(self.formats)

    def retired(self, out: Path, names: Sequence[str] = ()) -> list[str]:
        """The files of the formats not chosen that an earlier run left in ``out``."""
        kept = set(self.files())
        return [f for f in file_names(FORMATS) if f not in kept and (out / f).is_file()]

    def add(self, stem: str, guide: Guide) -> None:
        """Take one coded guide's rows into every list: as it may be published (a list is a
        publication), so nothing withheld and no guide that is not 主动公开."""
        public = publication.published(guide)
        if public is not None:
            self.tables.add(public)

    def finish(self, registry: object = None) -> dict[str, bytes]:
        """The bytes of every file, by name (see :func:`file_names`); the rows hold the
        guides' codes, so the registry is not asked."""
        tables = [(published, self.tables.rows(published)) for published in self.tables.lists]
        files: dict[str, bytes] = {}
        if "xlsx" in self.formats:
            files.update({f"{p.name}.xlsx": workbook(p, rows) for p, rows in tables})
        if "csv" in self.formats:
            files.update({f"{p.name}.csv": csv_file(p, rows) for p, rows in tables})
        if "html" in self.formats:
            files[PAGE] = page(tables).encode()
        return files


def csv_file(published: PublishedList, rows: Sequence[Row]) -> bytes:
    """A list as CSV: the headers, then a line per row; UTF-8 with a byte order mark.

    A text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is
    written after an apostrophe, as a spreadsheet marks text typed so:

    >>> from service_codes.lists import FEES
    >>> csv_file(FEES, [("=1+1",) + ("",) * 7]).decode("utf-8-sig").splitlines()[1][:6]
    "'=1+1,"
    """
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow([c.header for c in published.columns])
    writer.writerows([_as_text(value) for value in row] for row in rows)
    return text.getvalue().encode("utf-8-sig")


def _as_text(value: object) -> object:
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return f"'{value}"
    return value


def workbook(published: PublishedList, rows: Sequence[Row]) -> bytes:
    """A list as a workbook of one sheet: bold, frozen headers, columns sized to their text,
    items one a line; a text that starts with = stays text, not a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(published.title)
    sheet.freeze_panes = "A2"
    headers = [c.header for c in published.columns]
    for number, header in enumerate(headers, start=1):
        values = [header, *(row[number - 1] for row in rows)]
        sheet.column_dimensions[get_column_letter(number)].width = column_width(values)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = styles().header
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells: list[object] = []
        for value in row:
            if isinstance(value, str) and (value.startswith("=") or "\n" in value):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cell.alignment = styles().wrap
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    made = io.BytesIO()
    book.save(made)
    return without_clock(made.getvalue())


def _groups(published: PublishedList, rows: Sequence[Row]) -> list[tuple[str | None, list[Row]]]:
    """Rows under the agency they are grouped by (its column left out), or all in one group."""
    if not published.by_agency:
        return [(None, list(rows))] if rows else []
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(str(row[0]), []).append(row[1:])
    return list(groups.items())


def page(tables: Sequence[tuple[PublishedList, Sequence[Row]]], title: str = PAGE_TITLE) -> str:
    """The printable page of every list: a table each, grouped lists under agency headings."""
    template = environment().get_template("lists.html.j2")
    shown = [
        {
            "list": published,
            "count": len(rows),
            "columns": published.columns[1:] if published.by_agency else published.columns,
            "groups": _groups(published, rows),
        }
        for published, rows in tables
    ]
    return template.render(title=title, lists=shown)
