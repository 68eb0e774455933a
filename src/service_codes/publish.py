"""Publishing a catalogue (DESIGN.md, "Publication"): build, validate, review, then the site,
its open data and one entry of the release log.

:func:`publish` is the one build (:func:`~service_codes.build.build`) with a single sink,
:class:`SiteSink`, which takes every guide through the publication filter
(:func:`~service_codes.publication.published`), reviews what is left (保密审查) and, only
when no finding is open, renders the site. The site is the folder's whole content: a file
there that a publish did not write is refused, and one that a guide no longer needs
(a guide withdrawn, made non-public) is removed. The release log gets an entry only
when the published guides changed, so the same catalogue published again changes nothing.

SITE holds ``index.html`` (search), ``search-index.js``, ``search.js``, ``guides/CODE.html``,
``agencies/USCC.html``, ``types/NN.html``, ``lists/`` (the six lists), ``download.html``
and ``data/``: the CSV tables, ``datapackage.json``, ``events.csv`` and each guide's
canonical ``json/CODE.json`` and ``xml/CODE.xml``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Final

import attrs

from service_codes.build import Built, Listener, build
from service_codes.convert import guide_to_data
from service_codes.diff import diff_guides
from service_codes.errors import ServiceCodesError
from service_codes.formats import dcat, open_data, read_guide, site
from service_codes.formats.html import render_guide
from service_codes.formats.json import data_to_json
from service_codes.formats.lists_out import FORMATS, ListSink
from service_codes.formats.xml import data_to_xml
from service_codes.ledger import is_dsn
from service_codes.manifest import BuildError
from service_codes.matter_types import MatterTypes, catalogue_types
from service_codes.model import Guide
from service_codes.output import MARK
from service_codes.publication import published
from service_codes.registry import Registry
from service_codes.releases import (
    Release,
    ReleasedGuide,
    ReleaseLog,
    check_order,
    content_digest,
    next_release,
)
from service_codes.review import (
    Finding,
    ReviewFile,
    read_review,
    review,
    review_catalogue,
    scan,
)

LISTS: Final = "lists"
DATA: Final = "data"


class ReviewBlocked(ServiceCodesError):
    """The confidentiality review has open findings: nothing was published."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__(
            f"the confidentiality review has {len(self.findings)} open finding(s):"
            " nothing was published",
            f"保密审查有 {len(self.findings)} 处未处理的发现，未发布任何内容",
        )


