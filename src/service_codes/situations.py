"""Situations (情形): what applies to an applicant who gives a set of answers (一次告知).

A guide's situations are questions with options. A condition, material or fee that names
options applies when, for each situation whose options it names, one of those options is
chosen; one that names none applies to everyone. So "企业" and "新办" together pick what is
tagged for companies, for new applications, for both, or for all.

>>> from service_codes.model import Option, Situation
>>> kind = Situation(id="kind", question="申请人类型", options=(
...     Option(id="individual", name="个体工商户"), Option(id="company", name="企业")))
>>> sorted(option_ids((kind,)))
['company', 'individual']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Final, Protocol, TypeVar

import attrs

from service_codes.errors import ServiceCodesError
from service_codes.model import Condition, Fee, Guide, Material, Situation
from service_codes.problems import Problem


class Tagged(Protocol):
    """A condition, material or fee: something that names the options it applies to."""

    @property
    def applies_to(self) -> tuple[str, ...]: ...


T = TypeVar("T", bound=Tagged)


class InvalidAnswers(ServiceCodesError):
    """An answer set names an option the guide does not offer, leaves a required situation
    open, or chooses two options of a single-choice one; ``problems`` says each."""

    default_message = "the answers do not fit the guide's situations"
    default_message_zh = "所选情形与办事指南的情形不符"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "; ".join(p.message for p in self.problems),
            "；".join(p.message_zh for p in self.problems),
        )


@attrs.frozen
class Applicable:
    """What applies to one set of answers, in the guide's order; materials keep their codes."""

    conditions: tuple[Condition, ...]
    materials: tuple[Material, ...]
    fees: tuple[Fee, ...]


def option_ids(situations: Iterable[Situation]) -> dict[str, Situation]:
    """Each option id of ``situations`` and the situation that offers it."""
    return {option.id: s for s in situations for option in s.options}


def applies(item: Tagged, chosen: Collection[str], owner: dict[str, Situation]) -> bool:
    """Whether ``item`` applies when the options ``chosen`` are the answers."""
    named: dict[str, set[str]] = {}
    for option in item.applies_to:
        situation = owner.get(option)
        if situation is not None:  # validation names an unknown id; here it restricts nothing
            named.setdefault(situation.id, set()).add(option)
    return all(not options.isdisjoint(chosen) for options in named.values())


def _answer_problems(guide: Guide, chosen: Collection[str]) -> Iterator[Problem]:
    owner = option_ids(guide.situations)
    for option in sorted(set(chosen) - owner.keys()):
        yield Problem(
            path="",
            rule="situation.unknown-answer",
            message=f"no situation of the guide offers the option {option!r}",
            message_zh=f"办事指南的情形中没有选项 {option!r}",
        )
    for i, situation in enumerate(guide.situations):
        picked = [o.id for o in situation.options if o.id in chosen]
        if not picked and situation.required:
            yield Problem(
                path=f"/situations/{i}",
                rule="situation.unanswered",
                message=f"the required situation {situation.question!r} has no answer",
                message_zh=f"必答情形“{situation.question}”未作答",
            )
        if len(picked) > 1 and not situation.multiple:
            yield Problem(
                path=f"/situations/{i}",
                rule="situation.one-answer",
                message=f"the situation {situation.question!r} takes one answer, not"
                f" {', '.join(picked)}",
                message_zh=f"情形“{situation.question}”只能选一项，不能同时选 {'、'.join(picked)}",
            )


def applicable(guide: Guide, answers: Iterable[str]) -> Applicable:
    """The conditions, materials and fees that apply to the chosen option ids ``answers``.

    Raises :class:`InvalidAnswers` when an answer is no option of the guide, a required
    situation has no answer, or a single-choice situation has two.
    """
    chosen = frozenset(answers)
    problems = tuple(_answer_problems(guide, chosen))
    if problems:
        raise InvalidAnswers(problems)
    owner = option_ids(guide.situations)

    def kept(items: tuple[T, ...]) -> tuple[T, ...]:
        return tuple(item for item in items if applies(item, chosen, owner))

    return Applicable(kept(guide.conditions), kept(guide.materials), kept(guide.fees))


# The lists of a guide whose items name options, and the words for them.
TAGGED: Final = (
    ("conditions", "condition", "受理条件"),
    ("materials", "material", "材料"),
    ("fees", "fee", "收费项目"),
)
