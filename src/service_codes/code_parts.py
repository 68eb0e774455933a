"""The parts of a code and the checks on them, with messages that name the part at fault.

Shared by the code classes (``codes``): the kinds of code as messages name them, the check of
a text's type and length, of digits, of a number's range, of a part's type, of an origin and of
the USCC inside a code.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs

from service_codes.errors import InvalidCode, InvalidComponent, InvalidFormat, InvalidLength
from service_codes.identifiers import PROVINCES, validate_uscc

NATIONAL_ORIGIN: Final = "00"
_DIGITS: Final = frozenset("0123456789")


@attrs.frozen
class Kind:
    """A kind of code as messages name it, with the parts its characters hold."""

    name: str
    name_zh: str
    parts: str
    parts_zh: str

    @property
    def a_name(self) -> str:
        """The name with its article: "a catalog code", "an implementation code"."""
        return f"{'an' if self.name[0] in 'aeiou' else 'a'} {self.name}"


ANY_KIND: Final = Kind(
    "code",
    "编码",
    "catalog code 12, implementation code 31, handling-item code 33, material code 34 or 36,"
    " case number 43 to 48",
    "基本编码 12 位，实施编码 31 位，业务办理项编码 33 位，材料编码 34 或 36 位，"
    "办件编号 43 到 48 位",
)
CATALOG_KIND: Final = Kind(
    "catalog code", "基本编码", "12 digits, such as 000104002000", "12 位数字，例如 000104002000"
)
IMPLEMENTATION_KIND: Final = Kind(
    "implementation code",
    "实施编码",
    "the USCC (18), the level (1) and the catalog code (12)",
    "统一社会信用代码 18 位、行使层级 1 位、基本编码 12 位",
)
HANDLING_ITEM_KIND: Final = Kind(
    "handling-item code",
    "业务办理项编码",
    "the implementation code (31) and a 2-digit number",
    "实施编码 31 位加 2 位序号",
)
MATERIAL_KIND: Final = Kind(
    "material code",
    "材料编码",
    "the implementation code (31) or the handling-item code (33) and a 3-digit number",
    "实施编码 31 位或业务办理项编码 33 位加 3 位序号",
)


def listed(numbers: Iterable[int]) -> tuple[str, str]:
    """Numbers as a sentence lists them, a run of three or more as its ends.

    >>> listed((12,)), listed((34, 36)), listed((12, 31, 33))
    (('12', '12'), ('34 or 36', '34 或 36'), ('12, 31 or 33', '12、31 或 33'))
    >>> listed((12, 36, 43, 44, 45, 46))
    ('12, 36 or 43 to 46', '12、36 或 43 到 46')
    """
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    words: list[tuple[str, str]] = []
    for run in runs:
        if len(run) >= 3:
            words.append((f"{run[0]} to {run[-1]}", f"{run[0]} 到 {run[-1]}"))
        else:
            words.extend((str(n), str(n)) for n in run)
    *rest, (last, last_zh) = words
    if not rest:
        return last, last_zh
    return (
        f"{', '.join(en for en, _ in rest)} or {last}",
        f"{'、'.join(zh for _, zh in rest)} 或 {last_zh}",
    )


def lost_zeros(text: str, kind: Kind) -> tuple[str, str]:
    """A hint for digits shorter than a catalog code: a spreadsheet dropped leading zeros."""
    if len(text) >= 12 or not text or not set(text) <= _DIGITS:
        return "", ""
    padded = text.zfill(12)
    if kind is CATALOG_KIND:
        return (
            f"; its leading zeros were probably lost: {padded!r}",
            f"；可能丢失了开头的 0，应为 {padded!r}",
        )
    return (
        f"; if it is a catalog code, its leading zeros were probably lost: {padded!r}",
        f"；若是基本编码，可能丢失了开头的 0，应为 {padded!r}",
    )


CASE_KIND: Final = Kind(
    "case number",
    "办件编号",
    "the implementation code (31), the application date yyyyMMdd (8) and a 4- to 9-digit serial",
    "实施编码 31 位、申请日期 yyyyMMdd 8 位和 4 到 9 位流水号",
)
# The kind of code each length is, for telling what a text of the wrong length resembles.
_BY_LENGTH: Final = {
    12: CATALOG_KIND,
    31: IMPLEMENTATION_KIND,
    33: HANDLING_ITEM_KIND,
    34: MATERIAL_KIND,
    36: MATERIAL_KIND,
    **{length: CASE_KIND for length in range(43, 49)},
}
# Two-letter type codes of legacy local codes such as XK00101000 (STANDARDS.md §1).
_LEGACY_TYPES: Final = {
    "XK": "许可", "CF": "处罚", "QZ": "强制", "ZS": "征收", "GF": "给付", "JC": "检查",
    "QR": "确认", "JL": "奖励", "CJ": "裁决", "QT": "其他", "GG": "公共服务",
}  # fmt: skip
_LOCAL: Final = (
    "keep it in local_codes: no national code is guessed from it",
    "请填入地方编码（local_codes），不据此推断国家编码",
)


@attrs.frozen
class Hint:
    """What a text that is not the code asked for most resembles, and what is off."""

    resembles: str
    en: str
    zh: str


def resemblance(text: str, kind: Kind) -> Hint | None:
    """The kind of text this plainly is instead of a code of the family, if it is one."""
    if "-" in text:
        return Hint(
            "local code",
            f"{text!r} holds '-', as a provincial local code does; it is not {kind.a_name}"
            f" ({kind.parts}); {_LOCAL[0]}",
            f"{text!r} 含有“-”，是省级地方编码的写法，"
            f"不是{kind.name_zh}（{kind.parts_zh}）；{_LOCAL[1]}",
        )
    if len(text) == 10 and text[:2] in _LEGACY_TYPES and text[2:].isascii() and text[2:].isdigit():
        label = _LEGACY_TYPES[text[:2]]
        return Hint(
            "legacy code",
            f"{text!r} is a legacy local code of type {text[:2]} ({label}), not {kind.a_name};"
            f" {_LOCAL[0]}",
            f"{text!r} 是旧版地方编码（类型 {text[:2]}，{label}），不是{kind.name_zh}；{_LOCAL[1]}",
        )
    if len(text) == 18:
        return _agency_code(text, kind)
    return None


def _agency_code(text: str, kind: Kind) -> Hint:
    try:
        validate_uscc(text)
    except InvalidCode as error:
        return Hint(
            "agency code",
            f"{text!r} has the 18 characters of an agency's USCC but is not a valid one"
            f" ({error.message}), and it is not {kind.a_name} ({kind.parts})",
            f"{text!r} 与统一社会信用代码同为 18 位，"
            f"但不是有效的统一社会信用代码（{error.message_zh}），"
            f"也不是{kind.name_zh}（{kind.parts_zh}）",
        )
    return Hint(
        "uscc",
        f"{text!r} is an agency's USCC, not {kind.a_name}: an implementation code is the USCC,"
        " the level (1) and the catalog code (12)",
        f"{text!r} 是实施主体的统一社会信用代码，不是{kind.name_zh}：实施编码由统一社会信用代码、"
        "行使层级 1 位和基本编码 12 位组成",
    )


def nearest(text: str, kind: Kind, lengths: tuple[int, ...]) -> Hint | None:
    """For a text of a wrong length: the kind whose length it has, else the closest kind.

    None for a short run of digits, whose likeliest story is lost leading zeros.
    """
    size = len(text)
    other = _BY_LENGTH.get(size)
    if other is not None and other is not kind:
        return Hint(
            other.name,
            f"it has the length of {other.a_name} ({other.parts})",
            f"其长度与{other.name_zh}相同（{other.parts_zh}）",
        )
    if (size < 12 and text.isascii() and text.isdigit()) or not text:
        return None
    closest = min(_BY_LENGTH, key=lambda length: (abs(length - size), length))
    near = _BY_LENGTH[closest]
    off, off_zh = (
        (f"{size - closest} character(s) too many", f"多 {size - closest} 位")
        if size > closest
        else (f"{closest - size} character(s) short", f"少 {closest - size} 位")
    )
    return Hint(
        near.name,
        f"it is closest to {near.a_name} ({closest}), {off}",
        f"最接近{near.name_zh}（{closest} 位），{off_zh}",
    )


_ASCII_UPPER: Final = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def compact(text: str) -> str:
    """A code as python-stdnum's ``compact`` reads a number: no spaces, letters in capitals.

    Hyphens stay: no code of the family holds one, and a text that does is a local code.
    """
    # Only ASCII letters are read in capitals: str.upper would turn 'ﬀ' into 'FF'.
    return "".join(text.split()).translate(_ASCII_UPPER)


def checked_text(text: object, kind: Kind, lengths: tuple[int, ...]) -> str:
    """A code's text, compacted, once its type and length are right.

    A text of another length gets a message that says which kind it most resembles.
    """
    if (
        type(text) is str
        and len(text) in lengths
        and text.isascii()
        and text.isalnum()
        and (text.isdigit() or text.isupper())
    ):
        return text  # canonical already: the common case, a few C-level checks
    if not isinstance(text, str):
        hint = lost_zeros(str(text), kind) if type(text) is int else ("", "")
        raise InvalidFormat(
            f"{kind.a_name} must be text, not {type(text).__name__}{hint[0]}",
            f"{kind.name_zh}必须是文本{hint[1]}",
        )
    text = compact(text)
    unlike = resemblance(text, kind)
    if unlike is not None:
        raise InvalidFormat(unlike.en, unlike.zh, resembles=unlike.resembles)
    if len(text) not in lengths:
        want, want_zh = listed(lengths)
        near = nearest(text, kind, lengths)
        hint = lost_zeros(text, kind) if near is None else (f"; {near.en}", f"；{near.zh}")
        raise InvalidLength(
            f"{kind.a_name} has {want} characters ({kind.parts}), not {len(text)}{hint[0]}",
            f"{kind.name_zh}应为 {want_zh} 位（{kind.parts_zh}），而不是 {len(text)} 位{hint[1]}",
            resembles=near.resembles if near else None,
        )
    return text


def digits(text: str, what: str, what_zh: str) -> str:
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


def in_range(what: str, what_zh: str, low: int, high: int) -> Callable[[Any, Any, int], None]:
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


def part_of_type(*types: type) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """A validator that a part is of the right type, raising InvalidComponent if not."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types)
            raise InvalidComponent(
                f"the {attribute.name} of a code must be a {wanted}, not {type(value).__name__}",
                f"编码的组成部分“{_PARTS_ZH.get(attribute.name, '')}”类型错误",
            )

    return check


def check_origin(instance: object, attribute: object, value: str) -> None:
    if not isinstance(value, str) or (value != NATIONAL_ORIGIN and value not in PROVINCES):
        raise InvalidComponent(
            f"the origin {value!r} is neither 00 (national) nor a GB/T 2260 province code",
            f"来源 {value!r} 既不是 00（国家级目录）也不是省级行政区划代码",
        )


def check_uscc(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    canonical = validate_uscc(value)
    if canonical != value:
        raise InvalidFormat(
            "the USCC inside a code must be written in capitals without spaces or hyphens:"
            f" {canonical!r}, not {value!r}",
            f"编码中的统一社会信用代码须为规范形式（大写字母，不含空格和短横线）："
            f"应为 {canonical!r}，而不是 {value!r}",
        )


check_main = in_range("main item number", "主项序号", 1, 99999)
check_handling_item = in_range("handling-item number", "业务办理项序号", 1, 99)
check_material = in_range("material number", "材料序号", 1, 999)
