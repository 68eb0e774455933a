"""The code lists of STANDARDS.md §2: one enum per list, and its codes per scheme.

An enum member's value is a stable English slug; what it is called in Chinese and
which code stands for it in each named scheme (``gbt39046``, ``platform``) is data,
read once from ``codelists.toml`` beside this module.

>>> code(MatterType.LICENSING)
'01'
>>> code(ServiceObject.GOVERNMENT, "platform"), code(ServiceObject.GOVERNMENT, "gbt39046")
('6', '5')
>>> from_code(Level, "4")
<Level.COUNTY: 'county'>
>>> label_zh(Level.COUNTY)
'县级'
"""

from __future__ import annotations

import enum
import tomllib
from importlib import resources
from typing import Final, Literal, TypeVar, cast

from service_codes.errors import InvalidComponent

Scheme = Literal["gbt39046", "platform"]
SCHEMES: Final[tuple[Scheme, ...]] = ("gbt39046", "platform")


class MatterType(enum.StrEnum):
    """事项类型 (the umbrella code 00 groups powers and is not a matter's own type)."""

    LICENSING = "licensing"
    PENALTY = "penalty"
    COERCION = "coercion"
    LEVY = "levy"
    BENEFIT = "benefit"
    INSPECTION = "inspection"
    CONFIRMATION = "confirmation"
    REWARD = "reward"
    ADJUDICATION = "adjudication"
    OTHER_POWER = "other_power"
    PUBLIC_SERVICE = "public_service"


class Level(enum.StrEnum):
    """行使层级: the administrative level that exercises the matter."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    TIERED = "tiered"


class AgencyNature(enum.StrEnum):
    """实施主体性质."""

    STATUTORY = "statutory"
    AUTHORIZED = "authorized"
    ENTRUSTED = "entrusted"
    OTHER = "other"


class ServiceObject(enum.StrEnum):
    """服务对象; GB/T 39046 and the platform code it differently (see codelists)."""

    NATURAL_PERSON = "natural_person"
    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"
    SOCIAL_ORGANIZATION = "social_organization"
    UNINCORPORATED_ENTERPRISE = "unincorporated_enterprise"
    GOVERNMENT = "government"
    OTHER_ORGANIZATION = "other_organization"


class HandlingForm(enum.StrEnum):
    """办理形式."""

    COUNTER = "counter"
    WEB = "web"
    MOBILE = "mobile"
    MAIL = "mail"
    OTHER = "other"


class CaseType(enum.StrEnum):
    """办件类型: 即办件 is done on the spot, 承诺件 within a promised time."""

    IMMEDIATE = "immediate"
    PROMISED = "promised"
    OTHER = "other"


class PowerSource(enum.StrEnum):
    """权力来源."""

    STATUTORY = "statutory"
    DELEGATED = "delegated"
    AUTHORIZED_BY_SUPERIOR = "authorized_by_superior"
    AUTHORIZED_BY_PEER = "authorized_by_peer"
    ENTRUSTED_BY_SUPERIOR = "entrusted_by_superior"
    ENTRUSTED_BY_PEER = "entrusted_by_peer"


class Necessity(enum.StrEnum):
    """材料必要性; DEFERRABLE (容缺后补) may be supplied after acceptance."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    DEFERRABLE = "deferrable"


class MaterialKind(enum.StrEnum):
    """材料类型."""

    CERTIFICATE = "certificate"
    FORM = "form"
    OTHER = "other"


class MaterialForm(enum.StrEnum):
    """材料形式."""

    PAPER = "paper"
    ELECTRONIC = "electronic"
    PAPER_OR_ELECTRONIC = "paper_or_electronic"


class MaterialSource(enum.StrEnum):
    """来源渠道."""

    APPLICANT = "applicant"
    GOVERNMENT = "government"
    OTHER = "other"


class OnlineDepth(enum.StrEnum):
    """网上办理深度, from shallow (consultation) to deep (electronic licence)."""

    CONSULTATION = "consultation"
    RECEIPT = "receipt"
    PRE_REVIEW = "pre_review"
    ACCEPTANCE = "acceptance"
    HANDLING = "handling"
    RESULT_FEEDBACK = "result_feedback"
    ELECTRONIC_LICENCE = "electronic_licence"


class Scope(enum.StrEnum):
    """通办范围: where the matter can be handled regardless of residence."""

    NATIONWIDE = "nationwide"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    ACROSS_VILLAGES = "across_villages"


class TimeUnit(enum.StrEnum):
    """时限单位."""

    WORKING_DAY = "working_day"
    CALENDAR_DAY = "calendar_day"


class MatterState(enum.StrEnum):
    """事项状态."""

    IN_USE = "in_use"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class PenaltyKind(enum.StrEnum):
    """行政处罚的种类, in the order of article 9 of the Administrative Penalty Law."""

    WARNING = "warning"
    CRITICISM = "criticism"
    FINE = "fine"
    CONFISCATE_GAINS = "confiscate_gains"
    CONFISCATE_PROPERTY = "confiscate_property"
    SUSPEND_LICENCE = "suspend_licence"
    LOWER_QUALIFICATION = "lower_qualification"
    REVOKE_LICENCE = "revoke_licence"
    RESTRICT_BUSINESS = "restrict_business"
    SUSPEND_BUSINESS = "suspend_business"
    CLOSE = "close"
    RESTRICT_PRACTICE = "restrict_practice"
    DETENTION = "detention"
    OTHER = "other"


