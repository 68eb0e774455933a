"""Spreadsheets as staff keep them: a sheet of matters, and a sheet per list (materials,
steps, ...) linked to it by a matter key. Read from .xlsx (openpyxl) or a set of CSV files.

The columns come from the JSON Schema: a header reads ``事项名称 name`` (the Chinese title,
then the field path: ``agency.uscc``, ``time_limit.value``); enums are written by their
Chinese names, booleans as 是/否, lists of text one item per line.
"""

from __future__ import annotations

import csv
import enum
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.convert import guide_to_data
from service_codes.errors import InvalidGuide
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.schemas import definition, guide_schema
from service_codes.validation import guide_from_data, validate

MATTERS: Final = "matters"
KEY: Final = "key"
_TRUE, _FALSE = "是", "否"
# A key names the guide's file: one path segment, no hidden or control characters.
_SAFE_KEY: Final = re.compile(r"^[^./\\\x00-\x1f][^/\\\x00-\x1f]*$")
_ENUMS: Final = codelists.ENUMS


@attrs.frozen
class Column:
    """One column: its field path, its header, and how its cells are typed."""

    path: tuple[str, ...]
    header: str
    kind: str  # string, integer, boolean, enum, lines, enum-lines
    enum_type: type[enum.StrEnum] | None = None


