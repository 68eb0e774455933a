"""A printable guide for the counter: one self-contained HTML page, and a catalogue index.

Jinja2 templates with autoescaping (``templates/``), inline CSS with an A4 print
stylesheet, and the handling process drawn as inline SVG from the ordered steps. Printed
pages are numbered and carry the guide's version and effective date in a footer (CSS page
margin boxes); each online-service URL gets a QR code, drawn as inline SVG by ``segno``.
No page fetches anything; every text from a guide is escaped.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import cache
from typing import Final

import attrs
import jinja2
import segno
from markupsafe import Markup, escape

from service_codes.codelists import MatterType, label_zh
from service_codes.matter_types import STANDARD, ExtensionType, MatterTypes, slot
from service_codes.model import Guide, Step, TimeLimit

# Geometry of the process diagram, in SVG user units (CSS pixels: the diagram is not scaled
# on an A4 page). Its labels are set at the body's font size (style.css); two lines fit a box.
_BOX_WIDTH: Final = 520
_BOX_HEIGHT: Final = 54
_GAP: Final = 22
_TITLE_BASELINE: Final = 21
_DETAIL_BASELINE: Final = 43
# One QR module in print, in mm: a version 3 code with its quiet zone is 26 mm across.
_QR_MODULE_MM: Final = 0.7


def _limit(limit: TimeLimit) -> str:
    return f"{limit.value} 个{label_zh(limit.unit)}"


def _label(member: enum.StrEnum) -> str:
    return label_zh(member)


def edition(guide: Guide) -> str:
    """The guide's version and, where known, its effective date: "第 3 版 · 生效日期 2024-03-01"."""
    date = f" · 生效日期 {guide.effective_date.isoformat()}" if guide.effective_date else ""
    return f"第 {guide.version} 版{date}"


def _css_string(text: str) -> str:
    r"""``text`` as a quoted CSS string; anything but letters, digits and spaces is hex-escaped.

    >>> print(_css_string('第 3 版 "x" </style>'))
    "第 3 版 \22 x\22  \3c \2f style\3e "
    """
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def print_footer(guide: Guide) -> Markup:
    """CSS for the footer of every printed page: page number centred, edition on the right."""
    number = '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    return Markup(
        f"@page {{ @bottom-center {{ content: {number}; }}"
        f" @bottom-right {{ content: {_css_string(edition(guide))}; }} }}"
    )


def qr_code(url: str) -> Markup | None:
    """A QR code of an http(s) URL as inline SVG, or ``None`` for another or too long a text."""
    if not url.startswith(("https://", "http://")):
        return None
    try:
        code = segno.make(url, error="m")
    except segno.DataOverflowError:
        return None
    return Markup(code.svg_inline(scale=_QR_MODULE_MM, unit="mm", svgclass="qr", lineclass=None))


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("service_codes", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.globals.update(label=_label, limit=_limit, edition=edition, qr=qr_code)
    return environment


def _step_text(step: Step) -> tuple[str, str]:
    detail = step.actor + (f" · {_limit(step.time_limit)}" if step.time_limit else "")
    return f"{step.order}. {step.name}", detail


def process_diagram(steps: Iterable[Step]) -> Markup:
    """The steps as an inline SVG flow: one box per step, top to bottom, with arrows."""
    steps = list(steps)
    height = len(steps) * (_BOX_HEIGHT + _GAP) - _GAP
    parts = [
        f'<svg class="diagram" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="办理流程" width="{_BOX_WIDTH + 2}" height="{height + 2}" '
        f'viewBox="-1 -1 {_BOX_WIDTH + 2} {height + 2}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#b71c1c"/>'
        "</marker></defs>",
    ]
    for i, step in enumerate(steps):
        top = i * (_BOX_HEIGHT + _GAP)
        title, detail = _step_text(step)
        parts.append(
            f'<g class="step" data-order="{step.order}">'
            f'<rect x="0" y="{top}" width="{_BOX_WIDTH}" height="{_BOX_HEIGHT}" rx="6"/>'
            f'<text x="12" y="{top + _TITLE_BASELINE}">{escape(title)}</text>'
            f'<text class="actor" x="12" y="{top + _DETAIL_BASELINE}">{escape(detail)}</text></g>'
        )
        if i < len(steps) - 1:
            x, y = _BOX_WIDTH // 2, top + _BOX_HEIGHT
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + _GAP}" marker-end="url(#arrow)"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_guide(guide: Guide, types: MatterTypes = STANDARD) -> str:
    """The printable HTML page of one guide, its type named as its catalogue declares it."""
    template = _environment().get_template("guide.html.j2")
    return template.render(
        guide=guide,
        type_label=types.label_zh,
        diagram=process_diagram(guide.steps),
        footer=print_footer(guide),
    )


@attrs.frozen
class IndexEntry:
    """One guide on the index page: where its page is, and what to show."""

    href: str
    guide: Guide

    @property
    def name(self) -> str:
        sub = f"（{self.guide.sub_name}）" if self.guide.sub_name else ""
        return self.guide.name + sub

    @property
    def agency(self) -> str:
        return self.guide.agency.name

    @property
    def code(self) -> str | None:
        code = self.guide.implementation_code
        return str(code) if code else None


def render_index(
    entries: Iterable[IndexEntry], title: str = "办事指南目录", types: MatterTypes = STANDARD
) -> str:
    """The index page of a catalogue, grouped by matter type in the standard's order, then
    the extension types in the order of their codes."""
    entries = list(entries)
    extensions = sorted(
        {e.guide.matter_type for e in entries if isinstance(e.guide.matter_type, ExtensionType)},
        key=slot,
    )
    groups = [
        (
            types.label_zh(kind),
            sorted((e for e in entries if e.guide.matter_type == kind), key=lambda e: e.href),
        )
        for kind in (*MatterType, *extensions)
    ]
    template = _environment().get_template("index.html.j2")
    return template.render(title=title, count=len(entries), groups=[g for g in groups if g[1]])
