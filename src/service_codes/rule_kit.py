"""How a rule a JSON Schema cannot say is declared: the fields it reads, and its problems.

A rule is a function of a well-formed guide that yields :class:`Problem` s. Each declares
(``@reads``) the top-level fields it reads, so that when some fields of a guide are faulty
the rules that read only the others still run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from service_codes.model import Guide
from service_codes.problems import Problem, Severity

Rule = Callable[[Guide], Iterator[Problem]]

# The top-level fields of a guide each rule reads. When one of them is faulty (it breaks the
# schema or does not structure) it holds a stand-in, and a rule that reads it is not run.
READS: Final[dict[Rule, frozenset[str]]] = {}


def reads(*fields: str) -> Callable[[Rule], Rule]:
    """Declare the top-level fields of a guide a rule reads (see :func:`rule_problems`)."""

    def declare(rule: Rule) -> Rule:
        READS[rule] = frozenset(fields)
        return rule

    return declare


def problem(path: str, rule: str, en: str, zh: str, warning: bool = False) -> Problem:
    """A problem of a rule: an error, or a warning when ``warning``."""
    severity = Severity.WARNING if warning else Severity.ERROR
    return Problem(path=path, rule=rule, message=en, message_zh=zh, severity=severity)
