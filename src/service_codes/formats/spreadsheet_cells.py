"""What one spreadsheet cell holds, as JSON: the cell-level half of reading a spreadsheet.

A cell that cannot stand for its field at all (a number where a code belongs, text where a
number belongs) is refused here with a message for staff; anything else that is wrong is
passed on as it is, for the schema to name.

>>> number_of("1,250.5"), number_of("12"), number_of("1e3"), number_of("三成")
(1250.5, 12, 1000.0, None)
>>> shown_as_percent(0.05, "0%"), shown_as_percent(5, '0"%"')
('5%', None)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any, Final

from service_codes import codelists
from service_codes.formats.spreadsheet_layout import FALSE, LINES, PER_CENT, TRUE, Column

# Digits as people write them: 1250, 1,250.5, .5, 1e3; ASCII only (no '３' or '٣').
_NUMBER: Final = re.compile(
    r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
    r"|[+-]?\.[0-9]+(?:[eE][+-]?[0-9]+)?"
)
_WHOLE: Final = re.compile(r"[+-]?[0-9]+")
_QUOTED: Final = re.compile(r'"[^"]*"|\\.')  # a number format's literal text


def number_of(text: str) -> int | float | None:
    """The number a text writes, or None; whole numbers without a point are ints."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    plain = text.replace(",", "")
    if _WHOLE.fullmatch(plain):
        return int(plain)
    number = float(plain)
    return number if math.isfinite(number) else None


def shown_as_percent(value: Any, number_format: str) -> str | None:
    """What a number cell formatted as a percentage shows (0.05 as "5%"); None otherwise.

    Excel turns "5%" typed into a cell into 0.05, shown as 5%: the reader takes what staff
    saw, so a field in per cent gets 5 and any other field the text "5%".
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if "%" not in _QUOTED.sub("", number_format or ""):
        return None
    hundredths = Decimal(repr(value)) * 100  # exact: 0.07 is 7, not 7.000000000000001
    return f"{hundredths.normalize():f}%"


def _number(column: Column, cell: Any) -> int | float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return cell if math.isfinite(cell) else None
    text = str(cell).strip()
    if column.path in PER_CENT and text[-1:] in ("%", "％"):
        text = text[:-1]
    return number_of(text)


def refused(column: Column, cell: Any) -> tuple[str, str] | None:
    """Why a filled cell cannot stand for its field (English, Chinese); None when it may."""
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return None
    if column.kind == "number" and _number(column, cell) is None:
        example = "5 or 5%" if column.path in PER_CENT else "5 or 12.5"
        return (
            f"{cell!r} is not a number: write it in digits, such as {example}",
            f"{cell} 不是数字：请用阿拉伯数字填写，如 {example.replace(' or ', ' 或 ')}",
        )
    if column.kind != "code" or isinstance(cell, bool) or not isinstance(cell, int | float):
        return None
    number = int(cell) if isinstance(cell, float) and cell.is_integer() else cell
    return (
        f"the cell holds the number {number}, not text: the code's leading zeros (and any digit"
        " past the 15th) were probably lost; format the column as text and type the code again",
        f"该单元格是数字 {number} 而非文本：编码开头的 0（及第 15 位之后的数字）可能已丢失；"
        "请将该列设置为文本格式后重新输入编码",
    )


def value_of(column: Column, cell: Any) -> Any:
    """The JSON value of a cell ``refused`` let through; what does not convert is passed on
    for the schema to name."""
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return [] if column.kind in LINES else None
    if column.kind == "number":
        return _number(column, cell)
    if column.kind == "integer":
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, str) and cell.strip().isascii() and cell.strip().isdigit():
            return int(cell.strip())
        return cell
    if column.kind == "boolean":
        return {TRUE: True, FALSE: False, True: True, False: False}.get(cell, cell)
    if column.kind == "date" and isinstance(cell, dt.date):  # a real date cell
        day = cell.date() if isinstance(cell, dt.datetime) else cell
        if not isinstance(cell, dt.datetime) or cell.time() == dt.time():
            return day.isoformat()
    if column.kind == "enum" and column.enum_type:
        member = codelists.from_label(column.enum_type, str(cell).strip())
        return str(cell) if member is None else member.value
    if column.kind in LINES:
        items = [line for line in str(cell).split("\n") if line.strip()]
        if column.enum_type:
            members = [(i, codelists.from_label(column.enum_type, i.strip())) for i in items]
            return [i if m is None else m.value for i, m in members]
        return items
    return cell if isinstance(cell, str) else str(cell)
