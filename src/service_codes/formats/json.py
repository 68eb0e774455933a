"""Canonical JSON of a guide: UTF-8, non-ASCII kept, stable key order.

Keys come in the order the model declares its fields and defaults are left out,
so equal guides give identical text, and ``from_json(to_json(g)) == g``.
"""

from __future__ import annotations

import json

from service_codes.convert import guide_to_data
from service_codes.errors import InvalidGuide
from service_codes.model import Guide
from service_codes.validation import Problem, guide_from_data


def to_json(guide: Guide) -> str:
    """The canonical JSON text of a guide, ending with a newline."""
    return json.dumps(guide_to_data(guide), ensure_ascii=False, indent=2) + "\n"


def _junk(message: str, message_zh: str) -> InvalidGuide:
    return InvalidGuide(
        [Problem(path="", rule="json.syntax", message=message, message_zh=message_zh)]
    )


def from_json(text: str | bytes) -> Guide:
    """Read a guide from JSON text, checking it against the schema.

    Raises :class:`InvalidGuide` carrying every problem, each with its JSON
    Pointer, for invalid guides and for junk input alike.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise _junk(f"not UTF-8: {error}", f"不是 UTF-8 编码：{error}") from None
    if not isinstance(text, str):
        raise _junk(f"expected JSON text, got {type(text).__name__}", "应为 JSON 文本")
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except RecursionError:
        raise _junk("the JSON is nested too deeply", "JSON 嵌套层次过深") from None
    except ValueError as error:  # JSONDecodeError, and integers too long to convert
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