def _columns(schema: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[Column]:
    for name, prop in schema["properties"].items():
        found, ref = definition(prop)
        path, title = (*prefix, name), prop.get("title", name).split(" / ")[0]
        header = f"{title} {'.'.join(path)}"
        kind = found.get("type")
        if kind == "object":
            yield from _columns(found, path)
        elif kind == "array":
            items, item_ref = definition(found["items"])
            if items.get("type") != "object":
                lines = "enum-lines" if item_ref in _ENUMS else "lines"
                yield Column(path, header, lines, _ENUMS.get(item_ref or ""))
        elif ref in _ENUMS:
            yield Column(path, header, "enum", _ENUMS[ref])
        else:
            yield Column(path, header, kind or "string")


@cache
def layout() -> dict[str, tuple[Column, ...]]:
    """Every sheet and its columns: the matters, then one sheet per list of records."""
    schema = guide_schema()
    key = Column((KEY,), f"事项键 {KEY}", "string")
    sheets = {MATTERS: (key, *_columns(schema))}
    for name, prop in schema["properties"].items():
        items = prop.get("items")
        if prop.get("type") == "array" and items and definition(items)[0].get("type") == "object":
            sheets[name] = (key, *_columns(definition(items)[0]))
    return sheets


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "boolean":
        return _TRUE if value else _FALSE
    if column.kind == "enum" and column.enum_type:
        return codelists.label_zh(column.enum_type(value))
    if column.kind in ("lines", "enum-lines"):
        if column.enum_type:
            value = [codelists.label_zh(column.enum_type(v)) for v in value]
        for i, item in enumerate(value):
            if "\n" in item:  # one item per line: an item cannot hold a line break itself
                raise InvalidGuide(
                    [
                        Problem(
                            path=f"/{'/'.join(column.path)}/{i}",
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
    for name in path:
        if not isinstance(data, dict) or name not in data:
            return None
        data = data[name]
    return data


def rows(guides: dict[str, Guide]) -> dict[str, list[list[Any]]]:
    """The cells of every sheet (headers first) for guides given by their keys."""
    sheets = layout()
    out: dict[str, list[list[Any]]] = {
        name: [[c.header for c in cols]] for name, cols in sheets.items()
    }
    for key, guide in guides.items():
        data = {KEY: key, **guide_to_data(guide)}
        out[MATTERS].append([_cell(c, _get(data, c.path)) for c in sheets[MATTERS]])
        for sheet, columns in list(sheets.items())[1:]:
            for item in data.get(sheet, []):
                item = {KEY: key, **item}
                out[sheet].append([_cell(c, _get(item, c.path)) for c in columns])
    return out


def write_workbook(guides: dict[str, Guide], path: Path) -> None:
    """Write guides (by key) to one .xlsx workbook, a sheet per layout sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, cells in rows(guides).items():
        sheet = book.create_sheet(name)
        for row in cells:
            sheet.append([_text_cell(sheet, value) for value in row])
    book.save(path)


def _text_cell(sheet: Any, value: Any) -> Any:
    """Text that starts with = is text, not a formula to compute."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_csv(guides: dict[str, Guide], path: Path) -> list[Path]:
    """Write guides as CSV files: PATH for the matters, PATH-<sheet>.csv for each list."""
    written = []
    for name, cells in rows(guides).items():
        target = path if name == MATTERS else path.with_name(f"{path.stem}-{name}{path.suffix}")
        with open(target, "w", newline="", encoding="utf-8-sig") as file:
            csv.writer(file).writerows(cells)
        written.append(target)
    return written


# --- reading ---------------------------------------------------------------------------


@attrs.frozen
class RowProblem:
    """What is wrong with one cell: where (sheet, row, column) and why, in two languages."""

    sheet: str
    row: int
    column: str
    message: str
    message_zh: str


def _read_cells(path: Path) -> dict[str, list[list[Any]]]:
    if path.suffix.lower() == ".csv":
        sheets = {}
        for name in layout():
            source = path if name == MATTERS else path.with_name(f"{path.stem}-{name}{path.suffix}")
            if source.exists():
                with open(source, newline="", encoding="utf-8-sig") as file:
                    sheets[name] = [list(r) for r in csv.reader(file)]
        return sheets
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    finally:
        book.close()


def _value(column: Column, cell: Any) -> Any:
    """The JSON value of a cell; what does not convert is passed on for the schema to name."""
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return [] if column.kind in ("lines", "enum-lines") else None
    if column.kind == "integer":
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, str) and cell.strip().isascii() and cell.strip().isdigit():
            return int(cell.strip())
        return cell
    if column.kind == "boolean":
        return {_TRUE: True, _FALSE: False, True: True, False: False}.get(cell, cell)
    if column.kind == "enum" and column.enum_type:
        member = codelists.from_label(column.enum_type, str(cell).strip())
        return str(cell) if member is None else member.value
    if column.kind in ("lines", "enum-lines"):
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


@attrs.frozen
class Imported:
    """What a spreadsheet holds: valid guides by key, and the problems of the rest."""

    guides: dict[str, Guide]
    problems: tuple[RowProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_spreadsheet(path: Path) -> Imported:
    """Read guides from an .xlsx workbook or CSV files; every bad cell is a problem."""
    sheets, cells = layout(), _read_cells(path)
    problems: list[RowProblem] = [
        RowProblem(name, 0, "", f"unknown sheet {name!r}", f"未知的工作表 {name}")
        for name in cells
        if name not in sheets
    ]
    documents: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[tuple[str, int], int]] = {}  # key -> (sheet, item) -> row
    for name, columns in sheets.items():
        table = cells.get(name)
        if table is None:
            if name == MATTERS:
                problems.append(RowProblem(name, 0, "", "the sheet is missing", "缺少该工作表"))
            continue
        headers = [str(h or "").strip().split(" ")[-1] for h in (table[0] if table else [])]
        while headers and not headers[-1]:  # a workbook pads every row to its widest cell
            headers.pop()
        by_path = {c.path: c for c in columns}
        wanted = {".".join(c.path) for c in columns}
        for header in headers:
            if header and header not in wanted:
                problems.append(
                    RowProblem(name, 1, header, f"unknown column {header!r}", f"未知的列 {header}")
                )
        for number, row in enumerate(table[1:], start=2):
            if all(c is None or str(c).strip() == "" for c in row):
                continue
            if any(c not in (None, "") for c in row[len(headers) :]):
                problems.append(
                    RowProblem(
                        name, number, "", "a cell lies beyond the last column", "有单元格在表头之外"
                    )
                )
            values = dict(zip(headers, row, strict=False))
            key = str(values.get(KEY) or "").strip()
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
            record: dict[str, Any] = {}
            for header, cell in values.items():
                column = by_path.get(tuple(header.split(".")))
                if column is None or column.path == (KEY,):
                    continue
                value = _value(column, cell)
                if value is not None:
                    _put(record, column.path, value)
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
            else:
                items = documents[key].setdefault(name, [])
                places[key][(name, len(items))] = number
                items.append(record)
    guides: dict[str, Guide] = {}
    for key, data in documents.items():
        for sheet in list(sheets)[1:]:
            if sheet in ("legal_basis", "steps", "materials"):
                data.setdefault(sheet, [])  # required lists: empty when no row names them
        report = validate(data)
        if report.ok:
            guides[key] = guide_from_data(data)
        problems += [_locate(p, places[key]) for p in report.errors]
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


def template(path: Path) -> None:
    """An empty spreadsheet with every sheet and header, for staff to fill in."""
    if path.suffix.lower() == ".csv":
        write_csv({}, path)
    else:
        write_workbook({}, path)


__all__ = [
    "Imported",
    "RowProblem",
    "layout",
    "read_spreadsheet",
    "template",
    "write_csv",
    "write_workbook",
]
