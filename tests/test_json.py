from __future__ import annotations

import json

import attrs
import pytest
from conftest import ROOT
from hypothesis import given
from strategies import guides

from service_codes import Guide, InvalidGuide, from_json, to_json
from service_codes.convert import guide_to_data
from service_codes.validation import validate

TEMPLATE = ROOT / "registry" / "guides" / "food-business-licence-new.json"


@pytest.fixture
def data() -> dict:  # type: ignore[type-arg]
    return json.loads(TEMPLATE.read_text("utf-8"))


@given(guides())
def test_round_trip_is_lossless_and_byte_stable(guide: Guide) -> None:
    text = to_json(guide)
    again = from_json(text)
    assert again == guide
    assert to_json(again) == text


@given(guides())
def test_equal_guides_give_identical_bytes(guide: Guide) -> None:
    copy = attrs.evolve(guide, materials=tuple(attrs.evolve(m) for m in guide.materials))
    assert to_json(copy).encode() == to_json(guide).encode()


def test_output_is_utf8_with_chinese_kept_and_defaults_left_out(data: dict) -> None:  # type: ignore[type-arg]
    text = to_json(from_json(json.dumps(data)))
    assert "食品经营许可" in text and "\\u" not in text
    assert "charged" not in json.loads(text)  # False is the default
    assert list(json.loads(text))[:3] == ["name", "matter_type", "level"]


def test_reads_bytes_with_or_without_a_bom(data: dict) -> None:  # type: ignore[type-arg]
    raw = json.dumps(data, ensure_ascii=False).encode()
    assert from_json(raw) == from_json(b"\xef\xbb\xbf" + raw) == from_json("\ufeff" + raw.decode())


def _problems(text: str | bytes) -> list[tuple[str, str]]:
    with pytest.raises(InvalidGuide) as caught:
        from_json(text)
    assert caught.value.problems, "InvalidGuide must carry its problems"
    return [(p.path, p.rule) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("junk", "rule"),
    [
        ("", "json.syntax"),
        ("   ", "json.syntax"),
        ("not json", "json.syntax"),
        ("[]", "schema.type"),
        ('"a guide"', "schema.type"),
        ("null", "schema.type"),
        ("[" * 100_000 + "]" * 100_000, "json.syntax"),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "json.syntax"),
        ("1" * 5000, "json.syntax"),
        (b"\xff\xfe{}", "json.syntax"),
        ("NaN", "json.syntax"),
        ('{"name": "\\ud800"}', "json.syntax"),  # a lone surrogate
        ("9" * 30, "schema.type"),
    ],
)
def test_junk_gives_invalid_guide(junk: str | bytes, rule: str) -> None:
    problems = _problems(junk)
    assert problems[0] == ("", rule)


def test_truncated_document_is_invalid(data: dict) -> None:  # type: ignore[type-arg]
    text = json.dumps(data, ensure_ascii=False)
    for cut in (1, len(text) // 3, len(text) // 2, len(text) - 1):
        assert _problems(text[:cut])[0][1] == "json.syntax"


def test_every_problem_is_reported_with_its_path(data: dict) -> None:  # type: ignore[type-arg]
    del data["place"]
    data["visits"] = "twice"
    data["matter_type"] = "permit"
    data["materials"][1]["copies"] = -1
    data["steps"][0]["colour"] = "red"
    problems = _problems(json.dumps(data))
    assert set(problems) == {
        ("/place", "schema.required"),
        ("/visits", "schema.type"),
        ("/matter_type", "schema.enum"),
        ("/materials/1/copies", "schema.minimum"),
        ("/steps/0/colour", "schema.additionalProperties"),
    }


def test_problems_past_the_schema_are_reported_with_paths(data: dict) -> None:  # type: ignore[type-arg]
    data["catalog_code"] = "001104002000"
    data["implementation_code"] = "11610113038161643X4000104002000"
    data["effective_date"] = "2024-02-30"
    assert set(_problems(json.dumps(data))) == {
        ("/catalog_code", "code.component"),
        ("/implementation_code", "code.checksum"),
        ("/effective_date", "value.invalid"),
    }


def test_messages_are_bilingual(data: dict) -> None:  # type: ignore[type-arg]
    del data["hours"]
    with pytest.raises(InvalidGuide) as caught:
        from_json(json.dumps(data))
    problem = caught.value.problems[0]
    assert "hours" in problem.message and "hours" in problem.message_zh
    assert "缺少" in problem.message_zh
    assert "/hours" in str(caught.value)


def test_reading_never_runs_content_rules(data: dict) -> None:  # type: ignore[type-arg]
    data["promised_limit"]["value"] = 99
    guide = from_json(json.dumps(data))
    assert not validate(guide).ok
    assert guide_to_data(guide)["promised_limit"]["value"] == 99


def test_read_guide_tells_json_from_xml_in_bytes_and_text(data: dict) -> None:  # type: ignore[type-arg]
    from service_codes import to_xml
    from service_codes.formats import read_guide

    guide = from_json(json.dumps(data))
    assert read_guide(to_json(guide)) == read_guide(to_xml(guide)) == guide
    assert read_guide(to_xml(guide).decode()) == read_guide(" \n" + to_json(guide)) == guide
