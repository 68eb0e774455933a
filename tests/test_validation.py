from __future__ import annotations

import inspect
import json
import re

import attrs
import orjson
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAULTS, Fault, faulty_guides, guides

from service_codes import Guide, InvalidGuide, Severity, TimeLimit, TimeUnit, from_json, validate
from service_codes import rules as rule_module
from service_codes.convert import guide_to_data
from service_codes.formats import read_and_check
from service_codes.identifiers import uscc_check_character
from service_codes.schemas import guide_schema
from service_codes.validation import guide_from_data, pointer, schema_problems

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


# --- every problem in one run -----------------------------------------------------------------

RULE_IDS = set(re.findall(r'"((?:[a-z]+\.)[a-z-]+)"', inspect.getsource(rule_module)))


def test_a_schema_fault_does_not_hide_the_rules_of_other_fields() -> None:
    data = json.loads(TEMPLATE.read_text("utf-8"))
    data["agency"]["uscc"] = "11610113038161643Q"  # a wrong check character
    data["steps"][-1]["order"] += 1  # a gap in the numbering
    data["visits"] = "twice"
    del data["place"]
    assert rules(validate(data)) == {
        ("/visits", "schema.type"),
        ("/place", "schema.required"),
        ("/agency/uscc", "uscc.invalid"),
        ("/steps", "order.gap"),
    }


def test_structuring_problems_of_one_field_do_not_hide_another_fields() -> None:
    data = json.loads(TEMPLATE.read_text("utf-8"))
    data["materials"][0]["copies"] = -1  # the schema's
    data["effective_date"] = "2024-02-30"  # structuring's, in another field
    data["catalog_code"] = "000100000000"
    data["materials"][1]["code"] = "11610113038161643X4000104002000001"  # beside the schema's
    found = rules(validate(data))
    assert {
        ("/materials/0/copies", "schema.minimum"),
        ("/effective_date", "value.invalid"),
        ("/catalog_code", "code.component"),
        ("/materials/1/code", "code.checksum"),
    } <= found
    with pytest.raises(InvalidGuide) as caught:
        guide_from_data(data)
    assert rules(caught.value) == found  # reading reports the same, without rules


def test_rules_never_judge_a_stand_in() -> None:
    data = json.loads(TEMPLATE.read_text("utf-8"))
    del data["legal_limit"]  # its stand-in of 0 days would be shorter than the promised time
    data["case_type"] = "not-a-case-type"
    data["materials"] = "none"
    assert rules(validate(data)) == {
        ("/legal_limit", "schema.required"),
        ("/case_type", "schema.enum"),
        ("/materials", "schema.type"),
    }


def test_a_mistyped_record_field_does_not_hide_the_rules_of_the_others(guide: Guide) -> None:
    broken = attrs.evolve(
        guide,
        matter_type="licensing",  # type: ignore[arg-type]
        agency=attrs.evolve(guide.agency, uscc="11610113038161643Q"),
    )
    assert rules(validate(broken)) == {
        ("/matter_type", "record.type"),
        ("/agency/uscc", "uscc.invalid"),
    }


def test_every_lone_surrogate_is_reported_beside_other_schema_problems() -> None:
    data = json.loads(TEMPLATE.read_text("utf-8"))
    data["name"], data["hours"], data["visits"] = "\ud800", "a\udfff", "often"
    assert {
        ("/name", "schema.encoding"),
        ("/hours", "schema.encoding"),
        ("/visits", "schema.type"),
    } <= rules(validate(data))


class _Reader:
    """A guide that notes which of its fields are read."""

    def __init__(self, guide: Guide) -> None:
        self.guide, self.fields = guide, set[str]()

    def __getattr__(self, name: str) -> object:
        self.fields.add(name)
        return getattr(self.guide, name)


def test_every_rule_declares_guide_fields() -> None:
    names = {field.name for field in attrs.fields(Guide)}
    assert set(rule_module.READS) == set(rule_module.RULES)
    assert all(fields and fields <= names for fields in rule_module.READS.values())


@given(guides())
def test_each_rule_reads_only_the_fields_it_declares(guide: Guide) -> None:
    for rule in rule_module.RULES:
        reader = _Reader(guide)
        list(rule(reader))  # type: ignore[arg-type]
        assert reader.fields <= rule_module.READS[rule], rule.__name__


def test_the_injected_faults_are_independent() -> None:
    for fault in FAULTS:
        reads = rule_module.READS[getattr(rule_module, fault.found_by)] if fault.found_by else set()
        assert (fault.rule in RULE_IDS) is bool(fault.found_by), fault
        assert not (reads - {fault.field}) & {f.field for f in FAULTS}, fault


@given(faulty_guides())
def test_one_run_reports_every_independent_fault(
    case: tuple[dict[str, object], tuple[tuple[Fault, str], ...]],
) -> None:
    document, faults = case
    report = validate(document)
    found = rules(report)
    assert {(path, fault.rule) for fault, path in faults} <= found
    # no rule judges the stand-in of a field the schema or structuring refused
    refused = {fault.field for fault, _ in faults if fault.rule not in RULE_IDS}
    assert not [
        p for p in report.problems if p.rule in RULE_IDS and p.path.split("/")[1] in refused
    ]
    # and the build's check of the same bytes says the same
    assert read_and_check(orjson.dumps(document))[1] == report
