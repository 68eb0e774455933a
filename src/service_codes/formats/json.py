"""Canonical JSON of a guide: UTF-8, non-ASCII kept, stable key order.

Keys come in the order the model declares its fields and defaults are left out,
so equal guides give identical text, and ``from_json(to_json(g)) == g``.

Reading refuses what a JSON parser would let pass silently: a key repeated in an object
(the parser keeps the last one) is a ``json.duplicate-key`` problem. Text that is not
UTF-8 is read as GB18030, or as UTF-16 with a byte order mark, when the bytes leave no
doubt; anything else is a ``json.encoding`` problem that says how to re-save the file.

>>> try:
...     from_json('{"name": "a", "name": "b"}')
... except InvalidGuide as error:
...     first = error.problems[0]
...     print(first.rule, repr(first.path), first.message_zh)
json.duplicate-key '' 该对象中的键“name”出现了不止一次，读取时只保留最后一个
"""

from __future__ import annotations

import codecs
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson

from service_codes.convert import guide_to_data
from service_codes.encoding import UnreadableText, decode
from service_codes.errors import InvalidGuide
from service_codes.formats.earlier import upgrade_data
from service_codes.model import Guide
from service_codes.problems import pointer
from service_codes.validation import Problem, guide_from_data

# Two-space indentation and a final newline; orjson keeps non-ASCII text as it is.
_LAYOUT = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def to_json(guide: Guide) -> str:
    """The canonical JSON text of a guide, ending with a newline."""
    return data_to_json(guide_to_data(guide)).decode()


def data_to_json(data: dict[str, Any]) -> bytes:
    """:func:`to_json` as UTF-8 bytes, of a guide already unstructured by ``guide_to_data``."""
    return orjson.dumps(data, option=_LAYOUT)


def _junk(rule: str, message: str, message_zh: str) -> InvalidGuide:
    return InvalidGuide([Problem(path="", rule=rule, message=message, message_zh=message_zh)])


def from_json(text: str | bytes) -> Guide:
    """Read a guide from JSON text, checking it against the schema.

    Raises :class:`InvalidGuide` carrying every problem, each with its JSON
    Pointer, for invalid guides and for junk input alike.
    """
    data, repeated = json_data(text)
    if not repeated:
        return guide_from_data(data)
    try:
        guide_from_data(data)
    except InvalidGuide as error:
        raise InvalidGuide(repeated + error.problems) from None
    raise InvalidGuide(repeated)


def json_data(text: str | bytes) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The plain data of a guide's JSON text, and a problem for each key it repeats.

    Raises :class:`InvalidGuide` for text that is not a JSON object (``json.syntax``,
    ``json.encoding``, ``schema.type``); the schema is left to the caller. A guide of the
    earlier form is read as today's (:mod:`service_codes.formats.earlier`).
    """
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")
    elif isinstance(text, bytes):
        text = text.removeprefix(codecs.BOM_UTF8)
    else:
        raise _junk(
            "json.syntax", f"expected JSON text, got {type(text).__name__}", "应为 JSON 文本"
        )
    try:
        # orjson refuses what a guide cannot hold: invalid UTF-8, lone surrogates, NaN,
        # integers beyond 64 bits and nesting deeper than 1024.
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        text, data = _read_decoded(text, error)
    if not isinstance(data, dict):
        raise _junk(
            "schema.type",
            f"a guide is a JSON object, not {type(data).__name__}",
            "办事指南应为 JSON 对象",
        )
    upgrade_data(data)
    return data, _repeated_keys(text, data)


def _read_decoded(text: str | bytes, error: orjson.JSONDecodeError) -> tuple[str, Any]:
    """Bytes orjson refused, read again if they are text in another encoding read here."""
    if isinstance(text, bytes):
        try:
            decoded = decode(text)
        except UnreadableText as unreadable:
            raise _junk("json.encoding", unreadable.message, unreadable.message_zh) from None
        if decoded.encoding != "utf-8":  # else the bytes are UTF-8 and the syntax is at fault
            try:
                return decoded.text, orjson.loads(decoded.text)
            except orjson.JSONDecodeError as again:
                raise _not_json(again, decoded.encoding.upper()) from None
    raise _not_json(error) from None


def _not_json(error: orjson.JSONDecodeError, encoding: str = "") -> InvalidGuide:
    read_as = f" (read as {encoding})" if encoding else ""
    read_as_zh = f"（按 {encoding} 编码读取）" if encoding else ""
    return _junk(
        "json.syntax", f"not valid JSON{read_as}: {error}", f"不是有效的 JSON{read_as_zh}：{error}"
    )


# --- keys repeated in an object --------------------------------------------------------------


def _repeated_keys(text: str | bytes, data: dict[str, Any]) -> tuple[Problem, ...]:
    """A problem for each key repeated in an object of the text, read again only if need be.

    Every key of JSON text is followed by a colon, and every other colon is in a string,
    where parsing keeps it (written as itself or as a ``\\u003a`` escape) unless it is in
    the pair of a repeated key that the parser drops. So when the text has no more colons,
    counting each ``\\u003`` as one, than the data written out again, no key is repeated.
    """
    raw = text.encode() if isinstance(text, str) else text  # orjson has cached the UTF-8
    try:
        written = orjson.dumps(data, option=_LAYOUT)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes, as no guide is
        return tuple(_repeats(text))
    if written == raw:  # canonical text, the data's own: a cheaper proof, and the usual case
        return ()
    if raw.count(b":") + raw.count(b"\\u003") <= written.count(b":"):
        return ()
    return tuple(_repeats(text))


class _Object(dict[str, Any]):
    """A JSON object as read, with the keys its text repeats."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.repeated = (
            [key for key, n in Counter(key for key, _ in pairs).items() if n > 1]
            if len(self) < len(pairs)
            else []
        )


def _repeats(text: str | bytes) -> Iterator[Problem]:
    """The repeated keys of JSON text, at the JSON Pointer of the object repeating them."""
    try:
        root = json.loads(text, object_pairs_hook=_Object)
    except (ValueError, RecursionError):  # nesting too deep for json: the schema refuses it
        return
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), root)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Object):
            for key in value.repeated:
                yield Problem(
                    path=pointer(path),
                    rule="json.duplicate-key",
                    message=f"the key {key!r} appears more than once in this object;"
                    " a reader keeps only the last",
                    message_zh=f"该对象中的键“{key}”出现了不止一次，读取时只保留最后一个",
                )
            stack.extend(((*path, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in reversed(list(enumerate(value))))
