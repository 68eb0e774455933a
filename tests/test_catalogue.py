"""The bundled catalogue of 西安市雁塔区 is complete, valid and in canonical form."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from service_codes import Guide, from_json, is_valid_uscc, to_json, validate
from service_codes.identifiers import region

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
