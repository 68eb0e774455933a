"""Guides the exchange records can carry, the situation and power fields as the tests of the
exchange records look at them, and the bundled guides they start from."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import attrs
from conftest import ROOT
from hypothesis import strategies as st
from strategies import guides

from service_codes import Guide, MatterType, from_json
from service_codes.formats.exchange import Sync
from service_codes.formats.exchange_tables import family_of
from service_codes.matter_types import STANDARD

BUNDLED = [from_json(p.read_bytes()) for p in sorted((ROOT / "registry" / "guides").glob("*.json"))]
SYNC = Sync("0123456789abcdef0123456789abcdef", dt.datetime(2024, 3, 1, 8, 30))
# The families whose tables hold every field a guide needs, so a record reads as a guide.
WHOLE = ("general", "public")


def family(guide: Guide) -> str:
    return family_of(guide.matter_type, STANDARD)


def through_json(record: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(record, ensure_ascii=False))
    return result


def _clean(text: str, marks: str = "\n") -> str:
    return re.sub(f"[{marks}]", "_", text)


def writable(guide: Guide) -> Guide:
    """The guide with its lists free of the separators the records join them with."""
    responsibility = guide.responsibility and attrs.evolve(
        guide.responsibility,
        items=tuple(map(_clean, guide.responsibility.items)),
        accountability=tuple(map(_clean, guide.responsibility.accountability)),
    )
    return attrs.evolve(
        guide,
        conditions=tuple(attrs.evolve(c, text=_clean(c.text)) for c in guide.conditions),
        local_codes=tuple(_clean(c, "\n,") for c in guide.local_codes),
        joint_agencies=tuple(_clean(a, "\n,") for a in guide.joint_agencies),
        intermediary_services=tuple(
            attrs.evolve(i, name=_clean(i.name, "\n,")) for i in guide.intermediary_services
        ),
        online_urls=tuple(_clean(u, "\n,") for u in guide.online_urls),
        responsibility=responsibility,
    )


def _marked(text: str | None, marks: str) -> str | None:
    return None if text is None else _clean(text, marks) or "_"


def readable(guide: Guide) -> Guide:
    """The guide with no marks in its legal bases, steps and special procedures that their
    lines are read by, so that most such guides are written rather than refused."""
    laws = tuple(
        attrs.evolve(
            b,
            law="《" + _clean(b.law, "《》：\n") + "》",
            article=_marked(b.article, "：\n"),
            text=_marked(b.text, "\n"),
        )
        for b in guide.legal_basis
    )
    steps = tuple(
        attrs.evolve(s, name=_clean(s.name, "（）：\n"), actor=_clean(s.actor, "（），：\n"))
        for s in guide.steps
    )
    procedures = tuple(
        attrs.evolve(p, name=_clean(p.name, "（）：\n")) for p in guide.special_procedures
    )
    return attrs.evolve(guide, legal_basis=laws, steps=steps, special_procedures=procedures)


def writable_guides() -> st.SearchStrategy[Guide]:
    """Writable guides: half of them also readable, a third of the penalty and inspection
    types, whose tables hold the most of the situation and power fields."""
    powers = st.sampled_from([MatterType.PENALTY, MatterType.INSPECTION])
    typed = st.tuples(guides(), powers).map(lambda g: attrs.evolve(g[0], matter_type=g[1]))
    some = st.one_of(guides(), guides(), typed).map(writable)
    return st.one_of(some, some.map(readable))


# --- the situation and power fields, and which family's tables carry each -------------

NEW_FIELDS = (
    "situations",
    "discretion",
    "inspection",
    "responsibility",
    "intermediary_services",
    "conditions.applies_to",
    "materials.applies_to",
    "fees.applies_to",
)
_APPLIES = ("conditions.applies_to", "materials.applies_to", "fees.applies_to")
CARRIED = {
    "general": {"situations", "responsibility", "intermediary_services", *_APPLIES},
    "punish": {"situations", "discretion", "responsibility", "conditions.applies_to"},
    "handle": {"situations", "responsibility", "materials.applies_to"},
    "check": {"situations", "inspection", "responsibility"},
    "public": {"situations", "intermediary_services", *_APPLIES},
}


def new_fields(guide: Guide) -> dict[str, Any]:
    """The situation and power fields of a guide, field by field."""
    found: dict[str, Any] = {}
    for name in NEW_FIELDS:
        field, _, part = name.partition(".")
        value = getattr(guide, field)
        found[name] = tuple(getattr(item, part) for item in value) if part else value
    return found


def without_new_fields(guide: Guide) -> Guide:
    """The guide without its situation and power fields (and its tags)."""

    def untagged(items: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(attrs.evolve(item, applies_to=()) for item in items)

    return attrs.evolve(
        guide,
        situations=(),
        discretion=(),
        inspection=None,
        responsibility=None,
        intermediary_services=(),
        conditions=untagged(guide.conditions),
        materials=untagged(guide.materials),
        fees=untagged(guide.fees),
    )
