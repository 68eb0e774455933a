from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    any_codes,
    catalog_codes,
    handling_item_codes,
    implementation_codes,
    material_codes,
    usccs,
)

from service_codes import (
    CatalogCode,
    HandlingItemCode,
    ImplementationCode,
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    Level,
    MaterialCode,
    MatterType,
    parse_code,
)

WORKED = "11450721MB155808114000104002000"


def test_worked_example_of_the_standard() -> None:
    catalog = CatalogCode.parse("000104002000")
    assert (catalog.origin, catalog.matter_type, catalog.main, catalog.sub) == (
        "00",
        MatterType.LICENSING,
        4002,
        0,
    )
    code = ImplementationCode("11450721MB15580811", Level.COUNTY, catalog)
    assert str(code) == WORKED
    assert ImplementationCode.parse(WORKED) == code


def test_handling_item_and_material_codes_extend_their_parent() -> None:
    implementation = ImplementationCode.parse(WORKED)
    item = HandlingItemCode(implementation, 3)
    assert str(item) == WORKED + "03"
    assert str(MaterialCode(implementation, 7)) == WORKED + "007"
    assert str(MaterialCode(item, 12)) == WORKED + "03012"
    assert MaterialCode.parse(WORKED + "03012").parent == item


@pytest.mark.parametrize(
    ("strategy", "cls"),
    [
        (catalog_codes, CatalogCode),
        (implementation_codes, ImplementationCode),
        (handling_item_codes, HandlingItemCode),
        (material_codes, MaterialCode),
    ],
)
@given(data=st.data())
def test_parse_of_str_is_identity(strategy, cls, data) -> None:  # type: ignore[no-untyped-def]
    code = data.draw(strategy)
    parsed = cls.parse(str(code))
    assert parsed == code and type(parsed) is cls
    assert parse_code(str(code)) == code
    # Parsing fills the slots directly: the result is as frozen as a constructed code.
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(parsed, attrs.fields(cls)[0].name, None)


@given(catalog_codes)
def test_catalog_code_composes_and_decomposes(code: CatalogCode) -> None:
    text = str(code)
    assert len(text) == 12
    rebuilt = CatalogCode(code.origin, code.matter_type, code.main, code.sub)
    assert rebuilt == code and str(rebuilt) == text
    assert text[:2] == code.origin
    assert int(text[4:9]) == code.main and int(text[9:]) == code.sub


@given(usccs(), st.sampled_from(Level), catalog_codes)
def test_implementation_code_composes_and_decomposes(
    uscc: str, level: Level, catalog: CatalogCode
) -> None:
    code = ImplementationCode(uscc, level, catalog)
    parsed = ImplementationCode.parse(str(code))
    assert (parsed.uscc, parsed.level, parsed.catalog) == (uscc, level, catalog)
    assert str(code).startswith(uscc) and str(code).endswith(str(catalog))


@given(any_codes)
def test_codes_are_hashable_values(code: object) -> None:
    assert hash(code) == hash(parse_code(str(code)))


@pytest.mark.parametrize(
    ("text", "error", "names"),
    [
        ("00010400200", InvalidLength, "12"),
        ("0001040020a0", InvalidFormat, "digits"),
        ("990104002000", InvalidComponent, "origin"),
        ("000100000000", InvalidComponent, "main item"),
        ("11450721MB155808119000104002000", InvalidComponent, "level"),
        ("11450721MB155808124000104002000", InvalidChecksum, "USCC"),
        ("11450721MB155808114990104002000", InvalidComponent, "origin"),
        ("11450721MB15580811400010400200000", InvalidComponent, "handling-item number"),
        ("11450721MB1558081140001040020000x", InvalidFormat, "handling-item number"),
        ("11450721MB155808114000104002000000", InvalidComponent, "material number"),
        ("11450721MB1558081140001040020", InvalidLength, "characters"),
    ],
)
def test_errors_name_the_wrong_part(text: str, error: type[InvalidCode], names: str) -> None:
    with pytest.raises(error, match=names):
        parse_code(text)