class Circumstance(enum.StrEnum):
    """违法情节 of a discretion standard, from the lightest to the heaviest."""

    MINOR = "minor"
    ORDINARY = "ordinary"
    SERIOUS = "serious"
    GRAVE = "grave"
    EXTREME = "extreme"


class RangeUnit(enum.StrEnum):
    """The unit of a penalty's range: an amount, a multiple of a base, or days."""

    YUAN = "yuan"
    TEN_THOUSAND_YUAN = "ten_thousand_yuan"
    TIMES = "times"
    DAY = "day"


class Frequency(enum.StrEnum):
    """抽查频次 of a random inspection."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    BIENNIAL = "biennial"
    AS_NEEDED = "as_needed"


class Disclosure(enum.StrEnum):
    """公开方式 of a guide: published (主动公开), given on request, or not disclosed."""

    ACTIVE = "active"
    ON_REQUEST = "on_request"
    WITHHELD = "withheld"


E = TypeVar("E", bound=enum.StrEnum)

# Table name in codelists.toml for each enum.
_TABLES: Final[dict[type[enum.StrEnum], str]] = {
    MatterType: "matter_type",
    Level: "level",
    AgencyNature: "agency_nature",
    ServiceObject: "service_object",
    HandlingForm: "handling_form",
    CaseType: "case_type",
    PowerSource: "power_source",
    Necessity: "necessity",
    MaterialKind: "material_kind",
    MaterialForm: "material_form",
    MaterialSource: "material_source",
    OnlineDepth: "online_depth",
    Scope: "scope",
    TimeUnit: "time_unit",
    MatterState: "matter_state",
    PenaltyKind: "penalty_kind",
    Circumstance: "circumstance",
    RangeUnit: "range_unit",
    Frequency: "frequency",
    Disclosure: "disclosure",
}


# Keys carry the enum type: StrEnum members equal their slug, so AgencyNature.OTHER and
# CaseType.OTHER would otherwise be the same key.
_Key = tuple[type[enum.StrEnum], str]


def _load() -> tuple[
    dict[_Key, str], dict[tuple[_Key, Scheme], str], dict[tuple[_Key, Scheme], enum.StrEnum]
]:
    data = tomllib.loads(
        resources.files("service_codes").joinpath("codelists.toml").read_text("utf-8")
    )
    labels: dict[_Key, str] = {}
    codes: dict[tuple[_Key, Scheme], str] = {}
    members: dict[tuple[_Key, Scheme], enum.StrEnum] = {}
    for enum_type, table in _TABLES.items():
        rows = data[table]
        # The data file and the enums must describe the same lists, member for member.
        if set(rows) != {m.value for m in enum_type}:
            raise RuntimeError(f"codelists.toml [{table}] does not match {enum_type.__name__}")
        for member in enum_type:
            row = rows[member.value]
            labels[enum_type, member.value] = row["zh"]
            for scheme in SCHEMES:
                value = row.get(scheme, row.get("code"))
                if value is not None:
                    codes[(enum_type, member.value), scheme] = value
                    members[(enum_type, value), scheme] = member
    return labels, codes, members


_LABELS, _CODES, _MEMBERS = _load()
_BY_LABEL: Final = {(enum_type, label): slug for (enum_type, slug), label in _LABELS.items()}
# Every code-list enum, for formats that look them up by name.
ENUMS: Final[dict[str, type[enum.StrEnum]]] = {e.__name__: e for e in _TABLES}


def label_zh(member: enum.StrEnum) -> str:
    """The Chinese name of a code-list member, as the standard writes it."""
    return _LABELS[type(member), member.value]


def from_label(enum_type: type[E], label: str) -> E | None:
    """The member whose Chinese name is ``label``, or None when no member has it.

    >>> from_label(Level, "县级")
    <Level.COUNTY: 'county'>
    """
    slug = _BY_LABEL.get((enum_type, label))
    return None if slug is None else enum_type(slug)


def code(member: enum.StrEnum, scheme: Scheme = "gbt39046") -> str:
    """The code of ``member`` in ``scheme``.

    Raises :class:`InvalidComponent` when the scheme has no code for it (for
    example 非法人企业 in GB/T 39046, or a list the standard does not number).
    """
    try:
        return _CODES[(type(member), member.value), scheme]
    except KeyError:
        raise InvalidComponent(
            f"{type(member).__name__}.{member.name} has no code in scheme {scheme!r}",
            f"{label_zh(member)} 在编码方案 {scheme} 中没有代码",
        ) from None


def has_code(member: enum.StrEnum, scheme: Scheme = "gbt39046") -> bool:
    """Whether ``scheme`` has a code for ``member``."""
    return ((type(member), member.value), scheme) in _CODES


def from_code(enum_type: type[E], value: str, scheme: Scheme = "gbt39046") -> E:
    """The member of ``enum_type`` that ``value`` stands for in ``scheme``.

    Raises :class:`InvalidComponent` for a code the scheme does not know.
    """
    member = _MEMBERS.get(((enum_type, value), scheme))
    if member is None:
        raise InvalidComponent(
            f"{value!r} is not a known {enum_type.__name__} code in scheme {scheme!r}",
            f"{value!r} 不是编码方案 {scheme} 中已知的{enum_type.__name__}代码",
        )
    return cast(E, member)
