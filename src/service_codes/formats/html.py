"""A printable guide for the counter: one self-contained HTML page, and a catalogue index.

Jinja2 templates with autoescaping (``templates/``), inline CSS with an A4 print
stylesheet, and the handling process drawn as inline SVG from the ordered steps. Printed
pages are numbered and carry the guide's version and effective date in a footer (CSS page
margin boxes); each online-service URL gets a QR code, drawn as inline SVG by ``segno``.
A guide with situations lets the reader pick answers and hides what does not apply to them
(:class:`SituationView`). No page fetches anything or runs a script; every text from a
guide is escaped.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache, lru_cache
from typing import Final

import attrs
import jinja2
import segno
from markupsafe import Markup, escape

from service_codes.codelists import MatterType, RangeUnit, label_zh
from service_codes.matter_types import STANDARD, ExtensionType, MatterTypes, slot
from service_codes.model import Discretion, Guide, Penalty, Step, TimeLimit
from service_codes.situations import Tagged

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


# Most guides of a catalogue link the same few service portals, and choosing a code's mask
# is most of the time a page takes: each URL is encoded once.
@lru_cache(maxsize=1024)
def qr_code(url: str) -> Markup | None:
    """A QR code of an http(s) URL as inline SVG, or ``None`` for another or too long a text."""
    if not url.startswith(("https://", "http://")):
        return None
    try:
        code = segno.make(url, error="m")
    except segno.DataOverflowError:
        return None
    return Markup(code.svg_inline(scale=_QR_MODULE_MM, unit="mm", svgclass="qr", lineclass=None))


def number(value: float) -> str:
    """A number as people write it: whole numbers without ".0", never in exponent form.

    >>> number(5000.0), number(2.5), number(1e16), number(1e-7)
    ('5000', '2.5', '10000000000000000', '0.0000001')
    """
    return _decimal_text(Decimal(repr(float(value))))


def _decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral_value() else f"{value:.0f}"


def _bound(value: float, unit: RangeUnit | None) -> str:
    """One end of a range with its unit; sums of money from 1 万 up in 万元 when they divide."""
    if unit not in (RangeUnit.YUAN, RangeUnit.TEN_THOUSAND_YUAN):
        return f"{number(value)} {label_zh(unit)}" if unit else number(value)
    yuan = Decimal(repr(float(value))) * (10_000 if unit is RangeUnit.TEN_THOUSAND_YUAN else 1)
    if yuan >= 10_000 and yuan % 1_000 == 0:
        return f"{_decimal_text(yuan / 10_000)} 万元"
    return f"{_decimal_text(yuan)} 元"


def penalty(item: Penalty) -> str:
    """A penalty and its range as a discretion standard reads: "罚款 5000 元至 2 万元".

    >>> from service_codes.codelists import PenaltyKind
    >>> penalty(Penalty(kind=PenaltyKind.FINE, minimum=5000, maximum=20000, unit=RangeUnit.YUAN))
    '罚款 5000 元至 2 万元'
    >>> penalty(Penalty(kind=PenaltyKind.FINE, minimum=1, maximum=3, unit=RangeUnit.TIMES,
    ...                 base="违法所得", note="没有违法所得的，处 1 万元以下罚款"))
    '罚款 违法所得 1 倍至 3 倍（没有违法所得的，处 1 万元以下罚款）'
    """
    low, high = (None if v is None else _bound(v, item.unit) for v in (item.minimum, item.maximum))
    if low and high:
        bounds = low if low == high else f"{low}至 {high}"
    else:
        bounds = f"{low}以上" if low else f"{high}以下" if high else ""
    text = " ".join(part for part in (label_zh(item.kind), item.base, bounds) if part)
    return text + (f"（{item.note}）" if item.note else "")


def discretion_groups(rows: Iterable[Discretion]) -> list[tuple[Discretion, ...]]:
    """The discretion rows in runs of one conduct and legal basis, so the table names each once."""
    return [tuple(run) for _, run in itertools.groupby(rows, lambda r: (r.conduct, r.legal_basis))]


class SituationView:
    """A guide's situations on its page: the questions as radio buttons or checkboxes, each
    tagged condition, material and fee marked with the options it applies to, and CSS that
    hides it while the answers chosen leave it out.

    The hiding is CSS (``:has``) rather than a script, so the page stays script-free and
    works offline. It follows :func:`service_codes.situations.applies`: an item is hidden
    when, for some situation whose options it names, none of those is chosen. Nothing is
    hidden while a required question is open, nor on paper (the rules are ``@media screen``).
    """

    def __init__(self, guide: Guide) -> None:
        self.situations = guide.situations
        self._tagged: tuple[Tagged, ...] = (*guide.conditions, *guide.materials, *guide.fees)
        # Where each option id is asked; a repeated id is the later one's, as in option_ids.
        self._place = {
            option.id: (i, j)
            for i, situation in enumerate(guide.situations)
            for j, option in enumerate(situation.options)
        }

    @staticmethod
    def question_id(situation: int) -> str:
        return f"situation-{situation}"

    @staticmethod
    def answer_id(situation: int, option: int) -> str:
        return f"situation-{situation}-{option}"

    def _named(self, item: Tagged) -> dict[int, tuple[int, ...]]:
        """For each situation whose options ``item`` names, the positions of those options."""
        named: dict[int, set[int]] = {}
        for option in item.applies_to:
            if option in self._place:  # an unknown id restricts nothing, as in applies
                situation, position = self._place[option]
                named.setdefault(situation, set()).add(position)
        return {situation: tuple(sorted(named[situation])) for situation in sorted(named)}

    @staticmethod
    def _token(situation: int, options: tuple[int, ...]) -> str:
        return f"s{situation}:{','.join(map(str, options))}"

    def attributes(self, item: Tagged) -> Markup:
        """The data attributes of a tagged item: the option ids it names (``data-applies-to``)
        and, for the CSS, which situation and options they are (``data-when``)."""
        if not item.applies_to:
            return Markup("")
        when = " ".join(self._token(s, o) for s, o in self._named(item).items())
        return Markup(' data-applies-to="{}" data-when="{}"').format(
            " ".join(item.applies_to), when
        )

    def names(self, item: Tagged) -> str:
        """The names of the options ``item`` applies to, in the guide's order: "企业、新办"."""
        return "、".join(
            option.name
            for i, situation in enumerate(self.situations)
            for j, option in enumerate(situation.options)
            if option.id in item.applies_to and self._place[option.id] == (i, j)
        )

    def style(self) -> Markup:
        """The CSS that hides, on screen, each tagged item the chosen answers leave out."""
        answered = "".join(
            f":has(#{self.question_id(i)} :checked)"
            for i, situation in enumerate(self.situations)
            if situation.required
        )
        runs = sorted({run for item in self._tagged for run in self._named(item).items()})
        rules = [
            f"body{answered}:not(:has("
            + ", ".join(f"#{self.answer_id(s, o)}:checked" for o in options)
            + f')) [data-when~="{self._token(s, options)}"] {{ display: none; }}'
            for s, options in runs
        ]
        return Markup("@media screen {\n" + "\n".join(rules) + "\n}\n") if rules else Markup("")


@cache
def environment() -> jinja2.Environment:
    """The templates' environment (pages, index, lists), with the helpers they call."""
    made = jinja2.Environment(
        loader=jinja2.PackageLoader("service_codes", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    made.globals.update(
        label=_label, limit=_limit, edition=edition, qr=qr_code, number=number, penalty=penalty
    )
    return made


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


def render_guide(
    guide: Guide, types: MatterTypes = STANDARD, links: Sequence[tuple[str, str]] = ()
) -> str:
    """The printable HTML page of one guide, its type named as its catalogue declares it;
    ``links`` (href, text) head the page on screen, as a site's navigation."""
    template = environment().get_template("guide.html.j2")
    return template.render(
        guide=guide,
        links=links,
        type_label=types.label_zh,
        diagram=process_diagram(guide.steps),
        footer=print_footer(guide),
        situations=SituationView(guide),
        discretion=discretion_groups(guide.discretion),
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
    template = environment().get_template("index.html.j2")
    return template.render(title=title, count=len(entries), groups=[g for g in groups if g[1]])
