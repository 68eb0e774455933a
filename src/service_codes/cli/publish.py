"""``service-codes publish``: the site, open data and release log of a reviewed catalogue."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from service_codes.build import Built, Listener
from service_codes.cli.build import CATALOGUE, REGISTRY, guarded
from service_codes.cli.common import FORCE, Failure, Say, fail, lang_option
from service_codes.cli.linked_data import check_shapes, needs_linked_data
from service_codes.cli.registry import tell_repair
from service_codes.cli.review import say_findings
from service_codes.errors import InvalidCodeLists, InvalidReview, RegistryCorrupt
from service_codes.formats import dcat
from service_codes.publish import Publication, ReviewBlocked, publish
from service_codes.releases import Release, ReleaseLog
from service_codes.review import REVIEW_FILE
from service_codes.schemas import field_name_zh

_KINDS = ("added", "changed", "withdrawn")


@click.command("publish")
@lang_option
@CATALOGUE
@click.option(
    "--out",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the site; publish owns it: what it did not write there is refused.",
)
@click.option("--publisher", default="", help="Who publishes (发布人), named in the release log.")
@click.option("--reviewer", default="", help="Who reviewed it (审核人), named in the release log.")
@click.option(
    "--log", "show_log", is_flag=True, help="Print the release log, checked; publish nothing."
)
@click.option(
    "--repair-log",
    is_flag=True,
    help="Mend a half-written last entry of the release log left by a crash; publish nothing.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Then check data/catalog.jsonld against the official DCAT-AP 3.0.1 SHACL shapes"
    " (needs the linked-data extra); exit 1 on a violation, the release published and logged.",
)
@FORCE
@REGISTRY
@click.pass_obj
def publish_command(
    say: Say,
    catalogue: Path,
    out: Path,
    publisher: str,
    reviewer: str,
    show_log: bool,
    repair_log: bool,
    check: bool,
    force: bool,
    registry_location: str | None,
) -> None:
    """Publish a catalogue as a static site with open data, and log the release.

    Builds and validates every guide, drops what is not published (guides not 主动公开,
    withheld fields) and reviews the rest as `review` does; only when no finding is open
    does it write the site: a searchable home page, a page per guide, agency and matter
    type, the six lists, and data/ with CSV tables, each guide's JSON and XML, the code
    ledger's public events and a Frictionless datapackage.json. The site opens from the
    file system or any static web server, with no network. When the published guides
    changed, one entry goes to CATALOGUE/releases.jsonl, hash-chained like the code
    ledger: who published and reviewed, every guide's code and digest, and what was
    added, changed or withdrawn. The same catalogue published again changes nothing.

    Example: service-codes publish registry --out site --publisher 区政务服务中心 --reviewer 张三
    """
    if show_log:
        _print_log(say, catalogue)
        return
    if repair_log:
        tell_repair(say, ReleaseLog(catalogue).repair)
        return
    if not publisher.strip() or not reviewer.strip():
        raise Failure(say.text("publish.names"))
    if check:
        needs_linked_data(say)
    done: list[Publication] = []

    def run(staff: Listener) -> Built:
        done.append(
            publish(
                catalogue,
                out,
                publisher=publisher,
                reviewer=reviewer,
                registry=registry_location,
                workers=os.cpu_count() or 1,
                listener=staff,
                force=force,
            )
        )
        return done[0].built

    location = registry_location or str(catalogue)
    log = ReleaseLog(catalogue)
    try:
        before = len(log.releases())
    except RegistryCorrupt as error:
        fail(say, error, 2)
    try:
        guarded(say, catalogue, out, location, run)
    except Failure:  # an I/O failure; when it came after the entry was sealed, say so
        after = len(log.releases())
        if after > before:
            say("publish.incomplete", err=True, number=after)
        raise
    except ReviewBlocked as error:
        say_findings(say, catalogue, error.findings)
        review_file = catalogue / REVIEW_FILE
        say("publish.blocked", err=True, findings=len(error.findings), review=review_file)
        sys.exit(1)
    except (InvalidReview, InvalidCodeLists) as error:
        fail(say, error, 1)
    release = done[0].release
    if done[0].appended:
        say(
            "publish.written",
            guides=len(release.guides),
            out=out,
            number=release.number,
            time=release.time,
            added=len(release.added),
            changed=len(release.changed),
            withdrawn=len(release.withdrawn),
            log=ReleaseLog(catalogue).path,
        )
    else:
        say(
            "publish.unchanged",
            guides=len(release.guides),
            out=out,
            number=release.number,
            time=release.time,
        )
    if check:
        check_shapes(say, out / "data" / dcat.DOCUMENT, "dcat")


def _print_log(say: Say, catalogue: Path) -> None:
    log = ReleaseLog(catalogue)
    try:
        releases = log.releases()
    except RegistryCorrupt as error:
        click.echo(say.error(error), err=True)
        sys.exit(2)
    if not releases:
        say("publish.log-none", log=log.path)
        return
    for previous, release in zip([None, *releases], releases, strict=False):
        _print_release(say, release, previous)
    say("publish.log", log=log.path, entries=len(releases))


def _print_release(say: Say, release: Release, previous: Release | None) -> None:
    say(
        "publish.entry",
        number=release.number,
        time=release.time,
        publisher=release.publisher,
        reviewer=release.reviewer,
        version=release.version,
        guides=len(release.guides),
    )
    names = {g.code: g.name for g in (*(previous.guides if previous else ()), *release.guides)}
    elements = dict(release.elements)
    for kind in _KINDS:
        for code in getattr(release, kind):
            what = say.text(f"publish.kind-{kind}")
            if code in elements:
                which = say.join(_element_name(say, e) for e in elements[code])
                say("publish.change-of", kind=what, code=code, name=names[code], elements=which)
            else:
                say("publish.change", kind=what, code=code, name=names[code])
    if previous is not None and release.events != previous.events:
        say("publish.events-changed")


def _element_name(say: Say, element: str) -> str:
    """An element of a guide as staff call it: its Chinese name in Chinese."""
    return (field_name_zh([element]) or element) if say.lang == "zh" else element
