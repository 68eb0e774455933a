"""The published catalogue as open data: CSV tables keyed by code, and a Frictionless
``datapackage.json`` that describes them.

One row per item: ``matters.csv`` a row per guide, keyed by its implementation code;
``materials.csv``, ``steps.csv``, ``fees.csv``, ``handling_items.csv`` and, when a guide
has situations, ``situations.csv`` a row per item of a guide, which names its guide by
``matter_code``; ``events.csv`` the code ledger's events that touch only published codes:
their kind, code and date.
The tables are made from published guides only (:func:`~service_codes.publication.published`).
Values are written as they are, UTF-8 without a byte order mark, for programs to read;
the lists (:mod:`~service_codes.formats.lists_out`) are the files made for spreadsheets.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs

from service_codes.matter_types import MatterTypes, slot
from service_codes.model import Guide, TimeLimit

# A column: its name, its Frictionless type, its description and how to read it from a row's item.
Column = tuple[str, str, str, Callable[[Any], Any]]


@attrs.frozen
class Table:
    """One CSV table: its rows come from ``items(guide)``, a row from each item."""

    name: str
    title: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    items: Callable[[Guide], Iterable[Any]]
    of_guide: bool = True  # rows name their guide by matter_code, a foreign key to matters


def _code(guide: Guide) -> str:
    return str(guide.implementation_code)


def _text(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _limit(get: Callable[[Any], TimeLimit | None]) -> tuple[Callable[[Any], Any], ...]:
    def value(item: Any) -> Any:
        limit = get(item)
        return limit.value if limit else None

    def unit(item: Any) -> Any:
        limit = get(item)
        return limit.unit.value if limit else None

    return value, unit


def _matter_columns(types: MatterTypes) -> tuple[Column, ...]:
    legal, legal_unit = _limit(lambda g: g.legal_limit)
    promised, promised_unit = _limit(lambda g: g.promised_limit)
    return (
        ("code", "string", "实施编码 implementation code", _code),
        ("catalog_code", "string", "基本目录编码 catalog code", lambda g: str(g.catalog_code)),
        ("name", "string", "事项名称", lambda g: g.name),
        ("sub_name", "string", "子项名称", lambda g: g.sub_name),
        ("matter_type", "string", "事项类型代码 (GB/T 39046 slot)", lambda g: slot(g.matter_type)),
        ("matter_type_label", "string", "事项类型", lambda g: types.label_zh(g.matter_type)),
        ("level", "string", "行使层级", lambda g: g.level.value),
        ("agency", "string", "实施主体", lambda g: g.agency.name),
        ("agency_uscc", "string", "实施主体统一社会信用代码", lambda g: g.agency.uscc),
        ("competent_department", "string", "主管部门", lambda g: g.competent_department),
        ("state", "string", "事项状态", lambda g: g.state.value),
        ("version", "integer", "版本", lambda g: g.version),
        ("effective_date", "date", "生效日期", lambda g: g.effective_date),
        ("case_type", "string", "办件类型", lambda g: g.case_type.value),
        ("legal_limit", "integer", "法定办结时限", legal),
        ("legal_limit_unit", "string", "法定办结时限单位", legal_unit),
        ("promised_limit", "integer", "承诺办结时限", promised),
        ("promised_limit_unit", "string", "承诺办结时限单位", promised_unit),
        ("visits", "integer", "到办事现场次数", lambda g: g.visits),
        ("online_depth", "string", "网上办理深度", lambda g: g.online_depth),
        ("place", "string", "办理地点", lambda g: g.place),
        ("hours", "string", "办理时间", lambda g: g.hours),
        ("consultation", "string", "咨询方式", lambda g: g.consultation),
        ("supervision", "string", "监督投诉方式", lambda g: g.supervision),
        ("charged", "boolean", "是否收费", lambda g: g.charged),
        ("online", "boolean", "是否网办", lambda g: g.online),
        (
            "page",
            "string",
            "办事指南页面 (relative to the site)",
            lambda g: f"guides/{_code(g)}.html",
        ),
    )


def _numbered(get: Callable[[Guide], Sequence[Any]]) -> Callable[[Guide], Iterable[Any]]:
    """Items of a list that carries no number of its own, numbered from 1."""
    return lambda guide: enumerate(get(guide), start=1)


def tables(types: MatterTypes) -> tuple[Table, ...]:
    """Every table the open data may hold, in the order the package lists them."""
    step_limit, step_unit = _limit(lambda s: s.time_limit)
    return (
        Table("matters", "事项", _matter_columns(types), ("code",), lambda g: [g], of_guide=False),
        Table(
            "materials",
            "申请材料",
            (
                ("order", "integer", "序号", lambda m: m.order),
                ("name", "string", "材料名称", lambda m: m.name),
                ("code", "string", "材料编码", lambda m: str(m.code) if m.code else None),
                ("kind", "string", "材料类型", lambda m: m.kind.value),
                ("form", "string", "材料形式", lambda m: m.form.value),
                ("necessity", "string", "必要性", lambda m: m.necessity.value),
                ("source", "string", "来源渠道", lambda m: m.source.value),
                ("originals", "integer", "原件份数", lambda m: m.originals),
                ("copies", "integer", "复印件份数", lambda m: m.copies),
                ("paper_size", "string", "纸质规格", lambda m: m.paper_size),
                ("remark", "string", "备注", lambda m: m.remark),
            ),
            ("matter_code", "order"),
            lambda g: g.materials,
        ),
        Table(
            "steps",
            "办理流程",
            (
                ("order", "integer", "步骤序号", lambda s: s.order),
                ("name", "string", "步骤名称", lambda s: s.name),
                ("actor", "string", "办理人员或岗位", lambda s: s.actor),
                ("time_limit", "integer", "办理时限", step_limit),
                ("time_limit_unit", "string", "办理时限单位", step_unit),
                ("description", "string", "说明", lambda s: s.description),
            ),
            ("matter_code", "order"),
            lambda g: g.steps,
        ),
        Table(
            "fees",
            "收费项目",
            (
                ("order", "integer", "序号", lambda f: f[0]),
                ("name", "string", "收费项目名称", lambda f: f[1].name),
                ("standard", "string", "收费标准", lambda f: f[1].standard),
                ("legal_basis", "string", "收费依据", lambda f: f[1].legal_basis),
                ("reducible", "boolean", "是否允许减免", lambda f: f[1].reducible),
                ("reduction_reason", "string", "减免依据", lambda f: f[1].reduction_reason),
            ),
            ("matter_code", "order"),
            _numbered(lambda g: g.fees),
        ),
        Table(
            "handling_items",
            "业务办理项",
            (
                ("code", "string", "业务办理项编码", lambda h: str(h[1].code)),
                ("order", "integer", "序号", lambda h: h[0]),
                ("name", "string", "业务办理项名称", lambda h: h[1].name),
            ),
            ("code",),
            _numbered(lambda g: g.handling_items),
        ),
        Table(
            "situations",
            "情形",
            (
                ("situation", "string", "情形标识", lambda o: o[0].id),
                ("question", "string", "问题", lambda o: o[0].question),
                ("required", "boolean", "是否必答", lambda o: o[0].required),
                ("multiple", "boolean", "是否多选", lambda o: o[0].multiple),
                ("option", "string", "选项标识", lambda o: o[1].id),
                ("option_name", "string", "选项", lambda o: o[1].name),
            ),
            ("matter_code", "situation", "option"),
            lambda g: [(s, o) for s in g.situations for o in s.options],
        ),
    )


EVENTS: Final = "events.csv"
EVENTS_TITLE: Final = "编码登记簿的公开事件"
# An event's texts (names, the reason) are left out: staff write them and no review reads
# them; a published code's name is in matters.csv, as its guide says it.
EVENT_COLUMNS: Final = ("position", "event", "code", "date")


def public_events(events: Iterable[dict[str, Any]], codes: set[str]) -> list[list[Any]]:
    """The ledger's events (numbered from 1) whose every code is in ``codes``: the events of
    published guides' codes, as rows of ``EVENT_COLUMNS``."""
    rows = []
    for position, event in enumerate(events, start=1):
        touched = {event.get("code"), *event.get("merged", ())}
        touched |= {part.get("code") for part in event.get("into", ())}
        if touched <= codes:
            rows.append([position, *(event.get(c) for c in EVENT_COLUMNS[1:])])
    return rows


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else ("true" if v is True else "false" if v is False else _text(v))
                for v in row
            ]
        )
    return text.getvalue().encode("utf-8")


