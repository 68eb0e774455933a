"""Situations: what applies to each set of answers, and the answer sets that are refused."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import attrs
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from strategies import guides

from service_codes import (
    Condition,
    Fee,
    Guide,
    InvalidAnswers,
    Material,
    Option,
    Situation,
    applicable,
    from_json,
    validate,
)

situated_guides = guides().filter(lambda g: bool(g.situations))


def choices(situation: Situation) -> list[tuple[str, ...]]:
    """Every answer a situation takes: one option, or any non-empty set of them; none when
    it is optional."""
    ids = [o.id for o in situation.options]
    if situation.multiple:
        taken = [c for n in range(1, len(ids) + 1) for c in itertools.combinations(ids, n)]
    else:
        taken = [(i,) for i in ids]
    return taken if situation.required else [(), *taken]


def answer_sets(guide: Guide) -> Iterator[frozenset[str]]:
    for picked in itertools.product(*map(choices, guide.situations)):
        yield frozenset(itertools.chain.from_iterable(picked))


def tagged_for(item: Condition | Material | Fee, answers: frozenset[str], guide: Guide) -> bool:
    """The oracle: an item names no option, or for every situation it names options of, it
    names one that was chosen."""
    tags = set(item.applies_to)
    for situation in guide.situations:
        named = tags & {o.id for o in situation.options}
        if named and not named & answers:
            return False
    return True


@given(situated_guides)
def test_every_material_applies_to_some_answer_set(guide: Guide) -> None:
    seen = {m for answers in answer_sets(guide) for m in applicable(guide, answers).materials}
    assert seen == set(guide.materials)


@given(situated_guides, st.data())
def test_an_answer_set_gets_exactly_what_is_tagged_for_it_or_for_all(
    guide: Guide, data: st.DataObject
) -> None:
    answers = data.draw(st.sampled_from(list(answer_sets(guide))))
    found = applicable(guide, answers)
    for field in ("conditions", "materials", "fees"):
        expected = tuple(i for i in getattr(guide, field) if tagged_for(i, answers, guide))
        assert getattr(found, field) == expected
    # The same records, codes and all, whatever the situation.
    assert all(any(m is n for n in guide.materials) for m in found.materials)


KIND = Situation(
    id="kind",
    question="申请人类型",
    options=(Option(id="individual", name="个体工商户"), Option(id="company", name="企业")),
)
SCOPE = Situation(
    id="scope",
    question="经营项目",
    options=(Option(id="retail", name="食品销售"), Option(id="catering", name="餐饮服务")),
    required=False,
    multiple=True,
)


def plain(guide: Guide) -> Guide:
    """The guide told without situations (the bundled one may have some)."""
    untag = lambda items: tuple(attrs.evolve(i, applies_to=()) for i in items)  # noqa: E731
    return attrs.evolve(
        guide,
        situations=(),
        conditions=untag(guide.conditions),
        materials=untag(guide.materials),
        fees=untag(guide.fees),
    )


BASE = plain(
    from_json((ROOT / "registry" / "guides" / "food-business-licence-new.json").read_bytes())
)


def two_questions() -> Guide:
    first, second, *rest = BASE.materials
    return attrs.evolve(
        BASE,
        situations=(KIND, SCOPE),
        materials=(
            attrs.evolve(first, applies_to=()),
            attrs.evolve(second, applies_to=("company", "retail")),
            *(attrs.evolve(m, applies_to=("individual",)) for m in rest),
        ),
    )


def test_two_questions_pick_what_both_answers_allow() -> None:
    guide = two_questions()
    assert validate(guide).errors == ()
    first, second, *rest = guide.materials
    assert applicable(guide, {"company", "retail"}).materials == (first, second)
    assert applicable(guide, {"company"}).materials == (first,)
    assert applicable(guide, {"company", "retail", "catering"}).materials == (first, second)
    assert applicable(guide, {"individual", "retail"}).materials == (first, *rest)


@pytest.mark.parametrize(
    ("answers", "rules"),
    [
        ({"retail"}, {"situation.unanswered"}),
        ({"company", "individual"}, {"situation.one-answer"}),
        ({"company", "wholesale"}, {"situation.unknown-answer"}),
        (
            {"wholesale", "company", "individual"},
            {"situation.unknown-answer", "situation.one-answer"},
        ),
    ],
)
def test_answer_sets_that_do_not_fit_are_refused_with_every_reason(
    answers: set[str], rules: set[str]
) -> None:
    with pytest.raises(InvalidAnswers) as caught:
        applicable(two_questions(), answers)
    assert {p.rule for p in caught.value.problems} == rules
    assert all(p.message and p.message_zh for p in caught.value.problems)


def test_a_guide_without_situations_applies_everything_to_no_answers() -> None:
    found = applicable(BASE, ())
    assert (found.conditions, found.materials, found.fees) == (
        BASE.conditions,
        BASE.materials,
        BASE.fees,
    )
