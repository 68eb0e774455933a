"""What every subcommand shares: the language of messages and how failures exit."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import attrs
import click

from service_codes.cli import messages
from service_codes.cli.messages import Lang
from service_codes.errors import InvalidCodeLists, ServiceCodesError
from service_codes.formats import read_and_check
from service_codes.ledger import LOCATION_VARIABLE
from service_codes.matter_types import STANDARD, MatterTypes, read_matter_types
from service_codes.model import Guide
from service_codes.output import UnsafeWrite
from service_codes.validation import Problem, Report


def default_lang() -> Lang:
    """Chinese when the locale is Chinese, else English."""
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "zh" if locale.lower().startswith("zh") else "en"


@attrs.frozen
class Say:
    """Prints staff-facing lines in the chosen language, from the message catalogue."""

    lang: Lang

    def __call__(self, key: str, /, *, err: bool = False, **fields: Any) -> None:
        click.echo(self.text(key, **fields), err=err)

    def text(self, key: str, /, **fields: Any) -> str:
        """The message ``key`` of :mod:`service_codes.cli.messages`, filled in."""
        return messages.text(self.lang, key, **fields)

    def join(self, items: Iterable[object]) -> str:
        return messages.join(self.lang, items)

    def error(self, error: ServiceCodesError) -> str:
        """A library error's own message in this language."""
        return error.message_zh if self.lang == "zh" else error.message

    def reason(self, error: OSError) -> str:
        """Why the system refused, in this language (the OS's own text is English)."""
        name = errno.errorcode.get(error.errno or 0, "")
        if f"io.{name}" in messages.MESSAGES:
            return self.text(f"io.{name}")
        return self.text("io.other", errno=name or error.errno)

    def problem(self, source: Path, problem: Problem, *, err: bool = True) -> None:
        message = problem.message_zh if self.lang == "zh" else problem.message
        warning = "" if problem.severity == "error" else self.text("problem.warning")
        click.echo(f"{source}: {problem.path or '/'}: {message}{warning}", err=err)

    def unsafe(self, error: UnsafeWrite) -> NoReturn:
        """Name every file a write would lose, say how to go on, and exit 2."""
        self("out.unsafe", err=True, count=len(error.files))
        for path, why in error.files[:20]:
            self("out.unsafe-file", err=True, path=path, why=self.text(f"out.unsafe-{why}"))
        if len(error.files) > 20:
            self("out.more", err=True, count=len(error.files) - 20)
        self("out.unsafe-hint", err=True)
        sys.exit(2)


class Failure(click.ClickException):
    """A message already in the chosen language, and an exit code (2: usage or I/O)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def io_failure(say: Say, key: str, path: Path, error: OSError) -> Failure:
    """A file or folder could not be read or written: exit 2, like a usage error."""
    return Failure(say.text(key, path=path, reason=say.reason(error)))


def fail(say: Say, error: ServiceCodesError, exit_code: int) -> NoReturn:
    """Say what went wrong, in the chosen language, and exit with ``exit_code``."""
    if isinstance(error, UnsafeWrite):
        say.unsafe(error)
    click.echo(say.error(error), err=True)
    sys.exit(exit_code)


T = TypeVar("T")


def progress(say: Say, items: Sequence[T], key: str) -> Iterator[T]:
    """``items`` one by one, with a progress bar labelled by message ``key`` on a terminal."""
    if not sys.stderr.isatty():  # quiet when piped or logged
        yield from items
        return
    with click.progressbar(items, label=say.text(key), file=sys.stderr) as bar:
        yield from bar


FORCE = click.option(
    "--force",
    is_flag=True,
    help="Overwrite or remove files that service-codes did not write or that changed since.",
)


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


def check_file(say: Say, source: Path, types: MatterTypes = STANDARD) -> Checked:
    """Read (JSON or XML, by content) and validate one guide file; I/O errors exit 2."""
    try:
        data = source.read_bytes()
    except OSError as error:
        raise io_failure(say, "io.cannot-read", source, error) from None
    return Checked(source, *read_and_check(data, types))


def _matter_types(ctx: click.Context, _: click.Parameter, value: Path | None) -> MatterTypes:
    if value is None:
        return STANDARD
    try:
        return read_matter_types(value)
    except InvalidCodeLists as error:
        raise Failure(cast(Say, ctx.find_object(Say)).error(error)) from None


CODELISTS = click.option(
    "--codelists",
    "types",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_matter_types,
    metavar="FILE",
    help="A catalogue's codelists.toml, declaring the matter types it uses beyond the"
    " standard's (their labels and families).",
)


def registry_option(default: str | None, help_default: str) -> Callable[[Any], Any]:
    """``--registry FOLDER|DSN``: where the code ledger is, a folder or a shared database."""
    return click.option(
        "--registry",
        "registry_location",
        default=default,
        envvar=LOCATION_VARIABLE,
        show_envvar=True,
        metavar="FOLDER|DSN",
        help="The code registry: a folder holding codes.jsonl, or a PostgreSQL connection"
        f" string such as postgresql://center@host/codes (libpq's PG* variables fill in"
        f" what it leaves out). Default: {help_default}.",
    )
