"""The registry's index: what the ledger's events say, arranged for look-ups and numbering.

Identities, the events of the ledger (issue, alias, retire, reinstate, merge,
split) and how each one changes the index; the ``Registry`` decides what to record.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final, cast

import attrs

from service_codes.codes import CatalogCode, parse_code
from service_codes.errors import RegistryError
from service_codes.ledger import Event
from service_codes.matter_types import AnyMatterType
from service_codes.text import normalize_name

Identity = tuple[str, ...]
CATALOG: Final = "catalog"
HANDLING_ITEM: Final = "handling_item"
MATERIAL: Final = "material"
# Digits of the sequence number each kind of code appends to its parent.
SEQ_WIDTH: Final = {HANDLING_ITEM: 2, MATERIAL: 3}


def matter_identity(
    origin: str, matter_type: AnyMatterType | str, name: str, sub_name: str | None
) -> Identity:
    """The identity of a catalogue matter; width, space and bracket variants fold together.

    The type is held by its value: a slug, or an extension type's two digits.
    """
    sub = normalize_name(sub_name) if sub_name else ""
    value = matter_type if type(matter_type) is str else cast(AnyMatterType, matter_type).value
    return (CATALOG, origin, value, normalize_name(name), sub)


def family(code: str) -> str:
    """What codes that may be merged share: a catalog code's origin and type, else the parent."""
    if len(code) == 12:
        return code[:4]
    return code[: len(code) - (2 if len(code) == 33 else 3)]


def part_identity(kind: str, parent: str, name: str) -> Identity:
    """The identity of a handling item or material within its parent code."""
    return (kind, parent, normalize_name(name))


class Codes:
    """Every identity's code, aliases too, kept small enough for a province's ledger.

    A part's code is its parent's code and a number, so parts are kept as
    parent -> name -> number: a million guides' ten million material codes take
    about a tenth of the memory that identity tuples and code strings would.
    Anything else (catalog codes, and a part code not shaped so) is kept as it is.
    """

    def __init__(
        self,
        other: dict[Identity, str] | None = None,
        parts: dict[str, dict[str, dict[str, int]]] | None = None,
    ) -> None:
        self.other = other or {}
        self.parts = parts or {kind: {} for kind in SEQ_WIDTH}
        self._other_codes = Counter(self.other.values())

    def state(self) -> tuple[Any, ...]:
        # A list of pairs is about twice as quick to marshal as the dict itself.
        return list(self.other.items()), self.parts

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> Codes:
        return cls(dict(state[0]), state[1])

    def _numbers(self, identity: Identity) -> dict[str, int] | None:
        if len(identity) == 3 and identity[0] in SEQ_WIDTH:
            return self.parts[identity[0]].get(identity[1])
        return None

    def get(self, identity: Identity, default: str | None = None) -> str | None:
        numbers = self._numbers(identity)
        if numbers is not None and identity[2] in numbers:
            kind, parent, name = identity
            return f"{parent}{numbers[name]:0{SEQ_WIDTH[kind]}d}"
        return self.other.get(identity, default)

    def __contains__(self, identity: Identity) -> bool:
        return self.get(identity) is not None

    def __getitem__(self, identity: Identity) -> str:
        code = self.get(identity)
        if code is None:
            raise KeyError(identity)
        return code

    def __setitem__(self, identity: Identity, code: str) -> None:
        if identity in self.other:  # a code given again: forget the old one
            self._forget(identity)
        if len(identity) == 3 and identity[0] in SEQ_WIDTH:
            kind, parent, name = identity
            digits = code[len(parent) :]
            if (
                code.startswith(parent)
                and len(digits) == SEQ_WIDTH[kind]
                and digits.isascii()
                and digits.isdigit()
            ):
                numbers = self.parts[kind].setdefault(sys.intern(parent), {})
                numbers[sys.intern(name)] = int(digits)
                return
            self.parts[kind].get(parent, {}).pop(name, None)
        self.other[identity] = code
        self._other_codes[code] += 1

    def _forget(self, identity: Identity) -> None:
        code = self.other.pop(identity)
        self._other_codes[code] -= 1
        if not self._other_codes[code]:
            del self._other_codes[code]

    def items(self) -> Iterator[tuple[Identity, str]]:
        yield from self.other.items()
        for kind, parents in self.parts.items():
            width = SEQ_WIDTH[kind]
            for parent, numbers in parents.items():
                for name, number in numbers.items():
                    yield (kind, parent, name), f"{parent}{number:0{width}d}"

    def identities_of(self, code: str) -> list[Identity]:
        """Every identity that has ``code``, in ledger order (the last is the latest name)."""
        found = [identity for identity, held in self.other.items() if held == code]
        for kind, width in SEQ_WIDTH.items():
            parent, digits = code[:-width], code[-width:]
            numbers = self.parts[kind].get(parent)
            if numbers and digits.isascii() and digits.isdigit():
                found += [(kind, parent, name) for name, n in numbers.items() if n == int(digits)]
        return found

    def is_issued(self, code: str) -> bool:
        """Whether some identity has ``code``: every code issued is some identity's."""
        if code in self._other_codes:
            return True
        for kind, width in SEQ_WIDTH.items():
            numbers = self.parts[kind].get(code[:-width])
            digits = code[-width:]
            if (
                numbers
                and digits.isascii()
                and digits.isdigit()
                and int(digits) in numbers.values()
            ):
                return True
        return False

    def last_number(self, kind: str, parent: str) -> int:
        """The highest number given to a part of ``kind`` under ``parent``; 0 if none."""
        return max(self.parts[kind].get(parent, {}).values(), default=0)


