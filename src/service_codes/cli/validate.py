"""``service-codes validate``: check guide files, JSON or XML, and print every problem."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service_codes.cli.common import CODELISTS, Failure, Say, check_file, lang_option, progress
from service_codes.matter_types import MatterTypes
from service_codes.problems import Report


@click.command()
@lang_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON report for machines.")
@CODELISTS
@click.pass_obj
def validate(say: Say, files: tuple[Path, ...], as_json: bool, types: MatterTypes) -> None:
    """Validate guide FILES (JSON or XML, told apart by content); exit 1 on any error.

    Problems are printed one per line as FILE: PATH: MESSAGE, PATH being the JSON
    Pointer of the field. A file that cannot be read is named and the others are
    checked all the same; then the exit code is 2.

    Example: service-codes --lang zh validate registry/guides/*.json
    """
    reports: dict[Path, Report] = {}
    unread: dict[Path, str] = {}
    for path in progress(say, files, "build.phase-check"):
        try:
            reports[path] = check_file(say, path, types).report
        except Failure as error:
            unread[path] = error.format_message()
            click.echo(unread[path], err=True)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "file": str(path),
                        "ok": report.ok,
                        "problems": [
                            {
                                "path": p.path,
                                "rule": p.rule,
                                "severity": p.severity.value,
                                "message": p.message,
                                "message_zh": p.message_zh,
                            }
                            for p in report.problems
                        ],
                    }
                    for path, report in reports.items()
                ]
                + [
                    {"file": str(path), "ok": False, "unreadable": message}
                    for path, message in unread.items()
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for path, report in reports.items():
            for problem in report.problems:
                say.problem(path, problem, err=False)
        bad = sum(not r.ok for r in reports.values())
        if unread:
            say("validate.summary-unread", files=len(files), invalid=bad, unread=len(unread))
        else:
            say("validate.summary", files=len(files), invalid=bad)
    if unread:
        sys.exit(2)
    if not all(r.ok for r in reports.values()):
        sys.exit(1)
