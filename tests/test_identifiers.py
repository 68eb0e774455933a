from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc
from strategies import usccs

from service_codes import (
    InvalidChecksum,
    InvalidCode,
    InvalidFormat,
    InvalidLength,
    is_valid_organization_code,
    is_valid_uscc,
    validate_organization_code,
    validate_uscc,
)
from service_codes.identifiers import (
    USCC_ALPHABET,
    organization_check_character,
    region,
    uscc_check_character,
    validate_region_code,
)

VALID = ["91110000600037341L", "11450721MB15580811"]
JUNK = [
    None,
    b"91110000600037341L",
    0,
    91110000600037341,
    object(),
    [],
    "",
    "³",
    "ⅷ",
    "⑱",
    "９１１１００００６０００３７３４１Ｌ",
    "٩١١١٠٠٠٠٦٠٠٠٣٧٣٤١L",
    "91110000600037341L\x00",
    "ß" * 9,
]


@pytest.mark.parametrize("code", VALID)
def test_standard_examples_are_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


def test_wrong_check_character_is_a_checksum_error() -> None:
    with pytest.raises(InvalidChecksum, match="check character"):
        validate_uscc("91110000600037341N")
    assert not is_valid_uscc("91110000600037341N")


def test_canonical_form_drops_separators_and_upper_cases() -> None:
    assert validate_uscc(" 9111-0000-6000-3734-1l ") == "91110000600037341L"


@pytest.mark.parametrize("department", ["A", "N", "Y", "1", "9"])
def test_letter_registering_departments_are_accepted(department: str) -> None:
    first17 = department + "1610113" + "MB155808" + "1"
    assert is_valid_uscc(first17 + uscc_check_character(first17))


def test_region_must_be_digits() -> None:
    first17 = "91A10000600037341"
    with pytest.raises(InvalidFormat, match="region"):
        validate_uscc(first17 + uscc_check_character(first17))


def test_wrong_organisation_check_character_is_reported_as_such() -> None:
    first17 = "9111000060003734" + "2"  # the organisation code's own check should be 1
    with pytest.raises(InvalidChecksum, match="organisation code"):
        validate_uscc(first17 + uscc_check_character(first17))


@pytest.mark.parametrize(
    ("text", "error"),
    [("9111000060003734", InvalidLength), ("91110000600037341O", InvalidFormat)],
)
def test_each_failed_check_has_its_own_error(text: str, error: type[InvalidCode]) -> None:
    with pytest.raises(error):
        validate_uscc(text)


@pytest.mark.parametrize("junk", JUNK)
def test_is_valid_never_raises(junk: object) -> None:
    assert is_valid_uscc(junk) is False
    assert is_valid_organization_code(junk) is False
    with pytest.raises(InvalidCode):
        validate_uscc(junk)


@given(st.from_type(object) | st.text() | st.binary())
def test_is_valid_uscc_never_raises_on_anything(value: object) -> None:
    assert isinstance(is_valid_uscc(value), bool)


@given(usccs())
def test_every_single_character_substitution_is_caught(code: str) -> None:
    for position, original in enumerate(code):
        for replacement in USCC_ALPHABET:
            if replacement != original:
                changed = code[:position] + replacement + code[position + 1 :]
                assert not is_valid_uscc(changed), changed


@given(usccs())
def test_check_character_agrees_with_python_stdnum(code: str) -> None:
    assert uscc_check_character(code[:17]) == stdnum_uscc.calc_check_digit(code[:17])


@pytest.mark.parametrize(
    ("body", "check"), [("60003734", "1"), ("MB155808", "1"), ("07837757", "X")]
)
def test_organisation_check_character_examples(body: str, check: str) -> None:
    assert organization_check_character(body) == check
    assert validate_organization_code(body + check) == body + check


def test_organisation_code_errors() -> None:
    with pytest.raises(InvalidChecksum):
        validate_organization_code("600037342")
    with pytest.raises(InvalidLength):
        validate_organization_code("60003734")
    with pytest.raises(InvalidFormat):
        validate_organization_code("6000373!1")


def test_region_lookup_uses_the_gbt2260_table_with_years() -> None:
    yanta = region("610113")
    assert yanta is not None
    assert (yanta.province, yanta.name, yanta.names[-1].since) == ("陕西省", "雁塔区", 1983)
    chongwen = region("110103")
    assert chongwen is not None and chongwen.names[-1].until == 2010


def test_unknown_region_is_none_and_malformed_region_raises() -> None:
    assert region("619999") is None
    with pytest.raises(InvalidFormat):
        validate_region_code("61011")
    with pytest.raises(InvalidFormat):
        validate_region_code("６１０１１３")


def test_a_wrong_check_character_says_which_was_expected_and_which_was_found() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        validate_uscc("91110000600037341N")
    assert "expected 'L', found 'N'" in caught.value.message
    assert "第 18 位应为 'L'，实为 'N'" in caught.value.message_zh


def test_a_wrong_organisation_check_character_in_a_uscc_says_which_was_expected() -> None:
    first17 = "9111000060003734" + "2"
    with pytest.raises(InvalidChecksum) as caught:
        validate_uscc(first17 + uscc_check_character(first17))
    assert "expected '1', found '2'" in caught.value.message
    assert "ends in '1L'" in caught.value.message  # the last character changes with it
    assert "（第 17 位）错误：应为 '1'，实为 '2'" in caught.value.message_zh
    assert "'1L'" in caught.value.message_zh


def test_a_wrong_organisation_code_check_character_says_which_was_expected() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        validate_organization_code("600037342")
    assert "expected '1', found '2'" in caught.value.message
    assert "第 9 位应为 '1'，实为 '2'" in caught.value.message_zh


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        ("9111000060003734", "18 characters (digits and capital letters), not 16", "而不是 16 位"),
        ("91110000600037341O", "other than I, O, S, V and Z", "I、O、S、V、Z 以外的大写字母"),
        ("９１１１００００６０００３７３４１Ｌ", "'９'", "统一社会信用代码含有不允许的字符 '９'"),
    ],
)
def test_usccs_of_the_wrong_shape_say_what_a_uscc_is(text: str, en: str, zh: str) -> None:
    with pytest.raises(InvalidCode) as caught:
        validate_uscc(text)
    assert en in caught.value.message and zh in caught.value.message_zh
    with pytest.raises(InvalidCode) as caught:
        validate_organization_code(text[:9])
    assert "organisation code" not in caught.value.message_zh
