"""``service-codes diff``: what changed between two versions of a guide or a catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import attrs
import click

from service_codes.cli.common import Failure, Say, io_failure, lang_option
from service_codes.diff import Change, GuideDiff, diff_guides
from service_codes.errors import InvalidGuide
from service_codes.formats import read_guide
from service_codes.model import Guide
from service_codes.schemas import field_name_zh


def _load(path: Path, say: Say) -> Guide:
    try:
        return read_guide(path.read_bytes())
    except OSError as error:
        raise io_failure(say, "io.cannot-read", path, error) from None
    except InvalidGuide as error:
        for problem in error.problems:
            say.problem(path, problem)
        sys.exit(1)


def _guide_files(folder: Path) -> dict[str, Path]:
    inner = folder / "guides" if (folder / "guides").is_dir() else folder
    return {p.name: p for p in sorted(inner.iterdir()) if p.suffix in (".json", ".xml")}


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _lines(say: Say, change: Change) -> list[str]:
    def named(*path: str | int) -> str:  # the field's name in the language of the messages
        english = ".".join(str(p) for p in path if isinstance(p, str))
        return (field_name_zh(list(path)) or english) if say.lang == "zh" else english

    what = named(change.element) + (f" [{change.item}]" if change.item else "")
    if (
        change.kind == "changed"
        and isinstance(change.before, dict)
        and isinstance(change.after, dict)
    ):
        keys = [
            k
            for k in {**change.before, **change.after}
            if change.before.get(k) != change.after.get(k)
        ]
        return [
            f"  ~ {what}.{named(change.element, 0, k).rpartition('.')[2]}:"
            f" {_shown(change.before.get(k))} -> {_shown(change.after.get(k))}"
            for k in keys
        ]
    if change.kind == "changed":
        return [f"  ~ {what}: {_shown(change.before)} -> {_shown(change.after)}"]
    sign = "+" if change.kind == "added" else "-"
    return [
        f"  {sign} {what}" + ("" if change.item else f": {_shown(change.after or change.before)}")
    ]


def _report(say: Say, name: str, result: GuideDiff) -> None:
    say("diff.guide", name=name, changes=len(result.changes))
    for change in result.changes:
        for line in _lines(say, change):
            click.echo(line)
    if not result.code_kept:
        say("diff.codes-changed")
    for side in result.uncoded[:1] if len(result.uncoded) == 1 else ():
        say("diff.not-coded", side=say.text(f"diff.side-{side}"))
    if result.changes and not result.version_bumped:
        say("diff.version")


def _as_json(result: GuideDiff) -> dict[str, Any]:
    return {
        "changes": [attrs.asdict(c) for c in result.changes],
        "code_kept": result.code_kept,
        "version_bumped": result.version_bumped,
        "uncoded": list(result.uncoded),
    }


@click.command()
@lang_option
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON document for machines.")
@click.pass_obj
def diff(say: Say, old: Path, new: Path, as_json: bool) -> None:
    """Show what changed from OLD to NEW: two guide files, or two catalogue folders.

    For each guide: materials, fees, steps, conditions and every other element added,
    removed or changed; whether the codes were kept (they always should be) and the
    version bumped. For catalogues: the guides added, removed and changed. Codes
    are compared on their own, so a guide not coded yet matches its published version.
    Exits 1 when there are differences and 0 when there are none, as diff(1) does.

    Example: service-codes diff old/registry registry
    """
    if old.is_dir() != new.is_dir():
        raise Failure(say.text("diff.both-kinds"))
    if old.is_file():
        result = diff_guides(_load(old, say), _load(new, say))
        if as_json:
            click.echo(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
        else:
            _report(say, new.name, result)
        sys.exit(1 if result.changed or not result.code_kept else 0)
    before, after = _guide_files(old), _guide_files(new)
    added, removed = sorted(after.keys() - before), sorted(before.keys() - after)
    changed = {
        name: result
        for name in sorted(before.keys() & after.keys())
        if (result := diff_guides(_load(before[name], say), _load(after[name], say))).changed
        or not result.code_kept
    }
    if as_json:
        document = {
            "added": added,
            "removed": removed,
            "changed": {name: _as_json(result) for name, result in changed.items()},
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for name in added:
            say("diff.added", name=name)
        for name in removed:
            say("diff.removed", name=name)
        for name, result in changed.items():
            _report(say, name, result)
        say("diff.summary", added=len(added), removed=len(removed), changed=len(changed))
    sys.exit(1 if added or removed or changed else 0)
