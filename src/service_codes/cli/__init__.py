"""The ``service-codes`` command for service-center staff.

Exit codes: 0 when all is well, 1 when content is invalid, 2 for usage or I/O errors.
Each subcommand lives in a module of this package named for it.
"""

from __future__ import annotations

import click

from service_codes.cli.build import build_command as build
from service_codes.cli.build import export
from service_codes.cli.check import check
from service_codes.cli.checklist import checklist
from service_codes.cli.common import Say, default_lang
from service_codes.cli.diff import diff
from service_codes.cli.explain import explain
from service_codes.cli.import_ import import_
from service_codes.cli.lists import lists
from service_codes.cli.messages import Lang
from service_codes.cli.publish import publish_command as publish
from service_codes.cli.registry import registry
from service_codes.cli.render import render
from service_codes.cli.review import review
from service_codes.cli.usage import Main
from service_codes.cli.validate import validate


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=default_lang,
    show_default="from the locale",
    help="Language of messages.",
)
@click.version_option(package_name="service-codes")
@click.pass_context
def main(ctx: click.Context, lang: Lang) -> None:
    """Standard descriptions and codes for government service matters."""
    ctx.obj = Say(lang)


main.add_command(build)
main.add_command(export)
main.add_command(registry)
main.add_command(validate)
main.add_command(check)
main.add_command(explain)
main.add_command(diff)
main.add_command(render)
main.add_command(checklist)
main.add_command(import_)
main.add_command(lists)
main.add_command(review)
main.add_command(publish)
