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
from service_codes.errors import ServiceCodesError
from service_codes.formats import open_data, site
from service_codes.formats.html import render_guide
from service_codes.formats.json import data_to_json
from service_codes.formats.lists_out import FORMATS, ListSink
from service_codes.formats.xml import data_to_xml
from service_codes.matter_types import MatterTypes, catalogue_types
from service_codes.model import Guide
from service_codes.output import MARK
from service_codes.publication import published
from service_codes.registry import Registry
from service_codes.releases import Release, ReleasedGuide, ReleaseLog, content_digest, next_release
from service_codes.review import Finding, ReviewFile, read_review, review, scan

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
    """The site of the published guides, made at the build's finish; see the module."""

    def __init__(
        self,
        types: MatterTypes,
        review_file: ReviewFile,
        previous: Release | None,
        *,
        publisher: str,
        reviewer: str,
        time: dt.datetime,
    ) -> None:
        self.types, self.review_file, self.previous = types, review_file, previous
        self.publisher, self.reviewer, self.time = publisher, reviewer, time
        self.guides: list[Guide] = []
        self.findings: list[Finding] = []
        self.lists = ListSink(FORMATS, types)
        self.release: Release | None = None  # the new entry, after the finish; None: no change

    def files(self, names: Sequence[str]) -> list[str]:
        return ["index.html", "search-index.js", "search.js", "download.html"]

    def retired(self, out: Path, names: Sequence[str]) -> list[str]:
        """Everything in the site now: what this publish does not write again goes."""
        found = []
        for folder, _, files in os.walk(out):
            relative = Path(folder).relative_to(out).as_posix()
            prefix = "" if relative == "." else f"{relative}/"
            found += [f"{prefix}{f}" for f in files if f != MARK and not f.endswith(".tmp")]
        return sorted(found)

    def add(self, stem: str, guide: Guide) -> None:
        self.lists.add(stem, guide)
        public = published(guide)
        if public is not None:
            self.guides.append(public)
            self.findings += scan(stem, public, self.review_file.public)

    def finish(self, registry: Registry) -> dict[str, bytes]:
        still_open = review(self.findings, self.review_file)[0]
        if still_open:
            raise ReviewBlocked(still_open)
        types = self.types
        entries = [site.Entry(g, types.label_zh(g.matter_type)) for g in self.guides]
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
        self.release = next_release(
            self.previous,
            released,
            publisher=self.publisher,
            reviewer=self.reviewer,
            version=version("service-codes"),
            time=self.time,
        )
        shown = self.release or self.previous
        assert shown is not None, "a first publication is always a release"
        tables = open_data.table_files(self.guides, types)
        files.update(self._data(registry, shown, tables))
        lists = self.lists.finish()
        files.update({f"{LISTS}/{name}": data for name, data in lists.items()})
        files["index.html"] = site.home_page(entries, shown)
        files["search-index.js"] = site.search_index(entries)
        files["search.js"] = site.search_script()
        by_type, by_agency = site.groups(entries)
        files.update({group.href: site.group_page(group) for group in (*by_type, *by_agency)})
        counted = [(name, t.title, data.count(b"\n") - 1) for name, (t, data) in tables.items()]
        files["download.html"] = site.download_page(
            shown, counted, sorted(lists), open_data.LICENCE
        )
        return files

    def _data(
        self, registry: Registry, release: Release, tables: dict[str, tuple[open_data.Table, bytes]]
    ) -> dict[str, bytes]:
        """``data/``: the tables, the ledger's public events and the package that describes them."""
        files = {f"{DATA}/{name}": data for name, (_, data) in tables.items()}
        codes = {str(g.catalog_code) for g in self.guides}
        codes |= {str(g.implementation_code) for g in self.guides}
        codes |= {str(h.code) for g in self.guides for h in g.handling_items}
        files[f"{DATA}/events.csv"] = open_data.events_file(
            open_data.public_events(registry.events(), codes)
        )
        package = open_data.Package(
            site.TITLE, release.publisher, release.time, str(release.number)
        )
        made = [table for table, _ in tables.values()]
        files[f"{DATA}/datapackage.json"] = open_data.datapackage(package, made)
        return files


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
    """Publish ``catalogue`` as a site in ``out`` and log the release (see the module).

    Raises :class:`~service_codes.build.CatalogueInvalid` when a guide is invalid and
    :class:`ReviewBlocked` when the review has open findings; then nothing is written
    and the log is left as it was.
    """
    for who, en, zh in ((publisher, "publisher", "发布人"), (reviewer, "reviewer", "审核人")):
        if not who.strip():
            raise ServiceCodesError(f"a publication names its {en}", f"发布须写明{zh}")
    log = ReleaseLog(catalogue)
    sink = SiteSink(
        catalogue_types(catalogue),
        read_review(catalogue),
        log.last(),
        publisher=publisher.strip(),
        reviewer=reviewer.strip(),
        time=time or dt.datetime.now(dt.UTC),
    )
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
    if sink.release is not None:
        log.append(sink.release)
    shown = sink.release or sink.previous
    assert shown is not None
    return Publication(built, shown, sink.release is not None)
