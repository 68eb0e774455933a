"""Hypothesis strategies shared by the tests: identifiers, codes and whole guides."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from service_codes import (
    Agency,
    AgencyNature,
    ApprovalResult,
    CaseType,
    CatalogCode,
    Circumstance,
    Condition,
    Disclosure,
    Discretion,
    Faq,
    Fee,
    Frequency,
    Guide,
    HandlingForm,
    HandlingItem,
    HandlingItemCode,
    ImplementationCode,
    Inspection,
    IntermediaryService,
    LegalBasis,
    Level,
    Material,
    MaterialCode,
    MaterialForm,
    MaterialKind,
    MaterialSource,
    MatterState,
    MatterType,
    Necessity,
    OnlineDepth,
    Option,
    Penalty,
    PenaltyKind,
    PowerSource,
    Publicity,
    RangeUnit,
    Responsibility,
    Scope,
    ServiceObject,
    Situation,
    SpecialProcedure,
    Step,
    TimeLimit,
    TimeUnit,
)
from service_codes.convert import guide_to_data
from service_codes.identifiers import (
    PROVINCES,
    USCC_ALPHABET,
    organization_check_character,
    uscc_check_character,
)
from service_codes.matter_types import from_slot

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

DIGITS = "0123456789"
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """Valid USCCs: any registering department and category, a digit region, and an
    organisation code whose own check character is right and fits the USCC alphabet."""
    head = draw(st.text(USCC_ALPHABET, min_size=2, max_size=2))
    region = draw(st.text(DIGITS, min_size=6, max_size=6))
    org_alphabet = "".join(c for c in ORG_ALPHABET if c in USCC_ALPHABET)
    body = draw(
        st.text(org_alphabet, min_size=8, max_size=8).filter(
            lambda b: organization_check_character(b) in USCC_ALPHABET
        )
    )
    first17 = head + region + body + organization_check_character(body)
    return first17 + uscc_check_character(first17)


origins = st.sampled_from(["00", *sorted(PROVINCES)])

# Every two digits of the open type slot: the standard's types and the extensions beyond them.
type_slots = st.integers(0, 99).map(lambda n: f"{n:02d}")
any_matter_types = type_slots.map(from_slot)
catalog_codes = st.builds(
    CatalogCode,
    origin=origins,
    matter_type=any_matter_types,
    main=st.integers(1, 99999),
    sub=st.integers(0, 999),
)
implementation_codes = st.builds(
    ImplementationCode, uscc=usccs(), level=st.sampled_from(Level), catalog=catalog_codes
)
handling_item_codes = st.builds(
    HandlingItemCode, implementation=implementation_codes, seq=st.integers(1, 99)
)
material_codes = st.builds(
    MaterialCode,
    parent=st.one_of(implementation_codes, handling_item_codes),
    seq=st.integers(1, 999),
)
any_codes = st.one_of(catalog_codes, implementation_codes, handling_item_codes, material_codes)

# Text as a guide holds it: any script, something visible, no control characters but tab,
# line feed and carriage return (the schema forbids the others: XML cannot carry them).
texts = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n\r"),
    min_size=1,
    max_size=12,
).filter(lambda text: any(ch.isalnum() for ch in text))
optional_texts = st.none() | texts
dates = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))


def members(enum_type: type[E]) -> st.SearchStrategy[E]:
    return st.sampled_from(list(enum_type))


def unique_members(enum_type: type[E]) -> st.SearchStrategy[tuple[E, ...]]:
    return st.lists(members(enum_type), min_size=1, unique=True).map(tuple)


def small_tuples(elements: st.SearchStrategy[T]) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(elements, max_size=3).map(tuple)


def numbered(
    strategy_for_order: Callable[[int], st.SearchStrategy[T]], min_size: int = 0
) -> st.SearchStrategy[tuple[T, ...]]:
    """Records numbered 1..n, as materials, steps and FAQs are."""
    return st.integers(min_size, 3).flatmap(
        lambda n: st.tuples(*(strategy_for_order(i) for i in range(1, n + 1)))
    )


time_limits = st.builds(
    TimeLimit,
    value=st.integers(0, 3650),
    unit=members(TimeUnit),
    note=optional_texts,
)
agencies = st.builds(
    Agency,
    name=texts,
    uscc=usccs(),
    nature=members(AgencyNature),
)
legal_bases = st.builds(LegalBasis, law=texts, article=optional_texts, text=optional_texts)


def steps(order: int) -> st.SearchStrategy[Step]:
    return st.builds(
        Step,
        order=st.just(order),
        name=texts,
        actor=texts,
        time_limit=st.none() | time_limits,
        description=optional_texts,
    )


def materials(order: int) -> st.SearchStrategy[Material]:
    return st.builds(
        Material,
        order=st.just(order),
        name=texts,
        kind=members(MaterialKind),
        form=members(MaterialForm),
        necessity=members(Necessity),
        source=members(MaterialSource),
        originals=st.integers(0, 99),
        copies=st.integers(0, 99),
        code=st.none() | material_codes,
        source_note=optional_texts,
        paper_size=optional_texts,
        blank_form=optional_texts,
        sample=optional_texts,
        filling_notes=optional_texts,
        acceptance_standard=optional_texts,
        legal_basis=optional_texts,
        remark=optional_texts,
    )


def faqs(order: int) -> st.SearchStrategy[Faq]:
    return st.builds(Faq, order=st.just(order), question=texts, answer=texts)


fees = st.builds(
    Fee,
    name=texts,
    standard=texts,
    legal_basis=optional_texts,
    reducible=st.booleans(),
    reduction_reason=optional_texts,
)
urls = st.from_regex(r"https://[a-z]{1,10}\.gov\.cn/[a-z0-9]{0,8}", fullmatch=True)


def situations(index: int) -> st.SearchStrategy[Situation]:
    """A situation whose option ids are unique in a guide: ``q<index>-<n>``."""
    return st.builds(
        Situation,
        id=st.just(f"q{index}"),
        question=texts,
        options=st.integers(2, 3).map(
            lambda n: tuple(Option(id=f"q{index}-{j}", name=f"选项{j}") for j in range(n))
        ),
        required=st.booleans(),
        multiple=st.booleans(),
    )


situation_sets = st.integers(0, 2).flatmap(lambda n: st.tuples(*map(situations, range(n))))
amounts = st.none() | st.floats(0, 1e9, allow_nan=False, allow_infinity=False)
penalties = st.builds(
    Penalty,
    kind=members(PenaltyKind),
    minimum=amounts,
    maximum=amounts,
    unit=members(RangeUnit),
    base=optional_texts,
    note=optional_texts,
)
discretion_rows = st.builds(
    Discretion,
    conduct=texts,
    legal_basis=texts,
    circumstance=members(Circumstance),
    penalties=st.lists(penalties, min_size=1, max_size=2).map(tuple),
    facts=optional_texts,
)
inspections = st.builds(
    Inspection,
    legal_basis=texts,
    body=texts,
    object_kind=texts,
    subjects=st.integers(0, 100_000_000),
    ratio=st.floats(0, 100, allow_nan=False),
    frequency=members(Frequency),
    content=texts,
    method=texts,
)
responsibilities = st.builds(
    Responsibility,
    items=st.lists(texts, min_size=1, max_size=2).map(tuple),
    accountability=st.lists(texts, min_size=1, max_size=2).map(tuple),
    channel=texts,
)
pointers = st.lists(
    st.lists(st.from_regex(r"[a-z_0-9]{1,12}", fullmatch=True), min_size=1, max_size=3).map(
        lambda tokens: "/" + "/".join(tokens)
    ),
    unique=True,
    max_size=3,
).map(tuple)
publicities = st.builds(
    Publicity,
    disclosure=members(Disclosure),
    reason=optional_texts,
    ground=optional_texts,
    withheld=pointers,
)
intermediary_services = st.builds(
    IntermediaryService, name=texts, standard=optional_texts, legal_basis=optional_texts
)


@st.composite
def _situated(draw: st.DrawFn, guide: Guide) -> Guide:
    """``guide`` with situations, its conditions, materials and fees tagged with their options."""
    found = draw(situation_sets)
    ids = [option.id for situation in found for option in situation.options]
    tags = (
        st.lists(st.sampled_from(ids), unique=True, max_size=3).map(tuple) if ids else st.just(())
    )

    def tagged(items: tuple[T, ...]) -> tuple[T, ...]:
        return tuple(attrs.evolve(item, applies_to=tuple(draw(tags))) for item in items)  # type: ignore[misc]

    return attrs.evolve(
        guide,
        situations=found,
        conditions=tagged(guide.conditions),
        materials=tagged(guide.materials),
        fees=tagged(guide.fees),
    )


def guides() -> st.SearchStrategy[Guide]:
    """Guides that pass the JSON Schema (content rules are not guaranteed)."""
    return _plain_guides().flatmap(_situated)


def _plain_guides() -> st.SearchStrategy[Guide]:
    return st.builds(
        Guide,
        name=texts,
        matter_type=members(MatterType),
        level=members(Level),
        sub_name=optional_texts,
        origin=origins,
        catalog_code=st.none() | catalog_codes,
        implementation_code=st.none() | implementation_codes,
        local_codes=small_tuples(texts),
        state=members(MatterState),
        version=st.integers(1, 9999),
        effective_date=st.none() | dates,
        cancel_date=st.none() | dates,
        agency=agencies,
        competent_department=texts,
        power_source=members(PowerSource),
        entrusting_department=optional_texts,
        joint_agencies=small_tuples(texts),
        legal_basis=small_tuples(legal_bases),
        conditions=small_tuples(st.builds(Condition, text=texts)),
        steps=numbered(steps, min_size=1),
        special_procedures=small_tuples(
            st.builds(
                SpecialProcedure,
                name=texts,
                time_limit=st.none() | time_limits,
                note=optional_texts,
            )
        ),
        quantity_limit=optional_texts,
        intermediary_services=small_tuples(intermediary_services),
        result=st.none() | st.builds(ApprovalResult, kind=texts, name=texts, sample=optional_texts),
        legal_limit=time_limits,
        promised_limit=time_limits,
        service_objects=unique_members(ServiceObject),
        case_type=members(CaseType),
        handling_forms=unique_members(HandlingForm),
        visits=st.integers(0, 99),
        visit_reason=optional_texts,
        online_depth=st.none() | members(OnlineDepth),
        online_urls=small_tuples(urls),
        place=texts,
        hours=texts,
        scope=st.none() | members(Scope),
        consultation=texts,
        supervision=texts,
        charged=st.booleans(),
        in_hall=st.booleans(),
        online=st.booleans(),
        online_payment=st.booleans(),
        express_delivery=st.booleans(),
        appointment=st.booleans(),
        self_service_terminal=st.booleans(),
        materials=numbered(materials),
        fees=small_tuples(fees),
        faqs=numbered(faqs),
        handling_items=small_tuples(
            st.builds(HandlingItem, name=texts, code=st.none() | handling_item_codes)
        ),
        discretion=small_tuples(discretion_rows),
        inspection=st.none() | inspections,
        responsibility=st.none() | responsibilities,
        publicity=st.just(Publicity()) | publicities,
    )


# --- independent faults, for "one run reports every problem" ---------------------------------


@attrs.frozen
class Fault:
    """A fault to inject into a valid guide's plain data, touching one top-level ``field``.

    ``inject`` changes the data and returns the JSON Pointer where ``validate`` must report
    it under ``rule``. A fault of the rules layer names the function of ``rules`` that finds
    it (``found_by``): faults are independent when none touches a field that another
    fault's rule reads.
    """

    field: str
    rule: str
    inject: Callable[[dict[str, Any]], str]
    found_by: str = ""
    applies: Callable[[dict[str, Any]], bool] = lambda document: True


def _setting(field: str, value: object) -> Callable[[dict[str, Any]], str]:
    def inject(document: dict[str, Any]) -> str:
        document[field] = value
        return f"/{field}"

    return inject


def _dropping(*path: str | int) -> Callable[[dict[str, Any]], str]:
    def inject(document: dict[str, Any]) -> str:
        parent: Any = document
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
        return "".join(f"/{part}" for part in path)

    return inject


def _in_first_material(key: str, value: object) -> Callable[[dict[str, Any]], str]:
    def inject(document: dict[str, Any]) -> str:
        document["materials"][0][key] = value
        return f"/materials/0/{key}"

    return inject


def _wrong_check_character(document: dict[str, Any]) -> str:
    uscc = document["agency"]["uscc"]
    document["agency"]["uscc"] = uscc[:-1] + next(c for c in USCC_ALPHABET if c != uscc[-1])
    return "/agency/uscc"


def _promised_over_legal(document: dict[str, Any]) -> str:
    legal = document["legal_limit"]
    document["promised_limit"] = {"value": legal["value"] + 1, "unit": legal["unit"]}
    return "/promised_limit/value"


def _numbering_gap(field: str) -> Callable[[dict[str, Any]], str]:
    def inject(document: dict[str, Any]) -> str:
        document[field][-1]["order"] += 1  # 1..n becomes 1..n-1, n+1
        return f"/{field}"

    return inject


def _repeated_number(document: dict[str, Any]) -> str:
    document["steps"][-1]["order"] = 1
    return f"/steps/{len(document['steps']) - 1}/order"


def _repeated_material(document: dict[str, Any]) -> str:
    document["materials"][-1]["name"] = document["materials"][0]["name"]
    return f"/materials/{len(document['materials']) - 1}/name"


def _fee_flag_against_fees(document: dict[str, Any]) -> str:
    document["charged"] = not document.get("fees")
    return "/charged"


def _has(field: str, at_least: int) -> Callable[[dict[str, Any]], bool]:
    return lambda document: len(document.get(field, ())) >= at_least


FAULTS: tuple[Fault, ...] = (
    # the JSON Schema's
    Fault("place", "schema.required", _dropping("place")),
    Fault("hours", "schema.minLength", _setting("hours", "")),
    Fault("consultation", "schema.type", _setting("consultation", 12345)),
    Fault("visits", "schema.type", _setting("visits", "twice")),
    Fault("level", "schema.enum", _setting("level", "galactic")),
    Fault("online_depth", "schema.enum", _setting("online_depth", "telepathy")),
    Fault("name", "schema.pattern", _setting("name", " ")),
    Fault("service_objects", "schema.minItems", _setting("service_objects", [])),
    Fault("version", "schema.minimum", _setting("version", 0)),
    Fault("colour", "schema.additionalProperties", _setting("colour", "red")),
    Fault("agency", "schema.required", _dropping("agency", "name")),
    Fault("steps", "schema.required", _dropping("steps", 0, "name")),
    Fault(
        "materials", "schema.enum", _in_first_material("kind", "x"), applies=_has("materials", 1)
    ),
    # structuring's: what the schema lets through but does not parse
    Fault("effective_date", "value.invalid", _setting("effective_date", "2024-02-30")),
    Fault("catalog_code", "code.component", _setting("catalog_code", "000100000000")),
    Fault(
        "implementation_code",
        "code.checksum",
        _setting("implementation_code", "11610113038161643X4000104002000"),
    ),
    # the rules'
    Fault("agency", "uscc.invalid", _wrong_check_character, found_by="agency_uscc"),
    Fault("origin", "origin.unknown", _setting("origin", "99"), found_by="origin"),
    Fault(
        "promised_limit",
        "time.promised-exceeds-legal",
        _promised_over_legal,
        found_by="time_limits",
        applies=lambda document: document["legal_limit"]["value"] < 3650,
    ),
    Fault("steps", "order.gap", _numbering_gap("steps"), found_by="steps_numbered"),
    Fault(
        "steps",
        "order.duplicate",
        _repeated_number,
        found_by="steps_numbered",
        applies=_has("steps", 2),
    ),
    Fault(
        "materials",
        "order.gap",
        _numbering_gap("materials"),
        found_by="materials_numbered",
        applies=_has("materials", 1),
    ),
    Fault(
        "materials",
        "material.duplicate-name",
        _repeated_material,
        found_by="materials",
        applies=_has("materials", 2),
    ),
    Fault(
        "faqs",
        "order.gap",
        _numbering_gap("faqs"),
        found_by="faqs_numbered",
        applies=_has("faqs", 1),
    ),
    Fault("charged", "fee.flag-mismatch", _fee_flag_against_fees, found_by="fee_flag"),
)

BUNDLED_GUIDES = sorted((Path(__file__).parents[1] / "registry" / "guides").glob("*.json"))


@st.composite
def faulty_guides(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[tuple[Fault, str], ...]]:
    """The plain data of a valid guide (bundled or generated) with independent faults in
    different top-level fields, schema and rule kinds mixed; and each fault with its path."""
    base = draw(
        st.sampled_from(BUNDLED_GUIDES).map(lambda path: json.loads(path.read_bytes()))
        | guides().map(guide_to_data)
    )
    document = copy.deepcopy(base)
    applicable = [fault for fault in FAULTS if fault.applies(document)]
    chosen = draw(
        st.lists(st.sampled_from(applicable), min_size=1, unique_by=lambda fault: fault.field)
    )
    return document, tuple((fault, fault.inject(document)) for fault in chosen)
