"""Guides as CPSV-AP 3.2 public services: JSON-LD in the official context, checked by the
official SHACL shapes (shipped unmodified in ``service_codes/vocab``, see its NOTICE.md).

Each guide is a ``cpsv:PublicService`` whose URI is made from its implementation code, so it
never changes: ``urn:service-codes:service:CODE``. Its agency is a ``cv:PublicOrganisation``
(``urn:service-codes:agency:USCC``) whose ``dct:spatial`` is the administrative division its
USCC names; conditions are ``cv:Requirement``, materials ``cv:Evidence``, each legal basis a
``cpsv:Rule`` implementing an ``eli:LegalResource``, fees ``cv:Cost`` (an amount in CNY when
the standard is one), handling forms ``cv:Channel``, the result a ``cv:Output``, the promised
time limit ``cv:processingTime``. The matter type, service objects and handling forms are
``skos:Concept`` of the library's own concept scheme (:func:`concept_scheme`), every one
stated in the graph that uses it, since the shapes want code-list URIs typed.
See docs/formats.md for every element's property and what CPSV-AP cannot carry.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any, Final

from service_codes.codelists import HandlingForm, MatterType, ServiceObject, label_zh
from service_codes.matter_types import STANDARD, MatterTypes, slot
from service_codes.model import Guide, TimeLimit

BASE: Final = "urn:service-codes:"
SCHEME: Final = f"{BASE}concepts"
CNY: Final = "http://publications.europa.eu/resource/authority/currency/CNY"
_SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
_DCT: Final = "http://purl.org/dc/terms/"
# A fee's standard that is one amount in yuan: "10元", "每件 5.5 元" is not.
_AMOUNT: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*元")


@cache
def context() -> dict[str, Any]:
    """The official CPSV-AP 3.2.0 JSON-LD context."""
    text = resources.files("service_codes").joinpath("vocab/cpsv-ap-3.2.0/cpsv-ap.jsonld")
    found: dict[str, Any] = json.loads(text.read_text("utf-8"))["@context"]
    return found


def zh(text: str) -> list[dict[str, str]]:
    """A Chinese language string, as JSON-LD writes one (the CPSV-AP and DCAT-AP documents)."""
    return [{"@value": text, "@language": "zh"}]


def service_uri(guide: Guide) -> str:
    return f"{BASE}service:{guide.implementation_code}"


def agency_uri(uscc: str) -> str:
    return f"{BASE}agency:{uscc}"


def region_uri(uscc: str) -> str:
    """The administrative division (行政区划代码) a USCC's third to eighth characters name."""
    return f"{BASE}region:{uscc[2:8]}"


def concept_uri(member: enum.Enum | str, list_name: str) -> str:
    value = member.value if isinstance(member, enum.Enum) else member
    return f"{BASE}concept:{list_name}:{value}"


def _concept(uri: str, label: str) -> dict[str, Any]:
    return {
        "@id": uri,
        "@type": "Concept",
        f"{_SKOS}prefLabel": zh(label),
        f"{_SKOS}inScheme": {"@id": SCHEME},
    }


def duration(limit: TimeLimit) -> str:
    """A time limit as xsd:duration; working days are written as days (xsd has no other).

    >>> from service_codes.codelists import TimeUnit
    >>> duration(TimeLimit(value=20, unit=TimeUnit.WORKING_DAY))
    'P20D'
    """
    return f"P{limit.value}D"


def concept_scheme(types: MatterTypes = STANDARD) -> list[dict[str, Any]]:
    """The concept scheme of the code lists a service names: every matter type, service
    object and handling form, each a ``skos:Concept``."""
    scheme = {
        "@id": SCHEME,
        "@type": f"{_SKOS}ConceptScheme",
        f"{_DCT}title": zh("政务服务事项代码表"),
    }
    concepts = [
        _concept(concept_uri(slot(t), "matter-type"), types.label_zh(t)) for t in MatterType
    ]
    concepts += [_concept(concept_uri(o, "service-object"), label_zh(o)) for o in ServiceObject]
    concepts += [_concept(concept_uri(f, "handling-form"), label_zh(f)) for f in HandlingForm]
    return [scheme, *concepts]


