"""Problems are data: what is wrong, where (a JSON Pointer), under which rule, in two languages.

>>> pointer(["materials", 0, "name"])
'/materials/0/name'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs


class Severity(enum.StrEnum):
    """How bad a problem is: an error blocks publishing, a warning asks for review."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a guide, at ``path`` (a JSON Pointer into the guide)."""

    path: str
    rule: str
    message: str
    message_zh: str
    severity: Severity = Severity.ERROR


@attrs.frozen
class Report:
    """Every problem found in one guide; ``ok`` when none of them is an error."""

    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def pointer(parts: Iterable[str | int]) -> str:
    """The RFC 6901 JSON Pointer of a path given as keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
