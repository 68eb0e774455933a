"""``service-codes build`` and ``export``: read, validate, assign codes and publish a catalogue."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import click

from service_codes.cli.common import IOFailure, Say, check_file, fail, lang_option
from service_codes.codelists import Scheme
from service_codes.errors import InvalidGuide, RegistryCorrupt, ServiceCodesError
from service_codes.formats.exchange import to_exchange
from service_codes.formats.json import to_json
from service_codes.formats.spreadsheet import write_workbook
from service_codes.formats.xml import to_xml
from service_codes.model import Guide
from service_codes.registry import Registry


def _index_entry(name: str, guide: Guide) -> dict[str, object]:
    return {
        "file": f"guides/{name}",
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


def _write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
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


def read_valid(say: Say, catalogue: Path) -> tuple[list[Path], list[Guide]]:
    """Every guide of the catalogue, validated; exits (nothing written) if any is invalid."""
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
    checked = [check_file(source) for source in sources]
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
    return sources, [c.guide for c in checked if c.guide is not None]


Format = Literal["json", "xml", "exchange", "xlsx"]


def _render(guide: Guide, format_: Format, scheme: Scheme) -> tuple[str, bytes]:
    """The file suffix and bytes of a guide in an output format."""
    if format_ == "xml":
        return ".xml", to_xml(guide)
    if format_ == "exchange":
        record = to_exchange(guide, scheme)
        return ".json", (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode()
    return ".json", to_json(guide).encode()


def _publish(
    say: Say, catalogue: Path, out: Path, format_: Format, scheme: Scheme = "platform"
) -> None:
    if (out / "guides").resolve() == (catalogue / "guides").resolve():
        raise click.UsageError(
            "--out must not be the catalogue itself: it would overwrite the guides"
        )
    sources, guides = read_valid(say, catalogue)
    guides = _assign(say, catalogue, guides)
    if format_ == "xlsx":  # one workbook in the layout staff import from
        workbook = out / "catalogue.xlsx"
        try:
            out.mkdir(parents=True, exist_ok=True)
            write_workbook({s.stem: g for s, g in zip(sources, guides, strict=True)}, workbook)
        except OSError as error:
            raise IOFailure(f"cannot write to {out}: {error.strerror or error}") from None
        say(
            f"write: {len(guides)} guides to {workbook}",
            f"写出：{len(guides)} 份办事指南至 {workbook}",
        )
        return
    rendered, refused = [], False
    for source, guide in zip(sources, guides, strict=True):
        try:
            rendered.append(_render(guide, format_, scheme))
        except InvalidGuide as error:  # a value the exchange records cannot carry
            refused = True
            for problem in error.problems:
                say.problem(source, problem)
        except ServiceCodesError as error:  # a member the chosen scheme has no code for
            refused = True
            say(f"{source}: {error.message}", f"{source}：{error.message_zh}", err=True)
    if refused:
        say(
            f"export failed: nothing was written to {out}",
            f"导出失败：未向 {out} 写出任何文件",
            err=True,
        )
        sys.exit(1)
    try:
        index = _write_all(out, sources, guides, rendered)
    except OSError as error:
        raise IOFailure(f"cannot write to {out}: {error.strerror or error}") from None
    say(
        f"write: {len(index)} guides ({format_}) and index.json to {out}",
        f"写出：{len(index)} 份办事指南（{format_}）及 index.json 至 {out}",
    )


def _write_all(
    out: Path, sources: list[Path], guides: list[Guide], rendered: list[tuple[str, bytes]]
) -> list[dict[str, object]]:
    """Write every guide and the index; remove guides of an earlier build that are gone."""
    guides_out = out / "guides"
    guides_out.mkdir(parents=True, exist_ok=True)
    published = {
        source.stem + suffix for source, (suffix, _) in zip(sources, rendered, strict=True)
    }
    for stale in guides_out.iterdir():
        # Only files this command writes: .json and .xml guides of an earlier run.
        if stale.suffix in (".json", ".xml") and stale.is_file() and stale.name not in published:
            stale.unlink()
    index = []
    for source, guide, (suffix, data) in zip(sources, guides, rendered, strict=True):
        target = guides_out / (source.stem + suffix)
        _write_bytes(target, data)
        index.append(_index_entry(target.name, guide))
    _write_bytes(
        out / "index.json", (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode()
    )
    return index


CATALOGUE = click.argument(
    "catalogue",
    default="registry",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def _out(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--out",
        default=default,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder to write the published guides and index.json to.",
    )


@click.command()
@lang_option
@CATALOGUE
@_out("build")
@click.pass_obj
def build(say: Say, catalogue: Path, out: Path) -> None:
    """Read, validate and publish every guide of a catalogue as canonical JSON.

    CATALOGUE is a folder with guides/*.json and the code ledger codes.jsonl
    (default: registry). Valid guides get their codes from the ledger, new
    matters new codes; nothing is written and no code is issued unless every
    guide is valid.

    Example: service-codes build registry --out build
    """
    _publish(say, catalogue, out, "json")


@click.command()
@lang_option
@CATALOGUE
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "xml", "exchange", "xlsx"]),
    default="json",
    show_default=True,
    help="json: canonical JSON; xml: XML valid against schemas/guide.xsd; exchange: the"
    " platform's flat records; xlsx: one workbook in the layout 'import' reads.",
)
@click.option(
    "--scheme",
    type=click.Choice(["platform", "gbt39046"]),
    default="platform",
    show_default=True,
    help="Code scheme of service objects in exchange records.",
)
@_out("export")
@click.pass_obj
def export(say: Say, catalogue: Path, format_: Format, scheme: Scheme, out: Path) -> None:
    """Validate, assign codes and write every guide of a catalogue in a chosen format.

    Example: service-codes export registry --format exchange --scheme gbt39046 --out export
    """
    _publish(say, catalogue, out, format_, scheme)
