"""What a mistyped value should probably have been: the slips a spreadsheet or a hurried hand
makes (a code whose leading zeros were dropped, lower-case letters, a date written 2024/03/01 or
kept as a serial number, an address without its scheme), each offered only when the repaired
value matches the pattern it failed.

>>> repair("104002000", "^[0-9]{12}$")[0]
'000104002000'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Final

Messages = tuple[str, str]  # English, Chinese
# What a slip should have been, and why: the text to write, in English and in Chinese.
Repair = tuple[str, str, str]

_ALL_DIGITS: Final = re.compile(r"\^\[0-9\]\{(\d+)\}\$")
_SEPARATORS: Final = str.maketrans("", "", " -")
_DIGITS: Final = re.compile(r"[0-9]+")
_SLASHED_DATE: Final = re.compile(
    r"([0-9]{4})\s*[/.年-]\s*([0-9]{1,2})\s*[/.月-]\s*([0-9]{1,2})\s*日?"
)
_DATE_AND_TIME: Final = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9:.]+(Z|[+-][0-9:]+)?")
# Day 0 of a spreadsheet's dates, right for every serial after Excel's phantom 1900-02-29.
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
_SERIAL_DAYS: Final = range(10_000, 100_000)  # 1927-05-18 .. 2173-10-14: a plausible date
_CONTROL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INVISIBLE: Final = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
_HOST: Final = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/\S*)?")


def _restored_zeros(value: str, pattern: str) -> Repair | None:
    digits = _ALL_DIGITS.fullmatch(pattern)
    if digits and _DIGITS.fullmatch(value) and len(value) < int(digits.group(1)):
        return (
            value.zfill(int(digits.group(1))),
            "its leading zeros were probably lost (a spreadsheet keeps codes as numbers)",
            "可能丢失了开头的 0（电子表格把编码当作数字保存）",
        )
    return None


def _capitals(value: str, pattern: str) -> Repair | None:
    bare = value.translate(_SEPARATORS)
    compact = bare.upper()
    if compact == value:
        return None
    if bare == value:
        return compact, "letters must be capitals", "字母应为大写"
    if compact == bare:
        return compact, "it must not hold spaces or hyphens", "不应含空格或短横线"
    return (
        compact,
        "letters must be capitals, without spaces or hyphens",
        "字母应为大写，且不含空格或短横线",
    )


def _hyphenated_date(value: str, pattern: str) -> Repair | None:
    slashed = _SLASHED_DATE.fullmatch(value.strip())
    if slashed:
        year, month, day = slashed.groups()
        return (
            f"{year}-{int(month):02d}-{int(day):02d}",
            "a date is written with hyphens and two-digit months and days",
            "日期应以短横线分隔，月和日各写两位",
        )
    timed = _DATE_AND_TIME.fullmatch(value.strip())
    if timed:
        return timed.group(1), "a date has no time of day", "日期不含时刻"
    return None


def _serial_date(value: str, pattern: str) -> Repair | None:
    if _DIGITS.fullmatch(value) and int(value) in _SERIAL_DAYS:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return (
            day.isoformat(),
            f"{value} looks like a spreadsheet date serial number",
            f"{value} 像是电子表格的日期序号",
        )
    return None


def _with_scheme(value: str, pattern: str) -> Repair | None:
    if not _HOST.fullmatch(value.strip()):
        return None
    return (
        "https://" + value.strip(),
        "it lacks the https:// at the start",
        "开头缺少 https://",
    )


_REPAIRS: Final[tuple[Callable[[str, str], Repair | None], ...]] = (
    _restored_zeros,
    _capitals,
    _hyphenated_date,
    _serial_date,
    _with_scheme,
)


def repair(value: str, pattern: str) -> Repair | None:
    """What a value that fails ``pattern`` should probably have been, and why.

    Only a repair that matches the pattern is offered.

    >>> repair("11610113038161643p", "^[0-9A-HJ-NPQRTUWXY]{18}$")[:2]
    ('11610113038161643P', 'letters must be capitals')
    """
    for attempt in _REPAIRS:
        found = attempt(value, pattern)
        if found is not None and found[0] != value and re.search(pattern, found[0]):
            return found
    return None


def diagnosis(value: str, pattern: str, example: str | None) -> Messages | None:
    """What is visibly wrong with a value no repair explains."""
    control = _CONTROL.search(value)
    if control:
        position, code = control.start() + 1, f"U+{ord(control.group()):04X}"
        return (
            f"character {position} is the control character {code}",
            f"第 {position} 个字符是控制字符 {code}",
        )
    if all(c.isspace() or c in _INVISIBLE for c in value):
        return "it has no visible character", "没有可见字符"
    fixed_length = not any(quantifier in pattern for quantifier in "*+?")
    if fixed_length and example is not None and len(value) != len(example):
        return f"it has {len(value)} characters", f"实有 {len(value)} 位"
    return None
