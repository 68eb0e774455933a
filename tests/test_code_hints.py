"""A text that is not a code of the family is told what it most resembles and what is off."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_codes

from service_codes import CatalogCode, InvalidCode, parse_code
from service_codes.errors import InvalidLength


@pytest.mark.parametrize(
    ("text", "resembles", "en", "zh"),
    [
        # A 31-character local code used to be read as a USCC of 15 characters.
        ("E-000004-001-000-0001-00000001", "local code", "provincial local code", "省级地方编码"),
        ("E-000004-001", "local code", "local_codes", "地方编码"),
        ("XK00101000", "legacy code", "legacy local code of type XK", "旧版地方编码"),
        ("gg00101000", "legacy code", "(公共服务)", "公共服务"),
        ("91110000600037341L", "uscc", "is an agency's USCC", "统一社会信用代码"),
        ("91110000600037341N", "agency code", "not a valid one", "不是有效的统一社会信用代码"),
        ("1210000040000053", "catalog code", "closest to", "最接近"),
        (
            "12100000400000536Y100210500300",
            "implementation code",
            "1 character(s) short",
            "少 1 位",
        ),
        (
            "12100000400000536Y10021050030002024030100012345678",
            "case number",
            "2 character(s) too many",
            "多 2 位",
        ),
    ],
)
def test_what_a_text_resembles_is_said(text: str, resembles: str, en: str, zh: str) -> None:
    with pytest.raises(InvalidCode) as caught:
        parse_code(text)
    error = caught.value
    assert error.resembles == resembles
    assert en in error.message and zh in error.message_zh
    assert "a USCC has 18 characters" not in error.message


def test_a_code_of_another_kind_is_named_by_its_kind() -> None:
    with pytest.raises(InvalidLength) as caught:
        CatalogCode.parse("12100000400000536Y1002105003000")
    assert caught.value.resembles == "implementation code"
    assert "has the length of an implementation code" in caught.value.message
    assert "实施编码" in caught.value.message_zh


@given(any_codes, st.data())
def test_spaces_and_lower_case_are_read_as_stdnum_compact_reads_them(
    code: object, data: st.DataObject
) -> None:
    text = str(code)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=3))
    spaced = text.lower()
    for cut in sorted(cuts, reverse=True):
        spaced = spaced[:cut] + " " + spaced[cut:]
    assert str(parse_code(spaced)) == text
    assert str(parse_code(f"\u3000{spaced}\t")) == text


def test_a_short_run_of_digits_still_suggests_lost_zeros() -> None:
    with pytest.raises(InvalidLength) as caught:
        parse_code("104002000")
    assert "'000104002000'" in caught.value.message and caught.value.resembles is None


@pytest.mark.parametrize("letter", ["ﬀ", "ı", "ſ", "ß"])
def test_only_ascii_letters_are_read_in_capitals(letter: str) -> None:
    text = "91110000MA" + letter + "12340G4000104002000"
    with pytest.raises(InvalidCode):
        parse_code(text)
    with pytest.raises(InvalidCode):
        parse_code(text.lower())