@attrs.define
class Index:
    """What the ledger says, arranged for look-ups and numbering."""

    code_of: Codes = attrs.Factory(Codes)  # every identity, aliases too
    retired: dict[str, str] = attrs.Factory(dict)  # code -> why, for people
    merged_into: dict[str, str] = attrs.Factory(dict)
    main_of: dict[tuple[str, str, str], int] = attrs.Factory(dict)  # (origin, type, name)
    last_main: dict[tuple[str, str], int] = attrs.Factory(dict)  # (origin, type)
    last_sub: dict[tuple[str, str, int], int] = attrs.Factory(dict)  # (origin, type, main)

    def state(self) -> tuple[Any, ...]:
        """The index as plain data for a snapshot."""
        return (self.code_of.state(), *attrs.astuple(self, recurse=False)[1:])

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> Index:
        return cls(Codes.from_state(state[0]), *state[1:])

    def count(self, code: str, identity: Identity) -> None:
        """Advance the catalog numbering past a code just recorded in ``code_of``.

        Parts need nothing: their next number is read off ``code_of``.
        """
        if identity[0] == CATALOG:
            origin, type_slug, name = identity[1], identity[2], identity[3]
            main, sub = int(code[4:9]), int(code[9:12])
            self.main_of[origin, type_slug, name] = main
            if main > self.last_main.get((origin, type_slug), 0):
                self.last_main[origin, type_slug] = main
            if sub > self.last_sub.get((origin, type_slug, main), 0):
                self.last_sub[origin, type_slug, main] = sub


def check_shape(code: str, identity: Identity) -> None:
    """A code must be of its identity's kind and sit under its parent."""
    kind = identity[0] if identity else None
    if kind == CATALOG and len(identity) == 5:
        parsed = CatalogCode.parse(code)
        if (parsed.origin, parsed.matter_type.value) != (identity[1], identity[2]):
            raise RegistryError(
                f"code {code} does not have the origin and type of its matter",
                f"编码 {code} 与事项的来源或类型不符",
            )
        if (parsed.sub == 0) != (identity[4] == ""):
            raise RegistryError(
                f"code {code} has sub-item {parsed.sub:03d}, its matter "
                + ("none" if identity[4] == "" else "a sub-item name"),
                f"编码 {code} 的子项号与事项是否有子项不符",
            )
    elif kind in SEQ_WIDTH and len(identity) == 3:
        parent, width = identity[1], SEQ_WIDTH[kind]
        if len(code) != len(parent) + width or not code.startswith(parent):
            raise RegistryError(
                f"code {code} is not a {kind} code under {parent}",
                f"编码 {code} 不是 {parent} 下的编码",
            )
        parse_code(code)
    else:
        raise RegistryError(f"unknown identity {identity!r}", f"无法识别的标识 {identity!r}")


