"""Typed, immutable records of a service guide: the vocabulary of STANDARDS.md.

Records carry data only. Parsing, emitting, code assignment and validation are
functions in their own modules that take these records. Enum values are stable
English slugs; the enums
and their numeric codes per scheme live in ``codelists`` and are re-exported here.

>>> limit = TimeLimit(value=20, unit=TimeUnit.WORKING_DAY)
>>> limit.value, limit.unit.value
(20, 'working_day')
"""

from __future__ import annotations

import datetime as dt

import attrs

from service_codes.codelists import (
    AgencyNature,
    CaseType,
    Circumstance,
    Disclosure,
    Frequency,
    HandlingForm,
    Level,
    MaterialForm,
    MaterialKind,
    MaterialSource,
    MatterState,
    Necessity,
    OnlineDepth,
    PenaltyKind,
    PowerSource,
    RangeUnit,
    Scope,
    ServiceObject,
    TimeUnit,
)
from service_codes.codes import CatalogCode, HandlingItemCode, ImplementationCode, MaterialCode
from service_codes.matter_types import AnyMatterType


@attrs.frozen(kw_only=True)
class TimeLimit:
    """A time limit: a whole number of working or calendar days, with a note."""

    value: int
    unit: TimeUnit
    note: str | None = None


@attrs.frozen(kw_only=True)
class Agency:
    """实施主体: the implementing body, identified by its USCC."""

    name: str
    uscc: str
    nature: AgencyNature = AgencyNature.STATUTORY


@attrs.frozen(kw_only=True)
class LegalBasis:
    """设定依据: one law or regulation, the article, and its text."""

    law: str
    article: str | None = None
    text: str | None = None


@attrs.frozen(kw_only=True)
class Step:
    """One step of the handling process (办理流程), numbered from 1."""

    order: int
    name: str
    actor: str
    time_limit: TimeLimit | None = None
    description: str | None = None


@attrs.frozen(kw_only=True)
class SpecialProcedure:
    """特别程序 (hearing, expert review, ...) and the time it adds."""

    name: str
    time_limit: TimeLimit | None = None
    note: str | None = None


@attrs.frozen(kw_only=True)
class ApprovalResult:
    """审批结果: what the applicant receives, e.g. a licence and its sample."""

    kind: str
    name: str
    sample: str | None = None


@attrs.frozen(kw_only=True)
class Option:
    """One answer to a situation's question; conditions, materials and fees name its ``id``."""

    id: str
    name: str


@attrs.frozen(kw_only=True)
class Situation:
    """情形: a question the applicant answers once (申请人类型), and its options.

    A condition, material or fee that names options of a situation applies when one of them
    is chosen; one that names none applies whatever the answer.
    """

    id: str
    question: str
    options: tuple[Option, ...]
    required: bool = True
    multiple: bool = False


@attrs.frozen(kw_only=True)
class Condition:
    """受理条件: one condition of acceptance, and the options it applies to (none: all)."""

    text: str
    applies_to: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Material:
    """申请材料: one application material, numbered from 1."""

    order: int
    name: str
    kind: MaterialKind
    form: MaterialForm
    necessity: Necessity
    source: MaterialSource
    originals: int
    copies: int
    code: MaterialCode | None = None
    source_note: str | None = None
    paper_size: str | None = None
    blank_form: str | None = None
    sample: str | None = None
    filling_notes: str | None = None
    acceptance_standard: str | None = None
    legal_basis: str | None = None
    remark: str | None = None
    applies_to: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Fee:
    """收费项目."""

    name: str
    standard: str
    legal_basis: str | None = None
    reducible: bool = False
    reduction_reason: str | None = None
    applies_to: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class IntermediaryService:
    """中介服务: a service the applicant must buy for a licence, its fee and the fee's basis."""

    name: str
    standard: str | None = None
    legal_basis: str | None = None


@attrs.frozen(kw_only=True)
class Faq:
    """A frequently asked question, numbered from 1."""

    order: int
    question: str
    answer: str


@attrs.frozen(kw_only=True)
class HandlingItem:
    """业务办理项: a concrete case of an implementation, with its 33-character code."""

    name: str
    code: HandlingItemCode | None = None


@attrs.frozen(kw_only=True)
class Penalty:
    """One kind of penalty a discretion row sets, and its range (幅度).

    The range is an amount (yuan or ten thousand yuan), a multiple of ``base`` (违法所得,
    货值金额) or days; a bound left out is open.
    """

    kind: PenaltyKind
    minimum: float | None = None
    maximum: float | None = None
    unit: RangeUnit | None = None
    base: str | None = None
    note: str | None = None


