"""The rules a JSON Schema cannot say, run on a well-formed guide.

Each rule is a function that yields :class:`Problem` s with a stable rule id, the
JSON Pointer of the field at fault and messages in English and Chinese. The rules
never repeat what the schema already checks.

Each rule declares (``@reads``) the top-level fields it reads, so that when some fields
of a guide are faulty the rules that read only the others still run: a rule checks one
thing, and reads no more than that thing needs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Final

from service_codes.code_parts import NATIONAL_ORIGIN
from service_codes.codelists import CaseType, OnlineDepth, TimeUnit, label_zh
from service_codes.errors import InvalidCode
from service_codes.identifiers import PROVINCES, region, validate_uscc
from service_codes.matter_types import FILE_NAME, STANDARD, MatterTypes
from service_codes.model import Guide, TimeLimit
from service_codes.power_rules import POWER_RULES
from service_codes.problems import Problem
from service_codes.publication import PUBLICITY_RULES
from service_codes.rule_kit import READS, Rule, problem, reads
from service_codes.situation_rules import SITUATION_RULES
from service_codes.text import normalize_name

# A week has five working days and seven calendar days: enough to compare limits of
# different units as a warning, never as an error (holidays make the real ratio vary).
_CALENDAR_PER_WORKING_DAY: Final = 7 / 5
_DEPTHS: Final = list(OnlineDepth)


@reads("agency")
def agency_uscc(guide: Guide) -> Iterator[Problem]:
    """The agency's USCC (and the organisation code inside it) has right check characters."""
    try:
        uscc = validate_uscc(guide.agency.uscc)
    except InvalidCode as error:
        yield problem("/agency/uscc", "uscc.invalid", error.message, error.message_zh)
        return
    # Region tables lag behind renamed and new districts, so an unknown code asks for review.
    if region(uscc[2:8]) is None:
        yield problem(
            "/agency/uscc",
            "uscc.region-unknown",
            f"the region code {uscc[2:8]} in the USCC is not in the GB/T 2260 table",
            f"统一社会信用代码中的行政区划码 {uscc[2:8]} 不在 GB/T 2260 代码表中",
            warning=True,
        )


def _calendar_days(limit: TimeLimit) -> float:
    factor = _CALENDAR_PER_WORKING_DAY if limit.unit is TimeUnit.WORKING_DAY else 1
    return limit.value * factor


def _promised_within_legal(legal: TimeLimit, promised: TimeLimit) -> Iterator[Problem]:
    if legal.unit is promised.unit:
        if promised.value > legal.value:
            yield problem(
                "/promised_limit/value",
                "time.promised-exceeds-legal",
                f"the promised time ({promised.value}) exceeds the legal time ({legal.value})",
                f"承诺办结时限（{promised.value}）超过法定办结时限（{legal.value}）",
            )
    elif _calendar_days(promised) > _calendar_days(legal):
        yield problem(
            "/promised_limit",
            "time.promised-may-exceed-legal",
            f"the promised time ({promised.value} {promised.unit.split('_')[0]} day(s)) seems"
            f" longer than the legal time ({legal.value} {legal.unit.split('_')[0]} day(s));"
            " check them in the same unit",
            f"承诺办结时限（{promised.value} 个{label_zh(promised.unit)}）似乎长于法定办结时限"
            f"（{legal.value} 个{label_zh(legal.unit)}），请按同一单位核对",
            warning=True,
        )


@reads("origin")
def origin(guide: Guide) -> Iterator[Problem]:
    """The origin is 00 (the national catalogue) or a GB/T 2260 province."""
    if guide.origin != NATIONAL_ORIGIN and guide.origin not in PROVINCES:
        yield problem(
            "/origin",
            "origin.unknown",
            f"the origin {guide.origin!r} is neither 00 (national) nor a province code",
            f"目录来源 {guide.origin!r} 既不是 00（国家级目录）也不是省级行政区划代码",
        )


@reads("legal_limit", "promised_limit")
def time_limits(guide: Guide) -> Iterator[Problem]:
    """The promised time does not exceed the legal time."""
    yield from _promised_within_legal(guide.legal_limit, guide.promised_limit)


@reads("case_type", "promised_limit")
def immediate_case(guide: Guide) -> Iterator[Problem]:
    """An immediate case (即办件) takes no days."""
    if guide.case_type is CaseType.IMMEDIATE and guide.promised_limit.value > 0:
        yield problem(
            "/promised_limit/value",
            "case.immediate-with-time",
            "an immediate case is done on the spot: its promised time must be 0,"
            f" not {guide.promised_limit.value}",
            f"即办件应当场办结，承诺办结时限应为 0，而不是 {guide.promised_limit.value}",
        )


