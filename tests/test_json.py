from __future__ import annotations

import json

import attrs
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from strategies import guides

from service_codes import Guide, InvalidGuide, from_json, to_json
from service_codes.convert import guide_to_data
from service_codes.problems import Problem, pointer
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


def _problem_list(text: str | bytes) -> tuple[Problem, ...]:
    with pytest.raises(InvalidGuide) as caught:
        from_json(text)
    assert caught.value.problems, "InvalidGuide must carry its problems"
    return caught.value.problems


def _problems(text: str | bytes) -> list[tuple[str, str]]:
    return [(p.path, p.rule) for p in _problem_list(text)]


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
    data["catalog_code"] = "000100000000"
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


# --- keys repeated in an object ---------------------------------------------------------------


def _text_repeating(value: object, at: tuple[str | int, ...], key: str, here: tuple = ()) -> str:  # type: ignore[type-arg]
    """JSON text of ``value`` whose object at ``at`` writes ``key`` twice, first as null."""
    if isinstance(value, dict):
        items = [
            f"{json.dumps(k)}: {_text_repeating(v, at, key, (*here, k))}" for k, v in value.items()
        ]
        if here == at:
            items.insert(0, f"{json.dumps(key)}: null")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return (
            "["
            + ", ".join(_text_repeating(v, at, key, (*here, i)) for i, v in enumerate(value))
            + "]"
        )
    return json.dumps(value, ensure_ascii=False)


def _objects(value: object, here: tuple = ()) -> list[tuple[tuple, dict]]:  # type: ignore[type-arg]
    if isinstance(value, dict):
        return [(here, value)] + [o for k, v in value.items() for o in _objects(v, (*here, k))]
    if isinstance(value, list):
        return [o for i, v in enumerate(value) for o in _objects(v, (*here, i))]
    return []


@given(guides(), st.data())
def test_a_repeated_key_is_refused_at_the_object_holding_it(
    guide: Guide, draw: st.DataObject
) -> None:
    document = guide_to_data(guide)
    at, holder = draw.draw(st.sampled_from(_objects(document)))
    key = draw.draw(st.sampled_from(sorted(holder)))
    problems = _problem_list(_text_repeating(document, at, key))
    assert [(p.path, p.rule) for p in problems] == [(pointer(at), "json.duplicate-key")]
    assert repr(key) in problems[0].message and f"“{key}”" in problems[0].message_zh


def test_a_repeated_key_is_reported_with_the_other_problems(data: dict) -> None:  # type: ignore[type-arg]
    data["visits"] = "twice"
    text = _text_repeating(data, ("materials", 1), "copies").replace(
        '"place":', '"place": 1, "place":'
    )
    assert set(_problems(text)) == {
        ("", "json.duplicate-key"),
        ("/materials/1", "json.duplicate-key"),
        ("/visits", "schema.type"),
    }


def test_text_that_only_looks_like_it_repeats_a_key_reads(data: dict) -> None:  # type: ignore[type-arg]
    data["hours"] = 'answer "yes": or "no" :'
    spaced = json.dumps(data, ensure_ascii=False, indent="\t", separators=(" ,", " \n: "))
    assert from_json(spaced) == from_json(json.dumps(data))


def test_a_repeated_key_is_found_behind_escaped_colons(data: dict) -> None:  # type: ignore[type-arg]
    # The dropped pair's colon and the escaped one would balance a plain count of colons.
    data["hours"] = "9:00"
    text = json.dumps(data, ensure_ascii=False).replace("9:00", "9\\u003a00")
    assert _problems(text.replace('"place":', '"place": "x", "place":')) == [
        ("", "json.duplicate-key")
    ]


def test_nesting_deeper_than_orjson_writes_is_still_searched_for_repeats() -> None:
    text = '{"a": ' * 300 + '{"b": 1, "b": 2}' + "}" * 300
    assert ("/a" * 300, "json.duplicate-key") in _problems(text)


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-be", "utf-32"])
def test_gbk_and_utf16_with_a_byte_order_mark_are_read(data: dict, encoding: str) -> None:  # type: ignore[type-arg]
    text = json.dumps(data, ensure_ascii=False)
    raw = ("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding)
    assert from_json(raw) == from_json(text)


@pytest.mark.parametrize(
    ("raw", "found"),
    [
        ('{"name": "食品"}'.encode("utf-16-le"), "UTF-16 without a byte order mark"),
        (b'{"name": "\xff\xfe\xfd"}', "not UTF-8, GB18030 or UTF-16"),
        (b"\xff\xfe" + '{"name": "食品"}'.encode("utf-16-le")[:-1], "looks like UTF-16"),
    ],
    ids=["utf-16-without-a-mark", "no-encoding", "utf-16-cut-short"],
)
def test_bytes_no_encoding_reads_say_what_was_found_and_how_to_re_save(
    raw: bytes, found: str
) -> None:
    [problem] = _problem_list(raw)
    assert (problem.path, problem.rule) == ("", "json.encoding")
    assert found in problem.message and "save it again as UTF-8" in problem.message
    assert "另存为 UTF-8" in problem.message_zh


def test_junk_in_another_encoding_names_the_encoding_it_was_read_in() -> None:
    [problem] = _problem_list("不是 JSON".encode("gb18030"))
    assert problem.rule == "json.syntax" and "GB18030" in problem.message


def test_read_guide_tells_xml_from_json_in_utf16_and_gbk(data: dict) -> None:  # type: ignore[type-arg]
    from service_codes import to_xml
    from service_codes.formats import read_guide

    guide = from_json(json.dumps(data))
    xml, text = to_xml(guide).decode(), to_json(guide)
    for encoding in ("utf-16", "utf-32", "gb18030"):
        assert read_guide(xml.encode(encoding)) == read_guide(text.encode(encoding)) == guide


def test_a_dtd_in_utf16_with_a_byte_order_mark_is_still_refused() -> None:
    from service_codes import from_xml
    from service_codes.formats.xml import NAMESPACE

    hostile = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE g [<!ENTITY e "x">]>'
        f'<guide xmlns="{NAMESPACE}"><name>&e;</name></guide>'
    ).encode("utf-16")
    with pytest.raises(InvalidGuide) as caught:
        from_xml(hostile)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("", "xml.dtd-forbidden")]


# --- the build's check: reading and rules in one report ---------------------------------------


def test_the_build_check_reports_reading_and_rule_problems_at_once(data: dict) -> None:  # type: ignore[type-arg]
    from service_codes.formats import read_and_check

    guide = from_json(json.dumps(data))
    assert read_and_check(to_json(guide).encode("gb18030")) == (guide, validate(guide))
    data["promised_limit"]["value"] = 99  # the rules'
    data["visits"] = "twice"  # the schema's
    text = json.dumps(data, ensure_ascii=False).replace('"place":', '"place": 1, "place":')
    read, report = read_and_check(text.encode("utf-16"))
    assert read is None
    assert {(p.path, p.rule) for p in report.problems} == {
        ("", "json.duplicate-key"),
        ("/visits", "schema.type"),
        ("/promised_limit/value", "time.promised-exceeds-legal"),
    }
