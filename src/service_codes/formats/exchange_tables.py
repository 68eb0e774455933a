"""The platform's exchange tables: which tables hold a guide of each family, which column holds
which field, and how wide it is.

Table and column names, widths and NOT NULL flags are those of the platform's MySQL DDL for
its upward exchange (``up_task_*``); ``tests/data/platform-ddl`` holds a copy, and the tests
check every table and column written here against it. The DDL has no tables for situations,
penalty discretion, random inspections, responsibilities or intermediary-service fees: this
library adds its own (``own=True``), named in the platform's style, after the DDL's.

>>> [table.name for table in tables("punish") if not table.own]
['up_task_punish_basic', 'up_task_punish_questions']
>>> [table.name for table in tables("punish") if table.own][2:4]
['up_task_punish_condition', 'up_task_punish_discretion']
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

import attrs

from service_codes import codelists as L
from service_codes.codelists import MatterType
from service_codes.matter_types import AnyMatterType, Family, MatterTypes

FamilyName = Literal["general", "punish", "handle", "check", "public"]
# 许可、给付、奖励、确认、裁决、其他 share the general tables; 强制 and 检查 the check tables.
_FAMILY_OF: Final[dict[MatterType, FamilyName]] = {
    MatterType.PENALTY: "punish",
    MatterType.LEVY: "handle",
    MatterType.COERCION: "check",
    MatterType.INSPECTION: "check",
    MatterType.PUBLIC_SERVICE: "public",
}


def family_of(matter_type: AnyMatterType, types: MatterTypes) -> FamilyName:
    """The family of tables a matter type's guides go to.

    An extension type goes with its declared family: a public service to the public tables,
    a power (or an undeclared type) to the general ones, whose 其他类 takes any power.
    """
    if isinstance(matter_type, MatterType):
        return _FAMILY_OF.get(matter_type, "general")
    return "public" if types.family(matter_type) is Family.PUBLIC_SERVICE else "general"


@attrs.frozen
class Column:
    """One column: its name, where its value is in a guide (or a list item), how it is written,
    and its width in the DDL (None for numbers and dates)."""

    name: str
    path: tuple[str, ...]
    # text, int, flag, date, type, code, codes, list, lines, laws, steps, procedures; number
    # (a float that reads back as itself), label (a list member by its Chinese name), and
    # punishment (the punish table's text, written from the discretion table or conditions)
    kind: str
    enum_type: type[enum.StrEnum] | None = None
    length: int | None = None
    part: str | None = None  # of a list of records: the field of each item the column holds


def _c(
    name: str,
    path: str,
    kind: str = "text",
    length: int | None = None,
    enum_type: Any = None,
    part: str | None = None,
) -> Column:
    return Column(name, tuple(path.split(".")), kind, enum_type, length, part)


@attrs.frozen
class Table:
    """A table: one row of a guide (basic, extend) or one row per item of a list of it."""

    name: str
    columns: tuple[Column, ...]
    items: str | None = None  # the guide's list whose items are the rows: materials, fees, faqs
    # Columns of the DDL this library neither writes nor reads: the platform's bookkeeping,
    # and data the guide has no field for. A record that holds them still reads.
    ignored: frozenset[str] = frozenset()
    # A table of this library's, not the DDL's: the platform's own exports lack it, so a record
    # holds every own table of its family or none, and a missing one is not an empty one.
    own: bool = False


# Every table's sync columns: the row's identity, and the batch, kind and time of the release.
SYNC: Final = ("row_guid", "cd_operation", "cd_batch", "cd_time", "data_source")
BOOKKEEPING: Final = frozenset(
    {"id", "tenant_id", "create_org_id", "create_time", "create_user_id", "update_org_id"}
    | {"update_time", "update_user_id", "version"}
    | {"task_handle_item"}  # keys rows to one handling item: a guide's rows are its whole
)
# Yes/no columns the guide has no field for, written as "0" where the DDL wants a value.
NOT_SAID: Final = ("is_single_login", "app_is_single_login")

_IDENTIFICATION: Final = (
    _c("task_name", "name", length=1000),
    _c("catalog_code", "catalog_code", length=12),
    _c("task_code", "implementation_code", length=36),
    _c("local_task_code", "local_codes", "list", 50),
    _c("local_catalog_code", "local_catalog_code", length=50),
    _c("task_type", "matter_type", "type", 2),
    _c("task_state", "state", "code", 2, L.MatterState),
    _c("task_version", "version", "int"),
    _c("plan_effective_date", "effective_date", "date"),
    _c("plan_cancel_date", "cancel_date", "date"),
    _c("use_level", "level", "code", 11, L.Level),
    _c("dept_name", "agency.name", length=200),
    _c("dept_code", "agency.uscc", length=50),
    _c("dept_type", "agency.nature", "code", 2, L.AgencyNature),
    _c("entrust_name", "entrusting_department", length=100),
    _c("by_law", "legal_basis", "laws", 256),
    _c("handle_flow", "steps", "steps", 256),
    _c("anticipate_day", "legal_limit.value", "int"),
    _c("anticipate_type", "legal_limit.unit", "code", 2, L.TimeUnit),
    _c("anticipate_explain", "legal_limit.note", length=256),
    _c("link_way", "consultation", length=256),
    _c("supervise_way", "supervision", length=256),
)
_POWER_SOURCE: Final = _c("power_source", "power_source", "code", 2, L.PowerSource)
# What a guide of the general and public families says beyond every family's columns.
_DELIVERY: Final = (
    _c("accept_condition", "conditions", "lines", 256, part="text"),
    _c("special_procedure", "special_procedures", "procedures", 500),
    _c("promise_day", "promised_limit.value", "int"),
    _c("promise_type", "promised_limit.unit", "code", None, L.TimeUnit),
    _c("promise_explain", "promised_limit.note", length=256),
    _c("server_type", "service_objects", "codes", 32, L.ServiceObject),
    _c("project_type", "case_type", "code", 2, L.CaseType),
    _c("handle_type", "handling_forms", "codes", 5, L.HandlingForm),
    _c("limit_scene_num", "visits", "int"),
    _c("transact_addr", "place", length=500),
    _c("transact_time", "hours", length=500),
    _c("is_fee", "charged", "flag", 2),
    *(_c(name, "", "not-said", 2) for name in NOT_SAID),
)
_EXTEND: Final = (
    _c("other_dept", "joint_agencies", "list", 200),
    _c("service_type", "intermediary_services", "list", 500, part="name"),
    _c("result_type", "result.kind", length=30),
    _c("result_name", "result.name", length=200),
    _c("result_guid", "result.sample", length=256),
    _c("limit_scene_explain", "visit_reason", length=1000),
    _c("online_handle_depth", "online_depth", "code", 20, L.OnlineDepth),
    _c("online_handle_url", "online_urls", "list", 256),
    _c("handle_area", "scope", "code", 2, L.Scope),
    _c("is_entry_center", "in_hall", "flag", 2),
    _c("is_online", "online", "flag", 2),
    _c("is_pay_online", "online_payment", "flag", 2),
    _c("is_express", "express_delivery", "flag", 2),
    _c("is_schedule", "appointment", "flag", 2),
    _c("is_service_terminals", "self_service_terminal", "flag", 2),
)
_LIMIT: Final = _c("limit_explain", "quantity_limit", length=256)
_MATERIAL: Final = (
    _c("order_num", "order", "int"),
    _c("material_name", "name", length=200),
    _c("material_type", "kind", "code", 2, L.MaterialKind),
    _c("material_format", "form", "code", 2, L.MaterialForm),
    _c("is_need", "necessity", "code", 2, L.Necessity),
    _c("source_type", "source", "code", 2, L.MaterialSource),
    _c("source_explain", "source_note", length=500),
    _c("page_num", "originals", "int"),
    _c("page_format", "paper_size", length=200),
    _c("form_guid", "blank_form", length=256),
    _c("example_guid", "sample", length=256),
    _c("fill_explain", "filling_notes", length=500),
    _c("accept_stand", "acceptance_standard", length=256),
    _c("by_law", "legal_basis", length=256),
    _c("remark", "remark", length=256),
)
_FEE: Final = (
    _c("order_num", "", "position"),
    _c("fee_name", "name", length=200),
    _c("fee_stand", "standard", length=256),
    _c("by_law", "legal_basis", length=256),
    _c("is_desc", "reducible", "flag", 2),
    _c("desc_explain", "reduction_reason", length=256),
)
_QUESTION: Final = (
    _c("order_num", "order", "int"),
    _c("question", "question", length=1000),
    _c("answer", "answer", length=256),
)
_UNSAID_BASIC: Final = frozenset({"link_addr", "mobile_terminal_url", "fee_basis"})
_UNSAID_EXTEND: Final = frozenset(
    {"user_topic_type", "user_character_topic_type", "corp_topic_type"}
    | {"corp_character_topic_type", "town_code", "town_name", "village_code", "village_name"}
    | {"extend_field"}
)


def _basic(family: FamilyName) -> Table:
    columns = [*_IDENTIFICATION]
    if family != "public":  # the public tables have no source of power
        columns.append(_POWER_SOURCE)
    if family in ("general", "public"):
        columns += _DELIVERY
        ignored = _UNSAID_BASIC
    elif family == "punish":  # 处罚的行为、种类、幅度: what a penalty guide's conditions say
        # Written from the discretion table when there is one; the conditions are then only
        # in up_task_punish_condition.
        columns.append(_c("punishment_method", "conditions", "punishment", 3000, part="text"))
        # The punish table's level is two characters wide: one level, not a list.
        columns = [attrs.evolve(c, length=2) if c.name == "use_level" else c for c in columns]
        ignored = frozenset()
    else:
        ignored = frozenset({"collect_type", "is_permit_reduce"} if family == "handle" else ())
    return Table(f"up_task_{family}_basic", tuple(columns), ignored=BOOKKEEPING | ignored)


def _extend(family: FamilyName) -> Table:
    columns: tuple[Column, ...]
    if family == "general":
        columns = (*_EXTEND, _LIMIT)  # only the general tables say a quantity limit
    else:  # the public table's result type is two characters wide
        columns = tuple(
            attrs.evolve(c, length=2) if c.name == "result_type" else c for c in _EXTEND
        )
    return Table(f"up_task_{family}_extend", columns, ignored=BOOKKEEPING | _UNSAID_EXTEND)


def tables(family: FamilyName) -> tuple[Table, ...]:
    """The tables of a family, the basic one first, as the DDL names them."""
    found = [_basic(family)]
    if family in ("general", "public"):
        found.append(_extend(family))
    if family in ("general", "public", "handle"):
        found.append(Table(f"up_task_{family}_material", _MATERIAL, "materials", BOOKKEEPING))
    if family in ("general", "public"):
        fees = BOOKKEEPING | {"remark"}
        found.append(Table(f"up_task_{family}_fee_project", _FEE, "fees", fees))
    found.append(Table(f"up_task_{family}_questions", _QUESTION, "faqs", BOOKKEEPING))
    return (*found, *own_tables(family))


# --- this library's own tables: not in the DDL ---------------------------------------------
# Free text is unbounded (a MySQL ``text``), so only ids and codes have widths.

_SITUATION: Final = (
    _c("order_num", "order", "int"),
    _c("situation_id", "situation.id", length=50),
    _c("question", "situation.question"),
    _c("is_required", "situation.required", "flag", 2),
    _c("is_multiple", "situation.multiple", "flag", 2),
    _c("option_order", "option_order", "int"),
    _c("option_id", "option.id", length=50),
    _c("option_name", "option.name"),
)
# One row per option an item applies to: the item by its kind and place, its name for staff.
_SITUATION_ITEM: Final = (
    _c("option_id", "option", length=50),
    _c("item_type", "kind", length=20),
    _c("item_order", "order", "int"),
    _c("item_name", "name"),
    _c("order_num", "rank", "int"),
)
_CONDITION: Final = (_c("order_num", "", "position"), _c("condition_text", "text"))
_DISCRETION: Final = (
    _c("order_num", "order", "int"),
    _c("illegal_act", "row.conduct"),
    _c("by_law", "row.legal_basis"),
    _c("circumstance", "row.circumstance", "label", 20, L.Circumstance),
    _c("circumstance_explain", "row.facts"),
    _c("penalty_order", "penalty_order", "int"),
    _c("penalty_type", "penalty.kind", "label", 50, L.PenaltyKind),
    _c("min_value", "penalty.minimum", "number", 32),
    _c("max_value", "penalty.maximum", "number", 32),
    _c("range_unit", "penalty.unit", "label", 20, L.RangeUnit),
    _c("range_base", "penalty.base"),
    _c("penalty_explain", "penalty.note"),
)
_RANDOM: Final = (
    _c("by_law", "legal_basis"),
    _c("check_body", "body"),
    _c("check_object", "object_kind"),
    _c("subject_num", "subjects", "int"),
    _c("check_ratio", "ratio", "number", 32),
    _c("check_frequency", "frequency", "label", 20, L.Frequency),
    _c("check_content", "content"),
    _c("check_method", "method"),
)
_DUTY: Final = (
    _c("duty_items", "items", "lines"),
    _c("accountability", "accountability", "lines"),
    _c("supervise_channel", "channel"),
)
_PUBLICITY: Final = (
    _c("disclosure", "disclosure", "label", 20, L.Disclosure),
    _c("withhold_reason", "reason"),
    _c("withhold_basis", "ground"),
    _c("withheld_fields", "withheld", "lines"),
)
_INTERMEDIARY: Final = (
    _c("order_num", "", "position"),
    _c("service_name", "name"),
    _c("fee_stand", "standard"),
    _c("by_law", "legal_basis"),
)


# The guide fields an own table holds as a single record, one row or none.
SINGLE: Final = ("inspection", "responsibility", "publicity")


def own_tables(family: FamilyName) -> tuple[Table, ...]:
    """This library's tables of a family, for what the DDL has no table for.

    ``items`` names the guide field the rows come from (``applies_to``: the options each
    condition, material and fee applies to); a single record (inspection, responsibility)
    is one row or none, and publicity none when it is the default (主动公开, nothing withheld).
    """

    def own(part: str, columns: tuple[Column, ...], items: str) -> Table:
        return Table(f"up_task_{family}_{part}", columns, items, BOOKKEEPING, own=True)

    found = [
        own("situation", _SITUATION, "situations"),
        own("situation_item", _SITUATION_ITEM, "applies_to"),
    ]
    if family == "punish":
        found += [own("condition", _CONDITION, "conditions")]
        found += [own("discretion", _DISCRETION, "discretion")]
    if family == "check":
        found.append(own("random", _RANDOM, "inspection"))
    if family != "public":  # every power matter answers for its power
        found.append(own("duty", _DUTY, "responsibility"))
    if family in ("general", "public"):  # the families whose extend table names the services
        found.append(own("intermediary", _INTERMEDIARY, "intermediary_services"))
    found.append(own("publicity", _PUBLICITY, "publicity"))  # every guide is published or not
    return tuple(found)


def carried_kinds(family: FamilyName) -> tuple[str, ...]:
    """The lists of a family's tables whose items may apply to situation options."""
    held = {c.path[0] for t in tables(family) if t.items is None for c in t.columns}
    held |= {t.items for t in tables(family) if t.items}
    return tuple(kind for kind in ("conditions", "materials", "fees") if kind in held)


FAMILIES: Final[tuple[FamilyName, ...]] = ("general", "punish", "handle", "check", "public")


def record_family(record: object) -> FamilyName:
    """The family whose basic table the record holds (general when it holds none)."""
    if isinstance(record, dict):
        for family in FAMILIES:
            if f"up_task_{family}_basic" in record:
                return family
    return "general"