@reads("catalog_code", "matter_type", "origin")
def catalog_code_agrees(guide: Guide) -> Iterator[Problem]:
    """The catalog code is of the guide's matter type and origin."""
    catalog = guide.catalog_code
    if catalog is not None and catalog.matter_type != guide.matter_type:
        name, name_zh = STANDARD.label, STANDARD.label_zh
        yield problem(
            "/catalog_code",
            "code.catalog-type",
            f"the catalog code is of type {name(catalog.matter_type)},"
            f" the guide of {name(guide.matter_type)}",
            f"基本编码的事项类型（{name_zh(catalog.matter_type)}）与办事指南的事项类型"
            f"（{name_zh(guide.matter_type)}）不一致",
        )
    if catalog is not None and catalog.origin != guide.origin:
        yield problem(
            "/catalog_code",
            "code.catalog-origin",
            f"the catalog code's origin {catalog.origin} is not the guide's origin {guide.origin}",
            f"基本编码的来源 {catalog.origin} 与办事指南的来源 {guide.origin} 不一致",
        )


@reads("implementation_code", "agency", "level", "catalog_code")
def implementation_code_agrees(guide: Guide) -> Iterator[Problem]:
    """The implementation code embeds the agency's USCC, the guide's level and the catalog code."""
    catalog, implementation = guide.catalog_code, guide.implementation_code
    if implementation is None:
        return
    for rule, ok, en, zh in (
        (
            "code.implementation-uscc",
            implementation.uscc == guide.agency.uscc,
            "the implementation code does not embed the agency's USCC",
            "实施编码未包含实施主体的统一社会信用代码",
        ),
        (
            "code.implementation-level",
            implementation.level is guide.level,
            "the implementation code does not embed the guide's level",
            "实施编码中的行使层级与办事指南不一致",
        ),
        (
            "code.implementation-catalog",
            catalog is None or implementation.catalog == catalog,
            "the implementation code does not embed the catalog code",
            "实施编码未包含基本编码",
        ),
    ):
        if not ok:
            yield problem("/implementation_code", rule, en, zh)


@reads("implementation_code", "handling_items", "materials")
def part_codes_agree(guide: Guide) -> Iterator[Problem]:
    """Handling-item codes extend the implementation code; material codes extend it or an item's."""
    implementation = guide.implementation_code
    if implementation is None:
        if any(i.code for i in guide.handling_items) or any(m.code for m in guide.materials):
            yield problem(
                "/implementation_code",
                "code.implementation-missing",
                "handling-item or material codes need the implementation code they extend",
                "有业务办理项编码或材料编码时须有其所属的实施编码",
            )
        return
    items = {item.code for item in guide.handling_items if item.code is not None}
    for i, item in enumerate(guide.handling_items):
        if item.code is not None and item.code.implementation != implementation:
            yield problem(
                f"/handling_items/{i}/code",
                "code.handling-item-parent",
                "the handling-item code does not start with the implementation code",
                "业务办理项编码未以实施编码开头",
            )
    for i, material in enumerate(guide.materials):
        if material.code is not None and material.code.parent not in {implementation, *items}:
            yield problem(
                f"/materials/{i}/code",
                "code.material-parent",
                "the material code does not start with the implementation or a handling-item code",
                "材料编码未以实施编码或业务办理项编码开头",
            )


def _numbered(path: str, orders: Sequence[int], what: str, what_zh: str) -> Iterator[Problem]:
    seen: set[int] = set()
    for i, order in enumerate(orders):
        if order in seen:
            yield problem(
                f"{path}/{i}/order",
                "order.duplicate",
                f"{what} number {order} is used twice",
                f"{what_zh}序号 {order} 重复",
            )
        seen.add(order)
    missing = sorted(set(range(1, max(seen, default=0) + 1)) - seen)
    if missing:
        shown = ", ".join(map(str, missing))
        yield problem(
            path,
            "order.gap",
            f"{what} numbers must run 1, 2, 3, ... without gaps; missing: {shown}",
            f"{what_zh}序号应从 1 起连续编号，缺少：{shown}",
        )


@reads("steps")
def steps_numbered(guide: Guide) -> Iterator[Problem]:
    """Steps are numbered 1..n without gaps or duplicates."""
    yield from _numbered("/steps", [s.order for s in guide.steps], "step", "办理环节")


