"""The URIs of the linked data the library writes, and the concept scheme of its code lists.

URIs are made from codes, so they never change: a service's from its implementation code,
an agency's from its USCC, a region's from the division its USCC names, a concept's from
its list and value (``urn:service-codes:concept:LIST:VALUE``).
"""

from __future__ import annotations

import enum
from typing import Any, Final

from service_codes.codelists import (
    HandlingForm,
    MaterialKind,
    MatterState,
    MatterType,
    ServiceObject,
    label_zh,
)
from service_codes.errors import InvalidGuide
from service_codes.matter_types import STANDARD, ExtensionType, MatterTypes, slot
from service_codes.model import Guide
from service_codes.rule_kit import problem

BASE: Final = "urn:service-codes:"
SCHEME: Final = f"{BASE}concepts"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCT: Final = "http://purl.org/dc/terms/"


def zh(text: str) -> list[dict[str, str]]:
    """A Chinese language string, as JSON-LD writes one (the CPSV-AP and DCAT-AP documents)."""
    return [{"@value": text, "@language": "zh"}]


def service_uri(guide: Guide) -> str:
    """A coded guide's URI, made from its implementation code so that it never changes."""
    if guide.implementation_code is None:
        raise InvalidGuide(
            [
                problem(
                    "/implementation_code",
                    "cpsv.uncoded",
                    "a guide without its implementation code has no URI: build the catalogue",
                    "没有实施编码的办事指南没有 URI：请先构建目录",
                )
            ]
        )
    return f"{BASE}service:{guide.implementation_code}"


def agency_uri(uscc: str) -> str:
    """An agency's URI, made from its USCC."""
    return f"{BASE}agency:{uscc}"


def region_uri(uscc: str) -> str:
    """The administrative division (行政区划代码) a USCC's third to eighth characters name."""
    return f"{BASE}region:{uscc[2:8]}"


def concept_uri(member: enum.Enum | str, list_name: str) -> str:
    """The URI of a code-list member (a value of list ``list_name``) in the concept scheme."""
    value = member.value if isinstance(member, enum.Enum) else member
    return f"{BASE}concept:{list_name}:{value}"


def concept(uri: str, label: str) -> dict[str, Any]:
    return {
        "@id": uri,
        "@type": "Concept",
        f"{SKOS}prefLabel": zh(label),
        f"{SKOS}inScheme": {"@id": SCHEME},
    }


def concept_scheme(types: MatterTypes = STANDARD) -> list[dict[str, Any]]:
    """The concept scheme of the code lists a service names: every matter type, service
    object, handling form, state, material kind and participation role, each a
    ``skos:Concept``."""
    scheme = {
        "@id": SCHEME,
        "@type": f"{SKOS}ConceptScheme",
        f"{DCT}title": zh("政务服务事项代码表"),
    }
    every_type = [*MatterType, *(ExtensionType(d.code) for d in types.declared)]
    concepts = [concept(concept_uri(slot(t), "matter-type"), types.label_zh(t)) for t in every_type]
    concepts += [concept(concept_uri(o, "service-object"), label_zh(o)) for o in ServiceObject]
    concepts += [concept(concept_uri(f, "handling-form"), label_zh(f)) for f in HandlingForm]
    concepts += [concept(concept_uri(s, "state"), label_zh(s)) for s in MatterState]
    concepts += [concept(concept_uri(k, "material-kind"), label_zh(k)) for k in MaterialKind]
    concepts += [concept(concept_uri(r, "role"), label) for r, label in ROLES.items()]
    return [scheme, *concepts]


# The roles an agency other than the implementing one has in a service.
ROLES: Final = {"competent": "主管部门", "entrusting": "委托部门", "joint": "联办机构"}