class SiteSink:
    """The site of the published guides, made at the build's finish; see the module.

    The release's entry is sealed onto ``log`` at the end of the finish, once every byte of
    the site is made and before a file is written: the log says what the site is, and a
    publish that fails while writing is completed by publishing again.
    """

    def __init__(
        self,
        types: MatterTypes,
        review_file: ReviewFile,
        log: ReleaseLog,
        out: Path,
        *,
        publisher: str,
        reviewer: str,
        time: dt.datetime,
    ) -> None:
        self.types, self.review_file, self.log, self.out = types, review_file, log, out
        self.publisher, self.reviewer, self.time = publisher, reviewer, time
        releases = log.releases()
        self.previous = releases[-1] if releases else None
        self.first = releases[0] if releases else None  # when the open data was first issued
        self.guides: list[Guide] = []
        self.findings: list[Finding] = []
        self.lists = ListSink(FORMATS, types)
        self.release: Release | None = None  # the new entry, after the finish; None: no change

    @property
    def shown(self) -> Release:
        """The release the site shows: the new one, or the last when nothing changed."""
        shown = self.release or self.previous
        assert shown is not None, "a first publication is always a release"
        return shown

    def files(self, names: Sequence[str]) -> list[str]:
        return ["index.html", "search-index.js", "search.js", "download.html"]

    def retired(self, out: Path, names: Sequence[str]) -> list[str]:
        """Everything in the site now: what this publish does not write again goes."""
        found = []
        for folder, _, files in os.walk(out):
            relative = Path(folder).relative_to(out).as_posix()
            prefix = "" if relative == "." else f"{relative}/"
            found += [f"{prefix}{f}" for f in files if f != MARK]
        return sorted(found)

    def add(self, stem: str, guide: Guide) -> None:
        public = published(guide)
        if public is not None:
            self.lists.add(stem, public)  # filtered once: the list's own filter keeps it whole
            self.guides.append(public)
            self.findings += scan(stem, public, self.review_file.public)

    def finish(self, registry: Registry) -> dict[str, bytes]:
        # Reviewed again as built: a guide edited since the review before the build is caught.
        still_open = review(self.findings, self.review_file)[0]
        if still_open:
            raise ReviewBlocked(still_open)
        types = self.types
        entries = [site.Entry.of(g, types.label_zh(g.matter_type)) for g in self.guides]
        files: dict[str, bytes] = {}
        released = []
        for entry in entries:
            guide, code = entry.guide, entry.code
            data = guide_to_data(guide)
            canonical = data_to_json(data)
            files[f"{DATA}/json/{code}.json"] = canonical
            files[f"{DATA}/xml/{code}.xml"] = data_to_xml(data)
            page = render_guide(guide, types, site.guide_links(guide, types))
            files[entry.href] = page.encode()
            released.append(ReleasedGuide(code, entry.name, content_digest(canonical)))
        rows = open_data.public_events(registry.events(), self._codes())
        events = open_data.events_file(rows)
        files[f"{DATA}/{open_data.EVENTS}"] = events
        published_now = {entry.code: entry.guide for entry in entries}
        self.release = next_release(
            self.previous,
            released,
            events=content_digest(events),
            elements=lambda code: self._changed_elements(code, published_now[code]),
            publisher=self.publisher,
            reviewer=self.reviewer,
            version=version("service-codes"),
            time=self.time,
        )
        tables = open_data.table_files(self.guides, types)
        files.update({f"{DATA}/{name}": made.data for name, made in tables.items()})
        package = open_data.Package(
            site.TITLE, self.shown.publisher, self.shown.time, str(self.shown.number)
        )
        described = [made.table for made in tables.values()]
        files[f"{DATA}/datapackage.json"] = open_data.datapackage(package, described)
        catalogued = [(name, made.table.title, "text/csv") for name, made in tables.items()]
        catalogued += [
            (open_data.EVENTS, open_data.EVENTS_TITLE, "text/csv"),
            ("json/", "每份办事指南的规范 JSON", "application/json"),
            ("xml/", "每份办事指南的 XML", "application/xml"),
        ]
        codes = [entry.code for entry in entries]
        files[f"{DATA}/{dcat.DOCUMENT}"] = dcat.to_dcat(
            title=site.TITLE,
            publisher=self.shown.publisher,
            issued=(self.first or self.shown).time,
            modified=self.shown.time,
            licence=open_data.LICENCE[2],
            files=catalogued,
            downloads={
                f"{ext}/": [f"{ext}/{code}.{ext}" for code in codes] for ext in ("json", "xml")
            },
        )
        lists = self.lists.finish()
        files.update({f"{LISTS}/{name}": data for name, data in lists.items()})
        files["index.html"] = site.home_page(entries, self.shown)
        files["search-index.js"] = site.search_index(entries)
        files["search.js"] = site.search_script()
        by_type, by_agency = site.groups(entries)
        files.update({group.href: site.group_page(group) for group in (*by_type, *by_agency)})
        counted = [(name, made.table.title, made.rows) for name, made in tables.items()]
        counted.append((open_data.EVENTS, open_data.EVENTS_TITLE, len(rows)))
        files["download.html"] = site.download_page(self.shown, counted, sorted(lists))
        if self.release is not None:
            self.log.append(self.release)
        return files

    def _changed_elements(self, code: str, guide: Guide) -> list[str]:
        """What changed in a guide since the last release, from the diff of its canonical JSON
        as the site holds it, when that is still the one the release log recorded."""
        assert self.previous is not None, "only a guide released before has changed"
        recorded = {g.code: g.digest for g in self.previous.guides}[code]
        try:
            earlier = (self.out / DATA / "json" / f"{code}.json").read_bytes()
        except OSError:
            return []
        if content_digest(earlier) != recorded:
            return []
        try:
            changes = diff_guides(read_guide(earlier), guide).changes
        except ServiceCodesError:  # what an earlier library published, read no more
            return []
        return list(dict.fromkeys(change.element for change in changes))

    def _codes(self) -> set[str]:
        """Every code the published guides carry that the ledger issues."""
        codes = {str(g.catalog_code) for g in self.guides}
        codes |= {str(g.implementation_code) for g in self.guides}
        codes |= {str(m.code) for g in self.guides for m in g.materials if m.code}
        return codes | {str(h.code) for g in self.guides for h in g.handling_items}


