"""The spreadsheet layout: which sheets and columns there are, all derived from the JSON Schema.

A sheet of matters, and a sheet per list of records (materials, steps, ...) linked to it by a
matter key. A header reads ``事项名称 name`` (the Chinese title, then the field path:
``agency.uscc``, ``time_limit.value``), with a leading ``*`` when the cell must be filled in.
Enums are written by their Chinese names, booleans as 是/否, lists of text (and of option ids:
``applies_to``) one item per line; numbers are numbers; codes and dates are text, so a
spreadsheet keeps their leading zeros. An optional object (``inspection``, ``responsibility``)
is a group of columns on the matters sheet, absent when all of them are empty.

A list of records inside a record (a situation's options, a discretion row's penalties) has a
sheet of its own beside its parent's, named ``<parent>-<list>`` (``situations-options``,
``discretion-penalties``): one row per record, the matter key, then a column naming the parent
row, then the record's own columns. Staff fill in a flat table as they would on paper. A
parent with an id is named by it (``*情形标识 situations`` holds ``q1``, the situation's
id); one without is named by its number among the matter's rows of the parent sheet, counted
from 1 (``*行政裁量权基准序号 discretion`` holds ``2`` for the matter's second discretion row).

>>> [c.header for c in layout()[MATTERS][:3]]
['*事项键 key', '*事项名称 name', '*事项类型 matter_type']
>>> [c.header for c in layout()["situations-options"]]
['*事项键 key', '*情形标识 situations', '*选项标识 id', '*选项名称 name']
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
# The key of the template's first example; EXAMPLES (at the end) holds every example's.
EXAMPLE_KEY: Final = "示例（导入时跳过此行）"
LINES: Final = ("lines", "enum-lines")
# Fields in per cent, where "5%" (or a cell Excel formats as a percentage) reads as 5: the
# schema says no unit.
PER_CENT: Final = frozenset({("inspection", "ratio")})
_ENUMS: Final = codelists.ENUMS
# A code's pattern: only classes of digits and capitals, counts and optional groups.
_CODE_PATTERN: Final = re.compile(r"\^(?:\[[0-9A-Z-]+\]|\{\d+\}|[()?])+\$")


@attrs.frozen
class Column:
    """One column: its field path, its header, how its cells are typed, whether it is required."""

    path: tuple[str, ...]
    header: str
    kind: str  # string, code, date, integer, number, boolean, enum, lines, enum-lines
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


@attrs.frozen
class Nested:
    """A sheet of records listed inside the records of another sheet, and how a row names
    its parent: by the parent's ``id`` or, when it has none, by its number among the
    matter's rows of the parent sheet (1, 2, ...)."""

    parent: str  # the parent sheet, a list of the guide
    field: str  # the list's field in a parent record
    by_id: bool
    required: bool  # whether a parent record must have the list (it may still be empty)

    @property
    def column(self) -> tuple[str, ...]:
        """The path of the column naming the parent: the parent sheet's name."""
        return (self.parent,)


