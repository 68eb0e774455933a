"""What changed between two versions of a guide, element by element.

Materials and fees are matched by name (after normalization), steps and FAQs by their
number, plain lists by their items; everything else is compared as a value. A
change keeps the guide's codes (it always should) and should bump its version.

>>> from pathlib import Path
>>> import attrs
>>> from service_codes import from_json
>>> old = from_json(Path("registry/guides/marriage-registration.json").read_bytes())
>>> new = attrs.evolve(old, version=old.version + 1, hours="工作日 9:00-17:00")
>>> [(c.element, c.kind) for c in diff_guides(old, new).changes]
[('version', 'changed'), ('hours', 'changed')]
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from service_codes.convert import unstructure
from service_codes.model import Guide
from service_codes.text import normalize_name


@attrs.frozen
class Change:
    """One element added, removed or changed; ``item`` names the list item, if any."""

    element: str
    kind: str  # added, removed, changed
    item: str | None = None
    before: Any = None
    after: Any = None


@attrs.frozen
class GuideDiff:
    """Every change between two versions, and whether the codes and version behaved."""

    changes: tuple[Change, ...]
    code_kept: bool
    version_bumped: bool
    uncoded: tuple[str, ...] = ()  # "old" and/or "new": the sides not coded yet

    @property
    def changed(self) -> bool:
        return bool(self.changes)


# Lists whose items are matched by key fields rather than by position.
_KEYS: Final = {
    "materials": ("name",),
    "fees": ("name",),
    "steps": ("order",),
    "faqs": ("order",),
    "handling_items": ("name",),
    "legal_basis": ("law", "article"),  # one law is often cited for several articles
    "special_procedures": ("name",),
    "conditions": ("text",),
    "intermediary_services": ("name",),
    "situations": ("id",),
    "discretion": ("conduct", "circumstance"),
}


def _key(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    values = (item.get(field) for field in fields)
    return "|".join(normalize_name(v) if isinstance(v, str) else str(v) for v in values)


def _label(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return " ".join(str(item[f]) for f in fields if item.get(f) is not None)


def _list_changes(element: str, before: list[Any], after: list[Any]) -> list[Change]:
    changes = _item_changes(element, before, after)
    if not changes and before != after:  # the same items in another order, or repeated
        changes = [Change(element, "changed", before=before, after=after)]
    return changes


def _item_changes(element: str, before: list[Any], after: list[Any]) -> list[Change]:
    fields = _KEYS.get(element)
    if fields is None:  # plain values: what was added and what removed
        return [Change(element, "removed", str(v), before=v) for v in before if v not in after] + [
            Change(element, "added", str(v), after=v) for v in after if v not in before
        ]
    old = {_key(item, fields): item for item in before}
    new = {_key(item, fields): item for item in after}
    changes = [
        Change(element, "removed", _label(old[k], fields), before=old[k])
        for k in old
        if k not in new
    ]
    changes += [
        Change(element, "added", _label(new[k], fields), after=new[k]) for k in new if k not in old
    ]
    changes += [
        Change(element, "changed", _label(new[k], fields), before=old[k], after=new[k])
        for k in new
        if k in old and old[k] != new[k]
    ]
    return changes


# Codes are not content: they are compared on their own (``code_kept``), so that a guide
# not coded yet differs from its published version only where a person changed it.
_CODES: Final = ("catalog_code", "implementation_code")
_CODED_PARTS: Final = ("materials", "handling_items")


def _content(guide: Guide, element: str) -> Any:
    value = unstructure(getattr(guide, element))
    if element in _CODED_PARTS:
        return [{k: v for k, v in item.items() if k != "code"} for item in value]
    return value


def diff_guides(old: Guide, new: Guide) -> GuideDiff:
    """The changes from ``old`` to ``new``, element by element, in the model's order.

    Codes are left out of the changes: ``code_kept`` says whether every code both
    versions carry stayed the same, and ``uncoded`` names a side with no codes yet.
    """
    changes: list[Change] = []
    for field in attrs.fields(Guide):
        element = field.name
        if element in _CODES:
            continue
        # Field by field, defaults included: a version going from 1 to 2 is a change.
        a, b = _content(old, element), _content(new, element)
        if a == b:
            continue
        if isinstance(a, list) or isinstance(b, list):
            changes += _list_changes(element, a or [], b or [])
        elif a is None:
            changes.append(Change(element, "added", after=b))
        elif b is None:
            changes.append(Change(element, "removed", before=a))
        else:
            changes.append(Change(element, "changed", before=a, after=b))
    # A code the old version had must still be there, the same: the guide's own codes and
    # those of the materials and handling items both versions share.
    pairs = [
        (old.catalog_code, new.catalog_code),
        (old.implementation_code, new.implementation_code),
    ]
    for part in ("materials", "handling_items"):
        # Paired by name; a name listed twice pairs its occurrences in order.
        new_codes: dict[str, list[Any]] = {}
        for item in getattr(new, part):
            new_codes.setdefault(normalize_name(item.name), []).append(item.code)
        for item in getattr(old, part):
            waiting = new_codes.get(normalize_name(item.name))
            if waiting:
                pairs.append((item.code, waiting.pop(0)))
    uncoded = tuple(side for side, g in (("old", old), ("new", new)) if not _coded(g))
    # A version not coded yet gets the same codes when built: only dropping some codes counts.
    code_kept = "new" in uncoded or all(x is None or x == y for x, y in pairs)
    return GuideDiff(tuple(changes), code_kept, new.version > old.version, uncoded)


def _coded(guide: Guide) -> bool:
    parts = (*(m.code for m in guide.materials), *(i.code for i in guide.handling_items))
    return any(c is not None for c in (guide.catalog_code, guide.implementation_code, *parts))
