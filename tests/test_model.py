from __future__ import annotations

import typing

import attrs
import pytest
from hypothesis import given
from strategies import guides

from service_codes import Guide, Matter, model
from service_codes.schemas import guide_schema

RECORDS = [
    c
    for c in vars(model).values()
    if isinstance(c, type) and attrs.has(c) and c.__module__ == model.__name__ and c is not Matter
]


@given(guides())
def test_guides_are_frozen_hashable_values(guide: Guide) -> None:
    assert hash(guide) == hash(attrs.evolve(guide))
    assert guide == attrs.evolve(guide)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        guide.name = "x"  # type: ignore[misc]


@given(guides())
def test_matter_is_the_catalogue_entry(guide: Guide) -> None:
    matter = guide.matter
    assert (matter.origin, matter.matter_type, matter.name, matter.sub_name) == (
        guide.origin,
        guide.matter_type,
        guide.name,
        guide.sub_name,
    )
    assert matter.legal_basis == guide.legal_basis
    assert matter.competent_department == guide.competent_department


def test_records_use_slots() -> None:
    for record in RECORDS:
        assert "__slots__" in vars(record), record


def _definition(record: type) -> dict[str, typing.Any]:
    schema = guide_schema()
    return schema if record is Guide else schema["$defs"][record.__name__]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.__name__)
def test_schema_and_model_describe_the_same_fields(record: type) -> None:
    definition = _definition(record)
    fields = attrs.fields(record)
    assert list(definition["properties"]) == [f.name for f in fields]
    assert definition["required"] == [f.name for f in fields if f.default is attrs.NOTHING]
    assert definition["additionalProperties"] is False
    for name, prop in definition["properties"].items():
        assert " / " in prop["title"], f"{record.__name__}.{name} needs a zh / en title"


def test_the_design_names_are_there() -> None:
    names = {f.name for f in attrs.fields(Guide)}
    assert {
        "name", "sub_name", "matter_type", "origin", "catalog_code", "implementation_code",
        "agency", "level", "conditions", "materials", "steps", "legal_limit", "promised_limit",
        "handling_items", "fees", "version", "state",
    } <= names  # fmt: skip
