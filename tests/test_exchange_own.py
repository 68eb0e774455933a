"""The exchange records' own tables: situations, discretion, inspection, responsibility and
intermediary services, written in the platform's style and read back."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from exchange_strategies import (
    BUNDLED,
    CARRIED,
    SYNC,
    WHOLE,
    family,
    new_fields,
    through_json,
    without_new_fields,
    writable_guides,
)
from hypothesis import given

from service_codes import (
    Circumstance,
    Condition,
    Discretion,
    Frequency,
    Guide,
    Inspection,
    IntermediaryService,
    InvalidGuide,
    Option,
    Penalty,
    PenaltyKind,
    RangeUnit,
    Responsibility,
    Situation,
)
from service_codes.formats.exchange import to_exchange
from service_codes.formats.exchange_read import from_exchange
from service_codes.formats.exchange_tables import family_of, tables
from service_codes.matter_types import STANDARD


@given(writable_guides())
def test_the_new_fields_come_back_from_the_tables_of_their_family(guide: Guide) -> None:
    try:
        record = through_json(to_exchange(guide, sync=SYNC))
    except InvalidGuide as error:
        assert {p.rule for p in error.problems} <= {"exchange.ambiguous", "exchange.separator"}
        return
    carried = CARRIED[family(guide)]
    # Over the guide as it stood before them, each comes from the record where its family's
    # tables hold it, and from the guide where they do not.
    before = without_new_fields(guide)
    again = from_exchange(record, base=before)
    for name, value in new_fields(again).items():
        assert value == new_fields(guide if name in carried else before)[name], name
    assert to_exchange(again, sync=SYNC) == record
    if family(guide) in WHOLE:  # and with no guide to read over, from the record alone
        back = new_fields(from_exchange(record))
        assert {n: back[n] for n in carried} == {n: new_fields(guide)[n] for n in carried}


GENERAL = next(g for g in BUNDLED if family(g) == "general" and g.fees)
# A penalty guide without a discretion table, to give it one.
PENALTY = attrs.evolve(next(g for g in BUNDLED if family(g) == "punish"), discretion=())
FINE = Penalty(kind=PenaltyKind.FINE, minimum=5000, maximum=20000, unit=RangeUnit.YUAN)
ROWS = (
    Discretion(
        conduct="未取得许可从事食品经营",
        legal_basis="《食品安全法》第一百二十二条",
        circumstance=Circumstance.ORDINARY,
        penalties=(Penalty(kind=PenaltyKind.CONFISCATE_GAINS), FINE),
    ),
    Discretion(
        conduct="未取得许可从事食品经营",
        legal_basis="《食品安全法》第一百二十二条",
        circumstance=Circumstance.SERIOUS,
        penalties=(
            Penalty(kind=PenaltyKind.FINE, minimum=10, maximum=20, unit=RangeUnit.TIMES,
                    base="货值金额"),
        ),
        facts="货值金额一万元以上",
    ),
)  # fmt: skip
PUNISH = "up_task_punish_basic"


def test_punishment_method_is_written_from_the_discretion_table_and_follows_its_rows() -> None:
    guide = attrs.evolve(PENALTY, discretion=ROWS)
    record = to_exchange(guide, sync=SYNC)
    lines = record[PUNISH]["punishment_method"].split("\n")
    assert lines == [
        "违法行为：未取得许可从事食品经营；情节：一般；处罚：没收违法所得、罚款 5000–20000 元；"
        "依据：《食品安全法》第一百二十二条",
        "违法行为：未取得许可从事食品经营；情节：较重（货值金额一万元以上）；"
        "处罚：罚款 货值金额 10–20 倍；依据：《食品安全法》第一百二十二条",
    ]
    assert len(record["up_task_punish_discretion"]) == 3  # one row per penalty
    # The conditions, which the text no longer holds, are in a table of their own.
    conditions = record["up_task_punish_condition"]
    assert [r["condition_text"] for r in conditions] == [c.text for c in guide.conditions]
    changed = attrs.evolve(ROWS[1], penalties=(attrs.evolve(ROWS[1].penalties[0], maximum=30),))
    again = to_exchange(attrs.evolve(guide, discretion=(ROWS[0], changed)), sync=SYNC)
    new = again[PUNISH]["punishment_method"].split("\n")
    assert new[0] == lines[0] and new[1] != lines[1] and "10–30 倍" in new[1]
    back = from_exchange(through_json(record), base=without_new_fields(guide))
    assert (back.discretion, back.conditions) == (guide.discretion, guide.conditions)
    # Without discretion the text is the conditions, as before.
    plain = to_exchange(PENALTY, sync=SYNC)[PUNISH]["punishment_method"]
    assert plain == "\n".join(c.text for c in PENALTY.conditions)


def _platforms(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the platform exports it: only the tables of its DDL."""
    family = family_of(PENALTY.matter_type, STANDARD) if PUNISH in record else "general"
    own = {t.name for t in tables(family) if t.own}  # type: ignore[arg-type]
    return {name: rows for name, rows in record.items() if name not in own}