def service_nodes(guide: Guide, types: MatterTypes = STANDARD) -> list[dict[str, Any]]:
    """The nodes of one coded guide: the service and everything it links but the agency."""
    uri = service_uri(guide)
    name = guide.name + (f"（{guide.sub_name}）" if guide.sub_name else "")
    type_label = types.label_zh(guide.matter_type)
    nodes: list[dict[str, Any]] = []
    service: dict[str, Any] = {
        "@id": uri,
        "@type": "PublicService",
        "PublicService.identifier": str(guide.implementation_code),
        "PublicService.name": zh(name),
        "PublicService.description": zh(
            f"{type_label}事项“{name}”，实施主体：{guide.agency.name}；"
            f"办理地点：{guide.place}；办理时间：{guide.hours}"
        ),
        "PublicService.hasCompetentAuthority": [agency_uri(guide.agency.uscc)],
        "PublicService.isClassifiedBy": [concept_uri(slot(guide.matter_type), "matter-type")],
        "PublicService.addressee": [
            concept_uri(o, "service-object") for o in guide.service_objects
        ],
        "PublicService.processingTime": duration(guide.promised_limit),
        "PublicService.spatial": [region_uri(guide.agency.uscc)],
    }
    nodes.append(service)
    if not isinstance(guide.matter_type, MatterType):  # a catalogue's own type
        nodes.append(_concept(concept_uri(slot(guide.matter_type), "matter-type"), type_label))
    requirements = []
    for number, condition in enumerate(guide.conditions, start=1):
        requirements.append(f"{uri}/condition/{number}")
        nodes.append(
            {
                "@id": requirements[-1],
                "@type": "Requirement",
                "Requirement.identifier": f"{guide.implementation_code}-C{number}",
                "Requirement.name": zh(condition.text),
            }
        )
    inputs = []
    for material in guide.materials:
        inputs.append(f"{uri}/material/{material.order}")
        code = (
            str(material.code)
            if material.code
            else f"{guide.implementation_code}-M{material.order}"
        )
        nodes.append(
            {
                "@id": inputs[-1],
                "@type": "Evidence",
                "Evidence.identifier": code,
                "Evidence.name": zh(material.name),
            }
        )
    rules = []
    for number, basis in enumerate(guide.legal_basis, start=1):
        rules.append(f"{uri}/rule/{number}")
        law = f"{uri}/law/{number}"
        title = basis.law + (f" {basis.article}" if basis.article else "")
        nodes.append(
            {
                "@id": rules[-1],
                "@type": "Rule",
                "Rule.identifier": f"{guide.implementation_code}-L{number}",
                "Rule.name": zh(title),
                "Rule.description": zh(basis.text or title),
                "Rule.implements": [law],
            }
        )
        nodes.append({"@id": law, "@type": "LegalResource", f"{_DCT}title": zh(basis.law)})
    costs = []
    for number, fee in enumerate(guide.fees, start=1):
        costs.append(f"{uri}/fee/{number}")
        cost: dict[str, Any] = {
            "@id": costs[-1],
            "@type": "Cost",
            "Cost.identifier": f"{guide.implementation_code}-F{number}",
            "Cost.description": zh(f"{fee.name}：{fee.standard}"),
        }
        amount = _AMOUNT.fullmatch(fee.standard.strip())
        if amount:
            cost["Cost.hasValue"] = float(amount.group(1))
            cost["Cost.currency"] = CNY
            nodes.append({"@id": CNY, "@type": "Concept"})
        nodes.append(cost)
    channels = []
    for form in guide.handling_forms:
        channels.append(f"{uri}/channel/{form.value}")
        channel: dict[str, Any] = {
            "@id": channels[-1],
            "@type": "Channel",
            "Channel.identifier": f"{guide.implementation_code}-{form.value}",
            "Channel.type": concept_uri(form, "handling-form"),
        }
        if form is HandlingForm.COUNTER:
            channel["Channel.description"] = zh(f"{guide.place}；{guide.hours}")
        nodes.append(channel)
    service["PublicService.holdsRequirement"] = requirements
    service["PublicService.hasInput"] = inputs
    service["PublicService.follows"] = rules
    service["PublicService.hasCost"] = costs
    service["PublicService.hasChannel"] = channels
    if guide.result is not None:
        output = f"{uri}/output"
        service["PublicService.produces"] = [output]
        nodes.append(
            {
                "@id": output,
                "@type": "Output",
                "Output.identifier": f"{guide.implementation_code}-R",
                "Output.name": zh(guide.result.name),
            }
        )
    return nodes


def agency_nodes(uscc: str, name: str) -> list[dict[str, Any]]:
    """An agency as a public organisation, and the division it is in."""
    return [
        {
            "@id": agency_uri(uscc),
            "@type": "PublicOrganization",
            "Agent.identifier": uscc,
            "PublicOrganization.preferredLabel": zh(name),
            "PublicOrganization.spatial": [region_uri(uscc)],
        },
        {"@id": region_uri(uscc), "@type": "Location", f"{_DCT}identifier": uscc[2:8]},
    ]


def to_cpsv(guides: Iterable[Guide], types: MatterTypes = STANDARD) -> bytes:
    """Coded guides as one CPSV-AP JSON-LD document, with the concept scheme they use."""
    graph: list[dict[str, Any]] = []
    agencies: dict[str, str] = {}
    for guide in guides:
        graph += service_nodes(guide, types)
        agencies.setdefault(guide.agency.uscc, guide.agency.name)
    for uscc, name in sorted(agencies.items()):
        graph += agency_nodes(uscc, name)
    graph += concept_scheme(types)
    # A node said twice (a region, CNY) is one node: the first saying is kept.
    seen: set[str] = set()
    unique = []
    for node in graph:
        if node["@id"] not in seen:
            seen.add(node["@id"])
            unique.append(node)
    document = {"@context": context(), "@graph": unique}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()
