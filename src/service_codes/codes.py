"""The code family of GB/T 39554.1: catalog, implementation, handling-item and material codes.

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

from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar, cast

import attrs

from service_codes import codelists
from service_codes.codelists import Level, MatterType
from service_codes.errors import InvalidComponent, InvalidFormat, InvalidLength
from service_codes.identifiers import PROVINCES, validate_uscc
from service_codes.matter_types import AnyMatterType, ExtensionType, from_slot, slot

NATIONAL_ORIGIN: Final = "00"
_DIGITS: Final = frozenset("0123456789")


@attrs.frozen
class _Kind:
    """A kind of code as messages name it, with the parts its characters hold."""

    name: str
    name_zh: str
    parts: str
    parts_zh: str


_ANY: Final = _Kind(
    "code",
    "编码",
    "catalog code 12, implementation code 31, handling-item code 33, material code 34 or 36",
    "基本编码 12 位，实施编码 31 位，业务办理项编码 33 位，材料编码 34 或 36 位",
)
_CATALOG: Final = _Kind(
    "catalog code", "基本编码", "12 digits, such as 000104002000", "12 位数字，例如 000104002000"
)
_IMPLEMENTATION: Final = _Kind(
    "implementation code",
    "实施编码",
    "the USCC (18), the level (1) and the catalog code (12)",
    "统一社会信用代码 18 位、行使层级 1 位、基本编码 12 位",
)
_HANDLING_ITEM: Final = _Kind(
    "handling-item code",
    "业务办理项编码",
    "the implementation code (31) and a 2-digit number",
    "实施编码 31 位加 2 位序号",
)
_MATERIAL: Final = _Kind(
    "material code",
    "材料编码",
    "the implementation code (31) or the handling-item code (33) and a 3-digit number",
    "实施编码 31 位或业务办理项编码 33 位加 3 位序号",
)


def _numbers(numbers: Iterable[object]) -> tuple[str, str]:
    """Numbers as a sentence lists them: '12, 31 or 33' and '12、31 或 33'.

    >>> _numbers((12,)), _numbers((34, 36)), _numbers((12, 31, 33))
    (('12', '12'), ('34 or 36', '34 或 36'), ('12, 31 or 33', '12、31 或 33'))
    """
    *rest, last = map(str, numbers)
    if not rest:
        return last, last
    return f"{', '.join(rest)} or {last}", f"{'、'.join(rest)} 或 {last}"


def _lost_zeros(text: str, kind: _Kind) -> tuple[str, str]:
    """A hint for digits shorter than a catalog code: a spreadsheet dropped leading zeros."""
    if len(text) >= 12 or not text or not set(text) <= _DIGITS:
        return "", ""
    padded = text.zfill(12)
    if kind is _CATALOG:
        return (
            f"; its leading zeros were probably lost: {padded!r}",
            f"；可能丢失了开头的 0，应为 {padded!r}",
        )
    return (
        f"; if it is a catalog code, its leading zeros were probably lost: {padded!r}",
        f"；若是基本编码，可能丢失了开头的 0，应为 {padded!r}",
    )


def _text(text: object, kind: _Kind, lengths: tuple[int, ...]) -> str:
    """Check a code's type and length."""
    if not isinstance(text, str):
        hint = _lost_zeros(str(text), kind) if type(text) is int else ("", "")
        raise InvalidFormat(
            f"a {kind.name} must be text, not {type(text).__name__}{hint[0]}",
            f"{kind.name_zh}必须是文本{hint[1]}",
        )
    if len(text) not in lengths:
        want, want_zh = _numbers(lengths)
        hint = _lost_zeros(text, kind)
        raise InvalidLength(
            f"a {kind.name} has {want} characters ({kind.parts}), not {len(text)}{hint[0]}",
            f"{kind.name_zh}应为 {want_zh} 位（{kind.parts_zh}），而不是 {len(text)} 位{hint[1]}",
        )
    return text


def _digits(text: str, what: str, what_zh: str) -> str:
    """Check that a part is ASCII digits, naming the first character that is not."""
    if text.isascii() and text.isdigit():  # one C-level check; the loop below only explains
        return text
    for position, character in enumerate(text, start=1):
        if character not in _DIGITS:
            raise InvalidFormat(
                f"the {what} {text!r} must be digits: character {position} is {character!r}",
                f"{what_zh} {text!r} 必须是数字：第 {position} 位是 {character!r}",
            )
    return text


def _in_range(what: str, what_zh: str, low: int, high: int) -> Callable[[Any, Any, int], None]:
    def check(instance: object, attribute: object, value: int) -> None:
        if type(value) is not int:  # a bool or a text is no sequence number
            raise InvalidComponent(
                f"the {what} must be a whole number {low}..{high}, not {value!r}",
                f"{what_zh}应为 {low} 到 {high} 之间的整数",
            )
        if not low <= value <= high:
            raise InvalidComponent(
                f"the {what} must be {low}..{high}, not {value}",
                f"{what_zh}应在 {low} 到 {high} 之间，而不是 {value}",
            )

    return check


# The Chinese names of the parts of a code, for the message of a part of the wrong type.
_PARTS_ZH: Final = {
    "origin": "来源",
    "matter_type": "事项类型",
    "main": "主项序号",
    "sub": "子项序号",
    "uscc": "统一社会信用代码",
    "level": "行使层级",
    "catalog": "基本编码",
    "implementation": "实施编码",
    "parent": "所属编码",
    "seq": "序号",
}


