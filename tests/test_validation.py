from __future__ import annotations

import json

import attrs
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from strategies import guides

from service_codes import Guide, Severity, TimeLimit, TimeUnit, from_json, validate
from service_codes.convert import guide_to_data
from service_codes.identifiers import uscc_check_character
from service_codes.schemas import guide_schema
from service_codes.validation import pointer, schema_problems

TEMPLATE = ROOT / "registry" / "guides" / "food-business-licence-new.json"


@pytest.fixture
def guide() -> Guide:
    return from_json(TEMPLATE.read_text("utf-8"))


def rules(report: object) -> set[tuple[str, str]]:
    return {(p.path, p.rule) for p in report.problems}  # type: ignore[attr-defined]


def test_a_good_guide_has_no_problems(guide: Guide) -> None:
    report = validate(guide)
    assert report.ok and report.problems == ()


def test_records_and_their_data_validate_alike(guide: Guide) -> None:
    data = json.loads(TEMPLATE.read_text("utf-8"))
    assert validate(data) == validate(guide)


def test_wrong_agency_uscc_is_an_error(guide: Guide) -> None:
    bad = attrs.evolve(guide, agency=attrs.evolve(guide.agency, uscc="11610113038161643Q"))
    report = validate(bad)
    assert not report.ok
    assert rules(report) == {("/agency/uscc", "uscc.invalid")}
    assert "check character" in report.errors[0].message
    assert "校验码" in report.errors[0].message_zh


@pytest.mark.parametrize(
    ("legal", "promised", "problems"),
    [
        (10, 11, {("/promised_limit/value", "time.promised-exceeds-legal")}),
        (10, 10, set()),
        (10, 5, set()),
    ],
)
def test_promised_time_must_not_exceed_legal_time(
    guide: Guide, legal: int, promised: int, problems: set[tuple[str, str]]
) -> None:
    changed = attrs.evolve(
        guide,
        legal_limit=TimeLimit(value=legal, unit=TimeUnit.WORKING_DAY),
        promised_limit=TimeLimit(value=promised, unit=TimeUnit.WORKING_DAY),
    )
    assert rules(validate(changed)) == problems


def test_a_record_with_wrong_types_is_reported_not_raised(guide: Guide) -> None:
    broken = attrs.evolve(guide, visits="often", name="")  # type: ignore[arg-type]
    assert rules(validate(broken)) == {
        ("/visits", "schema.type"),
        ("/name", "schema.minLength"),
        ("/name", "schema.pattern"),  # nothing visible
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(json_values)
def test_validate_never_raises_on_junk_data(value: object) -> None:
    report = validate(value)
    assert not report.ok
    assert all(p.severity is Severity.ERROR and p.message and p.message_zh for p in report.problems)


@given(guides(), st.sampled_from(["name", "agency", "legal_limit", "materials", "steps"]))
def test_dropping_a_required_field_is_reported_at_that_field(guide: Guide, field: str) -> None:
    data = guide_to_data(guide)
    del data[field]
    assert (f"/{field}", "schema.required") in {(p.path, p.rule) for p in schema_problems(data)}


def test_pointer_escapes_as_rfc6901_says() -> None:
    assert pointer(["a/b", "m~n", 0]) == "/a~1b/m~0n/0"
    assert pointer([]) == ""


def test_unknown_region_in_the_uscc_is_only_a_warning(guide: Guide) -> None:
    first17 = "11619999" + "038161643"
    uscc = first17 + uscc_check_character(first17)
    report = validate(attrs.evolve(guide, agency=attrs.evolve(guide.agency, uscc=uscc)))
    assert report.ok
    assert [(p.path, p.rule, p.severity) for p in report.problems] == [
        ("/agency/uscc", "uscc.region-unknown", Severity.WARNING)
    ]
    assert "619999" in report.warnings[0].message_zh


def _places(data: object, schema: dict, path: tuple = ()) -> list[tuple[tuple, dict]]:  # type: ignore[type-arg]
    """Every (path, schema) pair in a guide's data, walking data and schema together."""
    definitions = guide_schema()["$defs"]
    if "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[1]]
    found = [(path, schema)]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _places(value, schema["properties"][key], (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _places(value, schema["items"], (*path, i))
    return found


def _set(data: dict, path: tuple, value: object) -> None:  # type: ignore[type-arg]
    for part in path[:-1]:
        data = data[part]
    if value is _DROP:
        del data[path[-1]]
    else:
        data[path[-1]] = value


_DROP = object()
_OTHER_TYPE = {"string": 7, "integer": "7", "boolean": "yes", "array": {}, "object": []}


@given(guides(), st.data())
def test_mutations_are_reported_at_the_mutated_field(guide: Guide, data: st.DataObject) -> None:
    document = guide_to_data(guide)
    places = _places(document, guide_schema())
    objects = [(p, s) for p, s in places if s.get("type") == "object" and s.get("required")]
    typed = [(p, s) for p, s in places if p and s.get("type") in _OTHER_TYPE]
    enums = [(p, s) for p, s in places if "enum" in s]
    kind = data.draw(st.sampled_from(["drop", "type", "enum"]))
    if kind == "drop":
        parent, schema = data.draw(st.sampled_from(objects))
        path = (*parent, data.draw(st.sampled_from(schema["required"])))
        _set(document, path, _DROP)
    elif kind == "type":
        path, schema = data.draw(st.sampled_from(typed))
        _set(document, path, _OTHER_TYPE[schema["type"]])
    else:
        path, schema = data.draw(st.sampled_from(enums))
        _set(document, path, "not-in-the-list")
    report = validate(document)
    assert pointer(path) in {p.path for p in report.errors}, (kind, path, report.errors)


@pytest.mark.parametrize("name", [" ", "\u3000", "\u200b", "\u00ad \ufeff", "a\x00"])
def test_text_needs_something_visible_and_no_control_characters(guide: Guide, name: str) -> None:
    assert ("/name", "schema.pattern") in rules(validate(attrs.evolve(guide, name=name)))


def test_records_of_the_wrong_types_are_reported_at_the_field(guide: Guide) -> None:
    assert rules(validate(attrs.evolve(guide, matter_type="licensing"))) == {
        ("/matter_type", "record.type")
    }
    assert rules(validate(attrs.evolve(guide, materials=None))) == {("/materials", "record.type")}
    # A code held as its text is judged by what it says.
    as_text = attrs.evolve(guide, catalog_code="000204002000")
    assert rules(validate(as_text)) == {("/catalog_code", "code.catalog-type")}


def test_absurd_nesting_is_a_problem_not_a_crash() -> None:
    deep: object = []
    for _ in range(5000):
        deep = [deep]
    report = validate({"name": deep})
    assert not report.ok
