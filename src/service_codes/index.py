"""The registry's index: what the ledger's events say, arranged for look-ups and numbering.

Identities, the events of the ledger (issue, alias, retire, reinstate, merge,
split) and how each one changes the index; the ``Registry`` decides what to record.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, Final

import attrs

from service_codes.codelists import MatterType
from service_codes.codes import CatalogCode, parse_code
from service_codes.errors import RegistryError
from service_codes.ledger import Event
from service_codes.text import normalize_name

Identity = tuple[str, ...]
CATALOG: Final = "catalog"
HANDLING_ITEM: Final = "handling_item"
MATERIAL: Final = "material"
# Digits of the sequence number each kind of code appends to its parent.
SEQ_WIDTH: Final = {HANDLING_ITEM: 2, MATERIAL: 3}


def matter_identity(
    origin: str, matter_type: MatterType, name: str, sub_name: str | None
) -> Identity:
    """The identity of a catalogue matter; width, space and bracket variants fold together."""
    sub = normalize_name(sub_name) if sub_name else ""
    return (CATALOG, origin, matter_type.value, normalize_name(name), sub)


def family(code: str) -> str:
    """What codes that may be merged share: a catalog code's origin and type, else the parent."""
    if len(code) == 12:
        return code[:4]
    return code[: len(code) - (2 if len(code) == 33 else 3)]


def part_identity(kind: str, parent: str, name: str) -> Identity:
    """The identity of a handling item or material within its parent code."""
    return (kind, parent, normalize_name(name))


@attrs.define
class Index:
    """What the ledger says, arranged for look-ups and numbering."""

    code_of: dict[Identity, str] = attrs.Factory(dict)  # every identity, aliases too
    issued: set[str] = attrs.Factory(set)
    retired: dict[str, str] = attrs.Factory(dict)  # code -> why, for people
    merged_into: dict[str, str] = attrs.Factory(dict)
    main_of: dict[tuple[str, str, str], int] = attrs.Factory(dict)  # (origin, type, name)
    last_main: dict[tuple[str, str], int] = attrs.Factory(dict)  # (origin, type)
    last_sub: dict[tuple[str, str, int], int] = attrs.Factory(dict)  # (origin, type, main)
    last_seq: dict[tuple[str, str], int] = attrs.Factory(dict)  # (kind, parent code)

    def state(self) -> tuple[Any, ...]:
        """The index as plain data for a snapshot; ``issued`` is derived on load.

        A list of pairs is about twice as quick to marshal as the dict itself.
        """
        rest = attrs.astuple(self, recurse=False)[2:]
        return (list(self.code_of.items()), *rest)

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> Index:
        code_of = dict(state[0])
        return cls(code_of, set(code_of.values()), *state[1:])

    def count(self, code: str, identity: Identity) -> None:
        """Record that ``code`` is taken, and advance the numbering past it."""
        self.issued.add(code)
        kind = identity[0]
        if kind == CATALOG:
            origin, type_slug, name = identity[1], identity[2], identity[3]
            main, sub = int(code[4:9]), int(code[9:12])
            self.main_of[origin, type_slug, name] = main
            if main > self.last_main.get((origin, type_slug), 0):
                self.last_main[origin, type_slug] = main
            if sub > self.last_sub.get((origin, type_slug, main), 0):
                self.last_sub[origin, type_slug, main] = sub
        else:
            parent = identity[1]
            seq = int(code[len(parent) :])
            if seq > self.last_seq.get((kind, parent), 0):
                self.last_seq[kind, parent] = seq


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
            if code in index.issued:
                raise RegistryError(f"code {code} is issued twice", f"编码 {code} 被重复发放")
            if identity in index.code_of:
                raise RegistryError(f"identity {identity!r} has two codes", "同一标识有两个编码")
            index.code_of[identity] = code
            index.count(code, identity)
            return
        if code not in index.issued or index.code_of.get(identity, code) != code:
            raise RegistryError(f"alias of {code} conflicts", f"编码 {code} 的别名冲突")
        index.code_of[identity] = code
        if identity[0] == CATALOG:
            index.main_of[identity[1], identity[2], identity[3]] = int(code[4:9])
        return
    if code not in index.issued:
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
            if other == code or other not in index.issued or other in index.retired:
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
