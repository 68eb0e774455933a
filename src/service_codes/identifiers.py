"""Identifiers of implementing bodies: USCC, organisation code and region code.

Each identifier has the same verbs: ``validate_*`` returns the canonical form or
raises an :class:`~service_codes.errors.InvalidCode` subclass saying which check
failed; ``is_valid_*`` returns a bool and never raises, whatever it is given.

>>> validate_uscc("9111 0000 6000 3734 1l")
'91110000600037341L'
>>> is_valid_uscc("91110000600037341N"), is_valid_uscc(None)
(False, False)
>>> region("610113").name
'雁塔区'
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import mul
from typing import Final

import attrs
from stdnum import numdb

from service_codes.errors import InvalidChecksum, InvalidCode, InvalidFormat, InvalidLength

# GB 32100-2015: the 31 characters a USCC may hold (no I, O, S, V, Z), valued 0..30.
USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE: Final = {c: i for i, c in enumerate(USCC_ALPHABET)}
# Weights 3**i mod 31, the same as python-stdnum's cn.uscc; computed inline rather than
# through stdnum.cn.uscc.calc_check_digit, which re-cleans its input on every call.
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))
_USCC_SHAPE: Final = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}\Z")

# GB 11714: digits and capital letters valued 0..35, weights over the first eight.
_ORG_VALUE: Final = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_DIGITS: Final = frozenset("0123456789")
_SEPARATORS: Final = str.maketrans("", "", " -")


def _compact(text: object, what: str, what_zh: str) -> str:
    """Strip separators and upper-case; reject anything that is not ASCII text."""
    if not isinstance(text, str):
        raise InvalidFormat(
            f"a {what} must be text, not {type(text).__name__}", f"{what_zh}必须是文本"
        )
    if not text.isascii():
        wide = next(ch for ch in text if not ch.isascii())
        raise InvalidFormat(
            f"the {what} contains {wide!r}: only ASCII digits and letters are allowed"
            " (no full-width characters)",
            f"{what_zh}含有不允许的字符 {wide!r}：只能使用半角数字和字母（不能使用全角字符）",
        )
    return text.translate(_SEPARATORS).upper()


def organization_check_character(body: str) -> str:
    """The GB 11714 check character of an organisation code's first eight characters.

    >>> organization_check_character("07837757")
    'X'
    """
    c = 11 - sum(_ORG_VALUE[ch] * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def validate_organization_code(text: object) -> str:
    """Check a 9-character GB 11714 organisation code and return it canonical."""
    code = _compact(text, "organisation code", "组织机构代码")
    if len(code) != 9:
        raise InvalidLength(
            f"an organisation code has 9 characters, not {len(code)}",
            f"组织机构代码应为 9 位，而不是 {len(code)} 位",
        )
    bad = next((ch for ch in code[:8] if ch not in _ORG_VALUE), None)
    if bad is not None or code[8] not in "0123456789X":
        shown = bad if bad is not None else code[8]
        raise InvalidFormat(
            f"the organisation code contains {shown!r}: it has eight digits or capital letters"
            " and a check character (a digit or X)",
            f"组织机构代码含有不允许的字符 {shown!r}："
            "应为 8 位数字或大写字母加 1 位校验码（数字或 X）",
        )
    expected = organization_check_character(code[:8])
    if expected != code[8]:
        raise InvalidChecksum(
            f"the organisation code's check character is wrong: expected {expected!r},"
            f" found {code[8]!r}",
            f"组织机构代码校验码错误：第 9 位应为 {expected!r}，实为 {code[8]!r}",
        )
    return code


def is_valid_organization_code(text: object) -> bool:
    """Whether ``text`` is a valid organisation code; never raises."""
    try:
        validate_organization_code(text)
    except InvalidCode:
        return False
    return True


def uscc_check_character(body: str) -> str:
    """The GB 32100 check character of a USCC's first seventeen characters.

    >>> uscc_check_character("91110000600037341")
    'L'
    """
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, body), _USCC_WEIGHTS))
    return USCC_ALPHABET[-total % 31]


def validate_uscc(text: object) -> str:
    """Check a 统一社会信用代码 and return its canonical form.

    Spaces and hyphens are dropped and letters upper-cased. The registering
    department may be a letter (A, N, Y, ...). Raises :class:`InvalidLength`,
    :class:`InvalidFormat` or :class:`InvalidChecksum` naming the failed check;
    a region code unknown to GB/T 2260 is not an error here (see :func:`region`).
    """
    if isinstance(text, str):
        return _validate_uscc_text(text)
    raise InvalidFormat(
        f"a USCC must be text, not {type(text).__name__}", "统一社会信用代码必须是文本"
    )


def _uscc_checksums(code: str) -> None:
    """Check both check characters, saying which character each should be."""
    expected = uscc_check_character(code[:17])
    if expected != code[17]:
        raise InvalidChecksum(
            f"the USCC's check character (the last) is wrong: expected {expected!r},"
            f" found {code[17]!r}",
            f"统一社会信用代码校验码错误：第 18 位应为 {expected!r}，实为 {code[17]!r}",
        )
    expected = organization_check_character(code[8:16])
    if expected != code[16]:
        # The last character checks the 17 before it, so it changes with this one.
        last = uscc_check_character(code[:16] + expected)
        raise InvalidChecksum(
            "the check character of the organisation code inside the USCC (character 17) is"
            f" wrong: expected {expected!r}, found {code[16]!r}; corrected, the USCC ends"
            f" in {expected + last!r}",
            f"统一社会信用代码中组织机构代码的校验码（第 17 位）错误：应为 {expected!r}，"
            f"实为 {code[16]!r}；改正后统一社会信用代码的末两位为 {expected + last!r}",
        )


# A catalogue names the same few thousand agencies over and over.
@lru_cache(maxsize=65536)
def _validate_uscc_text(text: str) -> str:
    code = _compact(text, "USCC", "统一社会信用代码")
    if len(code) != 18:
        raise InvalidLength(
            f"a USCC has 18 characters (digits and capital letters), not {len(code)}",
            f"统一社会信用代码应为 18 位（数字和大写字母），而不是 {len(code)} 位",
        )
    if not _USCC_SHAPE.match(code):  # one C-level check; the loops below only explain it
        bad = next((ch for ch in code if ch not in _USCC_VALUE), None)
        if bad is not None:
            raise InvalidFormat(
                f"the USCC contains {bad!r}, which its alphabet does not allow"
                " (digits and capital letters other than I, O, S, V and Z)",
                f"统一社会信用代码含有不允许的字符 {bad!r}"
                "（只能使用数字和 I、O、S、V、Z 以外的大写字母）",
            )
        raise InvalidFormat(
            f"the USCC's region code (characters 3-8) must be digits, not {code[2:8]!r}",
            "统一社会信用代码的登记管理机关行政区划码（第 3-8 位）必须是数字，"
            f"而不是 {code[2:8]!r}",
        )
    _uscc_checksums(code)
    return code


def is_valid_uscc(text: object) -> bool:
    """Whether ``text`` is a valid USCC; never raises, whatever it is given."""
    try:
        validate_uscc(text)
    except InvalidCode:
        return False
    return True


@attrs.frozen
class RegionName:
    """A name a region code carried, with the years it was in use (None: open)."""

    name: str
    since: int | None
    until: int | None


@attrs.frozen
class Region:
    """A GB/T 2260 region code with its province and the names it has had."""

    code: str
    province: str
    names: tuple[RegionName, ...]

    @property
    def name(self) -> str:
        """The current (or last) name of the region."""
        return self.names[-1].name


_PERIOD: Final = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")
_REGIONS: Final = numdb.get("cn/loc")


def _names(field: str) -> tuple[RegionName, ...]:
    names = []
    for part in field.split(","):
        match = _PERIOD.match(part)
        if match:
            since, until, name = match.groups()
            names.append(
                RegionName(name, int(since) if since else None, int(until) if until else None)
            )
        else:
            names.append(RegionName(part, None, None))
    return tuple(names)


def validate_region_code(text: object) -> str:
    """Check that ``text`` has the form of a GB/T 2260 code: six digits."""
    if not isinstance(text, str) or len(text) != 6 or any(ch not in _DIGITS for ch in text):
        raise InvalidFormat("a region code is six digits", "行政区划代码应为 6 位数字")
    return text


@lru_cache(maxsize=8192)
def region(code: str) -> Region | None:
    """The GB/T 2260 region a six-digit code names, or None when the table lacks it.

    Codes change over time; python-stdnum's table keeps the years of each name.
    """
    validate_region_code(code)
    parts = _REGIONS.info(code)
    if len(parts) != 2 or "province" not in parts[0][1] or "county" not in parts[1][1]:
        return None
    return Region(code, parts[0][1]["province"], _names(parts[1][1]["county"]))


# Two-digit prefixes of GB/T 2260 provinces: the origins a province-added matter may carry.
PROVINCES: Final = frozenset(
    f"{n:02d}" for n in range(10, 100) if _REGIONS.info(f"{n:02d}0000")[0][1].get("province")
)
