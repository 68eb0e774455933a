"""The rows of this library's own exchange tables, for what the platform's DDL has no table for:
situations and the options each condition, material and fee applies to, penalty discretion,
random inspection, responsibility and intermediary services; and the text the punish table's
``punishment_method`` is written from the discretion table.

>>> from service_codes.model import Discretion, Penalty
>>> from service_codes.codelists import Circumstance, PenaltyKind, RangeUnit
>>> fine = Penalty(kind=PenaltyKind.FINE, minimum=5000, maximum=20000, unit=RangeUnit.YUAN)
>>> row = Discretion(conduct="无证经营", legal_basis="《食品安全法》第一百二十二条",
...                  circumstance=Circumstance.ORDINARY, penalties=(fine,))
>>> discretion_line(row)
'违法行为：无证经营；情节：一般；处罚：罚款 5000–20000 元；依据：《食品安全法》第一百二十二条'
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.codelists import RangeUnit
from service_codes.formats.exchange_tables import SINGLE, FamilyName, Table, carried_kinds
from service_codes.model import Discretion, Guide, Option, Penalty, Publicity, Situation
from service_codes.problems import Problem

# How a situation item names the list its item is in, and the field that names the item.
KIND: Final = {"conditions": "condition", "materials": "material", "fees": "fee"}
_NAMED_BY: Final = {"conditions": "text", "materials": "name", "fees": "name"}


@attrs.frozen
class SituationRow:
    """One option of a situation, as one row: the situation's place and the option's."""

    order: int
    situation: Situation
    option_order: int
    option: Option


@attrs.frozen
class AppliesRow:
    """One option an item applies to: the item by its list and place, named for staff, and
    the option's place among the item's."""

    option: str
    kind: str
    order: int
    name: str
    rank: int


@attrs.frozen
class PenaltyRow:
    """One penalty of a discretion row: the row's place and the penalty's."""

    order: int
    row: Discretion
    penalty_order: int
    penalty: Penalty


def own_rows(guide: Guide, table: Table, family: FamilyName) -> list[object]:
    """The records a guide's rows of an own table are written from, in order."""
    if table.items == "situations":
        return [
            SituationRow(i, situation, j, option)
            for i, situation in enumerate(guide.situations, start=1)
            for j, option in enumerate(situation.options, start=1)
        ]
    if table.items == "applies_to":
        return [
            AppliesRow(option, KIND[kind], i, str(getattr(item, _NAMED_BY[kind])), rank)
            for kind in carried_kinds(family)
            for i, item in enumerate(getattr(guide, kind), start=1)
            for rank, option in enumerate(item.applies_to, start=1)
        ]
    if table.items == "discretion":
        return [
            PenaltyRow(i, row, j, penalty)
            for i, row in enumerate(guide.discretion, start=1)
            for j, penalty in enumerate(row.penalties, start=1)
        ]
    value = getattr(guide, str(table.items))
    # A single record (inspection, responsibility, publicity) is one row or none.
    if value is None or (table.items == "publicity" and value == Publicity()):
        return []
    return list(value) if isinstance(value, tuple) else [value]


# --- the punish table's text ---------------------------------------------------------------


def number_text(value: float) -> str:
    """A number as text that reads back as the same float: whole ones without a point.

    >>> number_text(5000.0), number_text(2.5), number_text(1e-7)
    ('5000', '2.5', '1e-07')
    """
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def penalty_text(penalty: Penalty) -> str:
    """``罚款 5000–20000 元``, ``罚款 违法所得 1–5 倍``, ``警告``: a penalty and its range."""
    low, high = penalty.minimum, penalty.maximum
    unit = codelists.label_zh(penalty.unit) if penalty.unit else ""
    if low is not None and high is not None:
        bounds = f"{number_text(low)}–{number_text(high)} {unit}"
    elif low is not None:
        bounds = f"{number_text(low)} {unit}以上"
    elif high is not None:
        bounds = f"{number_text(high)} {unit}以下"
    else:
        bounds = ""
    if bounds and penalty.unit is RangeUnit.TIMES and penalty.base:
        bounds = f"{penalty.base} {bounds}"
    note = f"（{penalty.note}）" if penalty.note else ""
    return codelists.label_zh(penalty.kind) + (f" {bounds.strip()}" if bounds else "") + note


def discretion_line(row: Discretion) -> str:
    """One discretion row as the line of ``punishment_method`` it is published as."""
    facts = f"（{row.facts}）" if row.facts else ""
    penalties = "、".join(map(penalty_text, row.penalties))
    return (
        f"违法行为：{row.conduct}；情节：{codelists.label_zh(row.circumstance)}{facts}；"
        f"处罚：{penalties}；依据：{row.legal_basis}"
    )