@attrs.frozen(kw_only=True)
class Discretion:
    """行政裁量权基准: one conduct under one circumstance, and the penalties it gets."""

    conduct: str
    legal_basis: str
    circumstance: Circumstance
    penalties: tuple[Penalty, ...]
    facts: str | None = None


@attrs.frozen(kw_only=True)
class Inspection:
    """随机抽查: how a check matter is inspected at random (双随机一公开)."""

    legal_basis: str
    body: str
    object_kind: str
    subjects: int
    ratio: float
    frequency: Frequency
    content: str
    method: str


@attrs.frozen(kw_only=True)
class Responsibility:
    """责任清单: what the agency of a power matter answers for, and when it is held to account."""

    items: tuple[str, ...]
    accountability: tuple[str, ...]
    channel: str


@attrs.frozen
class Publicity:
    """公开属性: whether a guide is published (主动公开, the default), given on request or not
    disclosed (with the reason and its legal ground), and the fields it keeps back: JSON
    Pointers of optional fields (an internal contact, a note for staff) no published output
    shows."""

    disclosure: Disclosure = Disclosure.ACTIVE
    reason: str | None = None
    ground: str | None = None
    withheld: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Matter:
    """The basic-catalogue entry a guide implements; it owns the catalog code."""

    origin: str
    matter_type: AnyMatterType
    name: str
    sub_name: str | None
    legal_basis: tuple[LegalBasis, ...]
    competent_department: str


@attrs.frozen(kw_only=True)
class Guide:
    """办事指南: every element of one implementation of a matter by one agency.

    Fields without a default are required in every guide; ``catalog_code`` and
    ``implementation_code`` stay ``None`` until the registry assigns them.
    """

    # Identification
    name: str
    matter_type: AnyMatterType
    level: Level
    sub_name: str | None = None
    origin: str = "00"
    catalog_code: CatalogCode | None = None
    implementation_code: ImplementationCode | None = None
    local_codes: tuple[str, ...] = ()
    local_catalog_code: str | None = None
    state: MatterState = MatterState.IN_USE
    version: int = 1
    effective_date: dt.date | None = None
    cancel_date: dt.date | None = None
    # Implementing body
    agency: Agency
    competent_department: str
    power_source: PowerSource = PowerSource.STATUTORY
    entrusting_department: str | None = None
    joint_agencies: tuple[str, ...] = ()
    # Substance
    legal_basis: tuple[LegalBasis, ...]
    situations: tuple[Situation, ...] = ()
    conditions: tuple[Condition, ...]
    steps: tuple[Step, ...]
    special_procedures: tuple[SpecialProcedure, ...] = ()
    quantity_limit: str | None = None
    intermediary_services: tuple[IntermediaryService, ...] = ()
    result: ApprovalResult | None = None
    # Time limits
    legal_limit: TimeLimit
    promised_limit: TimeLimit
    # Delivery
    service_objects: tuple[ServiceObject, ...]
    case_type: CaseType
    handling_forms: tuple[HandlingForm, ...]
    visits: int
    visit_reason: str | None = None
    online_depth: OnlineDepth | None = None
    online_urls: tuple[str, ...] = ()
    place: str
    hours: str
    scope: Scope | None = None
    # Contact
    consultation: str
    supervision: str
    # Flags
    charged: bool = False
    in_hall: bool = False
    online: bool = False
    online_payment: bool = False
    express_delivery: bool = False
    appointment: bool = False
    self_service_terminal: bool = False
    # Parts
    materials: tuple[Material, ...]
    fees: tuple[Fee, ...] = ()
    faqs: tuple[Faq, ...] = ()
    handling_items: tuple[HandlingItem, ...] = ()
    # Powers
    discretion: tuple[Discretion, ...] = ()
    inspection: Inspection | None = None
    responsibility: Responsibility | None = None
    # Publication
    publicity: Publicity = Publicity()

    @property
    def matter(self) -> Matter:
        """The basic-catalogue entry this guide implements."""
        return Matter(
            origin=self.origin,
            matter_type=self.matter_type,
            name=self.name,
            sub_name=self.sub_name,
            legal_basis=self.legal_basis,
            competent_department=self.competent_department,
        )
