"""The code family of GB/T 39554.1: catalog, implementation, handling-item and material codes,
and the case numbers the platforms give each application.

Codes are frozen records that compose from their parts and decompose into them;
``parse`` reads the canonical text and ``str()`` writes it. Constructing a code
checks every part, so an invalid code cannot exist; the
:class:`~service_codes.errors.InvalidCode` raised names the part that is wrong.

>>> code = ImplementationCode.parse("11450721MB155808114000104002000")
>>> code.uscc, code.level.value, str(code.catalog)
('11450721MB15580811', 'county', '000104002000')
>>> str(ImplementationCode(code.uscc, code.level, code.catalog)) == str(code)
True
>>> parse_code("000104002000")
CatalogCode(origin='00', matter_type=<MatterType.LICENSING: 'licensing'>, main=4002, sub=0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

import attrs

from service_codes import codelists
from service_codes.code_parts import (
    ANY_KIND,
    CASE_KIND,
    CATALOG_KIND,
    HANDLING_ITEM_KIND,
    IMPLEMENTATION_KIND,
    MATERIAL_KIND,
    Kind,
    check_handling_item,
    check_main,
    check_material,
    check_origin,
    check_uscc,
    checked_text,
    digits,
    in_range,
    part_of_type,
)
from service_codes.codelists import Level, MatterType
from service_codes.errors import InvalidComponent
from service_codes.identifiers import validate_uscc
from service_codes.matter_types import AnyMatterType, ExtensionType, from_slot, slot

_Code = TypeVar("_Code")


def _checked(cls: type[_Code], *parts: object) -> _Code:
    """A code from parts ``parse`` has checked already: the validators need not look again."""
    return cast(_Code, _BUILDERS[cls](*parts))


def _builder(cls: type[_Code]) -> Callable[..., _Code]:
    """A function that puts a code's parts straight into its slots, in field order.

    Unrolled for the two to four parts a code has: parsing builds a code of every
    code of every guide, and a loop here costs as much as the validators it skips.
    """
    new = object.__new__
    puts = tuple(getattr(cls, field.name).__set__ for field in attrs.fields(cls))  # type: ignore[arg-type]
    if len(puts) == 2:
        put_a, put_b = puts

        def two(a: object, b: object) -> _Code:
            code = new(cls)
            put_a(code, a)
            put_b(code, b)
            return code

        return two
    if len(puts) == 3:
        put_a, put_b, put_c = puts

        def three(a: object, b: object, c: object) -> _Code:
            code = new(cls)
            put_a(code, a)
            put_b(code, b)
            put_c(code, c)
            return code

        return three
    put_a, put_b, put_c, put_d = puts

    def four(a: object, b: object, c: object, d: object) -> _Code:
        code = new(cls)
        put_a(code, a)
        put_b(code, b)
        put_c(code, c)
        put_d(code, d)
        return code

    return four


@attrs.frozen
class CatalogCode:
    """基本编码, 12 digits: origin (2) + matter type (2) + main item (5) + sub-item (3).

    ``sub`` is 0 for a matter without sub-items. The split of the 12 digits is
    inferred (it fits every real code seen), see STANDARDS.md §1.
    """

    origin: str = attrs.field(validator=check_origin)
    matter_type: AnyMatterType = attrs.field(validator=part_of_type(MatterType, ExtensionType))
    main: int = attrs.field(validator=check_main)
    sub: int = attrs.field(default=0, validator=in_range("sub-item number", "子项序号", 0, 999))

    def __str__(self) -> str:
        return f"{self.origin}{slot(self.matter_type)}{self.main:05d}{self.sub:03d}"

    @classmethod
    def parse(cls, text: object) -> CatalogCode:
        """Read a 12-digit catalog code; raises InvalidCode naming the wrong part.

        The type slot is open: two digits the code lists do not name are kept as an
        :class:`~service_codes.matter_types.ExtensionType`.
        """
        return cls._read(checked_text(text, CATALOG_KIND, (12,)))

    @classmethod
    def _read(cls, code: str) -> CatalogCode:
        digits(code, "catalog code", "基本编码")
        origin, main = code[:2], int(code[4:9])
        check_origin(None, None, origin)
        check_main(None, None, main)
        return _checked(cls, origin, from_slot(code[2:4]), main, int(code[9:12]))


def _level(text: str) -> Level:
    try:
        return codelists.from_code(Level, text)
    except InvalidComponent:
        raise InvalidComponent(
            f"the level {text!r} is not a known level code (1-7)",
            f"行使层级 {text!r} 不是已知的层级代码（1-7）",
        ) from None


@attrs.frozen
class ImplementationCode:
    """实施编码, 31 characters: agency USCC (18) + level (1) + catalog code (12)."""

    uscc: str = attrs.field(validator=check_uscc)
    level: Level = attrs.field(validator=part_of_type(Level))
    catalog: CatalogCode = attrs.field(validator=part_of_type(CatalogCode))

    def __str__(self) -> str:
        return f"{self.uscc}{codelists.code(self.level)}{self.catalog}"

    @classmethod
    def parse(cls, text: object) -> ImplementationCode:
        """Read a 31-character implementation code; raises InvalidCode naming the wrong part."""
        return cls._read(checked_text(text, IMPLEMENTATION_KIND, (31,)))

    @classmethod
    def _read(cls, code: str) -> ImplementationCode:
        uscc, level = validate_uscc(code[:18]), _level(code[18])
        return _checked(cls, uscc, level, CatalogCode._read(code[19:]))


@attrs.frozen
class HandlingItemCode:
    """业务办理项编码, 33 characters: implementation code + sequence 01..99."""

    implementation: ImplementationCode = attrs.field(validator=part_of_type(ImplementationCode))
    seq: int = attrs.field(validator=check_handling_item)

    def __str__(self) -> str:
        return f"{self.implementation}{self.seq:02d}"

    @classmethod
    def parse(cls, text: object) -> HandlingItemCode:
        """Read a 33-character handling-item code; raises InvalidCode naming the wrong part."""
        return cls._read(checked_text(text, HANDLING_ITEM_KIND, (33,)))

    @classmethod
    def _read(cls, code: str) -> HandlingItemCode:
        seq = int(digits(code[31:], "handling-item number", "业务办理项序号"))
        check_handling_item(None, None, seq)
        return _checked(cls, ImplementationCode._read(code[:31]), seq)


@attrs.frozen
class MaterialCode:
    """材料编码: the code of its parent (implementation or handling item) + 001..999."""

    parent: ImplementationCode | HandlingItemCode = attrs.field(
        validator=part_of_type(ImplementationCode, HandlingItemCode)
    )
    seq: int = attrs.field(validator=check_material)

    def __str__(self) -> str:
        return f"{self.parent}{self.seq:03d}"

    @classmethod
    def parse(cls, text: object) -> MaterialCode:
        """Read a 34- or 36-character material code; raises InvalidCode naming the wrong part."""
        return cls._read(checked_text(text, MATERIAL_KIND, (34, 36)))

    @classmethod
    def _read(cls, code: str) -> MaterialCode:
        seq = int(digits(code[-3:], "material number", "材料序号"))
        check_material(None, None, seq)
        parent_text = code[:-3]
        parent = (
            ImplementationCode._read(parent_text)
            if len(parent_text) == 31
            else HandlingItemCode._read(parent_text)
        )
        return _checked(cls, parent, seq)


SERIAL_WIDTHS: Final = range(4, 10)  # 4 digits seen in Guangdong, 9 in Xinjiang
_CASE_LENGTHS: Final = tuple(31 + 8 + width for width in SERIAL_WIDTHS)


def _check_serial(instance: object, attribute: object, value: Any) -> None:
    if not (isinstance(value, str) and len(value) in SERIAL_WIDTHS and value.isascii()):
        raise InvalidComponent(
            f"a case number's serial is 4 to 9 digits, not {value!r}",
            f"办件编号的流水号应为 4 到 9 位数字，而不是 {value!r}",
        )
    digits(value, "serial", "流水号")


def _application_date(text: str) -> dt.date:
    digits(text, "application date", "申请日期")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidComponent(
            f"the application date {text} is not a real date (yyyyMMdd)",
            f"申请日期 {text} 不是真实存在的日期（应为 yyyyMMdd）",
        ) from None


@attrs.frozen
class CaseNumber:
    """办件编号, 43 to 48 characters: the implementation code (31), the application date
    ``yyyyMMdd`` (8) and a serial of 4 to 9 digits, kept with its width."""

    implementation: ImplementationCode = attrs.field(validator=part_of_type(ImplementationCode))
    date: dt.date = attrs.field(validator=part_of_type(dt.date))
    serial: str = attrs.field(validator=_check_serial)

    def __str__(self) -> str:
        day = self.date
        return f"{self.implementation}{day.year:04d}{day.month:02d}{day.day:02d}{self.serial}"

    @classmethod
    def parse(cls, text: object) -> CaseNumber:
        """Read a case number; raises InvalidCode naming the wrong part (a 30 February too)."""
        return cls._read(checked_text(text, CASE_KIND, _CASE_LENGTHS))

    @classmethod
    def _read(cls, code: str) -> CaseNumber:
        date = _application_date(code[31:39])
        serial = digits(code[39:], "serial", "流水号")
        return _checked(cls, ImplementationCode._read(code[:31]), date, serial)


Code = CatalogCode | ImplementationCode | HandlingItemCode | MaterialCode | CaseNumber
_BUILDERS: Final[dict[type, Callable[..., Code]]] = {
    cls: _builder(cls)
    for cls in (CatalogCode, ImplementationCode, HandlingItemCode, MaterialCode, CaseNumber)
}
_KINDS: Final[dict[type, Kind]] = {
    CatalogCode: CATALOG_KIND,
    ImplementationCode: IMPLEMENTATION_KIND,
    HandlingItemCode: HANDLING_ITEM_KIND,
    MaterialCode: MATERIAL_KIND,
    CaseNumber: CASE_KIND,
}


def kind_of(code: Code) -> Kind:
    """The kind of a code, as messages name it ("implementation code", "实施编码")."""
    return _KINDS[type(code)]


# Each length's reader of a text already checked (and compacted) by ``checked_text``.
_BY_LENGTH: Final[dict[int, Callable[[str], Code]]] = {
    12: CatalogCode._read,
    31: ImplementationCode._read,
    33: HandlingItemCode._read,
    34: MaterialCode._read,
    36: MaterialCode._read,
    **{length: CaseNumber._read for length in _CASE_LENGTHS},
}
_LENGTHS: Final = tuple(_BY_LENGTH)


def parse_code(text: object) -> Code:
    """Parse any code of the family, choosing its kind by length: 12, 31, 33, 34 or 36, or
    43 to 48 for a case number.

    Spaces are dropped and letters read in capitals, as python-stdnum's ``compact`` reads a
    number; ``str()`` of the result is the canonical text.
    """
    code = checked_text(text, ANY_KIND, _LENGTHS)
    return _BY_LENGTH[len(code)](code)
