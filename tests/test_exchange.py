"""Exchange records in the platform's tables: what they write, and that it reads back."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from exchange_strategies import (
    BUNDLED,
    SYNC,
    WHOLE,
    family,
    through_json,
    writable_guides,
)
from hypothesis import given
from hypothesis import strategies as st

from service_codes import (
    CatalogCode,
    Condition,
    Guide,
    ImplementationCode,
    InvalidCode,
    InvalidGuide,
    ServiceObject,
)
from service_codes.formats.exchange import exchange_warnings, to_exchange
from service_codes.formats.exchange_read import from_exchange
from service_codes.matter_types import ExtensionType


def carried_steps(guide: Guide) -> tuple[Any, ...]:
    """The steps as handle_flow carries them: a time limit without its note."""
    return tuple(
        attrs.evolve(s, time_limit=s.time_limit and attrs.evolve(s.time_limit, note=None))
        for s in guide.steps
    )


@given(writable_guides(), st.sampled_from(["platform", "gbt39046"]))
def test_the_tables_keep_what_they_carry_or_refuse_it(guide: Guide, scheme: str) -> None:
    if scheme == "gbt39046":
        unincorporated = ServiceObject.UNINCORPORATED_ENTERPRISE
        objects = [o for o in guide.service_objects if o is not unincorporated]
        guide = attrs.evolve(guide, service_objects=tuple(objects) or (ServiceObject.ENTERPRISE,))
    try:
        record = to_exchange(guide, scheme, SYNC)  # type: ignore[arg-type]
    except InvalidGuide as error:  # a text that would read back as another: never written
        assert {p.rule for p in error.problems} <= {"exchange.ambiguous", "exchange.separator"}
        return
    for rows in record.values():
        for row in rows if isinstance(rows, list) else [rows]:
            assert all(isinstance(value, str) for value in row.values())
    # Read back over the guide (for what the family's tables lack), the rows are the same,
    # and the texts the tables hold whole come back as they were.
    again = from_exchange(through_json(record), scheme, base=guide)  # type: ignore[arg-type]
    assert to_exchange(again, scheme, SYNC) == record  # type: ignore[arg-type]
    assert again.steps == carried_steps(guide) and again.legal_basis == guide.legal_basis
    if family(guide) in WHOLE:  # and these tables hold all a guide needs
        assert again.special_procedures == tuple(
            attrs.evolve(p, time_limit=p.time_limit and attrs.evolve(p.time_limit, note=None))
            for p in guide.special_procedures
        )
        back = from_exchange(through_json(record), scheme)  # type: ignore[arg-type]
        assert to_exchange(back, scheme, SYNC) == record  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("steps", lambda s: attrs.evolve(s, name="受理（窗口）")),
        ("steps", lambda s: attrs.evolve(s, actor="民政局，3 个工作日", time_limit=None)),
        ("legal_basis", lambda b: attrs.evolve(b, law="婚姻登记条例", article="第四条")),
        ("legal_basis", lambda b: attrs.evolve(b, law="《条例》《细则》")),
        ("special_procedures", lambda p: attrs.evolve(p, name="无")),
    ],
)
def test_a_text_that_would_read_back_as_another_is_refused_at_its_field(
    field: str, change: Any
) -> None:
    from service_codes.model import SpecialProcedure

    guide = next(g for g in BUNDLED if family(g) == "general")
    if field == "special_procedures":
        guide = attrs.evolve(guide, special_procedures=(SpecialProcedure(name="听证"),))
    items = getattr(guide, field)
    changed = attrs.evolve(guide, **{field: (change(items[0]), *items[1:])})
    with pytest.raises(InvalidGuide) as caught:
        to_exchange(changed, sync=SYNC)
    (problem,) = caught.value.problems
    assert (problem.path, problem.rule) == (f"/{field}/0", "exchange.ambiguous")
    assert problem.message_zh and problem.message != problem.message_zh


@pytest.mark.parametrize("guide", BUNDLED, ids=lambda g: g.name)
def test_bundled_guides_read_back_as_what_the_tables_carry(guide: Guide) -> None:
    record = to_exchange(guide, sync=SYNC)
    if family(guide) in WHOLE:
        back = from_exchange(through_json(record))
        assert to_exchange(back, sync=SYNC) == record
        assert (back.name, back.catalog_code, back.legal_basis) == (
            guide.name, guide.catalog_code, guide.legal_basis
        )  # fmt: skip
        assert back.steps == carried_steps(guide)
        assert back.materials == tuple(
            attrs.evolve(m, code=None, copies=0) for m in guide.materials
        )
    else:  # the punish, handle and check tables hold no place, hours or service objects
        with pytest.raises(InvalidGuide) as caught:
            from_exchange(through_json(record))
        (problem,) = caught.value.problems
        assert problem.rule == "exchange.family-incomplete" and "place" in problem.message
        back = from_exchange(through_json(record), base=guide)
        assert back == attrs.evolve(guide, steps=back.steps) and back.steps == carried_steps(guide)


def test_each_family_writes_its_own_tables() -> None:
    seen = {}
    for guide in BUNDLED:
        seen[guide.matter_type.value] = sorted(to_exchange(guide, sync=SYNC))
    situated = ("situation", "situation_item", "publicity")
    general = ("basic", "extend", "material", "fee_project", "questions", *situated)
    assert seen["licensing"] == sorted(
        f"up_task_general_{t}" for t in (*general, "duty", "intermediary")
    )
    assert seen["penalty"] == sorted(
        f"up_task_punish_{t}"
        for t in ("basic", "questions", *situated, "condition", "discretion", "duty")
    )
    assert seen["levy"] == sorted(
        f"up_task_handle_{t}" for t in ("basic", "material", "questions", *situated, "duty")
    )
    assert seen["inspection"] == sorted(
        f"up_task_check_{t}" for t in ("basic", "questions", *situated, "random", "duty")
    )
    assert seen["public_service"][0] == "up_task_public_basic"


def test_codes_flags_dates_joins_and_renderings() -> None:
    guide = attrs.evolve(
        next(g for g in BUNDLED if g.effective_date and g.in_hall and family(g) == "general"),
        service_objects=(ServiceObject.ENTERPRISE, ServiceObject.GOVERNMENT),
        charged=False,
    )
    record = to_exchange(guide, sync=SYNC)
    basic, extend = record["up_task_general_basic"], record["up_task_general_extend"]
    assert basic["server_type"] == "2,6"
    assert to_exchange(guide, "gbt39046", SYNC)["up_task_general_basic"]["server_type"] == "2,5"
    assert basic["plan_effective_date"] == guide.effective_date.strftime("%Y%m%d")  # type: ignore[union-attr]
    assert (extend["is_entry_center"], basic["is_fee"]) == ("1", "0")
    assert basic["use_level"] == "4" and basic["accept_condition"] == "\n".join(
        c.text for c in guide.conditions
    )
    assert basic["anticipate_type"] in ("1", "2") and basic["task_state"] == "1"
    first = guide.steps[0]
    assert basic["handle_flow"].split("\n")[0].startswith(f"1. {first.name}（{first.actor}")
    assert basic["by_law"].split("\n")[0].startswith(guide.legal_basis[0].law)
    assert basic["special_procedure"] == "无" or guide.special_procedures
    assert (basic["is_single_login"], basic["app_is_single_login"]) == ("0", "0")
    assert basic["cd_time"] == "2024-03-01 08:30:00" and basic["cd_batch"] == SYNC.batch
    assert basic["data_source"] == guide.agency.uscc[2:4] and basic["cd_operation"] == "I"


def test_row_guids_are_derived_from_the_code_and_link_the_rows() -> None:
    guide = coded(next(g for g in BUNDLED if g.faqs and family(g) == "general"))
    record = to_exchange(guide, sync=SYNC)
    assert to_exchange(guide, sync=SYNC) == record  # a re-export is identical
    basic = record["up_task_general_basic"]
    guids = [basic["row_guid"]] + [
        row["row_guid"] for name, rows in record.items() if isinstance(rows, list) for row in rows
    ]
    assert len(set(guids)) == len(guids)
    for rows in record.values():
        for row in rows if isinstance(rows, list) else [rows]:
            if row is not basic:
                assert (
                    row["task_guid"] == basic["row_guid"] and row["task_code"] == basic["task_code"]
                )
    other = attrs.evolve(guide, name="另一事项")
    assert to_exchange(other, sync=SYNC)["up_task_general_basic"]["row_guid"] == basic["row_guid"]


def test_what_a_scheme_cannot_code_is_a_clear_error() -> None:
    general = next(g for g in BUNDLED if family(g) == "general")
    guide = attrs.evolve(general, service_objects=(ServiceObject.UNINCORPORATED_ENTERPRISE,))
    with pytest.raises(InvalidCode, match="gbt39046"):
        to_exchange(guide, "gbt39046")


def test_a_value_holding_the_separator_is_refused() -> None:
    guide = next(g for g in BUNDLED if family(g) == "general")
    with pytest.raises(InvalidGuide) as caught:
        to_exchange(attrs.evolve(guide, joint_agencies=("甲局,乙局",)))
    assert caught.value.problems[0].path == "/joint_agencies/0"


def test_a_text_longer_than_its_column_is_a_located_warning_and_written_whole() -> None:
    guide = next(g for g in BUNDLED if family(g) == "general")
    long = "申请人应当具备相应条件" * 30
    record = to_exchange(attrs.evolve(guide, conditions=(Condition(text=long),)), sync=SYNC)
    assert record["up_task_general_basic"]["accept_condition"] == long
    (warning,) = [w for w in exchange_warnings(record) if "accept_condition" in w.path]
    assert warning.path == "/up_task_general_basic/accept_condition"
    assert warning.rule == "exchange.too-long" and warning.severity == "warning"
    assert "330" in warning.message and "256" in warning.message and "256" in warning.message_zh


GENERAL = next(g for g in BUNDLED if family(g) == "general" and g.fees)
B, M = "up_task_general_basic", "up_task_general_material"


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        (lambda r: r[B].update(task_type="9x"), f"/{B}/task_type", "exchange.code"),
        (lambda r: r[B].update(task_code="11610113038161643P40001000050O3"),
         f"/{B}/task_code", "exchange.code"),
        (lambda r: r[B].update(catalog_code="E-000004-001"), f"/{B}/catalog_code", "exchange.code"),
        (lambda r: r[B].update(task_state="废止"), f"/{B}/task_state", "exchange.code"),
        (lambda r: r[B].update(limit_scene_num=[3]), f"/{B}/limit_scene_num", "exchange.type"),
        (lambda r: r[B].update(colour="red"), f"/{B}/colour", "exchange.unknown-field"),
        (lambda r: r[M][0].update(is_need="7"), f"/{M}/0/is_need", "exchange.code"),
        (lambda r: r.update(up_task_general_fee_project={}), "/up_task_general_fee_project",
         "exchange.shape"),
        (lambda r: r.update(up_task_punish_questions=[]), "/up_task_punish_questions",
         "exchange.unknown-table"),
        (lambda r: r[B].update(task_version="v2"), "/version", "schema.type"),
        (lambda r: r[B].update(task_name=""), "/name", "schema.required"),
    ],
)  # fmt: skip
def test_bad_records_are_reported_at_their_table_row_and_column(
    change, path: str, rule: str
) -> None:  # type: ignore[no-untyped-def]
    record = to_exchange(GENERAL, sync=SYNC)
    change(record)
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record)
    assert (path, rule) in {(p.path, p.rule) for p in caught.value.problems}


@pytest.mark.parametrize("junk", [None, [], "task", {"task": {}}, {B: []}, {B: {}, M: "x"}])
def test_junk_records(junk: object) -> None:
    with pytest.raises(InvalidGuide):
        from_exchange(junk)  # type: ignore[arg-type]


def test_what_the_platform_exports_reads() -> None:
    """Its rows hold bookkeeping, numbers as numbers, nulls and datetimes: all of it reads."""
    record = to_exchange(GENERAL, sync=SYNC)
    basic = record[B]
    basic.update(id=1734, tenant_id=9, version=1, create_time="2024-03-01 08:30:00", link_addr=None)
    basic.update(limit_scene_num=int(basic["limit_scene_num"]), entrust_name=None)
    if GENERAL.effective_date:
        basic["plan_effective_date"] = GENERAL.effective_date.isoformat() + " 00:00:00"
    basic.update(local_task_code="XK00101000", local_catalog_code="610113-XK-0001")
    guide = from_exchange(record)
    assert guide.visits == GENERAL.visits and guide.effective_date == GENERAL.effective_date
    assert guide.local_codes == ("XK00101000",) and guide.local_catalog_code == "610113-XK-0001"


def coded(guide: Guide) -> Guide:
    """The guide with a catalog and an implementation code."""
    catalog = CatalogCode("00", guide.matter_type, 5, 3)
    implementation = ImplementationCode(guide.agency.uscc, guide.level, catalog)
    return attrs.evolve(guide, catalog_code=catalog, implementation_code=implementation)


def test_a_type_beyond_the_standard_list_is_kept() -> None:
    record = to_exchange(coded(GENERAL), sync=SYNC)
    record[B]["task_type"] = "99"
    record[B]["catalog_code"] = record[B]["catalog_code"][:2] + "99" + record[B]["catalog_code"][4:]
    code = record[B]["task_code"]
    for rows in record.values():  # every row names the implementation
        for row in rows if isinstance(rows, list) else [rows]:
            row["task_code"] = code[:21] + "99" + code[23:]
    for rows in record.values():
        for row in rows if isinstance(rows, list) else []:
            row.pop("task_guid")  # the basic row's guid was the old code's
    guide = from_exchange(record)
    assert guide.matter_type == ExtensionType("99") and str(guide.catalog_code)[2:4] == "99"
    again = to_exchange(guide, sync=SYNC)[B]
    assert (again["task_type"], again["task_code"]) == ("99", record[B]["task_code"])


def test_a_child_row_of_another_matter_is_named() -> None:
    record = to_exchange(GENERAL, sync=SYNC)
    record[M][0]["task_code"] = "11610113038161643P4000100005003"
    record[M][0]["task_guid"] = "another"
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record)
    found = {(p.path, p.rule) for p in caught.value.problems}
    assert found == {
        (f"/{M}/0/task_code", "exchange.foreign-row"),
        (f"/{M}/0/task_guid", "exchange.foreign-row"),
    }


@pytest.mark.parametrize("date", ["20240203xyz", "2024-02-03junk", "2024020", "2024/02/03"])
def test_a_date_with_anything_else_is_refused(date: str) -> None:
    record = to_exchange(GENERAL, sync=SYNC)
    record[B]["plan_effective_date"] = date
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record)
    assert (f"/{B}/plan_effective_date", "exchange.code") in {
        (p.path, p.rule) for p in caught.value.problems
    }


def test_reading_over_a_guide_matches_rows_by_name_and_takes_what_the_record_clears() -> None:
    guide = coded(GENERAL)
    implementation = guide.implementation_code
    assert implementation is not None and len(guide.materials) >= 2
    from service_codes import MaterialCode

    guide = attrs.evolve(
        guide,
        materials=tuple(
            attrs.evolve(m, code=MaterialCode(implementation, i), copies=i)
            for i, m in enumerate(guide.materials, start=1)
        ),
        legal_limit=attrs.evolve(guide.legal_limit, note="法定时限说明"),
    )
    record = to_exchange(guide, sync=SYNC)
    rows = record[M]
    rows[0], rows[1] = rows[1], rows[0]  # the platform lists them the other way round
    rows[0]["order_num"], rows[1]["order_num"] = "1", "2"
    record[B]["anticipate_explain"] = ""  # and clears a note
    back = from_exchange(record, base=guide)
    first, second = guide.materials[0], guide.materials[1]
    assert (back.materials[0].name, back.materials[0].code) == (second.name, second.code)
    assert (back.materials[1].name, back.materials[1].copies) == (first.name, first.copies)
    assert back.legal_limit.note is None


def test_an_uncoded_guides_rows_have_guids_of_their_own() -> None:
    one, other = [g for g in BUNDLED if family(g) == "general" and g.materials][:2]
    guids = [
        row["row_guid"]
        for guide in (one, other)
        for rows in to_exchange(guide, sync=SYNC).values()
        for row in (rows if isinstance(rows, list) else [rows])
    ]
    assert len(set(guids)) == len(guids)
