"""Reading an exchange record over the guide it updates: what the record's tables hold comes
from the record, the rest from the guide; and the columns written from this library's own
tables, which must still say what those tables say.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

from service_codes.convert import unstructure
from service_codes.formats.exchange_own import discretion_text
from service_codes.formats.exchange_tables import FamilyName, Table, tables
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.text import normalize_name

# What names an item of a guide's list across an export and an import.
_IDENTITY: Final = {
    "materials": "name",
    "fees": "name",
    "faqs": "question",
    "conditions": "text",
    "intermediary_services": "name",
}


def held_tables(record: Mapping[str, Any], family: FamilyName) -> list[Table]:
    """The tables whose fields a record says: every table of the DDL (a missing list is an
    empty one), and this library's own only when the record holds them."""
    return [t for t in tables(family) if not t.own or t.name in record]


def merged(
    base: dict[str, Any], carried: dict[str, Any], family: FamilyName, record: Mapping[str, Any]
) -> dict[str, Any]:
    """``carried`` over ``base``: what the record's tables hold comes from the record, even
    when the record leaves it empty; the base fills only what the tables lack. A table's rows
    are matched to the base's items by name (a fee's, a material's, a condition's text) or
    question, not place."""
    held = held_tables(record, family)
    result = copy.deepcopy(base)  # a copy to cut what the tables hold out of
    for table in held:
        if table.items is None:
            for column in table.columns:
                if column.kind not in ("not-said", "position"):
                    _drop(result, column.path)
        elif table.own and table.items != "applies_to":  # an own table with no rows: none
            result.pop(table.items, None)
    for key, value in carried.items():
        if key in _IDENTITY:
            fields = {c.path[0] for t in held if t.items == key for c in t.columns}
            result[key] = _rows(key, base.get(key, []), value, fields)
        elif isinstance(value, dict):
            result[key] = {**result.get(key, {}), **value}
        else:
            result[key] = value
    return result


def _drop(data: dict[str, Any], path: tuple[str, ...]) -> None:
    """Remove the field at ``path``, and a record it leaves empty."""
    inner = data.get(path[0])
    if len(path) == 1:
        data.pop(path[0], None)
    elif isinstance(inner, dict):
        _drop(inner, path[1:])
        if not inner:
            data.pop(path[0])


def _rows(key: str, base: list[Any], carried: list[dict[str, Any]], held: set[str]) -> list[Any]:
    field = _IDENTITY[key]
    by_name = {normalize_name(str(b.get(field, ""))): b for b in base if isinstance(b, dict)}
    rows = []
    for item in carried:
        before = by_name.get(normalize_name(str(item.get(field, ""))), {})
        rows.append({**{k: v for k, v in before.items() if k not in held}, **item})
        if key == "materials":
            rows[-1].setdefault("copies", 0)
    return rows


def _problem(path: str, en: str, zh: str) -> Problem:
    return Problem(path=path, rule="exchange.derived-mismatch", message=en, message_zh=zh)


def derived_mismatches(
    record: Mapping[str, Any], guide: Guide, family: FamilyName
) -> list[Problem]:
    """A column of the DDL written from an own table (``punishment_method`` from the discretion
    table or the conditions, ``service_type`` from the intermediary services) that says
    otherwise than the table: an edit that reading would otherwise drop without a word."""
    expected = {}
    if family == "punish":
        text = discretion_text(guide.discretion) if guide.discretion else None
        lines = "\n".join(c.text for c in guide.conditions)
        expected["up_task_punish_basic", "punishment_method"] = text or lines
    if family in ("general", "public"):
        names = ",".join(s.name for s in guide.intermediary_services)
        expected[f"up_task_{family}_extend", "service_type"] = names
    found = []
    for (table, column), text in expected.items():
        row = record.get(table)
        said = row.get(column) if isinstance(row, dict) else None
        if (said or "") != text:
            found.append(
                _problem(
                    f"/{table}/{column}",
                    f"says otherwise than the table it is written from ({text[:40]!r}...):"
                    " change that table, not this column",
                    f"与其所依据的表不一致（{text[:40]!r}…）：请修改该表，而非此字段",
                )
            )
    return found


def kept_conditions(
    record: Mapping[str, Any], base: Guide, carried: dict[str, Any]
) -> list[Problem]:
    """A punish record of the platform's (none of this library's tables) over a guide with a
    discretion table: its ``punishment_method`` is that table's text, not conditions, so the
    guide's conditions stay; a text changed on the platform is named, not taken."""
    basic = record.get("up_task_punish_basic")
    said = basic.get("punishment_method") if isinstance(basic, dict) else None
    if (said or "") == discretion_text(base.discretion):
        carried["conditions"] = unstructure(base.conditions)
        return []
    return [
        _problem(
            "/up_task_punish_basic/punishment_method",
            "is not the text of the guide's discretion table, which the platform's tables"
            " cannot carry: change the discretion rows of the guide instead",
            "不是办事指南裁量基准的文本，平台的表无法承载该基准：请修改办事指南的裁量基准",
        )
    ]
