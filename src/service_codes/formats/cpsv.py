"""Guides as CPSV-AP 3.2 public services: JSON-LD in the official context, checked by the
official SHACL shapes (shipped unmodified in ``service_codes/vocab``, see its NOTICE.md).

Each guide is a ``cpsv:PublicService`` whose URI is made from its implementation code, so it
never changes: ``urn:service-codes:service:CODE``. Its agency is a ``cv:PublicOrganisation``
(``urn:service-codes:agency:USCC``) whose ``dct:spatial`` is the administrative division its
USCC names; conditions are ``cv:Requirement``, materials ``cv:Evidence``, each legal basis a
``cpsv:Rule`` implementing an ``eli:LegalResource``, fees ``cv:Cost`` (an amount in CNY when
the standard is one), handling forms and online URLs ``cv:Channel``, the consultation and
supervision contacts ``cv:ContactPoint``, the other departments ``cv:Participation``, the
result a ``cv:Output``, the promised time limit ``cv:processingTime``. Code-list members
(matter type, service objects, handling forms, state, material kind, participation role)
are ``skos:Concept`` of the library's own concept scheme (:func:`concept_scheme`), every one
stated in the graph that uses it, since the shapes want code-list URIs typed.
See docs/formats.md for every element's property and what CPSV-AP cannot carry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any, Final

from service_codes.codelists import (
    HandlingForm,
    MatterType,
    label_zh,
)
from service_codes.errors import InvalidGuide
from service_codes.formats.uris import (
    DCT,
    ROLES,
    agency_uri,
    concept,
    concept_scheme,
    concept_uri,
    region_uri,
    service_uri,
    zh,
)
from service_codes.matter_types import STANDARD, MatterTypes, slot
from service_codes.model import Guide, TimeLimit
from service_codes.rule_kit import problem

CNY: Final = "http://publications.europa.eu/resource/authority/currency/CNY"
# A fee's standard that is one amount in yuan: "10元", "每件 5.5 元" is not.
_AMOUNT: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*元")


@cache
def context() -> dict[str, Any]:
    """The official CPSV-AP 3.2.0 JSON-LD context."""
    text = resources.files("service_codes").joinpath("vocab/cpsv-ap-3.2.0/cpsv-ap.jsonld")
    found: dict[str, Any] = json.loads(text.read_text("utf-8"))["@context"]
    return found


def duration(limit: TimeLimit) -> str:
    """A time limit as xsd:duration; working days are written as days (xsd has no other).

    >>> from service_codes.codelists import TimeUnit
    >>> duration(TimeLimit(value=20, unit=TimeUnit.WORKING_DAY))
    'P20D'
    """
    return f"P{limit.value}D"


def service_nodes(guide: Guide, types: MatterTypes = STANDARD) -> list[dict[str, Any]]:
    """The nodes of one coded guide: the service and everything it links but the agency."""
    uri = service_uri(guide)
    code = str(guide.implementation_code)
    name = guide.name + (f"（{guide.sub_name}）" if guide.sub_name else "")
    service: dict[str, Any] = {
        "@id": uri,
        "@type": "PublicService",
        "PublicService.identifier": code,
        "PublicService.name": zh(name),
        "PublicService.description": zh(_description(guide, name, types)),
        "PublicService.hasCompetentAuthority": [agency_uri(guide.agency.uscc)],
        "PublicService.isClassifiedBy": [concept_uri(slot(guide.matter_type), "matter-type")],
        "PublicService.addressee": [
            concept_uri(o, "service-object") for o in guide.service_objects
        ],
        "PublicService.status": concept_uri(guide.state, "state"),
        "PublicService.processingTime": duration(guide.promised_limit),
        "PublicService.spatial": [region_uri(guide.agency.uscc)],
    }
    nodes = [service]
    if types.declaration(guide.matter_type) is None and not isinstance(
        guide.matter_type, MatterType
    ):  # a type the catalogue uses without declaring it: not in the scheme
        label = types.label_zh(guide.matter_type)
        nodes.append(concept(concept_uri(slot(guide.matter_type), "matter-type"), label))
    hours = f"{uri}/hours"
    nodes.append(
        {"@id": hours, "@type": "TemporalEntity", "TemporalEntity.description": zh(guide.hours)}
    )
    parts = {
        "PublicService.holdsRequirement": _requirements(guide, uri, code),
        "PublicService.hasInput": _evidence(guide, uri, code),
        "PublicService.follows": _rules(guide, uri, code),
        "PublicService.hasCost": _costs(guide, uri, code),
        "PublicService.hasChannel": _channels(guide, uri, code, hours),
        "PublicService.contactPoint": _contacts(guide, uri, hours),
        "PublicService.hasParticipation": _participations(guide, uri, code),
    }
    for key, linked in parts.items():
        service[key] = [node["@id"] for node in linked if node["@type"] == _LINKED[key]]
        nodes += linked
    service["PublicService.hasLegalResource"] = [
        f"{uri}/law/{n}" for n in range(1, len(guide.legal_basis) + 1)
    ]
    if guide.result is not None:
        output = f"{uri}/output"
        service["PublicService.produces"] = [output]
        nodes.append(
            {
                "@id": output,
                "@type": "Output",
                "Output.identifier": f"{code}-R",
                "Output.name": zh(guide.result.name),
                "Output.description": zh(guide.result.kind),
            }
        )
    return nodes


# The type of the nodes a service's property links, among the nodes made for it.
_LINKED: Final = {
    "PublicService.holdsRequirement": "Requirement",
    "PublicService.hasInput": "Evidence",
    "PublicService.follows": "Rule",
    "PublicService.hasCost": "Cost",
    "PublicService.hasChannel": "Channel",
    "PublicService.contactPoint": "ContactPoint",
    "PublicService.hasParticipation": "Participation",
}


def _description(guide: Guide, name: str, types: MatterTypes) -> str:
    """The elements CPSV-AP has no property for that a reader needs, as one sentence: the
    time limits with their unit (xsd:duration has no working days), place and contacts."""

    def limit(time: TimeLimit) -> str:
        return f"{time.value}个{label_zh(time.unit)}"

    return (
        f"{types.label_zh(guide.matter_type)}事项“{name}”，实施主体：{guide.agency.name}；"
        f"法定办结时限：{limit(guide.legal_limit)}；承诺办结时限：{limit(guide.promised_limit)}；"
        f"办理地点：{guide.place}；办理时间：{guide.hours}；"
        f"咨询方式：{guide.consultation}；监督投诉方式：{guide.supervision}"
    )


def _requirements(guide: Guide, uri: str, code: str) -> list[dict[str, Any]]:
    return [
        {
            "@id": f"{uri}/condition/{number}",
            "@type": "Requirement",
            "Requirement.identifier": f"{code}-C{number}",
            "Requirement.name": zh(condition.text),
        }
        for number, condition in enumerate(guide.conditions, start=1)
    ]


def _evidence(guide: Guide, uri: str, code: str) -> list[dict[str, Any]]:
    nodes = []
    for material in guide.materials:
        notes = [
            f"{label_zh(material.necessity)}；{label_zh(material.form)}；"
            f"原件{material.originals}份，复印件{material.copies}份"
        ]
        notes += [n for n in (material.filling_notes, material.acceptance_standard) if n]
        nodes.append(
            {
                "@id": f"{uri}/material/{material.order}",
                "@type": "Evidence",
                "Evidence.identifier": str(material.code or f"{code}-M{material.order}"),
                "Evidence.name": zh(material.name),
                "Evidence.description": zh("；".join(notes)),
                "Evidence.type": concept_uri(material.kind, "material-kind"),
            }
        )
    return nodes


def _rules(guide: Guide, uri: str, code: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for number, basis in enumerate(guide.legal_basis, start=1):
        law = f"{uri}/law/{number}"
        title = basis.law + (f" {basis.article}" if basis.article else "")
        nodes.append(
            {
                "@id": f"{uri}/rule/{number}",
                "@type": "Rule",
                "Rule.identifier": f"{code}-L{number}",
                "Rule.name": zh(title),
                "Rule.description": zh(basis.text or title),
                "Rule.implements": [law],
            }
        )
        nodes.append({"@id": law, "@type": "LegalResource", f"{DCT}title": zh(basis.law)})
    return nodes


def _costs(guide: Guide, uri: str, code: str) -> list[dict[str, Any]]:
    nodes = []
    for number, fee in enumerate(guide.fees, start=1):
        text = f"{fee.name}：{fee.standard}"
        if fee.legal_basis:
            text += f"\n收费依据：{fee.legal_basis}"
        cost: dict[str, Any] = {
            "@id": f"{uri}/fee/{number}",
            "@type": "Cost",
            "Cost.identifier": f"{code}-F{number}",
            "Cost.description": zh(text),
        }
        amount = _AMOUNT.fullmatch(fee.standard.strip())
        if amount:
            cost["Cost.hasValue"] = float(amount.group(1))
            cost["Cost.currency"] = CNY
            nodes.append({"@id": CNY, "@type": "Concept"})
        nodes.append(cost)
    return nodes


def _channels(guide: Guide, uri: str, code: str, hours: str) -> list[dict[str, Any]]:
    """A channel per handling form; an online URL is itself a web channel (CPSV-AP's channel
    has no address property, so the URL is its URI), shared by every service it offers. An
    address that is no absolute URL is written in the guide's own web channel."""
    linked = [url for url in guide.online_urls if _ABSOLUTE.fullmatch(url)]
    unlinked = [url for url in guide.online_urls if url not in linked]
    nodes = []
    for form in guide.handling_forms:
        if form is HandlingForm.WEB and linked and not unlinked:
            continue
        channel: dict[str, Any] = {
            "@id": f"{uri}/channel/{form.value}",
            "@type": "Channel",
            "Channel.identifier": f"{code}-{form.value}",
            "Channel.type": concept_uri(form, "handling-form"),
        }
        if form is HandlingForm.COUNTER:
            channel["Channel.description"] = zh(guide.place)
            channel["Channel.openingHours"] = [hours]
        if form is HandlingForm.WEB and unlinked:
            channel["Channel.description"] = zh("网上办理地址：" + "；".join(unlinked))
        nodes.append(channel)
    web = concept_uri(HandlingForm.WEB, "handling-form")
    for url in linked:
        nodes.append(
            {"@id": url, "@type": "Channel", "Channel.identifier": url, "Channel.type": web}
        )
    return nodes