@attrs.frozen
class Made:
    """One table as a CSV file: its bytes and how many rows it holds."""

    table: Table
    data: bytes
    rows: int


def table_files(guides: Sequence[Guide], types: MatterTypes) -> dict[str, Made]:
    """Each table that has rows (``matters`` always), by file name."""
    made = {}
    for table in tables(types):
        rows = []
        for guide in guides:
            for item in table.items(guide):
                row = [get(item) for _, _, _, get in table.columns]
                rows.append([_code(guide), *row] if table.of_guide else row)
        if rows or table.name == "matters":
            header = [c[0] for c in table.columns]
            header = ["matter_code", *header] if table.of_guide else header
            made[f"{table.name}.csv"] = Made(table, _csv(header, rows), len(rows))
    return made


def events_file(rows: Iterable[Sequence[Any]]) -> bytes:
    return _csv(EVENT_COLUMNS, rows)


# The licence of the open data: name, title, where it is written.
LICENCE: Final = (
    "CC-BY-4.0",
    "Creative Commons Attribution 4.0",
    "https://creativecommons.org/licenses/by/4.0/",
)


@attrs.frozen
class Package:
    """What ``datapackage.json`` says of the data beside the tables' own description."""

    title: str
    publisher: str
    created: str  # the release's time
    version: str  # the release's number


