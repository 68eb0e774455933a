"""Reading exchange records back: the rows of a family's tables into a guide.

Every value that does not read is named by its table, row and column; the texts the writer
joins (legal bases, steps, special procedures) are split in the form it writes them, and a
line in another system's wording is kept whole. This library's own tables, when a record holds
them, are what it says of situations, discretion, inspection, responsibility, intermediary
services and (for penalties) conditions; the DDL's columns written from them must agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, Final

from service_codes import codelists
from service_codes.codelists import Scheme
from service_codes.codes import CatalogCode, ImplementationCode
from service_codes.convert import guide_to_data
from service_codes.errors import InvalidCode, InvalidComponent, InvalidFormat, InvalidGuide
from service_codes.formats.exchange import SEPARATOR, ExchangeRecord, scheme_of
from service_codes.formats.exchange_merge import derived_mismatches, kept_conditions, merged
from service_codes.formats.exchange_own import Item, gather
from service_codes.formats.exchange_tables import (
    SYNC,
    Column,
    Table,
    record_family,
    tables,
)
from service_codes.formats.exchange_text import parse_laws, parse_procedures, parse_steps
from service_codes.matter_types import from_slot
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.validation import guide_from_data

_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?", re.IGNORECASE)
_DATE: Final = re.compile(
    r"(?P<year>[0-9]{4})-?(?P<month>[0-9]{2})-?(?P<day>[0-9]{2})(?: [0-9]{2}:[0-9]{2}:[0-9]{2})?"
)


def _read(column: Column, text: str, scheme: Scheme, agency: str) -> Any:
    kind, enum_type = column.kind, column.enum_type
    if kind in ("list", "lines", "codes", "punishment"):
        values = text.split(SEPARATOR[kind]) if text else []
        if kind == "codes":
            assert enum_type is not None
            return [_member(enum_type, v, scheme).value for v in values]
        return [{column.part: v} for v in values] if column.part else values
    if kind == "laws":
        return parse_laws(text)
    if kind == "steps":
        return parse_steps(text, agency)
    if kind == "procedures":
        return parse_procedures(text)
    if text == "":
        return None
    if kind == "int":
        # Longer digit strings are out of every range the schema allows: leave them to it.
        digits = text.lstrip("-")
        return int(text) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else text
    if kind == "flag":
        return {"1": True, "0": False}.get(text, text)
    if kind == "date":  # YYYYMMDD, or a datetime column's YYYY-MM-DD[ HH:MM:SS]
        day = _DATE.fullmatch(text)
        if day is None:
            raise InvalidFormat(
                f"{text!r} is not a YYYYMMDD date", f"{text!r} 不是 YYYYMMDD 格式的日期"
            )
        return f"{day['year']}-{day['month']}-{day['day']}"
    if kind == "type":  # the open slot: any two digits, an extension type beyond the list
        if len(text) != 2 or not (text.isascii() and text.isdigit()):
            raise InvalidFormat(
                f"{text!r} is not a two-digit matter type", f"{text!r} 不是 2 位数字的事项类型"
            )
        return from_slot(text).value
    if kind == "code":
        assert enum_type is not None
        return _member(enum_type, text, scheme).value
    if kind == "label":
        assert enum_type is not None
        member = codelists.from_label(enum_type, text)
        if member is None:
            raise InvalidComponent(
                f"{text!r} is not the name of a {enum_type.__name__}",
                f"{text!r} 不是已知的{enum_type.__name__}名称",
            )
        return member.value
    if kind == "number":
        if _NUMBER.fullmatch(text) is None:
            raise InvalidFormat(f"{text!r} is not a number", f"{text!r} 不是数字")
        return float(text)
    if column.path == ("catalog_code",):
        return str(CatalogCode.parse(text))
    if column.path == ("implementation_code",):
        return str(ImplementationCode.parse(text))
    return text


def _member(enum_type: Any, text: str, scheme: Scheme) -> Any:
    """The member a code stands for, in ``scheme`` or, for a list only it numbers, the
    platform's."""
    return codelists.from_code(enum_type, text, scheme_of(enum_type, scheme))


def _problem(path: str, rule: str, en: str, zh: str) -> Problem:
    return Problem(path=path, rule=rule, message=en, message_zh=zh)


def _read_row(
    table: Table, row: object, at: str, scheme: Scheme, agency: str, into: dict[str, Any]
) -> Iterator[Problem]:
    if not isinstance(row, dict):
        yield _problem(at, "exchange.shape", "must be an object", "应为对象")
        return
    known = {c.name for c in table.columns} | set(SYNC) | {"task_guid", "task_code"}
    for name in sorted(row.keys() - known - table.ignored):
        yield _problem(
            f"{at}/{name}",
            "exchange.unknown-field",
            f"{name!r} is not a column of {table.name}",
            f"{name} 不是 {table.name} 的字段",
        )
    for column in table.columns:
        if column.kind in ("not-said", "position"):
            continue
        value = row.get(column.name)
        text = "" if value is None else str(value) if type(value) is int else value
        if not isinstance(text, str):
            yield _problem(f"{at}/{column.name}", "exchange.type", "must be text", "应为文本")
            continue
        try:
            read = _read(column, text, scheme, agency)
        except InvalidCode as error:
            yield _problem(f"{at}/{column.name}", "exchange.code", error.message, error.message_zh)
            continue
        if read is not None:
            _put(into, column.path, read)


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _foreign(row: object, basic: object, at: str) -> Iterator[Problem]:
    """A child row that names another implementation than its basic row's."""
    if not (isinstance(row, dict) and isinstance(basic, dict)):
        return
    for column, own in (
        ("task_code", basic.get("task_code")),
        ("task_guid", basic.get("row_guid")),
    ):
        if row.get(column) not in (None, "", own):
            yield _problem(
                f"{at}/{column}",
                "exchange.foreign-row",
                f"names {row[column]!r}, not its basic row's {own!r}: the row is another matter's",
                f"为 {row[column]!r}，不是其基本信息行的 {own!r}：该行属于另一事项",
            )


def _order_num(row: object) -> int:
    number = row.get("order_num") if isinstance(row, dict) else None
    text = str(number) if number is not None else ""
    return int(text) if text.isascii() and text.isdigit() else 0


def exchange_data(record: ExchangeRecord, scheme: Scheme = "platform") -> dict[str, Any]:
    """The plain data of a guide that a record's tables carry: what the family's tables hold,
    and nothing else. Raises :class:`InvalidGuide` naming the table, row and column of every
    value that does not read (a code, a member of a list, a shape)."""
    if not isinstance(record, dict):
        raise InvalidGuide([_problem("", "exchange.shape", "must be an object", "应为对象")])
    family = record_family(record)
    family_tables = tables(family)
    problems = [
        _problem(
            f"/{name}",
            "exchange.unknown-table",
            f"{name!r} is not a table of the {family} family",
            f"{name} 不是“{family}”类事项的表",
        )
        for name in sorted(record.keys() - {t.name for t in family_tables})
    ]
    basic = record.get(family_tables[0].name)
    if basic is None:
        problems.append(
            _problem(
                "",
                "exchange.shape",
                "holds no basic table of any family",
                "不含任何类别的基本信息表",
            )
        )
    agency = basic.get("dept_name", "") if isinstance(basic, dict) else ""
    problems += _own_tables_whole(record, family_tables)
    data: dict[str, Any] = {}
    # The options items apply to are put on items read before them.
    for table in sorted(family_tables, key=lambda t: t.items == "applies_to"):
        rows = record.get(table.name, [] if table.items else {})
        if table.items is None:
            problems += _read_row(table, rows, f"/{table.name}", scheme, str(agency), data)
            continue
        if table.own and table.name not in record:  # the platform's export: none of ours
            continue
        if not isinstance(rows, list):
            problems.append(
                _problem(f"/{table.name}", "exchange.shape", "must be a list", "应为列表")
            )
            continue
        if table.items == "fees":  # a fee's place in the list is its order_num
            rows = sorted(rows, key=_order_num)
        items: list[Item] = []
        for i, row in enumerate(rows):
            item: dict[str, Any] = {}
            at = f"/{table.name}/{i}"
            problems += _read_row(table, row, at, scheme, str(agency), item)
            problems += _foreign(row, basic, at)
            items.append((at, item))
        if table.own:
            problems += gather(table, items, data, family)
        else:
            data[table.items] = [item for _, item in items]
    if problems:
        raise InvalidGuide(problems)
    return data


