"""What a registry knows of any code a person may paste: ``registry show`` for every kind.

The registry issues catalog, handling-item and material codes; implementation codes and case
numbers are composed from an agency's USCC, a level and an issued catalog code, and a date and
serial. A look-up names the issued codes a code rests on (its catalog code, and for a part the
part itself), each with its identities, history and state, or as not issued here.

>>> import tempfile
>>> from service_codes import Registry
>>> found = look_up(Registry.open(tempfile.mkdtemp(), create=True), "000104002000")
>>> [(issued.role, issued.code, issued.info) for issued in found.rests_on]
[('catalog code', '000104002000', None)]
>>> found.issued
False
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs

from service_codes.code_parts import CATALOG_KIND, HANDLING_ITEM_KIND, MATERIAL_KIND, Kind
from service_codes.codes import (
    CaseNumber,
    CatalogCode,
    Code,
    HandlingItemCode,
    ImplementationCode,
    MaterialCode,
    kind_of,
    parse_code,
)
from service_codes.errors import RegistryCorrupt, RegistryError, RegistryUnavailable
from service_codes.explain import Part, explain_code
from service_codes.matter_types import STANDARD, MatterTypes
from service_codes.registry import CodeInfo, Registry


@attrs.frozen
class CodeState:
    """Whether a code is in use, or how it left use (its last lifecycle event says)."""

    state: Literal["in_use", "retired", "merged", "split"]
    date: str | None = None
    reason: str | None = None
    into: tuple[str, ...] = ()  # the code it was merged into, or the codes it was split into


def state_of(code: str, history: Sequence[dict[str, Any]]) -> CodeState:
    """The state of ``code`` after the events of its history, oldest first."""
    state = CodeState("in_use")
    for event in history:
        kind, when, why = event.get("event"), event.get("date"), event.get("reason")
        if kind == "reinstate":
            state = CodeState("in_use")
        elif kind == "retire" and event.get("code") == code:
            state = CodeState("retired", when, why)
        elif kind == "merge" and code in event.get("merged", ()):
            state = CodeState("merged", when, why, (event["code"],))
        elif kind == "split" and event.get("code") == code:
            into = tuple(part["code"] for part in event.get("into", ()))
            state = CodeState("split", when, why, into)
    return state


@attrs.frozen
class Issued:
    """An issued code a looked-up code rests on: what the registry holds of it, if anything."""

    kind: Kind
    code: str
    info: CodeInfo | None  # None: well-formed, not issued here

    @property
    def role(self) -> str:
        return self.kind.name

    @property
    def state(self) -> CodeState | None:
        return state_of(self.code, self.info.history) if self.info else None


@attrs.frozen
class Lookup:
    """A code, its parts, and the issued codes it rests on, outermost first."""

    code: Code
    parts: tuple[Part, ...]
    rests_on: tuple[Issued, ...]

    @property
    def kind(self) -> Kind:
        return kind_of(self.code)

    @property
    def issued(self) -> bool:
        """Whether every code it rests on is issued here."""
        return all(issued.info is not None for issued in self.rests_on)

    @property
    def composed(self) -> bool:
        """Implementation codes and case numbers are composed, never issued."""
        return isinstance(self.code, ImplementationCode | CaseNumber)


def _rests_on(code: Code) -> list[tuple[Kind, str]]:
    if isinstance(code, CatalogCode):
        return [(CATALOG_KIND, str(code))]
    if isinstance(code, ImplementationCode):
        return [(CATALOG_KIND, str(code.catalog))]
    if isinstance(code, CaseNumber):
        return _rests_on(code.implementation)
    if isinstance(code, HandlingItemCode):
        return [*_rests_on(code.implementation), (HANDLING_ITEM_KIND, str(code))]
    assert isinstance(code, MaterialCode)
    return [*_rests_on(code.parent), (MATERIAL_KIND, str(code))]


def look_up(registry: Registry, text: object, types: MatterTypes = STANDARD) -> Lookup:
    """What ``registry`` knows of the code ``text`` of any kind.

    Raises :class:`~service_codes.errors.InvalidCode` with the reason when ``text`` is not a
    well-formed code; a well-formed code that is not issued here is a :class:`Lookup` whose
    ``issued`` is false.
    """
    code = parse_code(text)
    found = []
    for kind, issued in _rests_on(code):
        try:
            info: CodeInfo | None = registry.info(issued)
        except (RegistryCorrupt, RegistryUnavailable):
            raise  # a damaged or lost registry is no answer that the code is not issued
        except RegistryError:
            info = None
        found.append(Issued(kind, issued, info))
    return Lookup(code, tuple(explain_code(str(code), types)), tuple(found))
