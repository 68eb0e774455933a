"""Flat exchange records with the national platform's field names and codes.

A guide becomes one ``task`` record plus ``materials``, ``steps`` and ``fees`` sub-records,
every value a string: numeric codes of the chosen service-object scheme, ``1``/``0``
flags, ``YYYYMMDD`` dates, comma-joined multi-values and "" for an absent value.
What the format cannot carry (legal basis records, special procedures, FAQs,
handling items) is listed in ``docs/formats.md`` and left out.

>>> from service_codes import from_json
>>> from pathlib import Path
>>> guide = from_json(Path("registry/guides/marriage-registration.json").read_bytes())
>>> record = to_exchange(guide)
>>> record["task"]["task_type"], record["task"]["use_level"], record["task"]["server_type"]
('07', '4', '1')
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.codelists import Scheme
from service_codes.errors import InvalidCode, InvalidFormat, InvalidGuide
from service_codes.matter_types import from_slot, slot
from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.validation import guide_from_data

ExchangeRecord = dict[str, Any]


@attrs.frozen
class _Field:
    """One exchange field: its name, where it sits in a guide's data, and how it is written."""

    name: str
    path: tuple[str, ...]
    kind: str  # text, int, flag, date, type, code, codes, label, list, lines
    enum_type: type[enum.StrEnum] | None = None


def _f(name: str, path: str, kind: str = "text", enum_type: Any = None) -> _Field:
    return _Field(name, tuple(path.split(".")), kind, enum_type)


L = codelists
TASK_FIELDS: Final = (
    _f("task_name", "name"),
    _f("sub_task_name", "sub_name"),
    _f("task_origin", "origin"),
    _f("catalog_code", "catalog_code"),
    _f("task_code", "implementation_code"),
    _f("local_code", "local_codes", "list"),
    _f("task_type", "matter_type", "type"),
    _f("task_state", "state", "label", L.MatterState),
    _f("task_version", "version", "int"),
    _f("plan_effective_date", "effective_date", "date"),
    _f("plan_cancel_date", "cancel_date", "date"),
    _f("use_level", "level", "code", L.Level),
    _f("dept_name", "agency.name"),
    _f("dept_code", "agency.uscc"),
    _f("dept_type", "agency.nature", "code", L.AgencyNature),
    _f("competent_dept", "competent_department"),
    _f("power_source", "power_source", "code", L.PowerSource),
    _f("entrust_name", "entrusting_department"),
    _f("joint_dept", "joint_agencies", "list"),
    _f("accept_condition", "conditions", "lines"),
    _f("limit_num", "quantity_limit"),
    _f("intermediary", "intermediary_services", "list"),
    _f("result_type", "result.kind"),
    _f("result_name", "result.name"),
    _f("result_sample", "result.sample"),
    _f("anticipate_day", "legal_limit.value", "int"),
    _f("anticipate_type", "legal_limit.unit", "label", L.TimeUnit),
    _f("anticipate_explain", "legal_limit.note"),
    _f("promise_day", "promised_limit.value", "int"),
    _f("promise_type", "promised_limit.unit", "label", L.TimeUnit),
    _f("promise_explain", "promised_limit.note"),
    _f("server_type", "service_objects", "codes", L.ServiceObject),
    _f("project_type", "case_type", "code", L.CaseType),
    _f("handle_type", "handling_forms", "codes", L.HandlingForm),
    _f("limit_scene_num", "visits", "int"),
    _f("limit_scene_explain", "visit_reason"),
    _f("online_handle_depth", "online_depth", "code", L.OnlineDepth),
    _f("online_handle_url", "online_urls", "list"),
    _f("transact_addr", "place"),
    _f("transact_time", "hours"),
    _f("tongban_scope", "scope", "label", L.Scope),
    _f("link_way", "consultation"),
    _f("supervise_way", "supervision"),
    _f("is_fee", "charged", "flag"),
    _f("is_in_hall", "in_hall", "flag"),
    _f("is_online", "online", "flag"),
    _f("is_pay_online", "online_payment", "flag"),
    _f("is_express", "express_delivery", "flag"),
    _f("is_appoint", "appointment", "flag"),
    _f("is_self_terminal", "self_service_terminal", "flag"),
)
MATERIAL_FIELDS: Final = (
    _f("material_order", "order", "int"),
    _f("material_name", "name"),
    _f("material_code", "code"),
    _f("material_type", "kind", "code", L.MaterialKind),
    _f("material_form", "form", "code", L.MaterialForm),
    _f("material_necessity", "necessity", "code", L.Necessity),
    _f("material_source", "source", "label", L.MaterialSource),
    _f("source_explain", "source_note"),
    _f("paper_number", "originals", "int"),
    _f("copy_number", "copies", "int"),
    _f("paper_format", "paper_size"),
    _f("blank_form", "blank_form"),
    _f("sample_form", "sample"),
    _f("fill_explain", "filling_notes"),
    _f("accept_standard", "acceptance_standard"),
    _f("by_law", "legal_basis"),
    _f("remark", "remark"),
)
STEP_FIELDS: Final = (
    _f("step_order", "order", "int"),
    _f("step_name", "name"),
    _f("step_actor", "actor"),
    _f("step_time_limit", "time_limit.value", "int"),
    _f("step_time_type", "time_limit.unit", "label", L.TimeUnit),
    _f("step_time_explain", "time_limit.note"),
    _f("step_desc", "description"),
)
FEE_FIELDS: Final = (
    _f("fee_name", "name"),
    _f("fee_standard", "standard"),
    _f("by_law", "legal_basis"),
    _f("is_desc", "reducible", "flag"),
    _f("desc_explain", "reduction_reason"),
)
SUB_RECORDS: Final = {"materials": MATERIAL_FIELDS, "steps": STEP_FIELDS, "fees": FEE_FIELDS}
# Guide fields the flat records cannot carry; reading a record leaves them empty.
NOT_CARRIED: Final = ("legal_basis", "special_procedures", "faqs", "handling_items")
_SEPARATOR: Final = {"list": ",", "codes": ",", "lines": "\n"}


