"""Reading guides from the spreadsheet layout: an .xlsx workbook or a set of CSV files.

Every cell that does not read is a :class:`RowProblem` naming its sheet, row and column, in
English and Chinese; one problem per cell. CSV files may be UTF-8, GB18030/GBK (what Excel
saves on a Chinese Windows) or UTF-16 with a byte order mark. Rows keyed ``EXAMPLE_KEY``
(the template's examples) are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.encoding import UnreadableText, decode
from service_codes.formats.spreadsheet_layout import (
    EXAMPLE_KEY,
    FALSE,
    KEY,
    LINES,
    MATTERS,
    TRUE,
    Column,
    csv_part,
    layout,
)
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.validation import guide_from_data, validate

# A key names the guide's file: one path segment, no hidden or control characters.
_SAFE_KEY: Final = re.compile(r"^[^./\\\x00-\x1f][^/\\\x00-\x1f]*$")
_REQUIRED_LISTS: Final = ("legal_basis", "steps", "materials")  # empty when no row names them


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
        return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    finally:
        book.close()


def _read_csv(path: Path) -> list[list[Any]]:
    """The rows of a CSV file in the encoding it was saved in; UnreadableText names the file."""
    try:
        text = decode(path.read_bytes()).text
    except UnreadableText as error:
        raise UnreadableText(
            f"{path.name}: {error.message}", f"{path.name}：{error.message_zh}"
        ) from None
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _lost_zeros(column: Column, cell: Any) -> tuple[str, str] | None:
    """Why a number in a code column does not read (English, Chinese); None for other cells."""
    if column.kind != "code" or isinstance(cell, bool) or not isinstance(cell, int | float):
        return None
    number = int(cell) if isinstance(cell, float) and cell.is_integer() else cell
    return (
        f"the cell holds the number {number}, not text: the code's leading zeros (and any digit"
        " past the 15th) were probably lost; format the column as text and type the code again",
        f"该单元格是数字 {number} 而非文本：编码开头的 0（及第 15 位之后的数字）可能已丢失；"
        "请将该列设置为文本格式后重新输入编码",
    )


def _value(column: Column, cell: Any) -> Any:
    """The JSON value of a cell; what does not convert is passed on for the schema to name."""
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return [] if column.kind in LINES else None
    if column.kind == "integer":
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, str) and cell.strip().isascii() and cell.strip().isdigit():
            return int(cell.strip())
        return cell
    if column.kind == "boolean":
        return {TRUE: True, FALSE: False, True: True, False: False}.get(cell, cell)
    if column.kind == "date" and isinstance(cell, dt.date):  # a real date cell
        day = cell.date() if isinstance(cell, dt.datetime) else cell
        if not isinstance(cell, dt.datetime) or cell.time() == dt.time():
            return day.isoformat()
    if column.kind == "enum" and column.enum_type:
        member = codelists.from_label(column.enum_type, str(cell).strip())
        return str(cell) if member is None else member.value
    if column.kind in LINES:
        items = [line for line in str(cell).split("\n") if line.strip()]
        if column.enum_type:
            members = [(i, codelists.from_label(column.enum_type, i.strip())) for i in items]
            return [i if m is None else m.value for i, m in members]
        return items
    return cell if isinstance(cell, str) else str(cell)


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        data = data.setdefault(name, {})
    data[path[-1]] = value


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
        lost = _lost_zeros(column, cell)
        if lost is not None:  # not padded back: which zeros were lost is a guess
            problems.append(RowProblem(sheet, number, header, *lost))
            continue
        value = _value(column, cell)
        if value is not None:
            _put(record, column.path, value)
    return record, problems


def read_spreadsheet(path: Path) -> Imported:
    """Read guides from an .xlsx workbook or CSV files; every bad cell is a problem.

    Raises :class:`~service_codes.encoding.UnreadableText` for a CSV file in no encoding read.
    """
    sheets, cells = layout(), _read_cells(path)
    problems: list[RowProblem] = [
        RowProblem(name, 0, "", f"unknown sheet {name!r}", f"未知的工作表 {name}")
        for name in cells
        if name not in sheets
    ]
    documents: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[tuple[str, int], int]] = {}  # key -> (sheet, item) -> row
    unread: set[str] = set()  # keys with a cell that does not read: no guide for them
    for name, columns in sheets.items():
        table = cells.get(name)
        if table is None:
            if name == MATTERS:
                problems.append(RowProblem(name, 0, "", "the sheet is missing", "缺少该工作表"))
            continue
        headers = [str(h or "").strip().split(" ")[-1] for h in (table[0] if table else [])]
        while headers and not headers[-1]:  # a workbook pads every row to its widest cell
            headers.pop()
        wanted = {".".join(c.path) for c in columns}
        for header in headers:
            if header and header not in wanted:
                problems.append(
                    RowProblem(name, 1, header, f"unknown column {header!r}", f"未知的列 {header}")
                )
        for number, row in enumerate(table[1:], start=2):
            values = dict(zip(headers, row, strict=False))
            key = str(values.get(KEY) or "").strip()
            if key == EXAMPLE_KEY or all(c is None or str(c).strip() == "" for c in row):
                continue
            if any(c not in (None, "") for c in row[len(headers) :]):
                problems.append(
                    RowProblem(
                        name, number, "", "a cell lies beyond the last column", "有单元格在表头之外"
                    )
                )
            if not key:
                problems.append(
                    RowProblem(name, number, KEY, "the row has no key", "该行缺少事项键")
                )
                continue
            if not _SAFE_KEY.match(key):
                problems.append(
                    RowProblem(
                        name,
                        number,
                        KEY,
                        f"the key {key!r} cannot name a file (no / or \\, no leading dot)",
                        f"事项键 {key} 不能用作文件名（不能含 / 或 \\，不能以点开头）",
                    )
                )
                continue
            record, unreadable = _record(name, number, values)
            if name == MATTERS:
                if key in documents:
                    problems.append(
                        RowProblem(
                            name, number, KEY, f"key {key!r} is used twice", f"事项键 {key} 重复"
                        )
                    )
                    continue
                documents[key] = record
                places.setdefault(key, {})[(MATTERS, 0)] = number
            elif key not in documents:
                problems.append(
                    RowProblem(
                        name,
                        number,
                        KEY,
                        f"no matter has the key {key!r}",
                        f"没有事项键为 {key} 的事项",
                    )
                )
                continue
            else:
                items = documents[key].setdefault(name, [])
                places[key][(name, len(items))] = number
                items.append(record)
            if unreadable:
                problems += unreadable
                unread.add(key)
    told = {(p.sheet, p.row, p.column) for p in problems}  # one problem per cell
    guides: dict[str, Guide] = {}
    for key, data in documents.items():
        for sheet in _REQUIRED_LISTS:
            data.setdefault(sheet, [])
        report = validate(data)
        if report.ok and key not in unread:
            guides[key] = guide_from_data(data)
        located = (_locate(p, places[key]) for p in report.errors)
        problems += [p for p in located if (p.sheet, p.row, p.column) not in told]
    return Imported(guides, tuple(problems))


def _locate(problem: Problem, places: dict[tuple[str, int], int]) -> RowProblem:
    """The sheet, row and column of a problem found in a guide's data."""
    parts = problem.path.strip("/").split("/") if problem.path else []
    sheets = layout()
    if len(parts) >= 2 and parts[0] in sheets and parts[0] != MATTERS and parts[1].isdigit():
        sheet, row = parts[0], places.get((parts[0], int(parts[1])), places[(MATTERS, 0)])
        column = ".".join(parts[2:]) or KEY
    else:
        sheet, row = MATTERS, places[(MATTERS, 0)]
        column = ".".join(p for p in parts if not p.isdigit())
    message, message_zh = problem.message, problem.message_zh
    enum_type = next((c.enum_type for c in sheets[sheet] if ".".join(c.path) == column), None)
    if problem.rule == "schema.enum" and enum_type is not None:
        # Staff write the Chinese names: offer those as the choices.
        choices = "、".join(codelists.label_zh(m) for m in enum_type)
        message = f"{message.split(' is not one of')[0]} is not one of {choices}"
        message_zh = f"{message_zh.split('无效')[0]}无效，应为以下之一：{choices}"
    return RowProblem(sheet, row, column, message, message_zh)
