from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import xmlschema
from conftest import ROOT
from hypothesis import given, settings
from lxml import etree
from strategies import guides

from service_codes import Guide, InvalidGuide, from_json, from_xml, to_json, to_xml
from service_codes.formats.xml import MAX_BYTES, NAMESPACE

HOSTILE = sorted((ROOT / "tests" / "hostile").glob("*.xml"))
BUNDLED = sorted((ROOT / "registry" / "guides").glob("*.json"))
XSD = etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "guide.xsd")))
INDEPENDENT_XSD = xmlschema.XMLSchema(str(ROOT / "schemas" / "guide.xsd"))


@given(guides())
def test_round_trip_is_lossless_byte_stable_and_valid(guide: Guide) -> None:
    xml = to_xml(guide)
    assert XSD.validate(etree.fromstring(xml)), XSD.error_log
    again = from_xml(xml)
    assert again == guide
    assert to_xml(again) == xml


@settings(max_examples=25)
@given(guides())
def test_an_independent_validator_accepts_what_we_write(guide: Guide) -> None:
    INDEPENDENT_XSD.validate(to_xml(guide))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_guides_round_trip_through_xml(path: Path) -> None:
    guide = from_json(path.read_bytes())
    xml = to_xml(guide)
    INDEPENDENT_XSD.validate(xml)
    assert from_xml(xml) == guide and from_xml(xml.decode()) == guide
    assert to_json(from_xml(xml)) == path.read_text("utf-8")


def test_shape_of_the_xml() -> None:
    xml = to_xml(from_json(BUNDLED[0].read_bytes())).decode()
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8'?>\n")
    assert f'<guide xmlns="{NAMESPACE}">' in xml
    assert "<materials>\n    <material>" in xml and "<conditions>\n    <condition>" in xml


def test_a_utf8_bom_is_fine() -> None:
    xml = to_xml(from_json(BUNDLED[0].read_bytes()))
    assert from_xml(b"\xef\xbb\xbf" + xml) == from_xml(xml)


def _invalid(data: bytes) -> list[tuple[str, str]]:
    start = time.perf_counter()
    with pytest.raises(InvalidGuide) as caught:
        from_xml(data)
    assert time.perf_counter() - start < 2, "hostile input must be refused quickly"
    assert caught.value.problems
    return [(p.path, p.rule) for p in caught.value.problems]


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_hostile_corpus_is_refused(path: Path) -> None:
    _invalid(path.read_bytes())


def test_deep_nesting_huge_text_and_oversize_documents_are_refused() -> None:
    head = f'<?xml version="1.0"?><guide xmlns="{NAMESPACE}">'.encode()
    deep = head + b"<name>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</name></guide>"
    assert _invalid(deep)
    huge = head + b"<name>" + "大".encode() * 1_000_000 + b"</name></guide>"
    assert ("/name", "xsd.invalid") in _invalid(huge)
    oversize = head + b"<name>" + b"x" * MAX_BYTES + b"</name></guide>"
    assert _invalid(oversize) == [("", "xml.too-large")]
    assert _invalid(b"<guide/>" * 3)  # junk after the root


def test_no_connection_is_made_for_names_in_a_document() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    try:
        for path in HOSTILE:
            _invalid(path.read_bytes().replace(b"127.0.0.1:9", f"127.0.0.1:{port}".encode()))
        with pytest.raises(socket.timeout):
            server.accept()  # nobody connected
    finally:
        server.close()


def test_no_file_named_in_a_document_is_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)  # opening it for reading would block until someone writes

    def parse_all() -> None:
        for path in HOSTILE:
            data = path.read_bytes()
            for named in (b"/etc/passwd", b"/etc/hostname"):
                data = data.replace(named, str(fifo).encode())
            _invalid(data)

    worker = threading.Thread(target=parse_all)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():
        with open(fifo, "w"):  # unblock the reader before failing
            pass
        pytest.fail("a file named in a document was opened")