def test_province_origin_is_accepted_and_others_not() -> None:
    assert CatalogCode.parse("610100001001").origin == "61"
    with pytest.raises(InvalidComponent):
        CatalogCode("60", MatterType.LICENSING, 1)


def test_construction_checks_parts() -> None:
    catalog = CatalogCode.parse("000104002000")
    with pytest.raises(InvalidChecksum):
        ImplementationCode("11450721MB15580812", Level.COUNTY, catalog)
    with pytest.raises(InvalidComponent):
        HandlingItemCode(ImplementationCode.parse(WORKED), 100)
    with pytest.raises(InvalidComponent):
        CatalogCode("00", MatterType.LICENSING, 1, 1000)
    with pytest.raises(InvalidComponent):
        CatalogCode("00", MatterType.LICENSING, True)  # a bool is not a sequence number


@pytest.mark.parametrize(
    "parts",
    [("00", "licensing", 1), (["00"], MatterType.LICENSING, 1), ("00", MatterType.LICENSING, "1")],
)
def test_composing_from_parts_of_the_wrong_type_is_an_invalid_code(parts: tuple) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidCode):
        CatalogCode(*parts)
    with pytest.raises(InvalidCode):
        ImplementationCode("11450721MB15580811", "county", CatalogCode.parse("000104002000"))  # type: ignore[arg-type]


@given(st.text(max_size=40) | st.binary(max_size=40) | st.integers() | st.none())
def test_parsers_raise_only_invalid_code_on_junk(junk: object) -> None:
    for parse in (
        parse_code,
        CatalogCode.parse,
        ImplementationCode.parse,
        HandlingItemCode.parse,
        MaterialCode.parse,
    ):
        try:
            code = parse(junk)
        except InvalidCode:
            continue
        assert str(code) == junk


@pytest.mark.parametrize("junk", ["³" * 12, "٠" * 12, "０" * 12, "⑱" * 12])
def test_unicode_digits_are_not_digits(junk: str) -> None:
    with pytest.raises(InvalidFormat):
        CatalogCode.parse(junk)


def test_a_wrong_length_reads_naturally_in_both_languages() -> None:
    with pytest.raises(InvalidLength) as caught:
        parse_code("0001000010")
    assert "12, 31, 33, 34, 36 or 43 to 48 characters" in caught.value.message
    assert "应为 12、31、33、34、36 或 43 到 48 位" in caught.value.message_zh
    assert "而不是 10 位" in caught.value.message_zh and " or " not in caught.value.message_zh


@pytest.mark.parametrize("lost", ["104002000", 104002000])
def test_a_catalog_code_short_of_digits_says_its_leading_zeros_were_lost(lost: object) -> None:
    with pytest.raises(InvalidCode) as caught:
        CatalogCode.parse(lost)
    assert "leading zeros" in caught.value.message and "'000104002000'" in caught.value.message
    assert "开头的 0" in caught.value.message_zh and "'000104002000'" in caught.value.message_zh


@pytest.mark.parametrize(
    ("text", "zh"),
    [
        ("0001040020#0", "基本编码 '0001040020#0' 必须是数字：第 11 位是 '#'"),
        ("11450721MB1558081140001040020000#", "业务办理项序号 '0#' 必须是数字"),
        ("11450721MB155808114000104002000000", "材料序号应在 1 到 999 之间，而不是 0"),
        ("000100000000", "主项序号应在 1 到 99999 之间"),
    ],
)
def test_chinese_messages_name_the_part_in_chinese(text: str, zh: str) -> None:
    with pytest.raises(InvalidCode) as caught:
        parse_code(text)
    assert zh in caught.value.message_zh


def test_a_part_of_the_wrong_type_is_named_in_chinese() -> None:
    with pytest.raises(InvalidComponent) as caught:
        CatalogCode("00", "licensing", 1)  # type: ignore[arg-type]
    assert caught.value.message_zh == "编码的组成部分“事项类型”类型错误"
    with pytest.raises(InvalidComponent) as caught:
        CatalogCode("00", MatterType.LICENSING, True)
    assert caught.value.message_zh == "主项序号应为 1 到 99999 之间的整数"
