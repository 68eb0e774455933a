"""The bundled catalogue of 西安市雁塔区 is complete, valid and in canonical form."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from itertools import chain, combinations, product
from pathlib import Path

import pytest
from conftest import ROOT

from service_codes import Guide, Registry, from_json, is_valid_uscc, to_json, validate
from service_codes.codelists import Circumstance, MatterType
from service_codes.identifiers import region
from service_codes.model import Situation
from service_codes.situations import applicable

SOURCES = sorted((ROOT / "registry" / "guides").glob("*.json"))


@pytest.fixture(scope="module")
def guides() -> dict[Path, Guide]:
    return {path: from_json(path.read_bytes()) for path in SOURCES}


def test_size_and_variety(guides: dict[Path, Guide]) -> None:
    assert len(guides) >= 25
    assert len({g.matter_type for g in guides.values()}) >= 6
    assert len({g.agency.uscc for g in guides.values()}) >= 4


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_each_guide_is_valid_complete_and_canonical(path: Path) -> None:
    guide = from_json(path.read_bytes())
    assert validate(guide).problems == ()
    assert path.read_text("utf-8") == to_json(guide), "run the file through to_json"
    assert is_valid_uscc(guide.agency.uscc)
    area = region(guide.agency.uscc[2:8])
    assert area is not None and area.code == "610113" and area.name == "雁塔区"
    assert guide.conditions and guide.materials and len(guide.steps) >= 2
    assert guide.place and guide.hours and guide.consultation and guide.supervision
    assert all(m.kind and m.form and m.necessity and m.source for m in guide.materials)
    assert guide.legal_basis, "every guide names its legal basis"


def test_agencies_are_named_consistently(guides: dict[Path, Guide]) -> None:
    names: dict[str, set[str]] = {}
    for guide in guides.values():
        names.setdefault(guide.agency.uscc, set()).add(guide.agency.name)
    assert all(len(n) == 1 for n in names.values()), names


# Issue 13, point 6: what the district publishes beyond the guide is in the catalogue too.


def test_penalty_and_inspection_matters_publish_their_standards(
    guides: dict[Path, Guide],
) -> None:
    penalties = [g for g in guides.values() if g.matter_type is MatterType.PENALTY]
    checks = [g for g in guides.values() if g.matter_type is MatterType.INSPECTION]
    assert sum(bool(g.discretion) for g in penalties) >= 3
    assert sum(g.inspection is not None for g in checks) >= 3
    for guide in penalties:
        # A table, not a single row: at least one conduct is told under two circumstances.
        by_conduct: dict[str, set[Circumstance]] = {}
        for row in guide.discretion:
            by_conduct.setdefault(row.conduct, set()).add(row.circumstance)
        assert any(len(c) >= 2 for c in by_conduct.values()), guide.name


def test_every_power_matter_says_its_responsibility(guides: dict[Path, Guide]) -> None:
    powers = [g for g in guides.values() if g.matter_type is not MatterType.PUBLIC_SERVICE]
    assert powers
    missing = [g.name for g in powers if g.responsibility is None]
    assert missing == []


def test_guides_are_told_by_situation(guides: dict[Path, Guide]) -> None:
    situated = [g for g in guides.values() if g.situations]
    assert len(situated) >= 5
    assert any(len(g.situations) == 2 for g in situated)
    for guide in situated:  # a situation that tags nothing would tell the applicant nothing
        tagged = {o for item in (*guide.conditions, *guide.materials, *guide.fees)
                  for o in item.applies_to}  # fmt: skip
        assert all(tagged & {o.id for o in s.options} for s in guide.situations), guide.name


def answer_sets(situations: tuple[Situation, ...]) -> Iterator[frozenset[str]]:
    """Every answer set the situations allow: one option of each single-choice question, any
    non-empty set of a multiple-choice one, and no answer too where a question is optional."""
    choices = []
    for situation in situations:
        ids = [option.id for option in situation.options]
        picks = (
            [c for r in range(1, len(ids) + 1) for c in combinations(ids, r)]
            if situation.multiple
            else [(i,) for i in ids]
        )
        choices.append([*picks, *([()] if not situation.required else [])])
    for combination in product(*choices):
        yield frozenset(chain.from_iterable(combination))


@pytest.fixture(scope="module")
def coded(guides: dict[Path, Guide], tmp_path_factory: pytest.TempPathFactory) -> list[Guide]:
    """The situated guides with the codes the committed ledger holds (on a copy of it)."""
    copy = tmp_path_factory.mktemp("registry") / "registry"
    shutil.copytree(
        ROOT / "registry",
        copy,
        ignore=shutil.ignore_patterns("codes.lock", "codes.snapshot", "guides"),
    )
    registry = Registry.open(copy)
    size = registry.size
    try:
        result = registry.assign_many(g for g in guides.values() if g.situations)
        assert registry.size == size, "the bundled guides need no new code"
    finally:
        registry.close()
    return result


def test_every_answer_set_keeps_the_materials_codes(coded: list[Guide]) -> None:
    assert len(coded) >= 5
    for guide in coded:
        codes = {m.order: m.code for m in guide.materials}
        assert all(codes.values()), guide.name
        seen: set[int] = set()
        for answers in answer_sets(guide.situations):
            materials = applicable(guide, answers).materials
            assert materials, (guide.name, answers)
            assert all(m.code == codes[m.order] for m in materials), (guide.name, answers)
            assert set(materials) <= set(guide.materials)
            seen.update(m.order for m in materials)
        assert seen == set(codes), f"{guide.name}: a material no answer set gets"
