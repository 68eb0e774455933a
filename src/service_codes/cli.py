"""The ``service-codes`` command for service-center staff.

Exit codes: 0 when all is well, 1 when a guide is invalid, 2 for usage or I/O errors.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal, NoReturn

import attrs
import click

from service_codes.errors import InvalidGuide, RegistryCorrupt, ServiceCodesError
from service_codes.formats.json import from_json, to_json
from service_codes.model import Guide
from service_codes.registry import Registry
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


def _fail(say: _Say, error: ServiceCodesError, exit_code: int) -> NoReturn:
    say(error.message, error.message_zh, err=True)
    sys.exit(exit_code)


def _assign(say: _Say, catalogue: Path, guides: list[Guide]) -> list[Guide]:
    """Fill in every guide's codes from the catalogue's ledger."""
    try:
        registry = Registry.open(catalogue)
        before = registry.size
        assigned = registry.assign_many(guides)
    except RegistryCorrupt as error:
        _fail(say, error, 2)
    except ServiceCodesError as error:  # a code that contradicts the ledger, an exhausted range
        _fail(say, error, 1)
    say(
        f"assign: {len(assigned)} guides, {registry.size - before} new codes"
        f" in {catalogue / 'codes.jsonl'}",
        f"赋码：{len(assigned)} 份办事指南，新发放 {registry.size - before} 个编码"
        f"（{catalogue / 'codes.jsonl'}）",
    )
    return assigned


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


@main.group()
@click.option(
    "--registry",
    "folder",
    default="registry",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the code ledger codes.jsonl.",
)
@click.pass_context
def registry(ctx: click.Context, folder: Path) -> None:
    """Look into the code registry and record renames, retirements, merges and splits.

    Example: service-codes registry --registry registry verify
    """
    ctx.meta["registry_folder"] = folder


def _open_registry(say: _Say) -> Registry:
    folder: Path = click.get_current_context().meta["registry_folder"]
    if not (folder / "codes.jsonl").is_file():
        say(f"no code ledger in {folder}", f"{folder} 中没有编码登记簿", err=True)
        sys.exit(2)
    try:
        return Registry.open(folder)
    except RegistryCorrupt as error:
        _fail(say, error, 1)


def _change(say: _Say, action: Callable[[Registry], object], done_en: str, done_zh: str) -> None:
    """Run one lifecycle change, reporting a refusal as invalid content (exit 1)."""
    reg = _open_registry(say)
    try:
        action(reg)
    except ServiceCodesError as error:
        _fail(say, error, 1)
    say(done_en, done_zh)


@registry.command()
@click.pass_obj
def verify(say: _Say) -> None:
    """Check the ledger's hash chain, its events and that no code is issued twice.

    Example: service-codes registry verify
    """
    reg = _open_registry(say)
    try:
        reg.verify()
    except RegistryCorrupt as error:
        _fail(say, error, 1)
    say(f"ledger OK: {reg.size} events", f"登记簿完好：{reg.size} 条事件")


@registry.command()
@click.pass_obj
def repair(say: _Say) -> None:
    """Cut off a half-written last line left by a crash; nothing else is touched.

    Example: service-codes registry repair
    """
    folder: Path = click.get_current_context().meta["registry_folder"]
    try:
        removed = Registry.repair(folder)
    except (RegistryCorrupt, OSError) as error:
        say(f"cannot repair: {error}", f"无法修复：{error}", err=True)
        sys.exit(2)
    say(f"removed {removed} bytes of a torn last line", f"已截去不完整末行 {removed} 字节")


def _event_line(event: dict[str, object]) -> str:
    what = event.get("name") or event.get("merged") or event.get("into") or ""
    if isinstance(what, list):
        what = ",".join(str(p["code"] if isinstance(p, dict) else p) for p in what)
    return f"{event['date']}  {event['event']:<9} {event['code']}  {what}  ({event['reason']})"


@registry.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON event per line.")
@click.pass_obj
def log(say: _Say, as_json: bool) -> None:
    """Print every event of the ledger, oldest first.

    Example: service-codes registry log --json
    """
    reg = _open_registry(say)
    for event in reg.events():
        click.echo(json.dumps(event, ensure_ascii=False) if as_json else _event_line(event))


@registry.command()
@click.argument("code")
@click.pass_obj
def show(say: _Say, code: str) -> None:
    """Show a code: the names it answers to, its state and its history.

    Example: service-codes registry show 000100001000
    """
    reg = _open_registry(say)
    try:
        info = reg.info(code)
    except ServiceCodesError as error:
        _fail(say, error, 1)
    state = info.retired or "in use"
    say(f"code: {info.code}\nstate: {state}", f"编码：{info.code}\n状态：{info.retired or '在用'}")
    for identity in info.identities:
        click.echo(f"  {' / '.join(part for part in identity[1:] if part)}")
    for event in info.history:
        click.echo(f"  {_event_line(event)}")


REASON = click.option("--reason", required=True, help="Why, as it will stand in the ledger.")


@registry.command()
@click.argument("code")
@click.argument("name")
@click.option("--sub-name", help="New sub-item name, for a sub-item code.")
@REASON
@click.pass_obj
def rename(say: _Say, code: str, name: str, sub_name: str | None, reason: str) -> None:
    """Rename the matter or item of CODE; the old name stays as an alias, the code stays.

    Example: service-codes registry rename 000100001000 食品经营许可证核发 --reason 名称规范
    """
    _change(
        say,
        lambda reg: reg.rename(code, name, sub_name, reason=reason),
        f"renamed {code} to {name}",
        f"已将 {code} 更名为 {name}",
    )


@registry.command()
@click.argument("code")
@REASON
@click.pass_obj
def retire(say: _Say, code: str, reason: str) -> None:
    """Retire CODE for good: it is never issued again.

    Example: service-codes registry retire 000100001000 --reason 事项取消
    """
    _change(say, lambda reg: reg.retire(code, reason=reason), f"retired {code}", f"已注销 {code}")


@registry.command()
@click.argument("code")
@REASON
@click.pass_obj
def reinstate(say: _Say, code: str, reason: str) -> None:
    """Bring a retired CODE back into use for its own matter.

    Example: service-codes registry reinstate 000100001000 --reason 事项恢复
    """
    _change(
        say,
        lambda reg: reg.reinstate(code, reason=reason),
        f"reinstated {code}",
        f"已恢复 {code}",
    )


@registry.command()
@click.argument("keep")
@click.argument("others", nargs=-1, required=True)
@REASON
@click.pass_obj
def merge(say: _Say, keep: str, others: tuple[str, ...], reason: str) -> None:
    """Merge OTHERS into KEEP: the others are retired and their matters go to KEEP.

    Example: service-codes registry merge 000100001000 000100002000 --reason 事项合并
    """
    _change(
        say,
        lambda reg: reg.merge(keep, others, reason=reason),
        f"merged {', '.join(others)} into {keep}",
        f"已将 {'、'.join(others)} 合并至 {keep}",
    )


@registry.command()
@click.argument("code")
@click.argument("names", nargs=-1, required=True)
@REASON
@click.pass_obj
def split(say: _Say, code: str, names: tuple[str, ...], reason: str) -> None:
    """Split CODE into new codes named NAMES (sub-items or sibling items); CODE is retired.

    Example: service-codes registry split 000100001000 新办 变更 --reason 事项拆分
    """
    reg = _open_registry(say)
    try:
        new = reg.split(code, names, reason=reason)
    except ServiceCodesError as error:
        _fail(say, error, 1)
    say(f"split {code} into {', '.join(new)}", f"已将 {code} 拆分为 {'、'.join(new)}")
