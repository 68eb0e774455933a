"""Same matter, same standard: where implementations of one matter differ across agencies.

Guides are grouped by catalog code (or, before codes are assigned, by the matter's
identity). Within a group, a different name, type, legal basis or competent
department is an error; different materials, conditions or time limits are listed
for staff to review.

>>> from pathlib import Path
>>> from service_codes import from_json
>>> guides = [from_json(p.read_bytes()) for p in sorted(Path("registry/guides").glob("*.json"))]
>>> check_consistency(guides).differences
()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

import attrs

from service_codes.codelists import label_zh
from service_codes.index import matter_identity
from service_codes.matter_types import STANDARD
from service_codes.model import Guide, TimeLimit
from service_codes.problems import Severity
from service_codes.schemas import field_name_zh


@attrs.frozen
class Variant:
    """One implementation's value of an element."""

    agency: str
    implementation_code: str | None
    value: str


def _element_zh(difference: Difference) -> str:
    return field_name_zh([difference.element]) or difference.element


@attrs.frozen
class Difference:
    """An element on which the implementations of one matter disagree.

    ``element`` is the field's name in a guide, ``element_zh`` its Chinese name (the
    schema's title), for people: ``competent_department`` is 主管部门.
    """

    matter: str  # the catalog code, or the matter's name where no code is assigned yet
    name: str
    element: str
    severity: Severity
    variants: tuple[Variant, ...]
    element_zh: str = attrs.field(default=attrs.Factory(_element_zh, takes_self=True))


@attrs.frozen
class ConsistencyReport:
    """Every difference found; ``ok`` when none is an error."""

    groups: int  # matters implemented by more than one guide
    differences: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return all(d.severity is Severity.WARNING for d in self.differences)

    @property
    def errors(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.severity is Severity.ERROR)


def _limit(limit: TimeLimit) -> str:
    return f"{limit.value} {label_zh(limit.unit)}"


# element, how it is shown, and whether a difference is an error (else: to review)
ELEMENTS: Final[tuple[tuple[str, Callable[[Guide], str], Severity], ...]] = (
    ("name", lambda g: g.name + (f" / {g.sub_name}" if g.sub_name else ""), Severity.ERROR),
    ("matter_type", lambda g: STANDARD.label_zh(g.matter_type), Severity.ERROR),
    (
        "legal_basis",
        lambda g: "；".join(f"{b.law}{b.article or ''}" for b in g.legal_basis),
        Severity.ERROR,
    ),
    ("competent_department", lambda g: g.competent_department, Severity.ERROR),
    ("materials", lambda g: "、".join(sorted(m.name for m in g.materials)), Severity.WARNING),
    ("conditions", lambda g: "；".join(c.text for c in g.conditions), Severity.WARNING),
    ("legal_limit", lambda g: _limit(g.legal_limit), Severity.WARNING),
    ("promised_limit", lambda g: _limit(g.promised_limit), Severity.WARNING),
)


def _identity(guide: Guide) -> str:
    return "|".join(matter_identity(guide.origin, guide.matter_type, guide.name, guide.sub_name))


def check_consistency(guides: Iterable[Guide]) -> ConsistencyReport:
    """Compare the implementations of each matter element by element."""
    guides = list(guides)
    # A guide without a code joins the coded guides of the same matter, if there are any.
    code_of = {_identity(g): str(g.catalog_code) for g in guides if g.catalog_code is not None}
    groups: dict[str, list[Guide]] = {}
    for guide in guides:
        key = str(guide.catalog_code) if guide.catalog_code else code_of.get(_identity(guide))
        groups.setdefault(key or _identity(guide), []).append(guide)
    differences = []
    shared = {key: group for key, group in sorted(groups.items()) if len(group) > 1}
    for key, group in shared.items():
        matter = key if "|" not in key else group[0].name
        for element, show, severity in ELEMENTS:
            variants = tuple(
                Variant(
                    g.agency.name,
                    str(g.implementation_code) if g.implementation_code else None,
                    show(g),
                )
                for g in group
            )
            if len({v.value for v in variants}) > 1:
                differences.append(Difference(matter, group[0].name, element, severity, variants))
    return ConsistencyReport(len(shared), tuple(differences))
