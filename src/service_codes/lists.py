"""The six lists a district publishes beside its guides, derived from the coded guides.

权力清单, 责任清单, 公共服务事项清单, 收费目录, 行政许可中介服务收费清单 and 随机抽查事项清单 are
never kept by hand: each is a :class:`PublishedList`, which says what one guide contributes
(its rows) and how the list is headed. :class:`Tables` is fed one coded guide at a time and
gives every list's rows in a stable order (by agency, then code), so equal catalogues give
equal lists whatever order their guides come in. Writing them is
:mod:`service_codes.formats.lists_out`'s.

A cell is published text (a code list's Chinese name, 是/否, "5%"), a number, or empty;
items of a list (responsibility items) are one a line, as in the staff spreadsheet.

>>> [(published.name, published.title) for published in LISTS][:2]
[('power', '权力清单'), ('responsibility', '责任清单')]
>>> POWER.columns[0].header
'实施编码 implementation_code'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Final

import attrs

from service_codes.codelists import MatterType, label_zh
from service_codes.formats.spreadsheet_layout import FALSE, TRUE
from service_codes.matter_types import STANDARD, Family, MatterTypes
from service_codes.model import Guide, LegalBasis

Cell = str | int | None
Row = tuple[Cell, ...]


@attrs.frozen
class Column:
    """One column of a list: the guide field it shows (a path) and its Chinese title."""

    field: str
    title: str

    @property
    def header(self) -> str:
        """The header as the staff spreadsheet writes one: ``实施编码 implementation_code``."""
        return f"{self.title} {self.field}"


@attrs.frozen
class PublishedList:
    """One published list: its file name, Chinese title, columns and a guide's rows.

    ``by_agency`` says the list is published grouped by agency; its first column then
    names the agency.
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Guide, MatterTypes], Iterable[Row]]
    by_agency: bool = False


# --- how a guide's values read in a list ----------------------------------------------------


def matter_name(guide: Guide) -> str:
    """The matter's name with its sub-item: "食品经营许可（食品经营许可证变更）"."""
    return guide.name + (f"（{guide.sub_name}）" if guide.sub_name else "")


def _code(code: object | None) -> str | None:
    return None if code is None else str(code)


def _laws(basis: Iterable[LegalBasis]) -> str:
    """Each law with its article, as a legal-basis cell reads: "《条例》第八条；《细则》"."""
    return "；".join(b.law + (b.article or "") for b in basis)


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def percent(ratio: float) -> str:
    """A ratio in per cent as published: whole numbers without ".0".

    >>> percent(5.0), percent(2.5), percent(100)
    ('5%', '2.5%', '100%')
    """
    value = Decimal(repr(float(ratio)))
    text = f"{value:.0f}" if value == value.to_integral_value() else f"{value.normalize():f}"
    return f"{text}%"


def is_power(guide: Guide, types: MatterTypes) -> bool:
    """Whether a guide is of the power family; an undeclared extension type counts as power,
    since only a declaration can say a type is a public service."""
    return types.family(guide.matter_type) is not Family.PUBLIC_SERVICE


def _option_names(guide: Guide, ids: tuple[str, ...]) -> str:
    """The names of the options a fee applies to, in the guide's order (none: all)."""
    return "、".join(
        option.name for s in guide.situations for option in s.options if option.id in ids
    )


# --- the six lists ---------------------------------------------------------------------------

_CODE = Column("implementation_code", "实施编码")
_NAME = Column("name", "事项名称")
_AGENCY = Column("agency.name", "实施主体")


def _power_rows(guide: Guide, types: MatterTypes) -> Iterator[Row]:
    if is_power(guide, types):
        yield (
            _code(guide.implementation_code),
            _code(guide.catalog_code),
            matter_name(guide),
            types.label_zh(guide.matter_type),
            guide.agency.name,
            label_zh(guide.level),
            _laws(guide.legal_basis),
            guide.competent_department,
        )


def _responsibility_rows(guide: Guide, types: MatterTypes) -> Iterator[Row]:
    # A power matter without responsibility fields still gets its row, empty, so the gap
    # shows in the published list (validation warns of it as responsibility.missing).
    if is_power(guide, types):
        found = guide.responsibility
        yield (
            _code(guide.implementation_code),
            matter_name(guide),
            guide.agency.name,
            _lines(found.items) if found else None,
            _lines(found.accountability) if found else None,
            found.channel if found else None,
        )


def _public_service_rows(guide: Guide, types: MatterTypes) -> Iterator[Row]:
    if not is_power(guide, types):
        yield (
            _code(guide.implementation_code),
            matter_name(guide),
            guide.agency.name,
            "、".join(label_zh(o) for o in guide.service_objects),
            guide.place,
            guide.hours,
            guide.consultation,
        )


def _fee_rows(guide: Guide, types: MatterTypes) -> Iterator[Row]:
    for fee in guide.fees:
        yield (
            guide.agency.name,
            fee.name,
            fee.standard,
            fee.legal_basis,
            TRUE if fee.reducible else FALSE,
            fee.reduction_reason,
            _option_names(guide, fee.applies_to) or None,
            _code(guide.implementation_code),
            matter_name(guide),
        )