def _get(record: object, path: tuple[str, ...]) -> Any:
    """A field of a record by its path; defaults included (the platform wants every value)."""
    for name in path:
        if record is None:
            return None
        record = getattr(record, name)
    return record


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _write(field: _Field, value: Any, scheme: Scheme, where: str) -> str:
    if value is None:
        return ""
    kind, enum_type = field.kind, field.enum_type
    if kind == "flag":
        return "1" if value else "0"
    if kind == "date":
        return str(value).replace("-", "")
    if kind == "type":
        return slot(value)
    if kind == "code":
        assert enum_type is not None
        return codelists.code(enum_type(value), scheme)
    if kind == "label":
        assert enum_type is not None
        return codelists.label_zh(enum_type(value))
    if kind == "codes":
        assert enum_type is not None
        return ",".join(codelists.code(enum_type(v), scheme) for v in value)
    if kind in ("list", "lines"):
        separator = _SEPARATOR[kind]
        for i, item in enumerate(value):
            if separator in item:
                raise InvalidGuide(
                    [
                        Problem(
                            path=f"{where}/{i}",
                            rule="exchange.separator",
                            message=f"{item!r} holds {separator!r}, which the exchange record"
                            " uses to join values",
                            message_zh=f"{item!r} 含有交换记录用作分隔符的 {separator!r}",
                        )
                    ]
                )
        return separator.join(value)
    return str(value)


