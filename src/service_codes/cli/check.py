"""``service-codes check``: same matter, same standard across a catalogue's agencies."""

from __future__ import annotations

import sys
from pathlib import Path

import attrs
import click

from service_codes.cli.build import CATALOGUE, read_valid
from service_codes.cli.common import Say, fail, lang_option
from service_codes.consistency import check_consistency
from service_codes.errors import RegistryCorrupt, ServiceCodesError
from service_codes.problems import Severity
from service_codes.registry import Registry


@click.command()
@lang_option
@CATALOGUE
@click.pass_obj
def check(say: Say, catalogue: Path) -> None:
    """Report where implementations of one matter differ between agencies.

    A different name, type, legal basis or competent department is an error (exit 1);
    different materials, conditions or time limits are listed for review. Guides are
    grouped by the catalog codes in CATALOGUE/codes.jsonl; nothing is written.

    Example: service-codes check registry
    """
    guides = read_valid(say, catalogue)[1]
    if (catalogue / "codes.jsonl").is_file():
        try:
            registry = Registry.open(catalogue)
            guides = [
                g
                if g.catalog_code
                else attrs.evolve(g, catalog_code=registry.catalog_code_of(g.matter))
                for g in guides
            ]
        except ServiceCodesError as error:  # a damaged ledger, a retired matter
            fail(say, error, 2 if isinstance(error, RegistryCorrupt) else 1)
    report = check_consistency(guides)
    for difference in report.differences:
        blocking = difference.severity is Severity.ERROR
        say(
            "check.difference",
            matter=difference.matter,
            name=difference.name,
            element=difference.element_zh if say.lang == "zh" else difference.element,
            kind=say.text("check.error" if blocking else "check.review"),
        )
        for variant in difference.variants:
            click.echo(f"    {variant.agency}: {variant.value}")
    say(
        "check.summary",
        groups=report.groups,
        errors=len(report.errors),
        review=len(report.differences) - len(report.errors),
    )
    if not report.ok:
        sys.exit(1)