def _intermediary_rows(guide: Guide, types: MatterTypes) -> Iterator[Row]:
    if guide.matter_type is MatterType.LICENSING:
        for service in guide.intermediary_services:
            yield (
                guide.agency.name,
                service.name,
                service.standard,
                service.legal_basis,
                _code(guide.implementation_code),
                matter_name(guide),
            )


def _inspection_rows(guide: Guide, types: MatterTypes) -> Iterator[Row]:
    found = guide.inspection
    if found is not None:
        yield (
            _code(guide.implementation_code),
            matter_name(guide),
            found.legal_basis,
            found.body,
            found.object_kind,
            found.subjects,
            percent(found.ratio),
            label_zh(found.frequency),
            found.content,
            found.method,
        )


POWER: Final = PublishedList(
    "power",
    "权力清单",
    (
        _CODE,
        Column("catalog_code", "基本编码"),
        _NAME,
        Column("matter_type", "事项类型"),
        _AGENCY,
        Column("level", "行使层级"),
        Column("legal_basis", "设定依据"),
        Column("competent_department", "主管部门"),
    ),
    _power_rows,
)
RESPONSIBILITY: Final = PublishedList(
    "responsibility",
    "责任清单",
    (
        _CODE,
        _NAME,
        _AGENCY,
        Column("responsibility.items", "责任事项"),
        Column("responsibility.accountability", "追责情形"),
        Column("responsibility.channel", "监督渠道"),
    ),
    _responsibility_rows,
)
PUBLIC_SERVICE: Final = PublishedList(
    "public-service",
    "公共服务事项清单",
    (
        _CODE,
        _NAME,
        _AGENCY,
        Column("service_objects", "服务对象"),
        Column("place", "办理地点"),
        Column("hours", "办理时间"),
        Column("consultation", "咨询方式"),
    ),
    _public_service_rows,
)
FEES: Final = PublishedList(
    "fees",
    "收费目录",
    (
        Column("agency.name", "收费单位"),
        Column("fees.name", "收费项目"),
        Column("fees.standard", "收费标准"),
        Column("fees.legal_basis", "收费依据"),
        Column("fees.reducible", "是否可减免"),
        Column("fees.reduction_reason", "减免依据"),
        Column("fees.applies_to", "适用情形"),
        _CODE,
        _NAME,
    ),
    _fee_rows,
    by_agency=True,
)
INTERMEDIARY: Final = PublishedList(
    "intermediary-fees",
    "行政许可中介服务收费清单",
    (
        Column("agency.name", "审批部门"),
        Column("intermediary_services.name", "中介服务事项"),
        Column("intermediary_services.standard", "收费标准"),
        Column("intermediary_services.legal_basis", "收费依据"),
        _CODE,
        _NAME,
    ),
    _intermediary_rows,
    by_agency=True,
)
INSPECTION: Final = PublishedList(
    "inspection",
    "随机抽查事项清单",
    (
        _CODE,
        Column("name", "抽查事项"),
        Column("inspection.legal_basis", "抽查依据"),
        Column("inspection.body", "检查主体"),
        Column("inspection.object_kind", "检查对象"),
        Column("inspection.subjects", "市场主体数量"),
        Column("inspection.ratio", "抽查比例"),
        Column("inspection.frequency", "抽查频次"),
        Column("inspection.content", "检查内容"),
        Column("inspection.method", "检查方式"),
    ),
    _inspection_rows,
)
LISTS: Final = (POWER, RESPONSIBILITY, PUBLIC_SERVICE, FEES, INTERMEDIARY, INSPECTION)
BY_NAME: Final = {published.name: published for published in LISTS}


# --- the sink's state: rows as guides come -----------------------------------------------------


def _order(guide: Guide) -> tuple[str, str, str, str]:
    """Where a guide's rows stand in every list: by agency, then code (then name, so that
    guides not yet coded still stand in one order)."""
    code = _code(guide.implementation_code) or ""
    return guide.agency.name, code, guide.name, guide.sub_name or ""


class Tables:
    """The rows of every list, fed one coded guide at a time.

    >>> tables = Tables()
    >>> tables.rows(FEES)
    []
    """

    def __init__(self, types: MatterTypes = STANDARD, lists: Iterable[PublishedList] = LISTS):
        self.types = types
        self.lists = tuple(lists)
        self._rows: dict[str, list[tuple[tuple[str, ...], int, Row]]] = {
            published.name: [] for published in self.lists
        }

    def add(self, guide: Guide) -> None:
        """Take a guide's rows into every list."""
        order = _order(guide)
        for published in self.lists:
            found = self._rows[published.name]
            found.extend((order, i, row) for i, row in enumerate(published.rows(guide, self.types)))

    def rows(self, published: PublishedList) -> list[Row]:
        """A list's rows, by agency then code, a guide's own rows in its order; equal rows of
        two guides that sort alike fall in the order of their cells."""
        return [row for *_, row in sorted(self._rows[published.name], key=_sort_key)]


def _sort_key(entry: tuple[tuple[str, ...], int, Row]) -> tuple[object, ...]:
    order, position, row = entry
    return (*order, position, tuple("" if cell is None else str(cell) for cell in row))
