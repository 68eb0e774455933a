"""The published site's own pages: the home page and its search index, a page per agency
and per matter type, and the download page. Each guide's page is its printable page
(:func:`~service_codes.formats.html.render_guide`) with the site's links on top.

Every page works from the file system as from a web server: links are relative, styles
inline, and the search runs in the browser on ``search-index.js``, a script that sets
the index (a browser does not let a page opened from a file read a JSON file beside it).
Nothing is fetched from elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, Final

import attrs

from service_codes.formats.html import IndexEntry, environment
from service_codes.formats.open_data import LICENCE
from service_codes.matter_types import MatterTypes, slot
from service_codes.model import Guide
from service_codes.releases import Release

TITLE: Final = "政务服务事项办事指南"
CHANGE_LABELS: Final = (("added", "新增"), ("changed", "变更"))


@attrs.frozen
class Entry(IndexEntry):
    """One published guide as the site's pages list it (its page named by :func:`page_of`)."""

    type_label: str

    @classmethod
    def of(cls, guide: Guide, type_label: str) -> Entry:
        return cls(page_of(guide), guide, type_label)

    @property
    def code(self) -> str:
        return str(self.guide.implementation_code)


@attrs.frozen
class Group:
    """The guides of one agency or one matter type, and their page."""

    href: str
    title: str
    kind: str
    entries: tuple[Entry, ...]


def page_of(guide: Guide) -> str:
    """A guide's page, relative to the site: named by its code, which never changes."""
    return f"guides/{guide.implementation_code}.html"


def agency_page(guide: Guide) -> str:
    return f"agencies/{guide.agency.uscc}.html"


def type_page(guide: Guide) -> str:
    return f"types/{slot(guide.matter_type)}.html"


def guide_links(guide: Guide, types: MatterTypes) -> list[tuple[str, str]]:
    """The site's links on top of a guide's page (relative to ``guides/``)."""
    code = guide.implementation_code
    return [
        ("../index.html", "首页"),
        (f"../{agency_page(guide)}", guide.agency.name),
        (f"../{type_page(guide)}", types.label_zh(guide.matter_type)),
        (f"../data/json/{code}.json", "JSON"),
        (f"../data/xml/{code}.xml", "XML"),
    ]


def groups(entries: Sequence[Entry]) -> tuple[list[Group], list[Group]]:
    """The matter types' groups (by slot) and the agencies' (by name), entries by code."""
    by_type: dict[str, list[Entry]] = {}
    by_agency: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.code):
        by_type.setdefault(type_page(entry.guide), []).append(entry)
        by_agency.setdefault(agency_page(entry.guide), []).append(entry)
    types = [
        Group(href, found[0].type_label, "事项类型", tuple(found))
        for href, found in sorted(by_type.items())
    ]
    agencies = [
        Group(href, found[0].agency, "实施主体", tuple(found))
        for href, found in sorted(by_agency.items(), key=lambda item: (item[1][0].agency, item[0]))
    ]
    return types, agencies


def _keywords(guide: Guide) -> str:
    """What else a search finds a guide by: its catalog code, agency code, handling items,
    materials, result and laws."""
    words = [str(guide.catalog_code), guide.agency.uscc, guide.competent_department]
    words += [item.name for item in guide.handling_items]
    words += [material.name for material in guide.materials]
    words += [guide.result.name] if guide.result else []
    words += [basis.law for basis in guide.legal_basis]
    return " ".join(words)


def search_index(entries: Iterable[Entry]) -> bytes:
    """``search-index.js``: one array per guide (name, code, agency, type, keywords, page)."""
    rows = [
        [e.name, e.code, e.agency, e.type_label, _keywords(e.guide), e.href]
        for e in sorted(entries, key=lambda e: e.code)
    ]
    # In a script, "</" could end it were it ever inlined; escaped, it reads the same.
    body = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.SEARCH_INDEX = {body};\n".encode()


def search_script() -> bytes:
    return resources.files("service_codes").joinpath("templates/search.js").read_bytes()


def _render(template: str, **context: Any) -> bytes:
    return environment().get_template(template).render(title=TITLE, **context).encode()


def home_page(entries: Sequence[Entry], release: Release) -> bytes:
    types, agencies = groups(entries)
    return _render(
        "site_home.html.j2", count=len(entries), release=release, types=types, agencies=agencies
    )


def group_page(group: Group) -> bytes:
    return _render("site_group.html.j2", group=group)


def download_page(
    release: Release, tables: Sequence[tuple[str, str, int]], lists: Sequence[str]
) -> bytes:
    """The download page: the tables (file, title, rows), the lists, what this release changed.
    A withdrawn guide is counted, not named: it may have been withdrawn for being non-public."""
    names = {g.code: g.name for g in release.guides}
    changes = [
        (label, [(code, names[code]) for code in getattr(release, kind)])
        for kind, label in CHANGE_LABELS
    ]
    return _render(
        "site_download.html.j2",
        release=release,
        tables=tables,
        lists=lists,
        licence=LICENCE,
        changes=[(label, codes) for label, codes in changes if codes],
        withdrawn=len(release.withdrawn),
    )
