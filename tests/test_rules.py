"""Every content rule: a guide that breaks it and a near twin that does not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest
from conftest import ROOT
from test_situations import plain

from service_codes import (
    CaseType,
    CatalogCode,
    Circumstance,
    Condition,
    Discretion,
    Fee,
    Frequency,
    Guide,
    HandlingItem,
    HandlingItemCode,
    ImplementationCode,
    Inspection,
    Level,
    MaterialCode,
    MatterType,
    OnlineDepth,
    Option,
    Penalty,
    PenaltyKind,
    RangeUnit,
    Responsibility,
    Severity,
    Situation,
    TimeLimit,
    TimeUnit,
    from_json,
    validate,
)
from service_codes.identifiers import uscc_check_character
from service_codes.matter_types import Declared, ExtensionType, Family, MatterTypes

TEMPLATE = from_json((ROOT / "registry" / "guides" / "food-business-licence-new.json").read_bytes())
CATALOG = CatalogCode("00", MatterType.LICENSING, 4002)
IMPLEMENTATION = ImplementationCode(TEMPLATE.agency.uscc, TEMPLATE.level, CATALOG)
ITEM = HandlingItemCode(IMPLEMENTATION, 1)
OTHER_CATALOG = CatalogCode("00", MatterType.LICENSING, 4003)
OTHER_IMPLEMENTATION = ImplementationCode("91110000600037341L", Level.COUNTY, CATALOG)


def coded(guide: Guide = TEMPLATE) -> Guide:
    return attrs.evolve(
        guide,
        responsibility=guide.responsibility or RESPONSIBILITY,
        catalog_code=CATALOG,
        implementation_code=IMPLEMENTATION,
        handling_items=(HandlingItem(name="新办", code=ITEM),),
        materials=tuple(
            attrs.evolve(m, code=MaterialCode(IMPLEMENTATION, i))
            for i, m in enumerate(guide.materials, start=1)
        ),
    )


def days(value: int, unit: TimeUnit = TimeUnit.WORKING_DAY) -> TimeLimit:
    return TimeLimit(value=value, unit=unit)


def with_uscc(uscc: str) -> Callable[[Guide], Guide]:
    return lambda g: attrs.evolve(g, agency=attrs.evolve(g.agency, uscc=uscc))


def uscc_in(region: str) -> str:
    first17 = "11" + region + "038161643"
    return first17 + uscc_check_character(first17)


def renumber(field: str, orders: list[int]) -> Callable[[Guide], Guide]:
    def change(g: Guide) -> Guide:
        items = getattr(g, field)
        return attrs.evolve(
            g,
            **{field: tuple(attrs.evolve(x, order=o) for x, o in zip(items, orders, strict=True))},
        )

    return change


def material_code(index: int, code: MaterialCode) -> Callable[[Guide], Guide]:
    def change(g: Guide) -> Guide:
        materials = list(g.materials)
        materials[index] = attrs.evolve(materials[index], code=code)
        return attrs.evolve(g, materials=tuple(materials))

    return change


def uncoded(g: Guide) -> Guide:
    return attrs.evolve(
        g,
        catalog_code=None,
        implementation_code=None,
        handling_items=(),
        materials=tuple(attrs.evolve(m, code=None) for m in g.materials),
    )


def keep(g: Guide) -> Guide:
    return g


FEE = Fee(name="工本费", standard="10 元/本")
RESPONSIBILITY = Responsibility(
    items=("受理责任：依法受理或者不予受理并说明理由",),
    accountability=("对符合法定条件的申请不予受理的",),
    channel="雁塔区12345政务服务便民热线",
)
KIND = Situation(
    id="kind",
    question="申请人类型",
    options=(Option(id="individual", name="个体工商户"), Option(id="company", name="企业")),
)


def situated(g: Guide, *tags: str, situations: tuple[Situation, ...] = (KIND,)) -> Guide:
    """``g`` told with ``situations`` alone, its first material applying to ``tags``."""
    g = plain(g)
    first = attrs.evolve(g.materials[0], applies_to=tags)
    return attrs.evolve(g, situations=situations, materials=(first, *g.materials[1:]))


def option_twice(g: Guide) -> Guide:
    options = (KIND.options[0], Option(id="catering", name="餐饮"))
    other = Situation(id="scope", question="经营范围", options=options)
    return situated(g, situations=(KIND, other))


def condition_for(g: Guide, tag: str) -> Guide:
    condition = Condition(text="条件", applies_to=(tag,))
    return attrs.evolve(plain(g), situations=(KIND,), conditions=(condition,))


def fine(
    low: float | None,
    high: float | None,
    unit: RangeUnit | None = RangeUnit.YUAN,
    base: str | None = None,
    kind: PenaltyKind = PenaltyKind.FINE,
) -> Penalty:
    return Penalty(kind=kind, minimum=low, maximum=high, unit=unit, base=base)


def row(
    circumstance: Circumstance, *penalties: Penalty, conduct: str = "未取得许可经营"
) -> Discretion:
    return Discretion(
        conduct=conduct,
        legal_basis="《中华人民共和国食品安全法》第一百二十二条",
        circumstance=circumstance,
        penalties=penalties,
    )


MINOR, ORDINARY, GRAVE = Circumstance.MINOR, Circumstance.ORDINARY, Circumstance.GRAVE
LADDER = (row(MINOR, fine(50_000, 60_000)), row(GRAVE, fine(8, 10, RangeUnit.TEN_THOUSAND_YUAN)))


def penalty_guide(*rows: Discretion) -> Callable[[Guide], Guide]:
    return lambda g: attrs.evolve(uncoded(g), matter_type=MatterType.PENALTY, discretion=rows)


INSPECTION = Inspection(
    legal_basis="《食品安全抽样检验管理办法》",
    body="雁塔区市场监督管理局",
    object_kind="食品经营者",
    subjects=12000,
    ratio=5,
    frequency=Frequency.YEARLY,
    content="许可条件保持情况",
    method="现场检查",
)
CAL, IMMEDIATE = TimeUnit.CALENDAR_DAY, CaseType.IMMEDIATE

# rule id, the path it reports, a change that breaks the rule, a near twin that keeps it
CASES: list[tuple[str, str, Callable[[Guide], Guide], Callable[[Guide], Guide], Severity]] = [
    ("time.promised-exceeds-legal", "/promised_limit/value",
     lambda g: attrs.evolve(g, legal_limit=days(10), promised_limit=days(11)),
     lambda g: attrs.evolve(g, legal_limit=days(10), promised_limit=days(10)), Severity.ERROR),
    ("time.promised-may-exceed-legal", "/promised_limit",
     lambda g: attrs.evolve(g, legal_limit=days(10), promised_limit=days(15, CAL)),
     lambda g: attrs.evolve(g, legal_limit=days(10), promised_limit=days(14, CAL)),
     Severity.WARNING),
    ("case.immediate-with-time", "/promised_limit/value",
     lambda g: attrs.evolve(g, case_type=IMMEDIATE, promised_limit=days(1)),
     lambda g: attrs.evolve(g, case_type=IMMEDIATE, promised_limit=days(0)), Severity.ERROR),
    ("code.catalog-type", "/catalog_code",
     lambda g: attrs.evolve(g, matter_type=MatterType.PENALTY),
     lambda g: attrs.evolve(g, matter_type=MatterType.LICENSING), Severity.ERROR),
    ("code.catalog-origin", "/catalog_code",
     lambda g: attrs.evolve(g, origin="61"), keep, Severity.ERROR),
    ("origin.unknown", "/origin",
     lambda g: uncoded(attrs.evolve(g, origin="99")),
     lambda g: uncoded(attrs.evolve(g, origin="61")), Severity.ERROR),
    ("code.implementation-uscc", "/implementation_code",
     lambda g: attrs.evolve(g, implementation_code=OTHER_IMPLEMENTATION), keep, Severity.ERROR),
    ("code.implementation-level", "/implementation_code",
     lambda g: attrs.evolve(g, level=Level.CITY), keep, Severity.ERROR),
    ("code.implementation-catalog", "/implementation_code",
     lambda g: attrs.evolve(g, catalog_code=OTHER_CATALOG), keep, Severity.ERROR),
    ("code.implementation-missing", "/implementation_code",
     lambda g: attrs.evolve(g, implementation_code=None),
     lambda g: uncoded(g),
     Severity.ERROR),
    ("code.handling-item-parent", "/handling_items/0/code",
     lambda g: attrs.evolve(g, handling_items=(
         HandlingItem(name="新办", code=HandlingItemCode(OTHER_IMPLEMENTATION, 1)),)),
     keep, Severity.ERROR),
    ("code.material-parent", "/materials/1/code",
     material_code(1, MaterialCode(OTHER_IMPLEMENTATION, 2)),
     material_code(1, MaterialCode(ITEM, 2)), Severity.ERROR),
    ("order.duplicate", "/steps/2/order", renumber("steps", [1, 2, 2, 3, 4]),
     renumber("steps", [1, 2, 3, 4, 5]), Severity.ERROR),
    ("order.gap", "/materials", renumber("materials", [1, 2, 4, 5, 6]),
     renumber("materials", [1, 2, 3, 4, 5]), Severity.ERROR),
    ("visits.reason-missing", "/visit_reason",
     lambda g: attrs.evolve(g, visits=1, visit_reason=None),
     lambda g: attrs.evolve(g, visits=1, visit_reason="需现场核验原件"), Severity.ERROR),
    ("online.url-missing", "/online_urls",
     lambda g: attrs.evolve(g, online_depth=OnlineDepth.RECEIPT, online_urls=()),
     lambda g: attrs.evolve(g, online_depth=OnlineDepth.CONSULTATION, online_urls=()),
     Severity.ERROR),
    ("fee.flag-mismatch", "/charged",
     lambda g: attrs.evolve(g, charged=True, fees=()),
     lambda g: attrs.evolve(g, charged=True, fees=(FEE,)), Severity.ERROR),
    ("fee.flag-mismatch", "/charged",
     lambda g: attrs.evolve(g, charged=False, fees=(FEE,)),
     lambda g: attrs.evolve(g, charged=False, fees=()), Severity.ERROR),
    ("uscc.invalid", "/agency/uscc",
     with_uscc("11610113038161643Q"), with_uscc("11610113038161643P"), Severity.ERROR),
    ("uscc.invalid", "/agency/uscc",  # the organisation code's own check character
     with_uscc("1161011303816164" + "2" + uscc_check_character("11610113038161642")),
     keep, Severity.ERROR),
    ("uscc.region-unknown", "/agency/uscc",
     lambda g: with_uscc(uscc_in("619999"))(uncoded(g)),
     lambda g: with_uscc(uscc_in("610113"))(uncoded(g)),
     Severity.WARNING),
    ("type.undeclared", "/matter_type",
     lambda g: attrs.evolve(uncoded(g), matter_type=ExtensionType("21")),
     lambda g: attrs.evolve(uncoded(g), matter_type=MatterType.PUBLIC_SERVICE),
     Severity.WARNING),
    ("material.duplicate-name", "/materials/1/name",
     lambda g: material_name(g, 1, " 食品经营许可申请书"),
     lambda g: material_name(g, 1, "营业执照副本"), Severity.ERROR),
    ("date.cancel-before-effective", "/cancel_date",
     lambda g: attrs.evolve(g, effective_date=dt.date(2024, 3, 1), cancel_date=dt.date(2024, 2, 1)),
     lambda g: attrs.evolve(g, effective_date=dt.date(2024, 3, 1), cancel_date=dt.date(2024, 3, 1)),
     Severity.ERROR),
    ("situation.duplicate-id", "/situations/1/options/0/id", option_twice,
     lambda g: situated(g, situations=(KIND, Situation(id="scope", question="经营范围", options=(
         Option(id="retail", name="零售"), Option(id="catering", name="餐饮"))))),
     Severity.ERROR),
    ("situation.unknown-option", "/materials/0/applies_to/0",
     lambda g: situated(g, "enterprise"), lambda g: situated(g, "company"), Severity.ERROR),
    ("situation.unknown-option", "/conditions/0/applies_to/0",
     lambda g: condition_for(g, "firm"), lambda g: condition_for(g, "individual"), Severity.ERROR),
    ("discretion.not-penalty", "/discretion",
     lambda g: attrs.evolve(g, discretion=LADDER), keep, Severity.ERROR),
    ("discretion.missing", "/discretion",
     penalty_guide(), penalty_guide(*LADDER), Severity.WARNING),
    ("discretion.range-order", "/discretion/0/penalties/0/maximum",
     penalty_guide(row(MINOR, fine(10_000, 5_000))), penalty_guide(row(MINOR, fine(5_000, 10_000))),
     Severity.ERROR),
    ("discretion.fine-amount", "/discretion/0/penalties/0",
     penalty_guide(row(MINOR, fine(None, None, None))), penalty_guide(row(MINOR, fine(None, 500))),
     Severity.ERROR),
    ("discretion.fine-amount", "/discretion/0/penalties/0",
     penalty_guide(row(MINOR, fine(1, 15, RangeUnit.DAY))),
     penalty_guide(row(MINOR, fine(1, 15, RangeUnit.DAY, kind=PenaltyKind.DETENTION))),
     Severity.ERROR),
    ("discretion.times-base", "/discretion/0/penalties/0/unit",
     penalty_guide(row(MINOR, fine(10, 20, RangeUnit.TIMES))),
     penalty_guide(row(MINOR, fine(10, 20, RangeUnit.TIMES, "货值金额"))), Severity.ERROR),
    ("discretion.duplicate", "/discretion/1/circumstance",
     penalty_guide(row(MINOR, fine(1, 2)), row(MINOR, fine(1, 2))),
     penalty_guide(row(MINOR, fine(1, 2)), row(MINOR, fine(1, 2), conduct="超范围经营")),
     Severity.ERROR),
    ("discretion.heavier-lighter", "/discretion/1/penalties/0",  # 4 万元 < 50,000 元
     penalty_guide(row(MINOR, fine(50_000, 60_000)),
                   row(GRAVE, fine(4, 10, RangeUnit.TEN_THOUSAND_YUAN))),
     penalty_guide(*LADDER), Severity.ERROR),
    ("discretion.heavier-lighter", "/discretion/0/penalties/0",  # an open maximum is the top
     penalty_guide(row(ORDINARY, fine(100, 200)), row(MINOR, fine(100, None))),
     penalty_guide(row(ORDINARY, fine(100, None)), row(MINOR, fine(100, 200))), Severity.ERROR),
    ("inspection.not-inspection", "/inspection",
     lambda g: attrs.evolve(g, inspection=INSPECTION),
     lambda g: attrs.evolve(uncoded(g), matter_type=MatterType.INSPECTION, inspection=INSPECTION),
     Severity.ERROR),
    ("responsibility.missing", "/responsibility",
     lambda g: attrs.evolve(g, responsibility=None), keep, Severity.WARNING),
]  # fmt: skip


def material_name(g: Guide, index: int, name: str) -> Guide:
    materials = list(g.materials)
    materials[index] = attrs.evolve(materials[index], name=name)
    return attrs.evolve(g, materials=tuple(materials))


def test_the_base_guide_breaks_no_rule() -> None:
    assert validate(coded()).problems == ()


@pytest.mark.parametrize(
    ("rule", "path", "breaks", "keeps", "severity"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_rule(
    rule: str,
    path: str,
    breaks: Callable[[Guide], Guide],
    keeps: Callable[[Guide], Guide],
    severity: Severity,
) -> None:
    broken = validate(breaks(coded()))
    found = [p for p in broken.problems if p.rule == rule]
    assert [(p.path, p.severity) for p in found] == [(path, severity)]
    assert found[0].message and found[0].message_zh and found[0].message != found[0].message_zh
    assert broken.ok is (severity is Severity.WARNING)
    assert validate(keeps(coded())).problems == ()


def test_every_rule_id_has_a_case() -> None:
    import inspect
    import re

    from service_codes import power_rules, rules, situation_rules

    modules = (rules, situation_rules, power_rules)
    ids = {i for m in modules for i in re.findall(r'"((?:[a-z]+\.)[a-z-]+)"', inspect.getsource(m))}
    assert ids == {c[0] for c in CASES}


def test_a_declared_extension_type_is_no_warning() -> None:
    guide = attrs.evolve(uncoded(TEMPLATE), matter_type=ExtensionType("21"))
    declared = MatterTypes.of({"21": Declared("21", "依申请公共服务", Family.PUBLIC_SERVICE)})
    other = MatterTypes.of({"30": Declared("30", "行政备案", Family.POWER)})
    assert validate(guide, declared).problems == ()
    assert [p.rule for p in validate(guide, other).problems] == ["type.undeclared"]
    assert validate(guide, other).ok