def apply_event(index: Index, event: Event, strict: bool) -> None:
    """Replay one event onto the index; conflicts raise RegistryError."""
    kind, code = event["event"], event["code"]
    if kind in ("issue", "alias"):
        # Parents and names repeat across the ledger: share one string object for each.
        identity = tuple(map(sys.intern, event["identity"]))
        if strict:
            check_shape(code, identity)
        if kind == "issue":
            if index.code_of.is_issued(code):
                raise RegistryError(f"code {code} is issued twice", f"编码 {code} 被重复发放")
            if identity in index.code_of:
                raise RegistryError(f"identity {identity!r} has two codes", "同一标识有两个编码")
            index.code_of[identity] = code
            index.count(code, identity)
            return
        if not index.code_of.is_issued(code) or index.code_of.get(identity, code) != code:
            raise RegistryError(f"alias of {code} conflicts", f"编码 {code} 的别名冲突")
        index.code_of[identity] = code
        if identity[0] == CATALOG:
            index.main_of[identity[1], identity[2], identity[3]] = int(code[4:9])
        return
    if not index.code_of.is_issued(code):
        raise RegistryError(f"code {code} was never issued", f"编码 {code} 从未发放")
    if kind == "reinstate":
        if code not in index.retired:
            raise RegistryError(f"code {code} is not retired", f"编码 {code} 未被注销")
        del index.retired[code]
        index.merged_into.pop(code, None)
        return
    if code in index.retired:
        raise RegistryError(f"code {code} is retired", f"编码 {code} 已注销")
    if kind == "retire":
        index.retired[code] = f"retired on {event['date']}: {event['reason']}"
    elif kind == "merge":
        for other in event["merged"]:
            if other == code or not index.code_of.is_issued(other) or other in index.retired:
                raise RegistryError(f"code {other} cannot be merged", f"编码 {other} 不能合并")
            if family(other) != family(code):
                raise RegistryError(
                    f"code {other} cannot merge into {code}: another type or parent",
                    f"编码 {other} 与 {code} 类型或上级不同，不能合并",
                )
            index.retired[other] = f"merged into {code} on {event['date']}: {event['reason']}"
            index.merged_into[other] = code
    elif kind == "split":
        new = [part["code"] for part in event["into"]]
        for part in event["into"]:
            apply_event(index, {"event": "issue", **part}, strict)
        index.retired[code] = f"split into {', '.join(new)} on {event['date']}: {event['reason']}"
    else:
        raise RegistryError(f"unknown event {kind!r}", f"未知事件 {kind!r}")


def mentions(event: Event, code: str) -> bool:
    return (
        event.get("code") == code
        or code in event.get("merged", ())
        or any(part.get("code") == code for part in event.get("into", ()))
    )


EVENT_FIELDS: Final = {
    "issue": {"code", "identity", "name", "date", "reason"},
    "alias": {"code", "identity", "name", "date", "reason"},
    "retire": {"code", "date", "reason"},
    "reinstate": {"code", "date", "reason"},
    "merge": {"code", "merged", "date", "reason"},
    "split": {"code", "into", "date", "reason"},
}


def check_event(event: Event) -> None:
    """An event must have its fields, of the right types (verify's strict reading)."""
    fields = EVENT_FIELDS.get(event.get("event"))  # type: ignore[arg-type]
    if fields is None:
        raise RegistryError(f"unknown event {event.get('event')!r}", "未知事件")
    missing = fields - event.keys()
    if missing:
        raise RegistryError(f"event lacks {', '.join(sorted(missing))}", "事件缺少字段")
    dt.date.fromisoformat(event["date"])
    if not all(isinstance(event[f], str) for f in fields & {"code", "name", "reason"}):
        raise RegistryError("event fields must be text", "事件字段必须是文本")
