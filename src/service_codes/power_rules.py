"""The rules on what a power matter publishes beyond its guide: the discretion standard of a
penalty, the random inspection of a check matter and the responsibility of every power.

A penalty's ranges are compared in one unit per kind of range: amounts in yuan, multiples
of the same base, days. A heavier circumstance of the same conduct never gets a lighter
range, so the lists can show the standard as a ladder.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from service_codes.codelists import Circumstance, MatterType, PenaltyKind, RangeUnit
from service_codes.matter_types import Family, standard_family
from service_codes.model import Discretion, Guide, Penalty
from service_codes.problems import Problem
from service_codes.rule_kit import Rule, problem, reads
from service_codes.text import normalize_name

_SEVERITY: Final = {c: i for i, c in enumerate(Circumstance)}
# How many of the smallest unit one of each unit is, within the units that compare.
_SCALE: Final = {
    RangeUnit.YUAN: ("amount", 1),
    RangeUnit.TEN_THOUSAND_YUAN: ("amount", 10_000),
    RangeUnit.TIMES: ("times", 1),
    RangeUnit.DAY: ("day", 1),
}
_MONEY: Final = frozenset({RangeUnit.YUAN, RangeUnit.TEN_THOUSAND_YUAN, RangeUnit.TIMES})


def _not_for(guide: Guide, wanted: MatterType) -> bool:
    # An extension type's kind is the catalogue's to say: only a standard type is judged.
    return isinstance(guide.matter_type, MatterType) and guide.matter_type is not wanted


@reads("matter_type", "discretion")
def discretion_belongs(guide: Guide) -> Iterator[Problem]:
    """Only a penalty matter has a discretion standard, and a penalty matter has one (a
    warning: the district publishes it, and an older guide may lack it)."""
    if guide.discretion and _not_for(guide, MatterType.PENALTY):
        yield problem(
            "/discretion",
            "discretion.not-penalty",
            "only a penalty matter has a discretion standard",
            "只有行政处罚事项才有行政裁量权基准",
        )
    if not guide.discretion and guide.matter_type is MatterType.PENALTY:
        yield problem(
            "/discretion",
            "discretion.missing",
            "a penalty matter publishes its discretion standard: each conduct, its"
            " circumstances and the range of each penalty",
            "行政处罚事项应公开行政裁量权基准：违法行为、情节及处罚幅度",
            warning=True,
        )


def _range_problems(at: str, penalty: Penalty) -> Iterator[Problem]:
    low, high = penalty.minimum, penalty.maximum
    if low is not None and high is not None and low > high:
        yield problem(
            f"{at}/maximum",
            "discretion.range-order",
            f"the range's maximum {high:g} is below its minimum {low:g}",
            f"幅度上限 {high:g} 低于下限 {low:g}",
        )
    if penalty.kind is PenaltyKind.FINE and (
        (low is None and high is None) or penalty.unit not in _MONEY
    ):
        yield problem(
            at,
            "discretion.fine-amount",
            "a fine says its amount (yuan or ten thousand yuan) or a multiple of a base",
            "罚款应写明金额（元或万元）或某一基数的倍数",
        )
    if penalty.unit is RangeUnit.TIMES and penalty.base is None:
        yield problem(
            f"{at}/unit",
            "discretion.times-base",
            "a range in multiples names the base it multiplies (the illegal gains, the value of"
            " the goods, ...)",
            "按倍数计的幅度应写明倍数基数（如违法所得、货值金额）",
        )


@reads("discretion")
def discretion_ranges(guide: Guide) -> Iterator[Problem]:
    """Each range is ordered, a fine has an amount or a multiple, a multiple has a base."""
    for i, row in enumerate(guide.discretion):
        for j, penalty in enumerate(row.penalties):
            yield from _range_problems(f"/discretion/{i}/penalties/{j}", penalty)


def _bounds(penalty: Penalty) -> tuple[tuple[str, str | None, PenaltyKind], float, float] | None:
    """The range in its smallest unit, keyed by what it can be compared with."""
    if penalty.unit is None:
        return None
    family, scale = _SCALE[penalty.unit]
    low = (penalty.minimum or 0) * scale
    high = float("inf") if penalty.maximum is None else penalty.maximum * scale
    base = penalty.base if penalty.unit is RangeUnit.TIMES else None
    return (family, base, penalty.kind), low, high


@reads("discretion")
def discretion_ladder(guide: Guide) -> Iterator[Problem]:
    """One row per conduct and circumstance, and a heavier circumstance of the same conduct
    never has a lower minimum or maximum than a lighter one, for the same kind of penalty."""
    by_conduct: dict[str, list[tuple[int, Discretion]]] = {}
    for i, row in enumerate(guide.discretion):
        by_conduct.setdefault(normalize_name(row.conduct), []).append((i, row))
    for rows in by_conduct.values():
        seen: dict[Circumstance, int] = {}
        for i, row in rows:
            if row.circumstance in seen:
                yield problem(
                    f"/discretion/{i}/circumstance",
                    "discretion.duplicate",
                    f"the conduct already has a row for this circumstance"
                    f" (/discretion/{seen[row.circumstance]})",
                    f"该违法行为已有此情节的裁量基准（/discretion/{seen[row.circumstance]}）",
                )
            seen.setdefault(row.circumstance, i)
        yield from _ladder(rows)


def _ladder(rows: list[tuple[int, Discretion]]) -> Iterator[Problem]:
    for i, heavier in rows:
        for _, lighter in rows:
            if _SEVERITY[lighter.circumstance] >= _SEVERITY[heavier.circumstance]:
                continue
            light = {b[0]: b for p in lighter.penalties if (b := _bounds(p))}
            for j, penalty in enumerate(heavier.penalties):
                found = _bounds(penalty)
                if found is None or found[0] not in light:
                    continue
                _, low, high = found
                _, light_low, light_high = light[found[0]]
                if low < light_low or high < light_high:
                    yield problem(
                        f"/discretion/{i}/penalties/{j}",
                        "discretion.heavier-lighter",
                        f"the {heavier.circumstance.value} circumstance gets a lighter range"
                        f" than the {lighter.circumstance.value} one of the same conduct",
                        "同一违法行为中，较重情节的处罚幅度不应轻于较轻情节",
                    )
                    break


@reads("matter_type", "inspection")
def inspection_belongs(guide: Guide) -> Iterator[Problem]:
    """Only a check matter (行政检查) has a random-inspection entry."""
    if guide.inspection is not None and _not_for(guide, MatterType.INSPECTION):
        yield problem(
            "/inspection",
            "inspection.not-inspection",
            "only an inspection matter has a random-inspection entry",
            "只有行政检查事项才有随机抽查事项信息",
        )


@reads("matter_type", "responsibility")
def responsibility_given(guide: Guide) -> Iterator[Problem]:
    """A power matter says its responsibility items, grounds for accountability and
    supervising channel (a warning: the responsibility list is built from them)."""
    power = (
        isinstance(guide.matter_type, MatterType)
        and standard_family(guide.matter_type) is Family.POWER
    )
    if power and guide.responsibility is None:
        yield problem(
            "/responsibility",
            "responsibility.missing",
            "a power matter says its responsibility items, the grounds for accountability"
            " and the supervising channel, for the responsibility list",
            "行政权力事项应写明责任事项、追责情形和监督方式，用于责任清单",
            warning=True,
        )


POWER_RULES: Final[tuple[Rule, ...]] = (
    discretion_belongs,
    discretion_ranges,
    discretion_ladder,
    inspection_belongs,
    responsibility_given,
)