def _field(column: Column) -> dict[str, Any]:
    name, type_, description, _ = column
    found: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if type_ == "boolean":
        found["trueValues"], found["falseValues"] = ["true"], ["false"]
    return found


def datapackage(package: Package, made: Sequence[Table]) -> bytes:
    """The Frictionless data package of the tables ``made`` and ``events.csv``."""
    resources = []
    for table in made:
        fields = [_field(c) for c in table.columns]
        schema: dict[str, Any] = {"primaryKey": list(table.primary_key)}
        if table.of_guide:
            fields.insert(0, {"name": "matter_code", "type": "string", "description": "实施编码"})
            reference = {"resource": "matters", "fields": ["code"]}
            schema["foreignKeys"] = [{"fields": ["matter_code"], "reference": reference}]
        for field in fields:
            if field["name"] in table.primary_key:
                field["constraints"] = {"required": True}
        resources.append(_resource(table.name, table.title, {"fields": fields, **schema}))
    types = {"position": "integer", "date": "date"}
    event_fields = [{"name": name, "type": types.get(name, "string")} for name in EVENT_COLUMNS]
    schema = {"fields": event_fields, "primaryKey": ["position"]}
    resources.append(_resource("events", EVENTS_TITLE, schema))
    name, title, path = LICENCE
    described = {
        "name": "service-catalogue",
        "title": package.title,
        "version": package.version,
        "created": package.created,
        "licenses": [{"name": name, "title": title, "path": path}],
        "contributors": [{"title": package.publisher, "role": "publisher"}],
        "resources": resources,
    }
    return (json.dumps(described, ensure_ascii=False, indent=2) + "\n").encode()


def _resource(name: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "title": title,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }
