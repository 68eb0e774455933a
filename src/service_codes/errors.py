"""The one exception hierarchy of service-codes.

Every error a caller can meet through the public API derives from
:class:`ServiceCodesError`, so ``except ServiceCodesError`` is enough to show a
person what went wrong without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service_codes.validation import Problem


class ServiceCodesError(Exception):
    """Base of every error raised by service-codes.

    ``message_zh`` carries the same message in Chinese for staff-facing output.
    """

    default_message = "service-codes error"
    default_message_zh = "service-codes 错误"

    def __init__(self, message: str | None = None, message_zh: str | None = None) -> None:
        self.message = message or self.default_message
        self.message_zh = message_zh or self.default_message_zh
        super().__init__(self.message)


class InvalidCode(ServiceCodesError):
    """A code or identifier is not valid; the subclass says what kind of fault.

    ``resembles`` names what a text that is not the code asked for most resembles (``"local
    code"``, ``"uscc"``, ``"case number"``, ...), when one can be named.
    """

    default_message = "invalid code"
    default_message_zh = "编码无效"

    def __init__(
        self,
        message: str | None = None,
        message_zh: str | None = None,
        *,
        resembles: str | None = None,
    ) -> None:
        self.resembles = resembles
        super().__init__(message, message_zh)


class InvalidLength(InvalidCode):
    """The code has the wrong number of characters."""

    default_message = "the code has the wrong length"
    default_message_zh = "编码长度错误"


class InvalidFormat(InvalidCode):
    """The code holds a character its alphabet does not allow."""

    default_message = "the code contains a character that is not allowed"
    default_message_zh = "编码含有不允许的字符"


class InvalidComponent(InvalidCode):
    """A part of the code (origin, type, level, sequence) is not a known value."""

    default_message = "a part of the code is not valid"
    default_message_zh = "编码的组成部分无效"


class InvalidChecksum(InvalidCode):
    """A check character does not match the characters before it."""

    default_message = "the check character is wrong"
    default_message_zh = "校验码错误"


class InvalidCodeLists(ServiceCodesError):
    """A catalogue's ``codelists.toml`` is malformed or declares what it may not."""

    default_message = "the catalogue's code lists are invalid"
    default_message_zh = "目录的代码表无效"


class InvalidGuide(ServiceCodesError):
    """A guide document is malformed or breaks its schema.

    ``problems`` lists every problem found, each with the JSON Pointer of the
    field it concerns, so a person can fix the document in one pass.
    """

    default_message = "invalid guide"
    default_message_zh = "办事指南无效"

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else None
        summary = f"{first.path or '/'}: {first.message}" if first else None
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        more_zh = f"（另有 {len(self.problems) - 1} 处）" if len(self.problems) > 1 else ""
        super().__init__(
            message or (f"invalid guide: {summary}{more}" if summary else None),
            f"办事指南无效：{first.path or '/'}：{first.message_zh}{more_zh}" if first else None,
        )


class RegistryError(ServiceCodesError):
    """The registry cannot do what was asked (conflict, exhausted numbers, bad event)."""

    default_message = "registry error"
    default_message_zh = "编码登记簿错误"


class RegistryCorrupt(RegistryError):
    """The registry ledger on disk is damaged (torn tail, broken hash chain).

    ``line`` is the first bad line (1-based) when one can be named; ``torn`` is
    true when only an unacknowledged, half-written last line is wrong, which
    ``Registry.repair`` (``service-codes registry repair``) cuts off.
    """

    default_message = "the registry ledger is corrupt"
    default_message_zh = "编码登记簿已损坏"

    def __init__(
        self,
        message: str | None = None,
        message_zh: str | None = None,
        *,
        line: int | None = None,
        torn: bool = False,
    ) -> None:
        self.line = line
        self.torn = torn
        super().__init__(message, message_zh)


class RegistryUnavailable(RegistryError):
    """The registry cannot be reached or used: no such database or schema, a refused
    connection or password, a schema of another library version. Nothing was written."""

    default_message = "the registry is unavailable"
    default_message_zh = "编码登记簿无法使用"


class RegistryRefused(RegistryError):
    """The shared registry's database refused a write: the role holds no grant for a code
    it would issue or change. Nothing was written."""

    default_message = "the registry refused the write"
    default_message_zh = "编码登记簿拒绝写入"


class InvalidReview(ServiceCodesError):
    """A catalogue's ``review.toml`` (public contacts and waivers of the confidentiality
    review) is malformed: not TOML, an unknown key, a waiver missing a field."""

    default_message = "the catalogue's review.toml is invalid"
    default_message_zh = "目录的 review.toml 无效"
