"""Reading guides from the spreadsheet layout: an .xlsx workbook or a set of CSV files.

Every cell that does not read is a :class:`RowProblem` naming its sheet, row and column, in
English and Chinese; one problem per cell. CSV files may be UTF-8, GB18030/GBK (what Excel
saves on a Chinese Windows) or UTF-16 with a byte order mark. Rows keyed by one of
``EXAMPLES`` (the template's examples) are skipped. A row of a nested sheet (a situation's
option, a discretion row's penalty) joins the parent its second column names; the parent's
row comes first in the workbook, on its own sheet.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.encoding import UnreadableText, decode
from service_codes.formats.spreadsheet_cells import refused, shown_as_percent, value_of
from service_codes.formats.spreadsheet_layout import (
    EXAMPLES,
    KEY,
    MATTERS,
    csv_part,
    layout,
    nested,
)
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.schemas import guide_schema
from service_codes.validation import guide_from_data, validate

# A key names the guide's file: one path segment, no hidden or control characters.
_SAFE_KEY: Final = re.compile(r"^[^./\\\x00-\x1f][^/\\\x00-\x1f]*$")
# Where each record of a guide was read: its JSON path's parts -> (sheet, row).
Places = dict[tuple[str, ...], tuple[str, int]]


@attrs.frozen
class RowProblem:
    """What is wrong with one cell: where (sheet, row, column) and why, in two languages."""

    sheet: str
    row: int
    column: str
    message: str
    message_zh: str


@attrs.frozen
class Imported:
    """What a spreadsheet holds: valid guides by key, and the problems of the rest."""

    guides: dict[str, Guide]
    problems: tuple[RowProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_cells(path: Path) -> dict[str, list[list[Any]]]:
    if path.suffix.lower() == ".csv":
        parts = {name: csv_part(path, name) for name in layout()}
        return {name: _read_csv(part) for name, part in parts.items() if part.exists()}
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [[_shown(cell) for cell in row] for row in sheet.iter_rows()]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _shown(cell: Any) -> Any:
    """A cell's value, a percentage as the text it shows: 0.05 formatted as 0% is "5%"."""
    value = cell.value
    percent = shown_as_percent(value, getattr(cell, "number_format", ""))
    return value if percent is None else percent


def _read_csv(path: Path) -> list[list[Any]]:
    """The rows of a CSV file in the encoding it was saved in; UnreadableText names the file."""
    try:
        text = decode(path.read_bytes()).text
    except UnreadableText as error:
        raise UnreadableText(
            f"{path.name}: {error.message}", f"{path.name}：{error.message_zh}"
        ) from None
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        data = data.setdefault(name, {})
    data[path[-1]] = value


def _drop_empty_objects(record: dict[str, Any]) -> None:
    """Remove the objects whose cells were all empty: an optional object left blank is
    absent, not an object of empty lists."""
    for name, value in list(record.items()):
        if isinstance(value, dict):
            _drop_empty_objects(value)
            if all(v == [] for v in value.values()):
                del record[name]


def _record(
    sheet: str, number: int, values: dict[str, Any]
) -> tuple[dict[str, Any], list[RowProblem]]:
    """The data of one row, and the problems of the cells that do not read at all."""
    by_path = {c.path: c for c in layout()[sheet]}
    record: dict[str, Any] = {}
    problems = []
    for header, cell in values.items():
        column = by_path.get(tuple(header.split(".")))
        if column is None or column.path == (KEY,):
            continue
        why = refused(column, cell)
        if why is not None:  # a lost zero is not padded back: which zeros is a guess
            problems.append(RowProblem(sheet, number, header, *why))
            continue
        value = value_of(column, cell)
        if value is not None:
            _put(record, column.path, value)
    _drop_empty_objects(record)
    return record, problems


@attrs.define
class _Reading:
    """What is read so far: each guide's data, where its records came from, the problems."""

    documents: dict[str, dict[str, Any]] = attrs.Factory(dict)
    places: dict[str, Places] = attrs.Factory(dict)
    unread: set[str] = attrs.Factory(set)  # keys with a cell that does not read: no guide
    problems: list[RowProblem] = attrs.Factory(list)