def _read(field: _Field, text: str, scheme: Scheme) -> Any:
    kind, enum_type = field.kind, field.enum_type
    if kind in ("list", "lines", "codes"):
        values = text.split(_SEPARATOR[kind]) if text else []
        if kind == "codes":
            assert enum_type is not None
            return [codelists.from_code(enum_type, v, scheme).value for v in values]
        return values
    if text == "":
        return None
    if kind == "int":
        # Longer digit strings are out of every range the schema allows: leave them to it.
        digits = text.lstrip("-")
        return int(text) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else text
    if kind == "flag":
        return {"1": True, "0": False}.get(text, text)
    if kind == "date":
        if len(text) != 8 or not (text.isascii() and text.isdigit()):
            raise InvalidFormat(
                f"{text!r} is not a YYYYMMDD date", f"{text!r} 不是 YYYYMMDD 格式的日期"
            )
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if kind == "type":  # the open slot: any two digits, an extension type beyond the list
        if len(text) != 2 or not (text.isascii() and text.isdigit()):
            raise InvalidFormat(
                f"{text!r} is not a two-digit matter type", f"{text!r} 不是 2 位数字的事项类型"
            )
        return from_slot(text).value
    if kind == "code":
        assert enum_type is not None
        return codelists.from_code(enum_type, text, scheme).value
    if kind == "label":
        assert enum_type is not None
        member = codelists.from_label(enum_type, text)
        if member is None:
            raise InvalidCode(f"{text!r} is not a known label", f"{text!r} 不是已知的名称")
        return member.value
    return text


def _record(
    fields: tuple[_Field, ...], record: object, scheme: Scheme, where: str
) -> dict[str, str]:
    return {
        f.name: _write(f, _get(record, f.path), scheme, f"{where}/{'/'.join(f.path)}")
        for f in fields
    }


def to_exchange(guide: Guide, scheme: Scheme = "platform") -> ExchangeRecord:
    """The flat records of a guide, with the service objects coded in ``scheme``.

    Raises :class:`InvalidGuide` for a value the flat format cannot carry (a list item
    holding the separator) and :class:`InvalidCode` for a member ``scheme`` cannot code.
    """
    record: ExchangeRecord = {"task": _record(TASK_FIELDS, guide, scheme, "")}
    for key, fields in SUB_RECORDS.items():
        record[key] = [
            _record(fields, item, scheme, f"/{key}/{i}")
            for i, item in enumerate(getattr(guide, key))
        ]
    return record


def _shape(path: str, en: str, zh: str) -> Problem:
    return Problem(path=path, rule="exchange.shape", message=en, message_zh=zh)


def _problems(
    fields: tuple[_Field, ...], record: Any, scheme: Scheme, where: str, into: dict[str, Any]
) -> Iterator[Problem]:
    """Read one record into ``into``, yielding a problem for each field that will not read."""
    if not isinstance(record, dict):
        yield _shape(where, "must be an object", "应为对象")
        return
    for name in sorted(record.keys() - {f.name for f in fields}):
        yield Problem(
            path=f"{where}/{name}",
            rule="exchange.unknown-field",
            message=f"{name!r} is not a field of this record",
            message_zh=f"{name} 不是该记录的字段",
        )
    for field in fields:
        text = record.get(field.name, "")
        if not isinstance(text, str):
            yield Problem(
                path=f"{where}/{field.name}",
                rule="exchange.type",
                message="must be text",
                message_zh="应为文本",
            )
            continue
        try:
            value = _read(field, text, scheme)
        except InvalidCode as error:
            yield Problem(
                path=f"{where}/{field.name}",
                rule="exchange.code",
                message=error.message,
                message_zh=error.message_zh,
            )
            continue
        if value is not None:
            _put(into, field.path, value)


def from_exchange(record: ExchangeRecord, scheme: Scheme = "platform") -> Guide:
    """Read a guide from its flat records; fields the format does not carry stay empty.

    Raises :class:`InvalidGuide` with the path of every bad field, in the exchange
    record for codes and shapes, in the guide for what the schema then finds.
    """
    if not isinstance(record, dict):
        raise InvalidGuide([_shape("", "must be an object", "应为对象")])
    data: dict[str, Any] = {"legal_basis": []}
    problems = list(_problems(TASK_FIELDS, record.get("task"), scheme, "/task", data))
    for key, fields in SUB_RECORDS.items():
        items = record.get(key, [])
        if not isinstance(items, list):
            problems.append(_shape(f"/{key}", "must be a list", "应为列表"))
            continue
        data[key] = []
        for i, item in enumerate(items):
            parsed: dict[str, Any] = {}
            problems += _problems(fields, item, scheme, f"/{key}/{i}", parsed)
            data[key].append(parsed)
    if problems:
        raise InvalidGuide(problems)
    return guide_from_data(data)