@reads("materials")
def materials_numbered(guide: Guide) -> Iterator[Problem]:
    """Materials are numbered 1..n without gaps or duplicates."""
    yield from _numbered("/materials", [m.order for m in guide.materials], "material", "材料")


@reads("faqs")
def faqs_numbered(guide: Guide) -> Iterator[Problem]:
    """FAQs are numbered 1..n without gaps or duplicates."""
    yield from _numbered("/faqs", [f.order for f in guide.faqs], "FAQ", "常见问题")


@reads("visits", "visit_reason")
def visits_explained(guide: Guide) -> Iterator[Problem]:
    """Visits to the site have a reason."""
    if guide.visits > 0 and not guide.visit_reason:
        yield problem(
            "/visit_reason",
            "visits.reason-missing",
            f"{guide.visits} visit(s) to the site need a reason",
            f"到办事现场 {guide.visits} 次，须说明必须现场办理的原因",
        )


@reads("online_depth", "online_urls")
def online_address(guide: Guide) -> Iterator[Problem]:
    """Online handling beyond consultation has an online address."""
    depth = guide.online_depth
    if depth is not None and _DEPTHS.index(depth) > 0 and not guide.online_urls:
        yield problem(
            "/online_urls",
            "online.url-missing",
            f"online handling to the depth '{depth}' needs an online address",
            f"网上办理深度为“{label_zh(depth)}”，超过互联网咨询，须提供网上办理地址",
        )


@reads("charged", "fees")
def fee_flag(guide: Guide) -> Iterator[Problem]:
    """The fee flag matches the fee list."""
    if guide.charged != bool(guide.fees):
        yield problem(
            "/charged",
            "fee.flag-mismatch",
            "the guide says it charges fees but lists none"
            if guide.charged
            else "the guide lists fees but says it charges none",
            "标明收费但未列收费项目" if guide.charged else "列有收费项目但标明不收费",
        )


@reads("materials")
def materials(guide: Guide) -> Iterator[Problem]:
    """No material is listed twice (names compared after normalization)."""
    seen: set[str] = set()
    for i, material in enumerate(guide.materials):
        key = normalize_name(material.name)
        if key in seen:
            yield problem(
                f"/materials/{i}/name",
                "material.duplicate-name",
                f"the material {material.name!r} is listed twice",
                f"材料“{material.name}”重复列出",
            )
        seen.add(key)


@reads("effective_date", "cancel_date")
def dates(guide: Guide) -> Iterator[Problem]:
    """A planned cancel date does not come before the effective date."""
    if guide.effective_date and guide.cancel_date and guide.cancel_date < guide.effective_date:
        yield problem(
            "/cancel_date",
            "date.cancel-before-effective",
            "the planned cancel date is before the effective date",
            "计划取消日期早于计划生效日期",
        )


RULES: Final[tuple[Rule, ...]] = (
    agency_uscc,
    origin,
    time_limits,
    immediate_case,
    catalog_code_agrees,
    implementation_code_agrees,
    part_codes_agree,
    steps_numbered,
    materials_numbered,
    faqs_numbered,
    visits_explained,
    online_address,
    fee_flag,
    materials,
    dates,
    *SITUATION_RULES,
    *POWER_RULES,
    *PUBLICITY_RULES,
)


def declared_type(guide: Guide, types: MatterTypes) -> Iterator[Problem]:
    """A type beyond the standard's list is one the catalogue declares (a warning: the
    platforms issue such codes, and the guide stays valid)."""
    if not types.is_known(guide.matter_type):
        code = guide.matter_type.value
        yield problem(
            "/matter_type",
            "type.undeclared",
            f"the matter type {code} is not in the standard's list and the catalogue does not"
            f" declare it: declare its label and family in {FILE_NAME}",
            f"事项类型 {code} 不在标准的类型表中，目录也未声明："
            f"请在 {FILE_NAME} 中声明其名称和类别",
            warning=True,
        )


def rule_problems(
    guide: Guide, skip: Collection[str] = (), types: MatterTypes = STANDARD
) -> tuple[Problem, ...]:
    """Every problem the rules find in a guide, whose catalogue declares ``types``.

    ``skip`` names top-level fields that are not well-formed (they hold stand-ins): the
    rules that read one of them are not run, so they never judge a stand-in.
    """
    found = tuple(
        problem for rule in RULES if READS[rule].isdisjoint(skip) for problem in rule(guide)
    )
    if "matter_type" in skip:
        return found
    return found + tuple(declared_type(guide, types))
