from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from strategies import any_codes, guides

from service_codes import Guide, TimeLimit, TimeUnit
from service_codes.convert import guide_to_data, structure, unstructure


@given(any_codes)
def test_codes_become_their_canonical_text(code: object) -> None:
    assert unstructure(code) == str(code)
    assert structure(str(code), type(code)) == code


def test_dates_are_iso_and_impossible_dates_are_rejected() -> None:
    assert unstructure(dt.date(2024, 3, 1)) == "2024-03-01"
    assert structure("2024-03-01", dt.date) == dt.date(2024, 3, 1)
    with pytest.raises(ValueError):
        structure("2024-02-30", dt.date)


def test_defaults_are_left_out_and_enums_are_slugs() -> None:
    data = unstructure(TimeLimit(value=3, unit=TimeUnit.CALENDAR_DAY))
    assert data == {"value": 3, "unit": "calendar_day"}
    assert type(data["unit"]) is str


@given(guides())
def test_plain_data_holds_only_json_types(guide: Guide) -> None:
    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(type(k) is str and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return type(value) in (str, int, float, bool)

    data = guide_to_data(guide)
    assert plain(data)
    assert structure(data, Guide) == guide
