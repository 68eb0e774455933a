"""Importing a file of the platform's exchange records: each record read into a guide,
over the guide a catalogue holds for its implementation, and every fault named where staff
find it."""

from __future__ import annotations

import json
from collections.abc import Mapping

from service_codes.codes import ImplementationCode
from service_codes.errors import InvalidCode, InvalidGuide
from service_codes.formats.exchange_read import from_exchange
from service_codes.formats.exchange_tables import record_family
from service_codes.formats.spreadsheet_read import Imported, RowProblem
from service_codes.model import Guide
from service_codes.problems import Problem

Bases = Mapping[str, tuple[str, Guide]]  # implementation code -> (key, guide) of a catalogue


def read_exchange_file(data: bytes, bases: Bases | None = None) -> Imported:
    """The guides of a file of exchange records (one record, or a list of them).

    ``bases`` maps an implementation code to the key and guide a catalogue holds for it: a
    record with that code reads over that guide (for what its tables do not hold) and keeps
    its key; any other is keyed by its implementation code. Every value that does not read,
    and a record that repeats another's implementation, is a problem at its record, table
    and column, and the record is left out. Raises ValueError for text that is not JSON."""
    records = json.loads(data.decode("utf-8"))
    if not isinstance(records, list):
        records = [records]
    bases = bases or {}
    guides: dict[str, Guide] = {}
    first: dict[str, int] = {}
    problems: list[RowProblem] = []
    for number, record in enumerate(records, start=1):
        code = _task_code(record)
        key, base = bases.get(code, (code or f"record-{number}", None))
        try:
            guide = from_exchange(record, base=base)
        except InvalidGuide as error:
            problems += (_row_problem(number, p) for p in error.problems)
            continue
        if key in first:  # the same implementation, even written otherwise
            problems.append(_repeated(record, number, first[key]))
            continue
        first[key] = number
        guides[key] = guide
    return Imported(guides, tuple(problems))


def _task_code(record: object) -> str:
    """A record's implementation code, canonical; "" when it has none that reads."""
    basic = (
        record.get(f"up_task_{record_family(record)}_basic") if isinstance(record, dict) else None
    )
    code = basic.get("task_code") if isinstance(basic, dict) else None
    try:
        return str(ImplementationCode.parse(code)) if code else ""
    except InvalidCode:
        return ""  # reported where the record is read


def _repeated(record: object, number: int, earlier: int) -> RowProblem:
    table = f"up_task_{record_family(record)}_basic"
    return RowProblem(
        table,
        number,
        "task_code",
        f"repeats the implementation code of record {earlier}: one record per implementation",
        f"与第 {earlier} 条记录的实施编码重复：每个实施编码只能有一条记录",
    )


def _row_problem(number: int, problem: Problem) -> RowProblem:
    """A record's problem where staff find it: its table (or the guide), record and column."""
    table, _, rest = problem.path.lstrip("/").partition("/")
    if not table.startswith("up_task_"):  # the schema's, at a field of the guide
        table, rest = "guide", problem.path.lstrip("/")
    return RowProblem(table, number, rest or "—", problem.message, problem.message_zh)