def read_spreadsheet(path: Path) -> Imported:
    """Read guides from an .xlsx workbook or CSV files; every bad cell is a problem.

    Raises :class:`~service_codes.encoding.UnreadableText` for a CSV file in no encoding read.
    """
    return _guides(_read_all(path))


def spreadsheet_data(path: Path) -> dict[str, dict[str, Any]]:
    """The plain data of each key's rows, before validation: what the import judges.

    Raises :class:`~service_codes.encoding.UnreadableText` as :func:`read_spreadsheet` does.
    """
    return {key: _completed(data) for key, data in _read_all(path).documents.items()}


def _read_all(path: Path) -> _Reading:
    sheets, cells = layout(), _read_cells(path)
    reading = _Reading()
    reading.problems += [
        RowProblem(name, 0, "", f"unknown sheet {name!r}", f"未知的工作表 {name}")
        for name in cells
        if name not in sheets
    ]
    for name in sheets:  # in layout order: a parent's sheet before its nested sheets
        table = cells.get(name)
        if table is not None:
            _read_sheet(reading, name, table)
        elif name == MATTERS:
            reading.problems.append(RowProblem(name, 0, "", "the sheet is missing", "缺少该工作表"))
    return reading


def _read_sheet(reading: _Reading, name: str, table: list[list[Any]]) -> None:
    headers = [str(h or "").strip().split(" ")[-1] for h in (table[0] if table else [])]
    while headers and not headers[-1]:  # a workbook pads every row to its widest cell
        headers.pop()
    wanted = {".".join(c.path) for c in layout()[name]}
    for header in headers:
        if header and header not in wanted:
            reading.problems.append(
                RowProblem(name, 1, header, f"unknown column {header!r}", f"未知的列 {header}")
            )
    for number, row in enumerate(table[1:], start=2):
        values = dict(zip(headers, row, strict=False))
        key = str(values.get(KEY) or "").strip()
        if key in EXAMPLES or all(c is None or str(c).strip() == "" for c in row):
            continue
        if any(c not in (None, "") for c in row[len(headers) :]):
            reading.problems.append(
                RowProblem(
                    name, number, "", "a cell lies beyond the last column", "有单元格在表头之外"
                )
            )
        refusal = _key_problem(name, number, key)
        if refusal is None:
            record, unreadable = _record(name, number, values)
            refusal = _attach(reading, name, number, key, record)
        if refusal is not None:
            reading.problems.append(refusal)
            if name != MATTERS and key in reading.documents:
                reading.unread.add(key)  # a row that joins nothing is lost to its guide
            continue
        if unreadable:
            reading.problems += unreadable
            reading.unread.add(key)


def _key_problem(sheet: str, number: int, key: str) -> RowProblem | None:
    if not key:
        return RowProblem(sheet, number, KEY, "the row has no key", "该行缺少事项键")
    if not _SAFE_KEY.match(key):
        return RowProblem(
            sheet,
            number,
            KEY,
            f"the key {key!r} cannot name a file (no / or \\, no leading dot)",
            f"事项键 {key} 不能用作文件名（不能含 / 或 \\，不能以点开头）",
        )
    return None


def _attach(
    reading: _Reading, sheet: str, number: int, key: str, record: dict[str, Any]
) -> RowProblem | None:
    """Put a row's record where it belongs in its guide's data; a problem when it cannot."""
    if sheet == MATTERS:
        if key in reading.documents:
            return RowProblem(
                sheet, number, KEY, f"key {key!r} is used twice", f"事项键 {key} 重复"
            )
        reading.documents[key] = record
        reading.places[key] = {(): (MATTERS, number)}
        return None
    if key not in reading.documents:
        return RowProblem(
            sheet, number, KEY, f"no matter has the key {key!r}", f"没有事项键为 {key} 的事项"
        )
    data, field = reading.documents[key], sheet
    at: tuple[str, ...] = ()
    inner = nested().get(sheet)
    if inner is not None:
        named = record.pop(inner.parent, None)
        parents = data.get(inner.parent, [])
        index = _parent_index(parents, named, inner.by_id)
        if index is None:
            return _no_parent(sheet, number, key, named)
        data, at, field = parents[index], (inner.parent, str(index)), inner.field
    items = data.setdefault(field, [])
    reading.places[key][(*at, field, str(len(items)))] = (sheet, number)
    items.append(record)
    return None