def test_the_platforms_own_export_of_a_penalty_reads_over_its_guide() -> None:
    guide = attrs.evolve(PENALTY, discretion=ROWS)
    record = _platforms(through_json(to_exchange(guide, sync=SYNC)))
    assert from_exchange(record, base=guide) == guide  # the text is the table's: kept
    record[PUNISH]["punishment_method"] += "；另处警告"
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record, base=guide)
    (problem,) = caught.value.problems
    assert (problem.path, problem.rule) == (f"/{PUNISH}/punishment_method",
                                           "exchange.derived-mismatch")  # fmt: skip
    # A guide without a discretion table takes the text as its conditions, as before.
    plain = _platforms(through_json(to_exchange(PENALTY, sync=SYNC)))
    plain[PUNISH]["punishment_method"] = "新的条件"
    assert from_exchange(plain, base=PENALTY).conditions == (Condition(text="新的条件"),)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [(PUNISH, "punishment_method", "改写的处罚"), ("up_task_general_extend", "service_type", "x")],
)
def test_a_column_written_from_an_own_table_may_not_say_otherwise(
    table: str, column: str, value: str
) -> None:
    guide = PENALTY if table == PUNISH else GENERAL
    services = (IntermediaryService(name="检测报告", standard="按合同", legal_basis="市场调节"),)
    record = to_exchange(attrs.evolve(guide, intermediary_services=services), sync=SYNC)
    record[table][column] = value
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record, base=guide)
    assert {(p.path, p.rule) for p in caught.value.problems} == {
        (f"/{table}/{column}", "exchange.derived-mismatch")
    }


def situated(guide: Guide) -> Guide:
    """``guide`` with a situation whose options tag its first condition, material and fee,
    a responsibility and an inspection."""
    options = (Option(id="person", name="个体工商户"), Option(id="company", name="企业"))
    question = Situation(id="applicant", question="申请人类型", options=options)

    def tag(items: tuple[Any, ...], *ids: str) -> tuple[Any, ...]:
        first = [attrs.evolve(item, applies_to=ids) for item in items[:1]]
        return (*first, *items[1:])

    return attrs.evolve(
        guide,
        situations=(question,),
        conditions=tag(guide.conditions, "company", "person"),
        materials=tag(guide.materials, "company"),
        fees=tag(guide.fees, "person"),
        responsibility=Responsibility(
            items=("受理", "审查"), accountability=("不予受理",), channel="12345"
        ),
        inspection=Inspection(
            legal_basis="《条例》",
            body="区市场监管局",
            object_kind="食品经营者",
            subjects=1200,
            ratio=100 / 3,
            frequency=Frequency.YEARLY,
            content="许可情况",
            method="现场检查",
        ),
    )