def _records(prop: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of a list's records, or None when the field is no list of records."""
    found = definition(prop)[0]
    if found.get("type") != "array":
        return None
    items = definition(found["items"])[0]
    return items if items.get("type") == "object" else None


@cache
def _sheets() -> tuple[dict[str, tuple[Column, ...]], dict[str, Nested]]:
    schema = guide_schema()
    key = Column((KEY,), f"*事项键 {KEY}", "string", required=True)
    sheets = {MATTERS: (key, *_columns(schema))}
    nested: dict[str, Nested] = {}
    for name, prop in schema["properties"].items():
        record = _records(prop)
        if record is None:
            continue
        sheets[name] = (key, *_columns(record))
        title = prop.get("title", name).split(" / ")[0]
        by_id = "id" in record["properties"]
        for field, inner in record["properties"].items():
            child = _records(inner)
            if child is not None:  # a sheet of its own, right after its parent's
                parent = Column(
                    (name,),
                    f"*{title}{'标识' if by_id else '序号'} {name}",
                    "string" if by_id else "integer",
                    required=True,
                )
                sheets[f"{name}-{field}"] = (key, parent, *_columns(child))
                needed = field in record.get("required", ())
                nested[f"{name}-{field}"] = Nested(name, field, by_id, needed)
    return sheets, nested


def layout() -> dict[str, tuple[Column, ...]]:
    """Every sheet and its columns: the matters, then one sheet per list of records, each
    followed by the sheets of the lists inside its records."""
    return _sheets()[0]


def nested() -> dict[str, Nested]:
    """The sheets of lists inside records, by sheet name."""
    return _sheets()[1]


def csv_part(path: Path, sheet: str) -> Path:
    """The CSV file of a sheet: PATH for the matters, PATH-<sheet>.csv beside it for a list."""
    return path if sheet == MATTERS else path.with_name(f"{path.stem}-{sheet}{path.suffix}")


# The template's examples: valid guides with one record in every list between them, so each
# sheet shows a filled-in row (tests/test_spreadsheet.py imports them under other keys to
# prove them valid). A licence shows situations; a penalty, its discretion standard.
_DAYS: Final = {"unit": "working_day"}
_RESPONSIBILITY: Final = {
    "items": [
        "受理责任：公示应当提交的材料，一次性告知需要补正的全部内容。",
        "审查责任：审查申请材料，提出审查意见。",
        "决定责任：依法作出决定并说明理由。",
    ],
    "accountability": ["对符合法定条件的申请不予受理的。", "擅自增设条件或者索取财物的。"],
    "channel": "12345 政务服务便民热线；雁塔区纪委监委派驻纪检监察组",
}
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
    "situations": [
        {
            "id": "applicant",
            "question": "由谁办理？",
            "options": [
                {"id": "builder", "name": "建设单位自行办理"},
                {"id": "agent", "name": "委托代理人办理"},
            ],
        }
    ],
    "conditions": [
        {"text": "已取得规划等部门的批准文件。"},
        {"text": "施工方案符合安全和道路修复要求。"},
        {"text": "代理人持有建设单位出具的授权委托书。", "applies_to": ["agent"]},
    ],
    "steps": [
        {"order": 1, "name": "受理", "actor": "综合受理窗口", "time_limit": {"value": 1, **_DAYS}}
    ],
    "special_procedures": [
        {"name": "紧急抢修补办手续", "time_limit": {"value": 1, "unit": "calendar_day"}}
    ],
    "intermediary_services": [
        {
            "name": "占道施工交通组织方案编制",
            "standard": "市场调节价",
            "legal_basis": "《陕西省城市道路管理办法》",
        }
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
        },
        {
            "order": 2,
            "name": "授权委托书及代理人身份证明",
            "kind": "certificate",
            "form": "paper",
            "necessity": "required",
            "source": "applicant",
            "originals": 1,
            "copies": 1,
            "applies_to": ["agent"],
        },
    ],
    "fees": [
        {
            "name": "城市道路挖掘修复费",
            "standard": "按核定标准，依挖掘面积计收。",
            "applies_to": ["builder", "agent"],
        }
    ],
    "faqs": [
        {
            "order": 1,
            "question": "可以自行修复道路吗？",
            "answer": "不可以，由市政设施管理单位统一修复。",
        }
    ],
    "handling_items": [{"name": "挖掘城市道路审批（新办）"}],
    "responsibility": _RESPONSIBILITY,
}
_ADVERTISING: Final = "未经同意擅自设置大型户外广告，影响市容"
_ARTICLE_36: Final = "《城市市容和环境卫生管理条例》第三十六条"
PENALTY_EXAMPLE: Final[dict[str, Any]] = {
    "name": "对未经同意擅自设置大型户外广告影响市容的行政处罚",
    "matter_type": "penalty",
    "level": "county",
    "agency": EXAMPLE["agency"],
    "competent_department": "西安市雁塔区城市管理和综合执法局",
    "legal_basis": [{"law": "《城市市容和环境卫生管理条例》", "article": "第三十六条"}],
    "conditions": [{"text": "违法行为发生在雁塔区行政区域内。"}],
    "steps": [{"order": 1, "name": "立案", "actor": "综合执法大队"}],
    "legal_limit": {"value": 90, "unit": "calendar_day"},
    "promised_limit": {"value": 60, "unit": "calendar_day"},
    "service_objects": ["natural_person", "enterprise"],
    "case_type": "other",
    "handling_forms": ["other"],
    "visits": 0,
    "place": "西安市雁塔区城市管理和综合执法局",
    "hours": "周一至周五 9:00-12:00，13:30-17:30（法定节假日除外）",
    "consultation": "电话 029-85000601",
    "supervision": "12345 政务服务便民热线",
    "materials": [],
    "discretion": [
        {
            "conduct": _ADVERTISING,
            "legal_basis": _ARTICLE_36,
            "circumstance": "minor",
            "penalties": [{"kind": "warning"}],
            "facts": "首次违法，在责令期限内自行拆除。",
        },
        {
            "conduct": _ADVERTISING,
            "legal_basis": _ARTICLE_36,
            "circumstance": "ordinary",
            "penalties": [
                {"kind": "warning"},
                {"kind": "fine", "minimum": 500, "maximum": 2000, "unit": "yuan"},
            ],
        },
    ],
    "responsibility": _RESPONSIBILITY,
}
# The key of each example's rows; the reader skips every row that carries one.
EXAMPLES: Final[dict[str, dict[str, Any]]] = {
    EXAMPLE_KEY: EXAMPLE,
    "示例二（导入时跳过此行）": PENALTY_EXAMPLE,
}
