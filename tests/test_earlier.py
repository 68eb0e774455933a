"""Guides written before situations (conditions and intermediary services as bare text), as the
earlier release wrote them, still read, validate and build; they are written in today's form."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from hypothesis import given
from strategies import guides

from service_codes.build import build
from service_codes.convert import guide_to_data
from service_codes.formats import read_and_check
from service_codes.formats.json import from_json, to_json
from service_codes.formats.xml import from_xml
from service_codes.model import Guide

EARLIER = ROOT / "tests" / "data" / "earlier"
NAME = "public-place-health-licence"


def _earlier_texts() -> tuple[list[str], list[str]]:
    document = json.loads((EARLIER / f"{NAME}.json").read_bytes())
    return document["conditions"], document["intermediary_services"]


def test_the_earlier_files_are_of_the_earlier_form() -> None:
    conditions, services = _earlier_texts()
    assert conditions and services
    assert all(isinstance(text, str) for text in [*conditions, *services])
    assert b"<condition><text>" not in (EARLIER / f"{NAME}.xml").read_bytes()


def test_an_earlier_json_and_xml_guide_read_as_todays_and_agree() -> None:
    conditions, services = _earlier_texts()
    for suffix in ("json", "xml"):
        guide, report = read_and_check((EARLIER / f"{NAME}.{suffix}").read_bytes())
        assert report.ok, report.problems
        assert guide is not None
        assert [c.text for c in guide.conditions] == conditions
        assert all(c.applies_to == () for c in guide.conditions)
        assert [s.name for s in guide.intermediary_services] == services
    from_xml_ = from_xml((EARLIER / f"{NAME}.xml").read_bytes())
    assert from_json((EARLIER / f"{NAME}.json").read_bytes()) == from_xml_


def test_an_earlier_guide_is_written_in_todays_form() -> None:
    guide = from_json((EARLIER / f"{NAME}.json").read_bytes())
    written = json.loads(to_json(guide))
    assert all(isinstance(c, dict) for c in written["conditions"])
    assert written["intermediary_services"][0] == {"name": _earlier_texts()[1][0]}
    assert from_json(to_json(guide)) == guide


def test_a_catalogue_of_earlier_guides_builds(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    (catalogue / "guides").mkdir(parents=True)
    (catalogue / "guides" / f"{NAME}.json").write_bytes((EARLIER / f"{NAME}.json").read_bytes())
    built = build(catalogue, tmp_path / "out", ("json", "xml"))
    assert built.guides == built.rebuilt == 1 and built.counts.errors == 0
    assert built.new_codes > 0  # its matter, handling item and materials
    out = tmp_path / "out" / "guides"
    assert (
        from_json((out / f"{NAME}.json").read_bytes()).conditions[0].text
        == (_earlier_texts()[0][0])
    )


def _bare(guide: Guide) -> dict[str, object]:
    """The guide's data with every condition that applies to all, and every intermediary
    service with no fee, written as the earlier release wrote them."""
    data = guide_to_data(guide)
    data["conditions"] = [
        c["text"] if set(c) == {"text"} else c for c in data.get("conditions", [])
    ]
    if "intermediary_services" in data:
        data["intermediary_services"] = [
            s["name"] if set(s) == {"name"} else s for s in data["intermediary_services"]
        ]
    return data


@given(guides())
def test_bare_text_reads_as_the_record_it_stands_for(guide: Guide) -> None:
    text = json.dumps(_bare(guide), ensure_ascii=False)
    assert from_json(text) == guide
    assert to_json(from_json(text)) == to_json(guide)  # written in today's form, the same bytes