def test_xsd_problems_name_the_field_and_the_line() -> None:
    xml = to_xml(from_json(BUNDLED[0].read_bytes()))
    bad = xml.replace(b"<copies>0</copies>", b"<copies>-1</copies>", 1)
    with pytest.raises(InvalidGuide) as caught:
        from_xml(bad)
    problem = caught.value.problems[0]
    line = bad[: bad.index(b"<copies>-1")].count(b"\n") + 1
    assert problem.rule == "xsd.invalid"
    assert problem.path.startswith("/materials/") and problem.path.endswith("/copies")
    assert problem.message.startswith(f"line {line}: ") and f"第 {line} 行" in problem.message_zh


def test_problems_past_the_xsd_are_reported_as_for_json() -> None:
    xml = to_xml(from_json(BUNDLED[0].read_bytes()))
    bad = xml.replace(b"<effective_date>", b"<effective_date>2024-02-30<!--", 1).replace(
        b"</effective_date>", b"--></effective_date>", 1
    )
    with pytest.raises(InvalidGuide) as caught:
        from_xml(bad)
    assert [(p.path, p.rule) for p in caught.value.problems] == [
        ("/effective_date", "value.invalid")
    ]


def _guide_xml() -> bytes:
    return to_xml(from_json(BUNDLED[0].read_bytes()))


def test_prefixed_and_foreign_elements_are_reported_not_raised() -> None:
    prefixed = f'<s:guide xmlns:s="{NAMESPACE}"><s:name>x</s:name><s:level>x</s:level></s:guide>'
    assert ("/matter_type", "xsd.invalid") in _invalid(prefixed.encode())
    foreign = _guide_xml().replace(b"<place>", b'<x:bogus xmlns:x="urn:x"/><place>', 1)
    assert ("/place", "xsd.invalid") in _invalid(foreign)


def test_a_declared_encoding_cannot_smuggle_a_dtd_or_change_the_text() -> None:
    utf16 = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE g [<!ENTITY e "x">]>'
        f'<guide xmlns="{NAMESPACE}"><name>&e;</name></guide>'
    ).encode("utf-16-le")
    assert _invalid(utf16)
    latin = _guide_xml().replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'")
    assert from_xml(latin) == from_json(BUNDLED[0].read_bytes())  # read as UTF-8, always


def test_text_that_utf8_cannot_encode_is_refused() -> None:
    assert _invalid("<guide>\ud800</guide>") == [("", "xml.encoding")]  # type: ignore[arg-type]


def test_integers_padded_with_zeros_read_as_their_value() -> None:
    xml = _guide_xml().replace(b"<visits>0</visits>", b"<visits>" + b"0" * 5000 + b"</visits>")
    assert from_xml(xml).visits == 0


def test_many_elements_are_refused_before_the_xsd() -> None:
    head = f'<?xml version="1.0"?><guide xmlns="{NAMESPACE}"><conditions>'.encode()
    many = head + b"<condition/>" * 32_000 + b"</conditions></guide>"
    assert _invalid(many) == [("", "xml.too-large")]


def test_a_missing_element_is_reported_at_its_own_path() -> None:
    xml = _guide_xml()
    start, end = xml.index(b"<place>"), xml.index(b"</place>") + len(b"</place>")
    assert ("/place", "xsd.invalid") in _invalid(xml[:start] + xml[end:])


def test_threads_reading_at_once_get_their_own_problems() -> None:
    from concurrent.futures import ThreadPoolExecutor

    good, bad = _guide_xml(), _guide_xml().replace(b"<visits>0</visits>", b"<visits>x</visits>")

    def read(data: bytes) -> tuple[str, ...]:
        try:
            from_xml(data)
            return ()
        except InvalidGuide as error:
            return tuple(p.path for p in error.problems)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(read, [good, bad] * 150))
    assert results == [(), ("/visits",)] * 150


def _food_xml() -> bytes:
    return to_xml(from_json((ROOT / "registry/guides/food-business-licence-new.json").read_bytes()))


