"""The lines in which the exchange tables hold a guide's legal bases, steps and special
procedures: one text column each, one item a line, written and read by one grammar.

>>> from service_codes.model import Step, TimeLimit, TimeUnit
>>> one_day = TimeLimit(value=1, unit=TimeUnit.WORKING_DAY)
>>> step = Step(order=1, name="受理", actor="窗口", time_limit=one_day)
>>> step_line(step)
'1. 受理（窗口，1 个工作日）'
>>> parse_steps(step_line(step), "民政局")
[{'order': 1, 'name': '受理', 'actor': '窗口', 'time_limit': {'value': 1, 'unit': 'working_day'}}]
"""

from __future__ import annotations

import re
from typing import Any, Final

from service_codes import codelists
from service_codes.codelists import TimeUnit
from service_codes.convert import unstructure
from service_codes.model import LegalBasis, SpecialProcedure, Step, TimeLimit

NONE: Final = "无"  # the special_procedure column, NOT NULL, of a guide that has none

_STEP: Final = re.compile(
    r"(?P<order>[0-9]+)\. (?P<name>[^（]+)（(?P<actor>.+?)"
    r"(?:，(?P<days>[0-9]+) 个(?P<unit>工作日|自然日))?）(?:：(?P<description>.*))?"
)
_LAW: Final = re.compile(r"(?P<law>《[^》]+》)(?P<article>[^：]*)(?:：(?P<text>.*))?")
_PROCEDURE: Final = re.compile(
    r"(?P<name>[^（：]+)(?:（(?P<days>[0-9]+) 个(?P<unit>工作日|自然日)）)?(?:：(?P<note>.*))?"
)
_UNIT: Final = {"工作日": TimeUnit.WORKING_DAY.value, "自然日": TimeUnit.CALENDAR_DAY.value}


def _days(limit: TimeLimit | None) -> str:
    return f"{limit.value} 个{codelists.label_zh(limit.unit)}" if limit else ""


def law_line(basis: LegalBasis) -> str:
    """``《law》article：text``."""
    return basis.law + (basis.article or "") + (f"：{basis.text}" if basis.text else "")


def step_line(step: Step) -> str:
    """``N. name（actor，D 个工作日）：description``."""
    days = _days(step.time_limit)
    tail = f"：{step.description}" if step.description else ""
    return f"{step.order}. {step.name}（{step.actor}{'，' + days if days else ''}）{tail}"


def procedure_line(procedure: SpecialProcedure) -> str:
    """``name（D 个工作日）：note``."""
    days = _days(procedure.time_limit)
    note = f"：{procedure.note}" if procedure.note else ""
    return procedure.name + (f"（{days}）" if days else "") + note


def _limit(match: re.Match[str]) -> dict[str, Any] | None:
    if match["days"] is None:
        return None
    return {"value": int(match["days"]), "unit": _UNIT[match["unit"]]}


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


def parse_laws(text: str) -> list[dict[str, Any]]:
    """The legal bases of a ``by_law`` text; a line in other wording is the law's name."""
    found = []
    for line in _lines(text):
        match = _LAW.fullmatch(line)
        law: dict[str, Any] = {"law": match["law"] if match else line}
        for key in ("article", "text"):
            if match and match[key]:
                law[key] = match[key]
        found.append(law)
    return found


def parse_steps(text: str, agency: str) -> list[dict[str, Any]]:
    """The steps of a ``handle_flow`` text; a line in other wording is one step's name,
    handled by ``agency``."""
    found = []
    for order, line in enumerate(_lines(text), start=1):
        match = _STEP.fullmatch(line)
        if match is None:
            found.append({"order": order, "name": line, "actor": agency or "实施主体"})
            continue
        step: dict[str, Any] = {"order": int(match["order"]), "name": match["name"]}
        step["actor"] = match["actor"]
        if _limit(match):
            step["time_limit"] = _limit(match)
        if match["description"]:
            step["description"] = match["description"]
        found.append(step)
    return found


def parse_procedures(text: str) -> list[dict[str, Any]]:
    """The special procedures of a ``special_procedure`` text (``无``: none)."""
    found = []
    for line in _lines(text):
        if line == NONE:
            continue
        match = _PROCEDURE.fullmatch(line)
        procedure: dict[str, Any] = {"name": match["name"] if match else line}
        if match and _limit(match):
            procedure["time_limit"] = _limit(match)
        if match and match["note"]:
            procedure["note"] = match["note"]
        found.append(procedure)
    return found


def _carried(item: LegalBasis | Step | SpecialProcedure) -> dict[str, Any]:
    """The plain data of an item as its line carries it: a time limit without its note."""
    data: dict[str, Any] = unstructure(item)
    if "time_limit" in data:
        data["time_limit"].pop("note", None)
    return data


def reads_back(item: LegalBasis | Step | SpecialProcedure) -> bool:
    """Whether the line written for ``item`` reads back as the item (its marks, such as a
    "（" in a step's name, can make it read as another)."""
    if isinstance(item, LegalBasis):
        found = parse_laws(law_line(item))
    elif isinstance(item, Step):
        found = parse_steps(step_line(item), "")
    else:
        found = parse_procedures(procedure_line(item))
    return found == [_carried(item)]
