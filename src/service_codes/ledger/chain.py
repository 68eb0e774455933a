"""The hash chain both ledgers keep: sealed events, one per line or row.

An event is sealed after the one before it: its JSON (keys sorted, ``prev`` the
previous hash) is hashed with SHA-256, and the line is that JSON with ``hash``
added as its last field. A line is the same bytes in a file and in the database,
so a ledger moves between them byte for byte.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

import orjson

from service_codes.errors import RegistryCorrupt, RegistryError

GENESIS: Final = "0" * 64
Event = dict[str, Any]
# What the line adds after the hashed body: ',"hash":"<64 hex digits>"}' and the newline.
SUFFIX_LEN: Final = len(b',"hash":"') + 64 + len(b'"}')
# Names the n-th event of a ledger in both languages, for messages: "ledger line 3".
Where = Callable[[int], tuple[str, str]]


def seal(event: Event, prev: str) -> tuple[bytes, str]:
    """The line (with newline) of ``event`` chained after ``prev``, and the line's hash."""
    try:
        body = orjson.dumps({**event, "prev": prev}, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as error:  # a lone surrogate in a name, say
        raise RegistryError(
            f"the event cannot be written as UTF-8 JSON: {error}",
            f"事件无法写成 UTF-8 JSON：{error}",
        ) from None
    digest = hashlib.sha256(body).hexdigest()
    return body[:-1] + b',"hash":"' + digest.encode() + b'"}\n', digest


def hashed_body(line: bytes) -> bytes:
    """The bytes a sealed line's hash was computed over (``line`` without its newline)."""
    return line[:-SUFFIX_LEN] + b"}"


def corrupt(where: Where, number: int, en: str, zh: str, *, torn: bool = False) -> RegistryCorrupt:
    place_en, place_zh = where(number)
    return RegistryCorrupt(f"{place_en}: {en}", f"{place_zh}：{zh}", line=number, torn=torn)


def parse(line: bytes, number: int, where: Where) -> Event:
    """The event of a line, which must be a JSON object carrying a hash."""
    try:
        event = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise corrupt(where, number, "not valid JSON", "不是有效的 JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("hash"), str):
        raise corrupt(where, number, "not a sealed event", "不是带哈希的事件")
    return event


def unseal(line: bytes, number: int, prev: str, where: Where) -> Event:
    """The event of sealed ``line`` (no newline), without its chain fields.

    Checks the line's own hash and that it chains on ``prev``; the event's own
    ``hash`` is left in the returned dict for the caller to chain on.
    """
    event = parse(line, number, where)
    if hashlib.sha256(hashed_body(line)).hexdigest() != event["hash"]:
        raise corrupt(where, number, "was altered: its hash does not match", "被改动：哈希不符")
    if event.pop("prev", None) != prev:
        raise corrupt(
            where, number, "is out of place: the chain breaks here", "位置不对：哈希链在此断开"
        )
    return event


def is_sealed(line: bytes, prev: str) -> bool:
    """Whether ``line`` (without newline) is a whole sealed event chained after ``prev``."""
    try:
        event = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return (
        isinstance(event, dict)
        and event.get("prev") == prev
        and hashlib.sha256(hashed_body(line)).hexdigest() == event.get("hash")
    )


@contextmanager
def no_gc() -> Iterator[None]:
    """Reading a million small events triggers the cycle collector over and over; they
    hold no cycles, so it is paused while they are read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