def _own_tables_whole(record: ExchangeRecord, own: tuple[Table, ...]) -> Iterator[Problem]:
    """A record holds every own table of its family (this library wrote it) or none (the
    platform did): one missing from a record that holds the others would read as empty."""
    held = [t.name for t in own if t.own and t.name in record]
    if not held:
        return
    for table in own:
        if table.own and table.name not in record:
            yield _problem(
                f"/{table.name}",
                "exchange.shape",
                f"is missing, though the record holds {held[0]}: the tables of this library"
                " come together",
                f"缺少此表，而记录含有 {held[0]}：本工具的附加表须一并提供",
            )


def has_own_tables(record: ExchangeRecord) -> bool:
    """Whether a record holds this library's own tables (the platform's exports do not)."""
    return any(t.own and t.name in record for t in tables(record_family(record)))


def from_exchange(
    record: ExchangeRecord, scheme: Scheme = "platform", base: Guide | None = None
) -> Guide:
    """Read a guide from its exchange record.

    What the family's tables do not carry comes from ``base`` when one is given (the guide
    as it stood, say). Without one, a guide's competent department and a material's number
    of copies, which no table holds, read as the implementing agency and 0, and a field the
    family's tables lack (the punish, handle and check tables hold no place, hours or
    service objects) is missing. Raises :class:`InvalidGuide` with the path of every bad
    value: in the record (table, row, column) for codes and shapes, in the guide for what
    the schema then finds; and ``exchange.derived-mismatch`` at ``punishment_method`` or
    ``service_type`` when it says otherwise than the own table it is written from.
    """
    data = exchange_data(record, scheme)
    family = record_family(record)
    if base is not None:
        # The platform's export of a guide with discretion: punishment_method is its text.
        platforms = family == "punish" and base.discretion and not has_own_tables(record)
        if platforms and (problems := kept_conditions(record, base, data)):
            raise InvalidGuide(problems)
        guide = guide_from_data(merged(guide_to_data(base), data, family, record))
    else:
        data.setdefault("competent_department", data.get("agency", {}).get("name", ""))
        for material in data.get("materials", []):
            material.setdefault("copies", 0)
        try:
            guide = guide_from_data(data)
        except InvalidGuide as error:
            raise InvalidGuide(_uncarried(family, error.problems)) from None
    if has_own_tables(record) and (problems := derived_mismatches(record, guide, family)):
        raise InvalidGuide(problems)
    return guide


def _uncarried(family: str, problems: Sequence[Problem]) -> list[Problem]:
    """The fields a guide needs that a family's tables do not hold, said once."""
    missing = [p.path.lstrip("/") for p in problems if p.rule == "schema.required"]
    if family in ("general", "public") or not missing:
        return list(problems)
    rest = [p for p in problems if p.rule != "schema.required"]
    names = ", ".join(missing)
    return [
        _problem(
            "",
            "exchange.family-incomplete",
            f"the {family} tables do not hold {names}, which a guide needs: read the record over"
            " the guide it updates (import into the catalogue that holds it)",
            f"“{family}”类事项的表不含办事指南必需的 {names}：请在其所更新的办事指南之上读取"
            "（导入到已有该办事指南的目录）",
        ),
        *rest,
    ]
