"""``service-codes explain``: what a code says, part by part, or what is wrong with it."""

from __future__ import annotations

import sys

import click

from service_codes.cli.common import CODELISTS, Say, fail, lang_option
from service_codes.errors import InvalidCode
from service_codes.explain import explain_code
from service_codes.matter_types import MatterTypes


@click.command()
@lang_option
@click.argument("code")
@CODELISTS
@click.pass_obj
def explain(say: Say, code: str, types: MatterTypes) -> None:
    """Break CODE (any code of the family, or a case number) into its parts.

    An invalid code is named with the part that is wrong (exit 1).

    Example: service-codes --lang zh explain 11450721MB155808114000104002000
    """
    try:
        parts = explain_code(code.strip(), types)
    except InvalidCode as error:
        fail(say, error, 1)
    width = max(len(p.text) for p in parts)
    zh = say.lang == "zh"
    for part in parts:
        say(
            "explain.part",
            text=f"{part.text:<{width}}",
            name=part.name_zh if zh else part.name,
            meaning=part.meaning_zh if zh else part.meaning,
        )
    sys.exit(0)
