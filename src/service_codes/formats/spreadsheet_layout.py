"""The spreadsheet layout: which sheets and columns there are, all derived from the JSON Schema.

A sheet of matters, and a sheet per list of records (materials, steps, ...) linked to it by a
matter key. A header reads ``事项名称 name`` (the Chinese title, then the field path:
``agency.uscc``, ``time_limit.value``), with a leading ``*`` when the cell must be filled in.
Enums are written by their Chinese names, booleans as 是/否, lists of text one item per line;
codes and dates are text, so a spreadsheet keeps their leading zeros.

>>> [c.header for c in layout()[MATTERS][:3]]
['*事项键 key', '*事项名称 name', '*事项类型 matter_type']
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.schemas import definition, guide_schema

MATTERS: Final = "matters"
KEY: Final = "key"
TRUE, FALSE = "是", "否"
# The key of the template's example rows; the reader skips every row that carries it.
EXAMPLE_KEY: Final = "示例（导入时跳过此行）"
LINES: Final = ("lines", "enum-lines")
_ENUMS: Final = codelists.ENUMS
# A code's pattern: only classes of digits and capitals, counts and optional groups.
_CODE_PATTERN: Final = re.compile(r"\^(?:\[[0-9A-Z-]+\]|\{\d+\}|[()?])+\$")


@attrs.frozen
class Column:
    """One column: its field path, its header, how its cells are typed, whether it is required."""

    path: tuple[str, ...]
    header: str
    kind: str  # string, code, date, integer, boolean, enum, lines, enum-lines
    enum_type: type[enum.StrEnum] | None = None
    required: bool = False

    @property
    def text(self) -> bool:
        """Whether the cells are formatted as text: codes, dates and the key, digits and all."""
        return self.kind in ("code", "date") or self.path == (KEY,)

    @property
    def choices(self) -> tuple[str, ...]:
        """What a cell may hold, as staff write it; empty for free columns."""
        if self.enum_type is not None:
            return tuple(codelists.label_zh(m) for m in self.enum_type)
        return (TRUE, FALSE) if self.kind == "boolean" else ()


def _kind(found: dict[str, Any], ref: str | None) -> str:
    """How a scalar field's cells are typed."""
    if ref in _ENUMS:
        return "enum"
    if ref == "date":
        return "date"
    if found.get("type") == "string" and _CODE_PATTERN.fullmatch(found.get("pattern", "")):
        return "code"
    return str(found.get("type", "string"))


def _columns(
    schema: dict[str, Any], prefix: tuple[str, ...] = (), required: bool = True
) -> Iterator[Column]:
    """The columns of an object's fields; ``required`` says whether the object itself is."""
    for name, prop in schema["properties"].items():
        found, ref = definition(prop)
        path, title = (*prefix, name), prop.get("title", name).split(" / ")[0]
        kind = found.get("type")
        # A list is required only when it may not be empty: an empty cell reads as [].
        needed = required and name in schema.get("required", ())
        needed = needed and (kind != "array" or found.get("minItems", 0) > 0)
        header = f"{'*' if needed else ''}{title} {'.'.join(path)}"
        if kind == "object":
            yield from _columns(found, path, needed)
        elif kind == "array":
            items, item_ref = definition(found["items"])
            if items.get("type") != "object":
                lines = "enum-lines" if item_ref in _ENUMS else "lines"
                yield Column(path, header, lines, _ENUMS.get(item_ref or ""), needed)
        else:
            yield Column(path, header, _kind(found, ref), _ENUMS.get(ref or ""), needed)


@cache
def layout() -> dict[str, tuple[Column, ...]]:
    """Every sheet and its columns: the matters, then one sheet per list of records."""
    schema = guide_schema()
    key = Column((KEY,), f"*事项键 {KEY}", "string", required=True)
    sheets = {MATTERS: (key, *_columns(schema))}
    for name, prop in schema["properties"].items():
        items = prop.get("items")
        if prop.get("type") == "array" and items and definition(items)[0].get("type") == "object":
            sheets[name] = (key, *_columns(definition(items)[0]))
    return sheets


def csv_part(path: Path, sheet: str) -> Path:
    """The CSV file of a sheet: PATH for the matters, PATH-<sheet>.csv beside it for a list."""
    return path if sheet == MATTERS else path.with_name(f"{path.stem}-{sheet}{path.suffix}")


# The template's example: a valid guide with one record in every list, so each sheet shows
# a filled-in row (tests/test_spreadsheet.py imports it under another key to prove it valid).
_DAYS: Final = {"unit": "working_day"}
EXAMPLE: Final[dict[str, Any]] = {
    "name": "占用、挖掘城市道路审批",
    "sub_name": "挖掘城市道路审批",
    "matter_type": "licensing",
    "level": "county",
    "local_codes": ["XK01201002"],
    "effective_date": "2024-05-01",
    "agency": {"name": "西安市雁塔区城市管理和综合执法局", "uscc": "11610113013036360N"},
    "competent_department": "西安市雁塔区城市管理和综合执法局",
    "joint_agencies": ["西安市公安局交通警察支队雁塔大队"],
    "legal_basis": [{"law": "《城市道路管理条例》", "article": "第三十三条"}],
    "conditions": ["已取得规划等部门的批准文件。", "施工方案符合安全和道路修复要求。"],
    "steps": [
        {"order": 1, "name": "受理", "actor": "综合受理窗口", "time_limit": {"value": 1, **_DAYS}}
    ],
    "special_procedures": [
        {"name": "紧急抢修补办手续", "time_limit": {"value": 1, "unit": "calendar_day"}}
    ],
    "result": {"kind": "批准文书", "name": "挖掘城市道路许可决定书"},
    "legal_limit": {"value": 20, **_DAYS},
    "promised_limit": {"value": 5, **_DAYS, "note": "自受理之日起计算。"},
    "service_objects": ["enterprise", "institution"],
    "case_type": "promised",
    "handling_forms": ["counter", "web"],
    "visits": 0,
    "online_depth": "result_feedback",
    "online_urls": ["https://zwfw.shaanxi.gov.cn/"],
    "place": "雁塔区政务服务中心三楼城建区",
    "hours": "周一至周五 9:00-12:00，13:30-17:30（法定节假日除外）",
    "scope": "county",
    "consultation": "窗口咨询；电话 029-85000601",
    "supervision": "12345 政务服务便民热线",
    "charged": True,
    "in_hall": True,
    "online": True,
    "materials": [
        {
            "order": 1,
            "name": "挖掘城市道路申请表",
            "kind": "form",
            "form": "paper_or_electronic",
            "necessity": "required",
            "source": "applicant",
            "originals": 1,
            "copies": 0,
            "paper_size": "A4",
        }
    ],
    "fees": [{"name": "城市道路挖掘修复费", "standard": "按核定标准，依挖掘面积计收。"}],
    "faqs": [
        {
            "order": 1,
            "question": "可以自行修复道路吗？",
            "answer": "不可以，由市政设施管理单位统一修复。",
        }
    ],
    "handling_items": [{"name": "挖掘城市道路审批（新办）"}],
}