def _parent_index(parents: list[dict[str, Any]], named: Any, by_id: bool) -> int | None:
    """Which of a matter's parent records a nested row names: by id, or counting from 1."""
    if by_id:
        return next((i for i, p in enumerate(parents) if p.get("id") == named), None)
    if isinstance(named, int) and 1 <= named <= len(parents):
        return named - 1
    return None


def _no_parent(sheet: str, number: int, key: str, named: Any) -> RowProblem:
    inner = nested()[sheet]
    column = next(c for c in layout()[sheet] if c.path == inner.column)
    title, what = column.header.split(" ")[0].lstrip("*"), "id" if inner.by_id else "number"
    if named is None:
        return RowProblem(
            sheet,
            number,
            inner.parent,
            f"the row does not say which {inner.parent} row it belongs to: write its {what}",
            f"该行未填写{title}，无法确定所属的 {inner.parent} 行",
        )
    return RowProblem(
        sheet,
        number,
        inner.parent,
        f"the matter {key!r} has no {inner.parent} row whose {what} is {named!r}",
        f"事项 {key} 在 {inner.parent} 表中没有{title}为 {named} 的行",
    )


def _required_lists() -> tuple[str, ...]:
    """The guide's required lists that have a sheet: empty when no row names them."""
    schema = guide_schema()
    return tuple(n for n in schema["required"] if n in layout() and n != MATTERS)


def _completed(data: dict[str, Any]) -> dict[str, Any]:
    """A guide's data with the required lists no row named, as empty lists."""
    for name in _required_lists():
        data.setdefault(name, [])
    for inner in nested().values():
        for parent in data.get(inner.parent, []) if inner.required else []:
            parent.setdefault(inner.field, [])
    return data


def _guides(reading: _Reading) -> Imported:
    """The valid guides of what was read, and every problem, located."""
    problems = reading.problems
    told = {(p.sheet, p.row, p.column) for p in problems}  # one problem per cell
    guides: dict[str, Guide] = {}
    for key, data in reading.documents.items():
        report = validate(_completed(data))
        if report.ok and key not in reading.unread:
            guides[key] = guide_from_data(data)
        located = (_locate(p, reading.places[key]) for p in report.errors)
        problems += [p for p in located if (p.sheet, p.row, p.column) not in told]
    return Imported(guides, tuple(problems))


def _locate(problem: Problem, places: Places) -> RowProblem:
    """The sheet, row and column of a problem found in a guide's data: the row of the
    deepest record on its path, and the rest of the path as the column."""
    parts = tuple(problem.path.strip("/").split("/")) if problem.path else ()
    depth = next(n for n in range(len(parts), -1, -1) if parts[:n] in places)
    sheet, row = places[parts[:depth]]
    column = ".".join(p for p in parts[depth:] if not p.isdigit()) or (KEY if depth else "")
    message, message_zh = problem.message, problem.message_zh
    columns = layout()[sheet]
    enum_type = next((c.enum_type for c in columns if ".".join(c.path) == column), None)
    if problem.rule == "schema.enum" and enum_type is not None:
        # Staff write the Chinese names: offer those as the choices.
        choices = "、".join(codelists.label_zh(m) for m in enum_type)
        message = f"{message.split(' is not one of')[0]} is not one of {choices}"
        message_zh = f"{message_zh.split('无效')[0]}无效，应为以下之一：{choices}"
    return RowProblem(sheet, row, column, message, message_zh)
