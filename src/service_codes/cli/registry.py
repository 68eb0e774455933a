"""``service-codes registry``: look into the code ledger and record lifecycle events."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from service_codes.cli.common import Say, fail, lang_option
from service_codes.errors import RegistryCorrupt, ServiceCodesError
from service_codes.registry import Registry


@click.group()
@lang_option
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


def _open_registry(say: Say) -> Registry:
    folder: Path = click.get_current_context().meta["registry_folder"]
    if not (folder / "codes.jsonl").is_file():
        say("registry.missing", err=True, folder=folder)
        sys.exit(2)
    try:
        return Registry.open(folder)
    except RegistryCorrupt as error:
        fail(say, error, 1)


def _change(say: Say, action: Callable[[Registry], object], done: str, **fields: Any) -> None:
    """Run one lifecycle change, reporting a refusal as invalid content (exit 1)."""
    reg = _open_registry(say)
    try:
        action(reg)
    except ServiceCodesError as error:
        fail(say, error, 1)
    say(done, **fields)


@registry.command()
@click.pass_obj
def verify(say: Say) -> None:
    """Check the ledger's hash chain, its events and that no code is issued twice.

    Example: service-codes registry verify
    """
    reg = _open_registry(say)
    try:
        reg.verify()
    except RegistryCorrupt as error:
        fail(say, error, 1)
    say("registry.ok", events=reg.size)


@registry.command()
@click.pass_obj
def repair(say: Say) -> None:
    """Mend a half-written last line left by a crash; nothing else is touched.

    Example: service-codes registry repair
    """
    folder: Path = click.get_current_context().meta["registry_folder"]
    try:
        done = Registry.repair(folder)
    except RegistryCorrupt as error:
        say("registry.cannot-repair", err=True, reason=say.error(error))
        sys.exit(2)
    except OSError as error:
        say("registry.cannot-repair", err=True, reason=say.reason(error))
        sys.exit(2)
    if done.completed:
        say("registry.repaired-newline")
    elif done.removed:
        say("registry.repaired-torn", removed=done.removed)
    else:
        say("registry.nothing-to-repair")


def _event_line(event: dict[str, object]) -> str:
    what = event.get("name") or event.get("merged") or event.get("into") or ""
    if isinstance(what, list):
        what = ",".join(str(p.get("code") if isinstance(p, dict) else p) for p in what)
    kind = str(event.get("event"))
    return f"{event.get('date')}  {kind:<9} {event.get('code')}  {what}  ({event.get('reason')})"


@registry.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON event per line.")
@click.pass_obj
def log(say: Say, as_json: bool) -> None:
    """Print every event of the ledger, oldest first.

    Example: service-codes registry log --json
    """
    reg = _open_registry(say)
    try:
        events = reg.events()
    except RegistryCorrupt as error:
        fail(say, error, 1)
    for event in events:
        click.echo(json.dumps(event, ensure_ascii=False) if as_json else _event_line(event))


@registry.command()
@click.argument("code")
@click.pass_obj
def show(say: Say, code: str) -> None:
    """Show a code: the names it answers to, its state and its history.

    Example: service-codes registry show 000100001000
    """
    reg = _open_registry(say)
    try:
        info = reg.info(code)
    except ServiceCodesError as error:
        fail(say, error, 1)
    say("registry.code", code=info.code)
    say("registry.state", state=_state(say, info.code, info.history))
    for identity in info.identities:
        click.echo(f"  {' / '.join(part for part in identity[1:] if part)}")
    for event in info.history:
        click.echo(f"  {_event_line(event)}")


def _state(say: Say, code: str, history: Sequence[dict[str, Any]]) -> str:
    """In use, or how the code left use, from its last lifecycle event."""
    state = say.text("registry.in-use")
    for event in history:
        kind, when, why = event.get("event"), event.get("date"), event.get("reason")
        if kind == "reinstate":
            state = say.text("registry.in-use")
        elif kind == "retire" and event.get("code") == code:
            state = say.text("registry.state-retired", date=when, reason=why)
        elif kind == "merge" and code in event.get("merged", ()):
            state = say.text("registry.state-merged", into=event["code"], date=when, reason=why)
        elif kind == "split" and event.get("code") == code:
            new = say.join(part["code"] for part in event.get("into", ()))
            state = say.text("registry.state-split", new=new, date=when, reason=why)
    return state


REASON = click.option("--reason", required=True, help="Why, as it will stand in the ledger.")


@registry.command()
@click.argument("code")
@click.argument("name")
@click.option("--sub-name", help="New sub-item name, for a sub-item code.")
@REASON
@click.pass_obj
def rename(say: Say, code: str, name: str, sub_name: str | None, reason: str) -> None:
    """Rename the matter or item of CODE; the old name stays as an alias, the code stays.

    Example: service-codes registry rename 000100001000 食品经营许可证核发 --reason 名称规范
    """
    _change(
        say,
        lambda reg: reg.rename(code, name, sub_name, reason=reason),
        "registry.renamed",
        code=code,
        name=name,
    )


@registry.command()
@click.argument("code")
@REASON
@click.pass_obj
def retire(say: Say, code: str, reason: str) -> None:
    """Retire CODE for good: it is never issued again.

    Example: service-codes registry retire 000100001000 --reason 事项取消
    """
    _change(say, lambda reg: reg.retire(code, reason=reason), "registry.retired", code=code)


@registry.command()
@click.argument("code")
@REASON
@click.pass_obj
def reinstate(say: Say, code: str, reason: str) -> None:
    """Bring a retired CODE back into use for its own matter.

    Example: service-codes registry reinstate 000100001000 --reason 事项恢复
    """
    _change(
        say,
        lambda reg: reg.reinstate(code, reason=reason),
        "registry.reinstated",
        code=code,
    )


@registry.command()
@click.argument("keep")
@click.argument("others", nargs=-1, required=True)
@REASON
@click.pass_obj
def merge(say: Say, keep: str, others: tuple[str, ...], reason: str) -> None:
    """Merge OTHERS into KEEP: the others are retired and their matters go to KEEP.

    Example: service-codes registry merge 000100001000 000100002000 --reason 事项合并
    """
    _change(
        say,
        lambda reg: reg.merge(keep, others, reason=reason),
        "registry.merged",
        others=say.join(others),
        keep=keep,
    )


@registry.command()
@click.argument("code")
@click.argument("names", nargs=-1, required=True)
@REASON
@click.pass_obj
def split(say: Say, code: str, names: tuple[str, ...], reason: str) -> None:
    """Split CODE into new codes named NAMES (sub-items or sibling items); CODE is retired.

    Example: service-codes registry split 000100001000 新办 变更 --reason 事项拆分
    """
    reg = _open_registry(say)
    try:
        new = reg.split(code, names, reason=reason)
    except ServiceCodesError as error:
        fail(say, error, 1)
    say("registry.split", code=code, new=say.join(new))
