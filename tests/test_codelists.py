from __future__ import annotations

import enum

import pytest

from service_codes import InvalidComponent, Level, MatterType, ServiceObject
from service_codes.codelists import _TABLES, SCHEMES, code, from_code, label_zh
from service_codes.schemas import guide_schema

ENUMS = list(_TABLES)


@pytest.mark.parametrize("enum_type", ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_a_chinese_label(enum_type: type[enum.StrEnum]) -> None:
    labels = [label_zh(m) for m in enum_type]
    assert all(labels) and len(set(labels)) == len(labels)


@pytest.mark.parametrize("enum_type", ENUMS, ids=lambda e: e.__name__)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_codes_and_members_are_inverse(enum_type: type[enum.StrEnum], scheme: str) -> None:
    for member in enum_type:
        try:
            value = code(member, scheme)  # type: ignore[arg-type]
        except InvalidComponent:
            continue
        assert from_code(enum_type, value, scheme) is member  # type: ignore[arg-type]


def test_standard_codes() -> None:
    assert [code(t) for t in MatterType] == [
        "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20",
    ]  # fmt: skip
    assert [code(level) for level in Level] == list("1234567")


def test_the_two_service_object_schemes_disagree_as_the_standards_say() -> None:
    gbt = {
        m: code(m, "gbt39046")
        for m in ServiceObject
        if m != ServiceObject.UNINCORPORATED_ENTERPRISE
    }
    platform = {m: code(m, "platform") for m in ServiceObject}
    assert gbt[ServiceObject.GOVERNMENT] == "5" and platform[ServiceObject.GOVERNMENT] == "6"
    assert gbt[ServiceObject.OTHER_ORGANIZATION] == "6"
    assert platform[ServiceObject.OTHER_ORGANIZATION] == "9"
    assert platform[ServiceObject.UNINCORPORATED_ENTERPRISE] == "5"
    with pytest.raises(InvalidComponent, match="gbt39046"):
        code(ServiceObject.UNINCORPORATED_ENTERPRISE, "gbt39046")


def test_unknown_code_is_an_invalid_component() -> None:
    with pytest.raises(InvalidComponent):
        from_code(Level, "8")
    with pytest.raises(InvalidComponent):
        from_code(MatterType, "00")


@pytest.mark.parametrize("enum_type", ENUMS, ids=lambda e: e.__name__)
def test_schema_enums_match_the_code_lists(enum_type: type[enum.StrEnum]) -> None:
    definition = guide_schema()["$defs"][enum_type.__name__]
    assert definition["enum"] == [m.value for m in enum_type]
    assert definition["enumDescriptions"] == [label_zh(m) for m in enum_type]
