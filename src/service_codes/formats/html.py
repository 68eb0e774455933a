"""A printable guide for the counter: one self-contained HTML page, and a catalogue index.

Jinja2 templates with autoescaping (``templates/``), inline CSS with an A4 print
stylesheet, and the handling process drawn as inline SVG from the ordered steps. No
page fetches anything; every text from a guide is escaped.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import cache
from typing import Final

import attrs
import jinja2
from markupsafe import Markup, escape

from service_codes.codelists import MatterType, label_zh
from service_codes.model import Guide, Step, TimeLimit

# Geometry of the process diagram, in SVG user units.
_BOX_WIDTH: Final = 520
_BOX_HEIGHT: Final = 48
_GAP: Final = 22


def _limit(limit: TimeLimit) -> str:
    return f"{limit.value} 个{label_zh(limit.unit)}"


def _label(member: enum.StrEnum) -> str:
    return label_zh(member)


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("service_codes", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.globals.update(label=_label, limit=_limit)
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
            f'<text x="12" y="{top + 20}">{escape(title)}</text>'
            f'<text class="actor" x="12" y="{top + 38}">{escape(detail)}</text></g>'
        )
        if i < len(steps) - 1:
            x, y = _BOX_WIDTH // 2, top + _BOX_HEIGHT
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + _GAP}" marker-end="url(#arrow)"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_guide(guide: Guide) -> str:
    """The printable HTML page of one guide."""
    template = _environment().get_template("guide.html.j2")
    return template.render(guide=guide, diagram=process_diagram(guide.steps))


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


def render_index(entries: Iterable[IndexEntry], title: str = "办事指南目录") -> str:
    """The index page of a catalogue, grouped by matter type in the standard's order."""
    entries = list(entries)
    groups = [
        (
            label_zh(kind),
            sorted((e for e in entries if e.guide.matter_type is kind), key=lambda e: e.href),
        )
        for kind in MatterType
    ]
    template = _environment().get_template("index.html.j2")
    return template.render(title=title, count=len(entries), groups=[g for g in groups if g[1]])