def release_time() -> dt.datetime:
    """Now, or the time ``SOURCE_DATE_EPOCH`` gives (seconds since 1970, UTC), the variable
    reproducible builds set so that a rebuild gives the same bytes."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not fixed:
        return dt.datetime.now(dt.UTC)
    try:
        return dt.datetime.fromtimestamp(int(fixed), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ServiceCodesError(
            f"SOURCE_DATE_EPOCH={fixed!r} is not a time: give seconds since 1970 (UTC)",
            f"SOURCE_DATE_EPOCH={fixed!r} 不是时间：应为自 1970 年（UTC）起的秒数",
        ) from None


@attrs.frozen
class Publication:
    """What a publish did: the build, the release the site shows, whether it is new."""

    built: Built
    release: Release
    appended: bool


def publish(
    catalogue: Path,
    out: Path,
    *,
    publisher: str,
    reviewer: str,
    registry: str | Path | None = None,
    workers: int = 1,
    listener: Listener | None = None,
    force: bool = False,
    time: dt.datetime | None = None,
) -> Publication:
    """Publish ``catalogue`` as a site in ``out`` and log the release (see the module),
    released at ``time`` (default: :func:`release_time`).

    Raises :class:`~service_codes.build.CatalogueInvalid` when a guide is invalid and
    :class:`ReviewBlocked` when the review has open findings; then nothing is written
    and the log is left as it was.
    """
    for who, en, zh in ((publisher, "publisher", "发布人"), (reviewer, "reviewer", "审核人")):
        if not who.strip() or not who.isprintable():
            raise ServiceCodesError(
                f"a publication names its {en} on one line", f"发布须在一行内写明{zh}"
            )
    kept = [catalogue] + ([Path(registry)] if registry and not is_dsn(registry) else [])
    for folder in kept:
        if folder.resolve() == out.resolve() or out.resolve() in folder.resolve().parents:
            # The site is publish's folder whole: what lies inside it would be swept away.
            raise BuildError(
                f"the site folder {out} holds {folder}; choose another",
                f"站点目录 {out} 包含 {folder}，请另选目录",
            )
    # Reviewed before the build, so that a blocked publication issues no code either.
    found = review_catalogue(catalogue)
    if found.open:
        raise ReviewBlocked(found.open)
    log = ReleaseLog(catalogue)
    with log.ledger.lock:  # one publication of a catalogue at a time
        sink = SiteSink(
            catalogue_types(catalogue),
            read_review(catalogue),
            log,
            out,
            publisher=publisher.strip(),
            reviewer=reviewer.strip(),
            time=time or release_time(),
        )
        if sink.previous is not None:  # refused before the build issues any code
            check_order(sink.previous, sink.time)
        built = build(
            catalogue,
            out,
            (),
            workers=workers,
            listener=listener,
            force=force,
            registry=registry,
            sinks=[sink],
        )
    return Publication(built, sink.shown, sink.release is not None)
