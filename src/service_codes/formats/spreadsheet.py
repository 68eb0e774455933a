"""Spreadsheets as staff keep them: write guides to an .xlsx workbook or a set of CSV files,
and the template to fill in. Reading is in :mod:`.spreadsheet_read`, the layout of sheets and
columns in :mod:`.spreadsheet_layout`; both are importable from here.

A workbook is ready to fill in: the header row is bold and frozen with the key column, the
required columns (``*``) are shaded, enum and 是/否 columns offer drop-down lists, code, date
and key columns are text so leading zeros stay, and columns are as wide as what they hold.
The template adds example rows to every sheet, keyed by ``EXAMPLES``, which import skips.
A number that Excel's 16 digits would round is written as text, so it reads back exactly.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from service_codes import codelists
from service_codes.codelists import MatterType
from service_codes.convert import guide_to_data
from service_codes.errors import InvalidGuide
from service_codes.formats.spreadsheet_layout import (
    EXAMPLE,
    EXAMPLE_KEY,
    EXAMPLES,
    FALSE,
    KEY,
    LINES,
    MATTERS,
    PENALTY_EXAMPLE,
    TRUE,
    Column,
    csv_part,
    layout,
    nested,
)
from service_codes.formats.spreadsheet_read import (
    Imported,
    RowProblem,
    read_spreadsheet,
    spreadsheet_data,
)
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.validation import guide_from_data

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.datavalidation import DataValidation, DataValidationList
    from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder

_LAST_ROW: Final = 1_048_576  # Excel's; drop-down lists reach every row staff may fill
_WIDTH_ROWS: Final = 1000  # columns are sized to the header and this many rows
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def _cell(column: Column, value: Any, at: str = "") -> Any:
    """A field's JSON value as the cell shows it: Chinese names, 是/否, one item per line;
    ``at`` is the JSON path of the row's record, to say where a bad item is."""
    if value is None:
        return None
    if column.kind == "boolean":
        return TRUE if value else FALSE
    if column.kind == "enum" and column.enum_type:
        if value not in column.enum_type._value2member_map_:
            return value  # an extension matter type: no label in the standard's list
        return codelists.label_zh(column.enum_type(value))
    if column.kind in LINES:
        if column.enum_type:
            value = [codelists.label_zh(column.enum_type(v)) for v in value]
        for i, item in enumerate(value):
            if "\n" in item:  # one item per line: an item cannot hold a line break itself
                raise InvalidGuide(
                    [
                        Problem(
                            path=f"{at}/{'/'.join(column.path)}/{i}",
                            rule="spreadsheet.line-break",
                            message="a list item holds a line break, which the cell uses to"
                            " separate items",
                            message_zh="列表项含有换行符，而单元格用换行分隔各项",
                        )
                    ]
                )
        return "\n".join(value)
    return value


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at a field path, or None when a part of it is absent."""
    for name in path:
        if not isinstance(data, dict) or name not in data:
            return None
        data = data[name]
    return data


def _records(sheet: str, key: str, data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rows of a sheet for one guide's data: each record's JSON path, and its fields
    with the matter key (and, on a nested sheet, the parent's id or number)."""
    if sheet == MATTERS:
        yield "", {KEY: key, **data}
    elif sheet in nested():
        inner = nested()[sheet]
        for i, parent in enumerate(data.get(inner.parent, [])):
            named = {KEY: key, inner.parent: parent["id"] if inner.by_id else i + 1}
            for j, item in enumerate(parent.get(inner.field, [])):
                yield f"/{inner.parent}/{i}/{inner.field}/{j}", {**named, **item}
    else:
        for i, item in enumerate(data.get(sheet, [])):
            yield f"/{sheet}/{i}", {KEY: key, **item}


def rows(guides: dict[str, Guide]) -> dict[str, list[list[Any]]]:
    """The cells of every sheet (headers first) for guides given by their keys."""
    sheets = layout()
    out: dict[str, list[list[Any]]] = {
        name: [[c.header for c in cols]] for name, cols in sheets.items()
    }
    for key, guide in guides.items():
        data = guide_to_data(guide)
        for sheet, columns in sheets.items():
            for at, record in _records(sheet, key, data):
                out[sheet].append([_cell(c, _get(record, c.path), at) for c in columns])
    return out


@attrs.frozen
class Styles:
    """How the parts of a sheet look."""

    header: Font
    required: PatternFill
    optional: PatternFill
    example: Font
    wrap: Alignment


@cache
def styles() -> Styles:
    """The cell styles of every workbook the library writes (templates, exports, lists)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    return Styles(
        header=Font(bold=True),
        required=PatternFill("solid", fgColor="FFE699"),  # amber: must be filled in
        optional=PatternFill("solid", fgColor="DDEBF7"),
        example=Font(italic=True, color="808080"),
        wrap=Alignment(wrap_text=True, vertical="top"),
    )


def write_workbook(guides: dict[str, Guide], path: Path) -> None:
    """Write guides (by key) to one .xlsx workbook, a sheet per layout sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, cells in rows(guides).items():
        sheet, columns = book.create_sheet(name), layout()[name]
        _prepare(sheet, columns, cells)  # before the first row: a streamed sheet needs it so
        sheet.append([_header_cell(sheet, c) for c in columns])
        for row in cells[1:]:
            example = row[0] in EXAMPLES
            sheet.append(
                [_data_cell(sheet, c, v, example) for c, v in zip(columns, row, strict=True)]
            )
    book.save(path)


