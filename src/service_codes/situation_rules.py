"""The rules on a guide's situations: ids are unique, and every option named is offered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from service_codes.model import Guide
from service_codes.problems import Problem
from service_codes.rule_kit import Rule, problem, reads
from service_codes.situations import TAGGED, option_ids


@reads("situations")
def unique_ids(guide: Guide) -> Iterator[Problem]:
    """Situation ids are unique, and option ids are unique in the whole guide (an item names
    an option by its id alone)."""
    seen_situations: set[str] = set()
    seen_options: set[str] = set()
    for i, situation in enumerate(guide.situations):
        if situation.id in seen_situations:
            yield problem(
                f"/situations/{i}/id",
                "situation.duplicate-id",
                f"the situation id {situation.id!r} is used twice",
                f"情形标识 {situation.id!r} 重复",
            )
        seen_situations.add(situation.id)
        for j, option in enumerate(situation.options):
            if option.id in seen_options:
                yield problem(
                    f"/situations/{i}/options/{j}/id",
                    "situation.duplicate-id",
                    f"the option id {option.id!r} is used twice in the guide",
                    f"选项标识 {option.id!r} 在办事指南中重复",
                )
            seen_options.add(option.id)


@reads("situations", "conditions", "materials", "fees")
def known_options(guide: Guide) -> Iterator[Problem]:
    """Every option a condition, material or fee applies to is an option of a situation."""
    offered = option_ids(guide.situations)
    for field, what, what_zh in TAGGED:
        for i, item in enumerate(getattr(guide, field)):
            for k, option in enumerate(item.applies_to):
                if option not in offered:
                    yield problem(
                        f"/{field}/{i}/applies_to/{k}",
                        "situation.unknown-option",
                        f"the {what} applies to {option!r}, which no situation of the guide offers",
                        f"该{what_zh}适用的情形选项 {option!r} 不在办事指南的情形中",
                    )


SITUATION_RULES: Final[tuple[Rule, ...]] = (unique_ids, known_options)