# An absolute http(s) URL of RFC 3986's characters, any % escape whole, one fragment at most.
_URL_CHARS: Final = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})"
_ABSOLUTE: Final = re.compile(
    rf"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?]{_URL_CHARS}*)?(?:#{_URL_CHARS}*)?"
)


# A telephone number in a contact text: a landline with or without its area code, a
# mobile number, a 400/800 line or a five-digit hotline (12345); not a date or a postcode.
_TELEPHONE: Final = re.compile(
    r"(?<![\d-])(?:0\d{2,3}-?\d{7,8}|[2-9]\d{6,7}|1[3-9]\d{9}|[48]00-?\d{3}-?\d{4}|1\d{4})(?![\d-])"
)


def _contacts(guide: Guide, uri: str, hours: str) -> list[dict[str, Any]]:
    """The consultation and supervision contact points: their telephone numbers and the
    service's hours (their whole text is in the service's description)."""
    return [
        {
            "@id": f"{uri}/contact/{kind}",
            "@type": "ContactPoint",
            "ContactPoint.hasTelephone": _TELEPHONE.findall(text),
            "ContactPoint.openingHours": [hours],
        }
        for kind, text in (("consultation", guide.consultation), ("supervision", guide.supervision))
    ]


def _participations(guide: Guide, uri: str, code: str) -> list[dict[str, Any]]:
    """The competent, entrusting and joint departments, named only, as participations."""
    named = [("competent", guide.competent_department)]
    if guide.entrusting_department:
        named.append(("entrusting", guide.entrusting_department))
    named += [("joint", agency) for agency in guide.joint_agencies]
    nodes: list[dict[str, Any]] = []
    for number, (role, agency) in enumerate(named, start=1):
        participation = f"{uri}/participation/{number}"
        nodes.append(
            {
                "@id": participation,
                "@type": "Participation",
                "Participation.identifier": f"{code}-P{number}",
                "Participation.description": zh(f"{ROLES[role]}：{agency}"),
                "Participation.role": [concept_uri(role, "role")],
                "Participation.hasParticipant": f"{participation}/agent",
            }
        )
        nodes.append(
            {
                "@id": f"{participation}/agent",
                "@type": "Agent",
                "Agent.identifier": f"{code}-P{number}-A",
                "Agent.name": zh(agency),
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
        {"@id": region_uri(uscc), "@type": "Location", f"{DCT}identifier": uscc[2:8]},
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
    # A node said twice (a region, CNY, a portal's URL) is said the same way: one node.
    # Two guides of one code would say their service twice, differently.
    nodes: dict[str, dict[str, Any]] = {}
    for node in graph:
        first = nodes.setdefault(node["@id"], node)
        if first != node:
            raise InvalidGuide(
                [
                    problem(
                        "/implementation_code",
                        "cpsv.repeated",
                        f"{node['@id']} is said twice, differently: two guides of one code?",
                        f"{node['@id']} 出现两次且内容不同：两份办事指南同一编码？",
                    )
                ]
            )
    unique = list(nodes.values())
    document = {"@context": context(), "@graph": unique}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()