@pytest.mark.parametrize(
    ("old", "new", "path", "zh"),
    [
        (b"<effective_date>2024-03-01", b"<effective_date>2024/03/01", "/effective_date",
         ["<effective_date>（计划生效日期）", "格式不正确", "YYYY-MM-DD", "'2024-03-01'"]),
        (b"<level>county", b"<level>xian", "/level",
         ["<level>（行使层级）", "'xian' 无效", "县级（county）"]),
        (b"<visits>0</visits>", b"<visits>x</visits>", "/visits", ["'x' 不是整数"]),
        (b"<visits>0</visits>", b"<visits>100</visits>", "/visits", ["不能大于 99"]),
        (b"<name>", b"<name/><name>", "/name", ["<name>（事项名称）：不能为空"]),
        (b"<place>", b"<bogus/><place>", "/place",
         ["此处不应出现 <bogus>，应为 <place>（办理地点）"]),
        (b"<hours>", b"<hours a='1'>", "/hours", ["<hours>（办理时间）不允许有属性 'a'"]),
        (b"<steps>", b"<steps>text", "/steps", ["<steps>（办理流程）只能包含子元素"]),
        (b"<version>3</version>", b"<version>3<b/></version>", "/version",
         ["<version>（事项版本）只能包含取值"]),
    ],
)  # fmt: skip
def test_xsd_problems_are_said_in_chinese_naming_the_element_and_value(
    old: bytes, new: bytes, path: str, zh: list[str]
) -> None:
    xml = _food_xml()
    assert old in xml
    with pytest.raises(InvalidGuide) as caught:
        from_xml(xml.replace(old, new, 1))
    (problem,) = [p for p in caught.value.problems if p.path == path]
    assert all(part in problem.message_zh for part in zh), problem.message_zh
    for english in ("Element", "facet", "expected", "value", "attribute", "Schema"):
        assert english not in problem.message_zh


def test_a_list_without_its_required_item_is_reported_at_the_list() -> None:
    xml = _guide_xml()
    start, end = xml.index(b"<service_objects>"), xml.index(b"</service_objects>")
    problems = _invalid(xml[:start] + b"<service_objects>" + xml[end:])
    assert problems == [("/service_objects", "xsd.invalid")]


def test_an_unmapped_xsd_error_gets_a_chinese_message_of_its_own() -> None:
    from types import SimpleNamespace

    from service_codes.formats.xsd import _xsd_problems

    root = etree.fromstring(_guide_xml())
    visits = root.find(f"{{{NAMESPACE}}}visits")
    error = SimpleNamespace(
        type_name="SCHEMAV_CVC_IDC_KEY",
        message=f"Element '{{{NAMESPACE}}}visits': No match found for key-sequence.",
        line=7,
        path=f"/*/*[{root.index(visits) + 1}]",
    )
    (problem,) = _xsd_problems(root, [error])
    assert problem.path == "/visits"
    assert problem.message == "line 7: Element 'visits': No match found for key-sequence."
    assert problem.message_zh == (
        "第 7 行：<visits>（到办事现场次数）不符合 XSD（错误类型 SCHEMAV_CVC_IDC_KEY）"
    )


def test_an_xsd_fault_does_not_hide_the_rules_of_other_fields() -> None:
    import attrs

    from service_codes.formats import read_and_check

    guide = from_json((ROOT / "registry" / "guides" / "marriage-registration.json").read_bytes())
    late = attrs.evolve(
        guide,
        promised_limit=attrs.evolve(guide.promised_limit, value=guide.legal_limit.value + 5),
    )
    text = to_xml(late).replace(b"<level>county</level>", b"<level>nowhere</level>")
    assert b"<level>nowhere</level>" in text
    read, report = read_and_check(text)
    assert read is None
    found = {(p.path, p.rule) for p in report.problems}
    assert ("/promised_limit/value", "time.promised-exceeds-legal") in found
    assert any(path == "/level" for path, _ in found)
    # and the faulty field is not judged by the rules: nothing else is reported on it
    assert all(rule.startswith(("xsd.", "schema.")) for path, rule in found if path == "/level")
