"""Canonical JSON of a guide: UTF-8, non-ASCII kept, stable key order.

Keys come in the order the model declares its fields and defaults are left out,
so equal guides give identical text, and ``from_json(to_json(g)) == g``.
"""

from __future__ import annotations

from typing import Any

import orjson

from service_codes.convert import guide_to_data
from service_codes.errors import InvalidGuide
from service_codes.model import Guide
from service_codes.validation import Problem, guide_from_data

# Two-space indentation and a final newline; orjson keeps non-ASCII text as it is.
_LAYOUT = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def to_json(guide: Guide) -> str:
    """The canonical JSON text of a guide, ending with a newline."""
    return data_to_json(guide_to_data(guide)).decode()


def data_to_json(data: dict[str, Any]) -> bytes:
    """:func:`to_json` as UTF-8 bytes, of a guide already unstructured by ``guide_to_data``."""
    return orjson.dumps(data, option=_LAYOUT)


def _junk(message: str, message_zh: str) -> InvalidGuide:
    return InvalidGuide(
        [Problem(path="", rule="json.syntax", message=message, message_zh=message_zh)]
    )


def from_json(text: str | bytes) -> Guide:
    """Read a guide from JSON text, checking it against the schema.

    Raises :class:`InvalidGuide` carrying every problem, each with its JSON
    Pointer, for invalid guides and for junk input alike.
    """
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")
    elif isinstance(text, bytes):
        text = text.removeprefix(b"\xef\xbb\xbf")
    else:
        raise _junk(f"expected JSON text, got {type(text).__name__}", "应为 JSON 文本")
    try:
        # orjson refuses what a guide cannot hold: invalid UTF-8, lone surrogates, NaN,
        # integers beyond 64 bits and nesting deeper than 1024.
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise _junk(f"not valid JSON: {error}", f"不是有效的 JSON：{error}") from None
    if not isinstance(data, dict):
        raise InvalidGuide(
            [
                Problem(
                    path="",
                    rule="schema.type",
                    message=f"a guide is a JSON object, not {type(data).__name__}",
                    message_zh="办事指南应为 JSON 对象",
                )
            ]
        )
    return guide_from_data(data)