def discretion_text(rows: tuple[Discretion, ...]) -> str:
    """The discretion table as ``punishment_method`` holds it: one line per row."""
    return "\n".join(map(discretion_line, rows))


# --- reading -------------------------------------------------------------------------------

Item = tuple[str, dict[str, Any]]  # where a row is in the record, and what it read as


def _problem(path: str, rule: str, en: str, zh: str) -> Problem:
    return Problem(path=path, rule=rule, message=en, message_zh=zh)


def _number(value: object) -> int:
    return value if isinstance(value, int) else 0  # a bad number is the schema's to name


def _grouped(
    items: list[Item], order: str, inner: str, shared: str, part: str
) -> Iterator[tuple[dict[str, Any], list[Any], list[Problem]]]:
    """Rows grouped by ``order``, sorted by ``inner`` within: the ``shared`` record of each
    group, its ``part`` of every row, and a problem for a row that says the group otherwise."""
    groups: dict[int, list[Item]] = {}
    for at, item in items:
        groups.setdefault(_number(item.get(order)), []).append((at, item))
    for _, rows in sorted(groups.items()):
        rows.sort(key=lambda row: _number(row[1].get(inner)))
        first = rows[0][1].get(shared, {})
        problems = [
            _problem(
                at,
                "exchange.inconsistent",
                f"says its {shared} otherwise than the other rows of the same order_num",
                "与同一序号的其他行所填内容不一致",
            )
            for at, item in rows[1:]
            if item.get(shared, {}) != first
        ]
        yield dict(first), [item.get(part, {}) for _, item in rows], problems


def gather(
    table: Table, items: list[Item], data: dict[str, Any], family: FamilyName
) -> Iterator[Problem]:
    """Put what an own table's rows say into a guide's plain ``data``; the problems of rows
    that do not fit (an item that is not there, a group that disagrees)."""
    field = str(table.items)
    if field == "situations":
        data[field] = []
        for situation, options, problems in _grouped(
            items, "order", "option_order", "situation", "option"
        ):
            yield from problems
            data[field].append({**situation, "options": options})
    elif field == "discretion":
        data[field] = []
        for row, penalties, problems in _grouped(items, "order", "penalty_order", "row", "penalty"):
            yield from problems
            data[field].append({**row, "penalties": penalties})
    elif field == "applies_to":
        yield from _applies(items, data, family)
    elif field in SINGLE:
        if len(items) > 1:
            yield _problem(
                f"/{table.name}",
                "exchange.shape",
                f"holds {len(items)} rows: a guide has one {field} or none",
                f"有 {len(items)} 行：一个办事指南至多一行",
            )
        elif items:
            data[field] = items[0][1]
    else:  # a list of records, one a row: conditions, intermediary services
        data[field] = [item for _, item in items]


def _applies(items: list[Item], data: dict[str, Any], family: FamilyName) -> Iterator[Problem]:
    kinds = {KIND[kind]: kind for kind in carried_kinds(family)}
    for listed in kinds.values():
        for entry in data.get(listed, []):
            entry["applies_to"] = []
    ranked = sorted(items, key=lambda row: _number(row[1].get("rank")))
    for at, item in ranked:
        kind = kinds.get(str(item.get("kind", "")), "")
        if not kind:
            yield _problem(
                f"{at}/item_type",
                "exchange.situation-item",
                f"is not one of {', '.join(sorted(kinds)) or 'nothing'}: the lists of the"
                " family's tables",
                f"不是本类事项的表所含的清单之一（{'、'.join(sorted(kinds)) or '无'}）",
            )
            continue
        listed, order = data.get(kind, []), _number(item.get("order"))
        if not 1 <= order <= len(listed):
            yield _problem(
                f"{at}/item_order",
                "exchange.situation-item",
                f"names item {item.get('order')} of {len(listed)} {kind}",
                f"所指第 {item.get('order')} 项不存在（共 {len(listed)} 项）",
            )
            continue
        named = listed[order - 1].get(_NAMED_BY[kind])
        if item.get("name") != named:
            yield _problem(
                f"{at}/item_name",
                "exchange.situation-item",
                f"is {item.get('name')!r}, but item {order} of the {kind} is {named!r}",
                f"为 {item.get('name')!r}，而第 {order} 项为 {named!r}",
            )
            continue
        listed[order - 1]["applies_to"].append(item.get("option", ""))
