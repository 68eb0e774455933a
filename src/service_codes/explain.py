"""What a code says: its parts and their meanings, for people at the counter.

>>> for part in explain_code("11450721MB155808114000104002000"):
...     print(part.name, part.text, part.meaning)
USCC 11450721MB15580811 agency with this unified social credit code
region 450721 广西壮族自治区 灵山县
organisation code MB1558081 organisation code (check character right)
level 4 县级
origin 00 national basic catalogue
matter type 01 行政许可
main item 04002 main item 4002
sub-item 000 no sub-item
"""

from __future__ import annotations

import attrs

from service_codes.codelists import MatterType, label_zh
from service_codes.codes import (
    CaseNumber,
    CatalogCode,
    HandlingItemCode,
    ImplementationCode,
    MaterialCode,
    parse_code,
)
from service_codes.identifiers import region
from service_codes.matter_types import STANDARD, MatterTypes


@attrs.frozen
class Part:
    """One part of a code: its name, its characters and what they mean."""

    name: str
    name_zh: str
    text: str
    meaning: str
    meaning_zh: str


def _type_part(code: CatalogCode, text: str, types: MatterTypes) -> Part:
    kind = code.matter_type
    if isinstance(kind, MatterType) or types.declaration(kind):
        label = types.label_zh(kind)
        return Part("matter type", "事项类型", text, label, label)
    return Part(
        "matter type",
        "事项类型",
        text,
        "an extension type the catalogue does not declare",
        "目录未声明的扩展类型",
    )


def _catalog(code: CatalogCode, types: MatterTypes) -> list[Part]:
    text = str(code)
    if code.origin == "00":
        origin = ("national basic catalogue", "国家基本目录")
    else:
        place = region(code.origin + "0000")
        name = place.province if place else code.origin
        origin = (f"added by the province {name}", f"{name}自行增加")
    sub = (
        ("no sub-item", "无子项")
        if code.sub == 0
        else (f"sub-item {code.sub}", f"第 {code.sub} 个子项")
    )
    return [
        Part("origin", "来源", text[:2], *origin),
        _type_part(code, text[2:4], types),
        Part("main item", "主项", text[4:9], f"main item {code.main}", f"第 {code.main} 个主项"),
        Part("sub-item", "子项", text[9:], *sub),
    ]


def _uscc(uscc: str) -> list[Part]:
    place = region(uscc[2:8])
    where = f"{place.province} {place.name}" if place else "not in the GB/T 2260 table"
    where_zh = f"{place.province} {place.name}" if place else "不在 GB/T 2260 代码表中"
    return [
        Part("USCC", "统一社会信用代码", uscc, "agency with this unified social credit code",
             "实施主体的统一社会信用代码"),
        Part("region", "登记管理机关行政区划", uscc[2:8], where, where_zh),
        Part("organisation code", "组织机构代码", uscc[8:17],
             "organisation code (check character right)", "组织机构代码（校验码正确）"),
    ]  # fmt: skip


def _implementation(code: ImplementationCode, types: MatterTypes) -> list[Part]:
    level = label_zh(code.level)
    return [
        *_uscc(code.uscc),
        Part("level", "行使层级", str(code)[18], level, level),
        *_catalog(code.catalog, types),
    ]


def explain_code(text: object, types: MatterTypes = STANDARD) -> list[Part]:
    """The parts of any code of the family, with their meanings.

    ``types`` are the extension types a catalogue declares, named by their labels.

    Raises :class:`~service_codes.errors.InvalidCode` naming the part that is wrong.
    """
    code = parse_code(text)
    if isinstance(code, CatalogCode):
        return _catalog(code, types)
    if isinstance(code, ImplementationCode):
        return _implementation(code, types)
    if isinstance(code, HandlingItemCode):
        return [
            *_implementation(code.implementation, types),
            Part("handling item", "业务办理项", f"{code.seq:02d}", f"handling item {code.seq}",
                 f"第 {code.seq} 个业务办理项"),
        ]  # fmt: skip
    if isinstance(code, CaseNumber):
        day = code.date
        return [
            *_implementation(code.implementation, types),
            Part("application date", "申请日期", f"{day:%Y%m%d}", day.isoformat(),
                 f"{day.year} 年 {day.month} 月 {day.day} 日"),
            Part("serial", "流水号", code.serial, f"serial number, {len(code.serial)} digits",
                 f"流水号，{len(code.serial)} 位"),
        ]  # fmt: skip
    parent = code.parent
    parts = (
        _implementation(parent, types)
        if isinstance(parent, ImplementationCode)
        else [
            *_implementation(parent.implementation, types),
            Part("handling item", "业务办理项", f"{parent.seq:02d}", f"handling item {parent.seq}",
                 f"第 {parent.seq} 个业务办理项"),
        ]
    )  # fmt: skip
    assert isinstance(code, MaterialCode)
    return [
        *parts,
        Part(
            "material", "材料", f"{code.seq:03d}", f"material {code.seq}", f"第 {code.seq} 项材料"
        ),
    ]
