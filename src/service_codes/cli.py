"""The ``service-codes`` command for service-center staff.

Exit codes: 0 when all is well, 1 when a guide is invalid, 2 for usage or I/O errors.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Literal

import attrs
import click

from service_codes.errors import InvalidGuide
from service_codes.formats.json import from_json, to_json
from service_codes.model import Guide
from service_codes.validation import Problem, Report, validate

Lang = Literal["en", "zh"]


def _default_lang() -> Lang:
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "zh" if locale.lower().startswith("zh") else "en"


@attrs.frozen
class _Say:
    """Prints staff-facing lines in the chosen language."""

    lang: Lang

    def __call__(self, en: str, zh: str, *, err: bool = False) -> None:
        click.echo(zh if self.lang == "zh" else en, err=err)

    def problem(self, source: Path, problem: Problem) -> None:
        message = problem.message_zh if self.lang == "zh" else problem.message
        click.echo(f"{source}: {problem.path or '/'}: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=_default_lang,
    show_default="from the locale",
    help="Language of messages.",
)
@click.version_option(package_name="service-codes")
@click.pass_context
def main(ctx: click.Context, lang: Lang) -> None:
    """Standard descriptions and codes for government service matters."""
    ctx.obj = _Say(lang)


class _IOFailure(click.ClickException):
    """A file or folder could not be read or written: exit 2, like a usage error."""

    exit_code = 2


@attrs.frozen
class _Checked:
    source: Path
    guide: Guide | None
    report: Report


def _check(source: Path) -> _Checked:
    try:
        text = source.read_bytes()
    except OSError as error:
        raise _IOFailure(f"cannot read {source}: {error.strerror}") from None
    try:
        guide = from_json(text)
    except InvalidGuide as error:
        return _Checked(source, None, Report(error.problems))
    return _Checked(source, guide, validate(guide))


def _index_entry(source: Path, guide: Guide) -> dict[str, object]:
    return {
        "file": f"guides/{source.name}",
        "name": guide.name,
        "sub_name": guide.sub_name,
        "matter_type": guide.matter_type.value,
        "agency": guide.agency.name,
        "uscc": guide.agency.uscc,
        "catalog_code": str(guide.catalog_code) if guide.catalog_code else None,
        "implementation_code": str(guide.implementation_code)
        if guide.implementation_code
        else None,
        "version": guide.version,
        "state": guide.state.value,
    }


def _write_text(path: Path, text: str) -> None:
    """Write through a temporary file so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@main.command()
@click.argument(
    "catalogue",
    default="registry",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--out",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the published guides and index.json to.",
)
@click.pass_obj
def build(say: _Say, catalogue: Path, out: Path) -> None:
    """Read, validate and publish every guide of a catalogue.

    CATALOGUE is a folder with guides/*.json (default: registry). Nothing is
    written unless every guide is valid.

    Example: service-codes build registry --out build
    """
    sources = sorted((catalogue / "guides").glob("*.json"))
    if not sources:
        say(
            f"no guides found in {catalogue / 'guides'}",
            f"{catalogue / 'guides'} 中没有办事指南",
            err=True,
        )
        sys.exit(2)
    say(
        f"read: {len(sources)} guides from {catalogue / 'guides'}",
        f"读取：{catalogue / 'guides'} 中 {len(sources)} 份办事指南",
    )

    checked = [_check(source) for source in sources]
    invalid = [c for c in checked if not c.report.ok]
    warnings = sum(len(c.report.warnings) for c in checked)
    errors = sum(len(c.report.errors) for c in checked)
    say(
        f"validate: {len(checked)} guides, {errors} errors, {warnings} warnings",
        f"校验：{len(checked)} 份办事指南，{errors} 个错误，{warnings} 个警告",
    )
    for c in checked:
        for problem in c.report.problems:
            say.problem(c.source, problem)
    if invalid:
        say(
            f"build failed: {len(invalid)} of {len(checked)} guides are invalid;"
            " nothing was written",
            f"构建失败：{len(checked)} 份中有 {len(invalid)} 份无效，未写出任何文件",
            err=True,
        )
        sys.exit(1)

    guides_out = out / "guides"
    guides_out.mkdir(parents=True, exist_ok=True)
    published = {c.source.name for c in checked}
    for stale in guides_out.glob("*.json"):
        if stale.name not in published:
            stale.unlink()
    index = []
    for c in checked:
        assert c.guide is not None  # every guide passed validation above
        _write_text(guides_out / c.source.name, to_json(c.guide))
        index.append(_index_entry(c.source, c.guide))
    _write_text(out / "index.json", json.dumps(index, ensure_ascii=False, indent=2) + "\n")
    say(
        f"write: {len(index)} guides and index.json to {out}",
        f"写出：{len(index)} 份办事指南及 index.json 至 {out}",
    )