def test_situations_are_rows_per_option_and_items_name_their_options_in_order() -> None:
    guide = situated(GENERAL)
    record = to_exchange(guide, sync=SYNC)
    options = record["up_task_general_situation"]
    assert [(r["situation_id"], r["option_id"], r["is_required"]) for r in options] == [
        ("applicant", "person", "1"), ("applicant", "company", "1")
    ]  # fmt: skip
    items = record["up_task_general_situation_item"]
    assert [(r["item_type"], r["item_order"], r["option_id"], r["order_num"]) for r in items] == [
        ("condition", "1", "company", "1"), ("condition", "1", "person", "2"),
        ("material", "1", "company", "1"), ("fee", "1", "person", "1"),
    ]  # fmt: skip
    assert items[2]["item_name"] == guide.materials[0].name
    back = from_exchange(through_json(record))
    assert new_fields(back) == {**new_fields(guide), "inspection": None}  # no check table here


def test_the_inspection_ratio_and_frequency_read_back_as_they_were() -> None:
    check = next(g for g in BUNDLED if family(g) == "check")
    guide = situated(check)
    row = to_exchange(guide, sync=SYNC)["up_task_check_random"]
    assert (row[0]["check_ratio"], row[0]["check_frequency"]) == ("33.333333333333336", "每年一次")
    back = from_exchange(through_json(to_exchange(guide, sync=SYNC)), base=check)
    assert back.inspection == guide.inspection and back.responsibility == guide.responsibility
    whole = attrs.evolve(guide.inspection, ratio=12.0)  # type: ignore[arg-type]
    record = to_exchange(attrs.evolve(guide, inspection=whole), sync=SYNC)
    assert record["up_task_check_random"][0]["check_ratio"] == "12"


S, SI, R = "up_task_general_situation", "up_task_general_situation_item", "up_task_check_random"


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        (lambda r: r[SI][0].update(item_order="9"), f"/{SI}/0/item_order",
         "exchange.situation-item"),
        (lambda r: r[SI][0].update(item_type="step"), f"/{SI}/0/item_type",
         "exchange.situation-item"),
        (lambda r: r[SI][2].update(item_name="别的材料"), f"/{SI}/2/item_name",
         "exchange.situation-item"),
        (lambda r: r[S][1].update(question="另一问题"), f"/{S}/1", "exchange.inconsistent"),
        (lambda r: r.pop("up_task_general_duty"), "/up_task_general_duty", "exchange.shape"),
        (lambda r: [o.update(is_required="是") for o in r[S]], "/situations/0/required",
         "schema.type"),
    ],
)  # fmt: skip
def test_bad_own_rows_are_reported_at_their_table_row_and_column(
    change: Any, path: str, rule: str
) -> None:
    record = to_exchange(situated(GENERAL), sync=SYNC)
    change(record)
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record)
    assert (path, rule) in {(p.path, p.rule) for p in caught.value.problems}


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        (lambda r: r[R].append(dict(r[R][0])), f"/{R}", "exchange.shape"),
        (lambda r: r[R][0].update(check_frequency="每天"), f"/{R}/0/check_frequency",
         "exchange.code"),
        (lambda r: r[R][0].update(check_ratio="12%"), f"/{R}/0/check_ratio", "exchange.code"),
    ],
)  # fmt: skip
def test_bad_inspection_rows_are_named(change: Any, path: str, rule: str) -> None:
    check = next(g for g in BUNDLED if family(g) == "check")
    record = to_exchange(situated(check), sync=SYNC)
    change(record)
    with pytest.raises(InvalidGuide) as caught:
        from_exchange(record, base=check)
    assert (path, rule) in {(p.path, p.rule) for p in caught.value.problems}


def test_a_family_without_a_table_for_a_field_names_it_and_one_with_a_table_does_not() -> None:
    def incomplete(guide: Guide) -> str:
        with pytest.raises(InvalidGuide) as caught:
            from_exchange(through_json(to_exchange(guide, sync=SYNC)))
        (problem,) = [p for p in caught.value.problems if p.rule == "exchange.family-incomplete"]
        return problem.message

    levy = next(g for g in BUNDLED if family(g) == "handle")
    assert "conditions" in incomplete(levy) and "place" in incomplete(levy)
    said = incomplete(attrs.evolve(PENALTY, discretion=ROWS))  # its condition table holds them
    assert "place" in said and "conditions" not in said
