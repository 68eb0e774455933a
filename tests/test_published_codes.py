"""Real codes the platforms publish (tests/data/published_codes.toml, each with its source)
all read, round-trip byte for byte and name their matter type; texts that only look like
codes are refused with a reason."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from conftest import ROOT

from service_codes import (
    CaseNumber,
    CatalogCode,
    HandlingItemCode,
    ImplementationCode,
    InvalidCode,
    MaterialCode,
    MatterType,
    parse_code,
)
from service_codes.matter_types import ExtensionType, slot

DATA = tomllib.loads((ROOT / "tests" / "data" / "published_codes.toml").read_text("utf-8"))
KINDS = {
    "catalog": CatalogCode,
    "implementation": ImplementationCode,
    "handling_item": HandlingItemCode,
    "material": MaterialCode,
    "case": CaseNumber,
}
STANDARD_SLOTS = {slot(t) for t in MatterType}


def _catalog(code: Any) -> CatalogCode:
    while not isinstance(code, CatalogCode):
        code = (
            getattr(code, "catalog", None)
            or getattr(code, "implementation", None)
            or getattr(code, "parent", None)
        )
    return code


def test_the_table_has_every_kind_and_types_beyond_the_list() -> None:
    kinds = {entry["kind"] for entry in DATA["code"]}
    assert kinds == set(KINDS)
    beyond = [e for e in DATA["code"] if e["type_slot"] not in STANDARD_SLOTS]
    assert len(beyond) >= 3
    assert all(entry["source"].strip() for entry in DATA["code"] + DATA["not_code"])


@pytest.mark.parametrize("entry", DATA["code"], ids=lambda e: e["text"])
def test_a_published_code_reads_and_round_trips(entry: dict[str, str]) -> None:
    code = parse_code(entry["text"])
    assert str(code) == entry["text"]
    assert type(code) is KINDS[entry["kind"]]
    matter_type = _catalog(code).matter_type
    assert slot(matter_type) == entry["type_slot"]
    if entry["type_slot"] in STANDARD_SLOTS:
        assert isinstance(matter_type, MatterType)
    else:
        assert matter_type == ExtensionType(entry["type_slot"])


@pytest.mark.parametrize("entry", DATA["not_code"], ids=lambda e: e["text"])
def test_a_look_alike_is_refused_with_a_reason(entry: dict[str, str]) -> None:
    with pytest.raises(InvalidCode) as caught:
        parse_code(entry["text"])
    assert caught.value.message and caught.value.message_zh
    assert caught.value.message != caught.value.message_zh