def _part(*types: type) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """A validator that a part is of the right type, raising InvalidComponent if not."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types)
            raise InvalidComponent(
                f"the {attribute.name} of a code must be a {wanted}, not {type(value).__name__}",
                f"编码的组成部分“{_PARTS_ZH.get(attribute.name, '')}”类型错误",
            )

    return check


def _check_origin(instance: object, attribute: object, value: str) -> None:
    if not isinstance(value, str) or (value != NATIONAL_ORIGIN and value not in PROVINCES):
        raise InvalidComponent(
            f"the origin {value!r} is neither 00 (national) nor a GB/T 2260 province code",
            f"来源 {value!r} 既不是 00（国家级目录）也不是省级行政区划代码",
        )


def _check_uscc(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    canonical = validate_uscc(value)
    if canonical != value:
        raise InvalidFormat(
            "the USCC inside a code must be written in capitals without spaces or hyphens:"
            f" {canonical!r}, not {value!r}",
            f"编码中的统一社会信用代码须为规范形式（大写字母，不含空格和短横线）："
            f"应为 {canonical!r}，而不是 {value!r}",
        )


_check_main = _in_range("main item number", "主项序号", 1, 99999)
_check_handling_item = _in_range("handling-item number", "业务办理项序号", 1, 99)
_check_material = _in_range("material number", "材料序号", 1, 999)
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

    origin: str = attrs.field(validator=_check_origin)
    matter_type: AnyMatterType = attrs.field(validator=_part(MatterType, ExtensionType))
    main: int = attrs.field(validator=_check_main)
    sub: int = attrs.field(default=0, validator=_in_range("sub-item number", "子项序号", 0, 999))

    def __str__(self) -> str:
        return f"{self.origin}{slot(self.matter_type)}{self.main:05d}{self.sub:03d}"

    @classmethod
    def parse(cls, text: object) -> CatalogCode:
        """Read a 12-digit catalog code; raises InvalidCode naming the wrong part.

        The type slot is open: two digits the code lists do not name are kept as an
        :class:`~service_codes.matter_types.ExtensionType`.
        """
        code = _digits(_text(text, _CATALOG, (12,)), "catalog code", "基本编码")
        origin, main = code[:2], int(code[4:9])
        _check_origin(None, None, origin)
        _check_main(None, None, main)
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

    uscc: str = attrs.field(validator=_check_uscc)
    level: Level = attrs.field(validator=_part(Level))
    catalog: CatalogCode = attrs.field(validator=_part(CatalogCode))

    def __str__(self) -> str:
        return f"{self.uscc}{codelists.code(self.level)}{self.catalog}"

    @classmethod
    def parse(cls, text: object) -> ImplementationCode:
        """Read a 31-character implementation code; raises InvalidCode naming the wrong part."""
        code = _text(text, _IMPLEMENTATION, (31,))
        return _checked(
            cls, validate_uscc(code[:18]), _level(code[18]), CatalogCode.parse(code[19:])
        )


@attrs.frozen
class HandlingItemCode:
    """业务办理项编码, 33 characters: implementation code + sequence 01..99."""

    implementation: ImplementationCode = attrs.field(validator=_part(ImplementationCode))
    seq: int = attrs.field(validator=_check_handling_item)

    def __str__(self) -> str:
        return f"{self.implementation}{self.seq:02d}"

    @classmethod
    def parse(cls, text: object) -> HandlingItemCode:
        """Read a 33-character handling-item code; raises InvalidCode naming the wrong part."""
        code = _text(text, _HANDLING_ITEM, (33,))
        seq = int(_digits(code[31:], "handling-item number", "业务办理项序号"))
        _check_handling_item(None, None, seq)
        return _checked(cls, ImplementationCode.parse(code[:31]), seq)


@attrs.frozen
class MaterialCode:
    """材料编码: the code of its parent (implementation or handling item) + 001..999."""

    parent: ImplementationCode | HandlingItemCode = attrs.field(
        validator=_part(ImplementationCode, HandlingItemCode)
    )
    seq: int = attrs.field(validator=_check_material)

    def __str__(self) -> str:
        return f"{self.parent}{self.seq:03d}"

    @classmethod
    def parse(cls, text: object) -> MaterialCode:
        """Read a 34- or 36-character material code; raises InvalidCode naming the wrong part."""
        code = _text(text, _MATERIAL, (34, 36))
        seq = int(_digits(code[-3:], "material number", "材料序号"))
        _check_material(None, None, seq)
        parent_text = code[:-3]
        parent = (
            ImplementationCode.parse(parent_text)
            if len(parent_text) == 31
            else HandlingItemCode.parse(parent_text)
        )
        return _checked(cls, parent, seq)


Code = CatalogCode | ImplementationCode | HandlingItemCode | MaterialCode
_BUILDERS: Final[dict[type, Callable[..., Code]]] = {
    cls: _builder(cls) for cls in (CatalogCode, ImplementationCode, HandlingItemCode, MaterialCode)
}
_BY_LENGTH: Final[dict[int, Callable[[object], Code]]] = {
    12: CatalogCode.parse,
    31: ImplementationCode.parse,
    33: HandlingItemCode.parse,
    34: MaterialCode.parse,
    36: MaterialCode.parse,
}


def parse_code(text: object) -> Code:
    """Parse any code of the family, choosing its kind by length (12, 31, 33, 34 or 36)."""
    code = _text(text, _ANY, tuple(_BY_LENGTH))
    return _BY_LENGTH[len(code)](code)
