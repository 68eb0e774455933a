"""Case numbers (办件编号): the implementation code, the application date and a serial."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import implementation_codes

from service_codes import CaseNumber, ImplementationCode, InvalidCode, parse_code
from service_codes.errors import InvalidComponent, InvalidFormat, InvalidLength

IMPLEMENTATION = ImplementationCode.parse("12100000400000536Y1002105003000")
serials = st.integers(4, 9).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))


@given(implementation_codes, st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), serials)
def test_a_case_number_composes_decomposes_and_round_trips(
    implementation: ImplementationCode, date: dt.date, serial: str
) -> None:
    case = CaseNumber(implementation, date, serial)
    text = str(case)
    assert len(text) == 31 + 8 + len(serial)
    assert text == f"{implementation}{date.year:04d}{date.month:02d}{date.day:02d}{serial}"
    assert CaseNumber.parse(text) == case and parse_code(text) == case
    parsed = CaseNumber.parse(text)
    assert (parsed.implementation, parsed.date, parsed.serial) == (implementation, date, serial)


@pytest.mark.parametrize("width", range(4, 10))
def test_serials_of_four_to_nine_digits_are_read_and_keep_their_width(width: int) -> None:
    text = f"{IMPLEMENTATION}20240301" + "1".zfill(width)
    case = parse_code(text)
    assert isinstance(case, CaseNumber)
    assert case.serial == "1".zfill(width) and str(case) == text
    assert case.date == dt.date(2024, 3, 1) and case.implementation == IMPLEMENTATION


@pytest.mark.parametrize("width", [3, 10])
def test_a_serial_of_another_width_is_refused(width: int) -> None:
    with pytest.raises(InvalidLength):
        CaseNumber.parse(f"{IMPLEMENTATION}20240301" + "1".zfill(width))
    with pytest.raises(InvalidComponent, match="4 to 9 digits"):
        CaseNumber(IMPLEMENTATION, dt.date(2024, 3, 1), "1".zfill(width))


@pytest.mark.parametrize("date", ["20240230", "20230229", "20241301", "20240000", "00000101"])
def test_the_application_date_must_be_a_real_date(date: str) -> None:
    with pytest.raises(InvalidComponent) as caught:
        parse_code(f"{IMPLEMENTATION}{date}0001")
    assert date in caught.value.message and "不是真实存在的日期" in caught.value.message_zh


def test_a_leap_day_is_a_real_date() -> None:
    assert CaseNumber.parse(f"{IMPLEMENTATION}202402290001").date == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "error", "names"),
    [
        (f"{IMPLEMENTATION}2024030100a1", InvalidFormat, "serial"),
        (f"{IMPLEMENTATION}2024O3010001", InvalidFormat, "application date"),
        ("12100000400000536Y9002105003000202403010001", InvalidComponent, "level"),
        ("12100000400000536X1002105003000202403010001", InvalidCode, "USCC"),
    ],
)
def test_a_wrong_part_is_named(text: str, error: type[InvalidCode], names: str) -> None:
    with pytest.raises(error, match=names):
        CaseNumber.parse(text)


def test_parts_of_the_wrong_type_are_refused() -> None:
    with pytest.raises(InvalidComponent):
        CaseNumber("12100000400000536Y1002105003000", dt.date(2024, 3, 1), "0001")  # type: ignore[arg-type]
    with pytest.raises(InvalidComponent):
        CaseNumber(IMPLEMENTATION, "20240301", "0001")  # type: ignore[arg-type]
    with pytest.raises(InvalidComponent):
        CaseNumber(IMPLEMENTATION, dt.date(2024, 3, 1), 1)  # type: ignore[arg-type]
