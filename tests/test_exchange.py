from __future__ import annotations

import json

import attrs
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from strategies import guides

from service_codes import (
    Guide,
    InvalidCode,
    InvalidGuide,
    ServiceObject,
    from_json,
)
from service_codes.formats.exchange import NOT_CARRIED, SUB_RECORDS, from_exchange, to_exchange
from service_codes.matter_types import ExtensionType

BUNDLED = [from_json(p.read_bytes()) for p in sorted((ROOT / "registry" / "guides").glob("*.json"))]


def carried(guide: Guide) -> Guide:
    """What the exchange records carry of a guide."""
    return attrs.evolve(guide, **{name: () for name in NOT_CARRIED})


def joinable(guide: Guide) -> Guide:
    """The guide with list items free of the separators the flat records join them with."""

    def clean(items: tuple[str, ...], sep: str) -> tuple[str, ...]:
        return tuple(item.replace(sep, "_") for item in items)

    return attrs.evolve(
        guide,
        conditions=clean(guide.conditions, "\n"),
        local_codes=clean(guide.local_codes, ","),
        joint_agencies=clean(guide.joint_agencies, ","),
        intermediary_services=clean(guide.intermediary_services, ","),
    )


@given(guides().map(joinable), st.sampled_from(["platform", "gbt39046"]))
def test_round_trip_keeps_all_it_carries(guide: Guide, scheme: str) -> None:
    if scheme == "gbt39046":
        guide = attrs.evolve(
            guide,
            service_objects=tuple(
                o for o in guide.service_objects if o is not ServiceObject.UNINCORPORATED_ENTERPRISE
            )
            or (ServiceObject.ENTERPRISE,),
        )
    record = to_exchange(guide, scheme)  # type: ignore[arg-type]
    assert all(isinstance(v, str) for v in record["task"].values())
    assert from_exchange(json.loads(json.dumps(record)), scheme) == carried(guide)  # type: ignore[arg-type]


@pytest.mark.parametrize("guide", BUNDLED, ids=lambda g: g.name)
def test_bundled_guides_round_trip(guide: Guide) -> None:
    assert from_exchange(to_exchange(guide)) == carried(guide)


def test_platform_codes_flags_dates_and_joins() -> None:
    guide = attrs.evolve(
        next(g for g in BUNDLED if g.effective_date and g.in_hall),
        service_objects=(ServiceObject.ENTERPRISE, ServiceObject.GOVERNMENT),
        charged=False,
    )
    task = to_exchange(guide)["task"]
    assert task["server_type"] == "2,6"
    assert to_exchange(guide, "gbt39046")["task"]["server_type"] == "2,5"
    assert task["plan_effective_date"] == guide.effective_date.strftime("%Y%m%d")  # type: ignore[union-attr]
    assert (task["is_in_hall"], task["is_fee"]) == ("1", "0")
    assert task["use_level"] == "4" and task["accept_condition"] == "\n".join(guide.conditions)
    assert set(to_exchange(guide)) == {"task", *SUB_RECORDS}


def test_what_a_scheme_cannot_code_is_a_clear_error() -> None:
    guide = attrs.evolve(BUNDLED[0], service_objects=(ServiceObject.UNINCORPORATED_ENTERPRISE,))
    with pytest.raises(InvalidCode, match="gbt39046"):
        to_exchange(guide, "gbt39046")


def test_a_value_holding_the_separator_is_refused() -> None:
    guide = attrs.evolve(BUNDLED[0], joint_agencies=("甲局,乙局",))
    with pytest.raises(InvalidGuide) as caught:
        to_exchange(guide)
    assert caught.value.problems[0].path == "/joint_agencies/0"


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        (lambda r: r["task"].update(task_type="9x"), "/task/task_type", "exchange.code"),
        (lambda r: r["task"].update(task_state="废止"), "/task/task_state", "exchange.code"),
        (lambda r: r["task"].update(limit_scene_num=3), "/task/limit_scene_num", "exchange.type"),
        (lambda r: r["task"].update(colour="red"), "/task/colour", "exchange.unknown-field"),
        (lambda r: r["materials"][0].update(material_necessity="7"),
         "/materials/0/material_necessity", "exchange.code"),
        (lambda r: r.update(fees={}), "/fees", "exchange.shape"),
        (lambda r: r["task"].update(task_version="v2"), "/version", "schema.type"),
        (lambda r: r["task"].update(task_name=""), "/name", "schema.required"),
    ],
)  # fmt: skip
def test_bad_records_are_reported_with_paths(change, path: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    record = to_exchange(BUNDLED[0])
    change(record)
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record)
    assert (path, rule) in {(p.path, p.rule) for p in caught.value.problems}


@pytest.mark.parametrize("junk", [None, [], "task", {"task": []}, {"task": {}, "steps": "x"}])
def test_junk_records(junk: object) -> None:
    with pytest.raises(InvalidGuide):
        from_exchange(junk)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("task_version", "0" * 5000 + "1", "/version"),
        ("limit_scene_num", "9" * 4401, "/visits"),
        ("plan_effective_date", "2024-01-01", "/task/plan_effective_date"),
    ],
)
def test_values_out_of_shape_are_problems(field: str, value: str, path: str) -> None:
    record = to_exchange(BUNDLED[0])
    record["task"][field] = value
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record)
    assert path in {p.path for p in caught.value.problems}


def test_a_type_beyond_the_standard_list_is_kept() -> None:
    record = to_exchange(BUNDLED[0])
    record["task"]["task_type"] = "99"
    guide = from_exchange(record)
    assert guide.matter_type == ExtensionType("99")
    assert to_exchange(guide)["task"]["task_type"] == "99"
