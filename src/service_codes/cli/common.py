"""What every subcommand shares: the language of messages and how failures exit."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, NoReturn, cast

import attrs
import click

from service_codes.build import read_and_check
from service_codes.errors import ServiceCodesError
from service_codes.model import Guide
from service_codes.validation import Problem, Report

Lang = Literal["en", "zh"]


def default_lang() -> Lang:
    """Chinese when the locale is Chinese, else English."""
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "zh" if locale.lower().startswith("zh") else "en"


@attrs.frozen
class Say:
    """Prints staff-facing lines in the chosen language."""

    lang: Lang

    def __call__(self, en: str, zh: str, *, err: bool = False) -> None:
        click.echo(zh if self.lang == "zh" else en, err=err)

    def problem(self, source: Path, problem: Problem, *, err: bool = True) -> None:
        message = problem.message_zh if self.lang == "zh" else problem.message
        warning = (
            ""
            if problem.severity == "error"
            else (" (警告)" if self.lang == "zh" else " (warning)")
        )
        click.echo(f"{source}: {problem.path or '/'}: {message}{warning}", err=err)


class IOFailure(click.ClickException):
    """A file or folder could not be read or written: exit 2, like a usage error."""

    exit_code = 2


def fail(say: Say, error: ServiceCodesError, exit_code: int) -> NoReturn:
    """Say what went wrong, in the chosen language, and exit with ``exit_code``."""
    say(error.message, error.message_zh, err=True)
    sys.exit(exit_code)


def lang_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--lang`` after the subcommand too (``service-codes validate --lang zh ...``)."""

    def switch(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
        if value is not None:
            ctx.obj = Say(cast(Lang, value))

    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        expose_value=False,
        is_eager=True,
        callback=switch,
        help="Language of messages (default: from the locale).",
    )(command)


@attrs.frozen
class Checked:
    """A guide file read and validated: the guide (None when it does not read) and the report."""

    source: Path
    guide: Guide | None
    report: Report


def check_file(source: Path) -> Checked:
    """Read (JSON or XML, by content) and validate one guide file; I/O errors exit 2."""
    try:
        data = source.read_bytes()
    except OSError as error:
        raise IOFailure(f"cannot read {source}: {error.strerror}") from None
    return Checked(source, *read_and_check(data))
