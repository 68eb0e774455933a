"""``service-codes registry``: look into the code ledger and record lifecycle events."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from service_codes.cli.common import (
    CODELISTS,
    FORCE,
    Say,
    fail,
    io_failure,
    lang_option,
    registry_option,
)
from service_codes.errors import (
    InvalidCode,
    InvalidCodeLists,
    RegistryCorrupt,
    RegistryUnavailable,
    ServiceCodesError,
)
from service_codes.ledger import is_dsn
from service_codes.ledger.file import Repair
from service_codes.lookup import CodeState, look_up
from service_codes.matter_types import STANDARD, MatterTypes, catalogue_types
from service_codes.registry import Registry


@click.group()
@lang_option
@registry_option("registry", "the folder registry")
@click.pass_context
def registry(ctx: click.Context, registry_location: str) -> None:
    """Look into the code registry and record renames, retirements, merges and splits.

    The registry is a folder's codes.jsonl, or a PostgreSQL database that many
    service centers share (see docs/registry.md); --registry names it, before or
    after the subcommand.

    Example: service-codes registry --registry registry verify
    """
    ctx.meta["registry_location"] = registry_location


def _remember(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta["registry_location"] = value


# The group's --registry, accepted after the subcommand as well.
HERE = click.option(
    "--registry",
    default=None,
    expose_value=False,
    callback=_remember,
    metavar="FOLDER|DSN",
    help="The code registry: a folder, or a postgresql:// connection string.",
)


def _location() -> str:
    return str(click.get_current_context().meta["registry_location"])


def _open_registry(say: Say, *, create: bool = False) -> Registry:
    location = _location()
    if not create and not is_dsn(location) and not (Path(location) / "codes.jsonl").is_file():
        say("registry.missing", err=True, folder=location)
        sys.exit(2)
    try:
        return Registry.open(location, create=create)
    except RegistryUnavailable as error:
        fail(say, error, 2)
    except RegistryCorrupt as error:
        fail(say, error, 1)


def _change(say: Say, action: Callable[[Registry], object], done: str, **fields: Any) -> None:
    """Run one lifecycle change, reporting a refusal as invalid content (exit 1)."""
    reg = _open_registry(say)
    try:
        action(reg)
    except RegistryUnavailable as error:  # the connection was lost: nothing acknowledged
        fail(say, error, 2)
    except ServiceCodesError as error:
        fail(say, error, 1)
    say(done, **fields)


@registry.command()
@click.argument("location", required=False, metavar="[FOLDER|DSN]")
@HERE
@click.pass_obj
def init(say: Say, location: str | None) -> None:
    """Create an empty registry: a folder's ledger, or the schema and roles in a database.

    Run it once, as the database's owner, before service centers connect (docs/registry.md).

    Example: service-codes registry init postgresql://admin@db.example/codes
    """
    if location is not None:
        click.get_current_context().meta["registry_location"] = location
    location = _location()
    present = (Path(location) / "codes.jsonl").is_file()
    if is_dsn(location):
        try:
            Registry.open(location).close()
            present = True
        except RegistryUnavailable:  # no schema yet; an unreachable server fails below
            present = False
    reg = _open_registry(say, create=True)
    say("registry.exists" if present else "registry.created", where=reg.location)
    reg.close()


@registry.command("export")
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The JSONL file to write: the ledger's lines as they are, hashes included.",
)
@FORCE
@HERE
@click.pass_obj
def export_ledger(say: Say, target: Path, force: bool) -> None:
    """Write the whole ledger, verified, to one JSONL file (from a file or a database).

    Example: service-codes registry --registry postgresql://center@db/codes export --to codes.jsonl
    """
    if target.exists() and not force:
        say("registry.export-exists", err=True, file=target)
        sys.exit(2)
    reg = _open_registry(say)
    partial = target.with_name(f".{target.name}.tmp")
    try:
        with open(partial, "wb") as into:
            count = reg.export(into)
        partial.replace(target)
    except RegistryUnavailable as error:
        partial.unlink(missing_ok=True)
        fail(say, error, 2)
    except RegistryCorrupt as error:
        partial.unlink(missing_ok=True)
        fail(say, error, 1)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise io_failure(say, "io.cannot-write", target, error) from None
    say("registry.exported", events=count, file=target)


@registry.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@HERE
@click.pass_obj
def import_ledger(say: Say, source: Path) -> None:
    """Load an exported ledger, byte for byte, into an empty registry (folder or database).

    Every line is checked before anything is written. A database needs `registry init` first.

    Example: service-codes registry import codes.jsonl --registry postgresql://admin@db/codes
    """
    try:
        lines = source.read_bytes().splitlines(keepends=True)
    except OSError as error:
        raise io_failure(say, "io.cannot-read", source, error) from None
    reg = _open_registry(say, create=not is_dsn(_location()))
    try:
        count = reg.import_lines(lines)
    except RegistryUnavailable as error:
        fail(say, error, 2)
    except ServiceCodesError as error:  # a damaged line, a registry that is not empty
        fail(say, error, 1)
    say("registry.imported", events=count, where=reg.location)


@registry.command()
@HERE
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
@HERE
@click.pass_obj
def repair(say: Say) -> None:
    """Mend a half-written last line left by a crash; nothing else is touched.

    Example: service-codes registry repair
    """
    location = _location()
    if is_dsn(location):  # a database is never half-written: nothing to repair
        say("registry.nothing-to-repair")
        return
    tell_repair(say, lambda: Registry.repair(location))


def tell_repair(say: Say, repair: Callable[[], Repair]) -> None:
    """Run ``repair`` on a file ledger and say what it did; exit 2 when it cannot."""
    try:
        done = repair()
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
@HERE
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
@HERE
@click.argument("code")
@CODELISTS
@click.pass_obj
def show(say: Say, code: str, types: MatterTypes) -> None:
    """Show any code: its parts, and the issued codes it rests on with their state and history.

    CODE is a catalog, implementation, handling-item or material code, or a case number.
    Each issued code it rests on (its catalog code; for a handling item or a material, that
    part too) is shown with the names it answers to, its state (in use, retired, merged
    into ..., split into ...) and its history. A well-formed code that is not issued here
    exits 1; a malformed one exits 2 with the reason.

    Example: service-codes registry show 11450721MB155808114000100001000
    """
    reg = _open_registry(say)
    try:
        if types is STANDARD and not is_dsn(_location()):  # a catalogue's own declarations
            types = catalogue_types(Path(_location()))
        found = look_up(reg, code, types)
    except (InvalidCode, InvalidCodeLists, RegistryCorrupt, RegistryUnavailable) as error:
        fail(say, error, 2)
    zh = say.lang == "zh"
    kind = found.kind.name_zh if zh else found.kind.name
    say("registry.code-kind", code=found.code, kind=kind)
    width = max(len(part.text) for part in found.parts)
    for part in found.parts:
        name, meaning = (part.name_zh, part.meaning_zh) if zh else (part.name, part.meaning)
        click.echo(
            "  "
            + say.text("explain.part", text=f"{part.text:<{width}}", name=name, meaning=meaning)
        )
    if found.composed:
        say("registry.composed", kind=kind)
    for issued in found.rests_on:
        say(
            "registry.rests-on",
            kind=issued.kind.name_zh if zh else issued.kind.name,
            code=issued.code,
        )
        if issued.info is None:
            click.echo("  " + say.text("registry.not-issued"))
            continue
        click.echo("  " + say.text("registry.state", state=_state(say, issued.state)))
        for identity in issued.info.identities:
            click.echo(f"  {' / '.join(part for part in identity[1:] if part)}")
        for event in issued.info.history:
            click.echo(f"  {_event_line(event)}")
    if not found.issued:
        say("registry.well-formed-not-issued", err=True, code=found.code)
        sys.exit(1)


def _state(say: Say, state: CodeState | None) -> str:
    """In use, or how the code left use."""
    if state is None or state.state == "in_use":
        return say.text("registry.in-use")
    if state.state == "retired":
        return say.text("registry.state-retired", date=state.date, reason=state.reason)
    if state.state == "merged":
        return say.text(
            "registry.state-merged", into=state.into[0], date=state.date, reason=state.reason
        )
    new = say.join(state.into)
    return say.text("registry.state-split", new=new, date=state.date, reason=state.reason)


REASON = click.option("--reason", required=True, help="Why, as it will stand in the ledger.")


@registry.command()
@HERE
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
@HERE
@click.argument("code")
@REASON
@click.pass_obj
def retire(say: Say, code: str, reason: str) -> None:
    """Retire CODE for good: it is never issued again.

    Example: service-codes registry retire 000100001000 --reason 事项取消
    """
    _change(say, lambda reg: reg.retire(code, reason=reason), "registry.retired", code=code)


@registry.command()
@HERE
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
@HERE
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
@HERE
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
