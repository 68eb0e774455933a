"""``service-codes build``: read, validate, assign codes and publish a catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import attrs
import click

from service_codes.cli.common import IOFailure, Say, fail
from service_codes.errors import InvalidGuide, RegistryCorrupt, ServiceCodesError
from service_codes.formats.json import from_json, to_json
from service_codes.model import Guide
from service_codes.registry import Registry
from service_codes.validation import Report, validate


@attrs.frozen
class _Checked:
    source: Path
    guide: Guide | None
    report: Report


def _check(source: Path) -> _Checked:
    try:
        text = source.read_bytes()
    except OSError as error:
        raise IOFailure(f"cannot read {source}: {error.strerror}") from None
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


def _assign(say: Say, catalogue: Path, guides: list[Guide]) -> list[Guide]:
    """Fill in every guide's codes from the catalogue's ledger."""
    try:
        registry = Registry.open(catalogue)
        before = registry.size
        assigned = registry.assign_many(guides)
    except RegistryCorrupt as error:
        fail(say, error, 2)
    except ServiceCodesError as error:  # a code that contradicts the ledger, an exhausted range
        fail(say, error, 1)
    say(
        f"assign: {len(assigned)} guides, {registry.size - before} new codes"
        f" in {catalogue / 'codes.jsonl'}",
        f"赋码：{len(assigned)} 份办事指南，新发放 {registry.size - before} 个编码"
        f"（{catalogue / 'codes.jsonl'}）",
    )
    return assigned


@click.command()
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
def build(say: Say, catalogue: Path, out: Path) -> None:
    """Read, validate and publish every guide of a catalogue.

    CATALOGUE is a folder with guides/*.json and the code ledger codes.jsonl
    (default: registry). Valid guides get their codes from the ledger, new
    matters new codes; nothing is written and no code is issued unless every
    guide is valid.

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

    guides = _assign(say, catalogue, [c.guide for c in checked if c.guide is not None])

    guides_out = out / "guides"
    guides_out.mkdir(parents=True, exist_ok=True)
    published = {c.source.name for c in checked}
    for stale in guides_out.glob("*.json"):
        if stale.name not in published:
            stale.unlink()
    index = []
    for c, guide in zip(checked, guides, strict=True):
        _write_text(guides_out / c.source.name, to_json(guide))
        index.append(_index_entry(c.source, guide))
    _write_text(out / "index.json", json.dumps(index, ensure_ascii=False, indent=2) + "\n")
    say(
        f"write: {len(index)} guides and index.json to {out}",
        f"写出：{len(index)} 份办事指南及 index.json 至 {out}",
    )
