from __future__ import annotations

import pytest
from conftest import ROOT
from jsonschema import Draft202012Validator

from service_codes.schemas import guide_schema, schema_path


def test_the_checkout_schema_is_found_in_an_editable_install() -> None:
    path = schema_path("guide.schema.json")
    assert path.is_file() and path.name == "guide.schema.json"
    assert path.read_bytes() == (ROOT / "schemas" / "guide.schema.json").read_bytes()


def test_the_schema_is_valid_draft_2020_12_and_bilingual() -> None:
    schema = guide_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert " / " in schema["title"]


def test_missing_schema_is_a_clear_error() -> None:
    with pytest.raises(FileNotFoundError, match=r"no-such\.xsd"):
        schema_path("no-such.xsd")