def _prepare(
    sheet: WriteOnlyWorksheet, columns: tuple[Column, ...], cells: list[list[Any]]
) -> None:
    """Freeze the header row and key column; size, format and constrain every column."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "B2"
    streamed: Any = sheet  # openpyxl's stubs leave out what it shares with a Worksheet
    dimensions: DimensionHolder[str, ColumnDimension] = streamed.column_dimensions
    validations: DataValidationList = streamed.data_validations
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        dimension = dimensions[letter]
        dimension.width = column_width(row[number - 1] for row in cells[: _WIDTH_ROWS + 1])
        if column.text:
            dimension.number_format = "@"  # what staff type stays text: 0001 is not 1
        if column.kind in LINES:
            dimension.alignment = styles().wrap
        if column.choices:
            validations.append(_drop_down(column, f"{letter}2:{letter}{_LAST_ROW}"))


def column_width(values: Iterable[Any]) -> float:
    """Wide enough for the widest line (a Chinese character is two wide), within bounds."""
    lines = (line for v in values if v is not None for line in str(v).split("\n"))
    widest = max((sum(_char_width(c) for c in line) for line in lines), default=0)
    return float(min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH))


def _char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _drop_down(column: Column, cells: str) -> DataValidation:
    """A drop-down list of the column's choices; a list column may hold several, one a line."""
    from openpyxl.worksheet.datavalidation import DataValidation

    several = column.kind == "enum-lines"
    # The matter type's slot is open: two digits of an extension type may stand too.
    extensible = column.enum_type is MatterType
    choices = "、".join(column.choices)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(column.choices) + '"',
        allow_blank=True,
        showErrorMessage=not (several or extensible),
        errorTitle="无效的值",
        error=f"请从下拉列表中选择：{choices}",
        showInputMessage=several or extensible,
        promptTitle="可填多项" if several else "可填扩展类型",
        prompt=f"每行一项（Alt+Enter 换行）：{choices}"
        if several
        else "从下拉列表中选择，或填写目录 codelists.toml 声明的扩展类型代码（2 位数字，如 21）",
    )
    validation.add(cells)
    return validation


def _header_cell(sheet: WriteOnlyWorksheet, column: Column) -> Cell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=column.header)
    cell.font = styles().header
    cell.fill = styles().required if column.required else styles().optional
    return cell


def _data_cell(sheet: WriteOnlyWorksheet, column: Column, value: Any, example: bool) -> Any:
    """A value, styled where its column asks; text that starts with = is text, not a formula."""
    if _rounded(value):
        value = repr(value)  # openpyxl writes 16 digits; the reader takes the text back
    formula = isinstance(value, str) and value.startswith("=")
    wrap = column.kind in LINES
    if value is None or not (formula or column.text or wrap or example):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if formula:
        cell.data_type = "s"
    if column.text:
        cell.number_format = "@"
    if wrap:
        cell.alignment = styles().wrap
    if example:
        cell.font = styles().example
    return cell


def _rounded(value: Any) -> bool:
    """Whether a number would not survive the 16 significant digits openpyxl writes."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return float(f"{value:.16g}") != value


def write_csv(guides: dict[str, Guide], path: Path) -> list[Path]:
    """Write guides as CSV files: PATH for the matters, PATH-<sheet>.csv for each list."""
    written = []
    for name, cells in rows(guides).items():
        target = csv_part(path, name)
        with open(target, "w", newline="", encoding="utf-8-sig") as file:
            csv.writer(file).writerows(cells)
        written.append(target)
    return written


def template(path: Path) -> None:
    """A spreadsheet with every sheet and header and example rows, to fill in."""
    examples = {key: guide_from_data(data) for key, data in EXAMPLES.items()}
    if path.suffix.lower() == ".csv":
        write_csv(examples, path)
    else:
        write_workbook(examples, path)


# A workbook's dates: the zip format's earliest, so a workbook depends on its cells alone.
_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
_CORE_DATES: Final = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def without_clock(data: bytes) -> bytes:
    """The same workbook with its dates set to a fixed one, so equal cells give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    fixed = io.BytesIO()
    with zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", content)
            target.writestr(zipfile.ZipInfo(entry.filename, _EPOCH), content, zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


__all__ = [
    "EXAMPLE",
    "EXAMPLES",
    "EXAMPLE_KEY",
    "KEY",
    "MATTERS",
    "PENALTY_EXAMPLE",
    "Column",
    "Imported",
    "RowProblem",
    "layout",
    "read_spreadsheet",
    "rows",
    "spreadsheet_data",
    "template",
    "without_clock",
    "write_csv",
    "write_workbook",
]
