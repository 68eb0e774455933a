from __future__ import annotations

import datetime as dt

import attrs
import cattrs
import orjson
import pytest
from hypothesis import given
from strategies import any_codes, guides

from service_codes import Guide, Level, TimeLimit, TimeUnit
from service_codes.convert import converter, guide_to_data, structure, unstructure
from service_codes.matter_types import AnyMatterType, ExtensionType, MatterType


def cattrs_own() -> cattrs.Converter:
    """The converter with cattrs' generated record functions in place of ours."""
    reference = converter.copy()
    reference.register_unstructure_hook_factory(attrs.has, reference.gen_unstructure_attrs_fromdict)
    return reference


CATTRS_OWN = cattrs_own()


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


@given(guides())
def test_records_unstructure_as_cattrs_own_functions_do_keys_in_the_same_order(
    guide: Guide,
) -> None:
    ours, theirs = guide_to_data(guide), CATTRS_OWN.unstructure(guide, Guide)
    assert ours == theirs
    assert orjson.dumps(ours) == orjson.dumps(theirs)  # the same key order, at every level


_ONE_DAY = TimeLimit(value=1, unit=TimeUnit.WORKING_DAY)


@attrs.frozen
class _Sample:
    level: Level
    limit: TimeLimit | None
    levels: tuple[Level, ...] = ()
    kept: TimeLimit = _ONE_DAY
    note: str | None = None
    kind: AnyMatterType | None = None


@pytest.mark.parametrize(
    "record",
    [
        _Sample(level=Level.COUNTY, limit=None),
        _Sample(
            level=Level.CITY,
            limit=TimeLimit(value=2, unit=TimeUnit.CALENDAR_DAY, note="n"),
            levels=(Level.CITY, Level.COUNTY),
            kept=TimeLimit(value=1, unit=TimeUnit.CALENDAR_DAY),
            note="",
            kind=ExtensionType("98"),
        ),
        _Sample(level=Level.COUNTY, limit=None, kind=MatterType.LICENSING),
    ],
)
def test_required_optionals_defaults_and_enum_sequences_unstructure_as_cattrs_does(
    record: _Sample,
) -> None:
    ours, theirs = unstructure(record), CATTRS_OWN.unstructure(record)
    assert ours == theirs and list(ours) == list(theirs)


@attrs.frozen
class _WithFactory:
    names: list[str] = attrs.Factory(list)
    count: int = attrs.field(default=0, init=False)


def test_records_our_functions_do_not_cover_are_left_to_cattrs() -> None:
    assert unstructure(_WithFactory()) == CATTRS_OWN.unstructure(_WithFactory()) == {}
    assert unstructure(_WithFactory(names=["a"])) == {"names": ["a"]}
