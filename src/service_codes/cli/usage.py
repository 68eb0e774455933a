"""Usage errors of the command line itself (a missing argument, a mistyped option), said in
the chosen language: click words them in English, so the Chinese is made from their parts."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Sequence
from typing import Any, cast

import click

from service_codes.cli.common import Say, default_lang
from service_codes.cli.messages import Lang

_QUOTED = re.compile(r"'([^']*)'")


def _say(error: click.UsageError, args: list[str]) -> Say:
    obj = error.ctx.find_root().obj if error.ctx is not None else None
    if isinstance(obj, Say):
        return obj
    for flag, value in itertools.pairwise(args):
        if flag == "--lang" and value in ("en", "zh"):
            return Say(cast(Lang, value))
    return Say(default_lang())


def _hint(error: click.UsageError) -> str:
    param = getattr(error, "param", None)
    if param is not None and error.ctx is not None:
        return str(param.get_error_hint(error.ctx))
    return str(getattr(error, "param_hint", None) or "")


def explain(error: click.UsageError, say: Say) -> str:
    """The Chinese for one usage error, from its kind and the values it names."""
    if isinstance(error, click.MissingParameter):
        return say.text("usage.missing", param=_hint(error))
    if isinstance(error, click.NoSuchOption):
        line = say.text("usage.no-such-option", option=error.option_name)
        if error.possibilities:
            line += say.text("usage.did-you-mean", options=say.join(error.possibilities))
        return line
    if isinstance(error, click.BadParameter):
        param = error.param
        quoted = _QUOTED.findall(error.message)
        value = quoted[0] if quoted else ""
        if isinstance(getattr(param, "type", None), click.Choice):
            choices = say.join(param.type.choices)  # type: ignore[union-attr]
            return (
                say.text("usage.bad-value", param=_hint(error), value=value)
                + "；"
                + say.text("usage.choices", choices=choices)
            )
        if "does not exist" in error.message:
            return say.text("usage.not-found", path=value)
        return say.text("usage.bad-value", param=_hint(error), value=value)
    if error.message.startswith("No such command"):
        quoted = _QUOTED.findall(error.message)
        return say.text("usage.no-command", name=quoted[0] if quoted else "")
    return say.text("usage.error", message=error.message)


class Main(click.Group):
    """The top command: says usage errors in the chosen language, exit code 2."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        extra.pop("standalone_mode", None)
        try:
            return super().main(argv, prog_name, standalone_mode=False, **extra)
        except click.UsageError as error:
            say = _say(error, argv)
            if say.lang == "en":
                error.show()
            else:
                command = error.ctx.command_path if error.ctx is not None else "service-codes"
                click.echo(explain(error, say), err=True)
                click.echo(say.text("usage.help", command=command), err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            say = Say(default_lang())
            click.echo(say.text("usage.aborted"), err=True)
            sys.exit(1)
