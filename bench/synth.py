"""Deterministic synthetic guides at any scale, for benchmarks.

A national-style catalogue of ~3,000 matters over every matter type, implemented by
~100 counties of ~40 agencies each; every USCC has right check characters; 5-15
materials and 3-8 steps per guide; a share of fees, handling items and sub-items.
The same seed gives the same guides, so the same bytes.

Run: python bench/synth.py [COUNT] [--seed N] [--out DIR]   (writes DIR/guides/*.json)
A catalogue is written in chunks of 1,000 guides, each chunk seeded by its first index.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from service_codes import (
    Agency,
    CaseType,
    Circumstance,
    Condition,
    Discretion,
    Faq,
    Fee,
    Guide,
    HandlingForm,
    HandlingItem,
    LegalBasis,
    Level,
    Material,
    MaterialForm,
    MaterialKind,
    MaterialSource,
    MatterType,
    Necessity,
    OnlineDepth,
    Penalty,
    PenaltyKind,
    RangeUnit,
    Responsibility,
    ServiceObject,
    Step,
    TimeLimit,
    TimeUnit,
    to_json,
)
from service_codes.identifiers import organization_check_character, region, uscc_check_character

MATTERS = 3000
COUNTIES = 100
AGENCIES_PER_COUNTY = 40
SUBJECTS = [
    "食品经营",
    "药品零售",
    "建筑施工",
    "道路运输",
    "排水",
    "广告设置",
    "医疗机构",
    "娱乐场所",
    "危险化学品",
    "出版物",
    "民办学校",
    "养老机构",
    "林木采伐",
    "取水",
    "再生资源",
]
ACTIONS = ["许可", "备案", "登记", "核准", "审批", "认定", "检查", "确认", "给付", "奖励"]
VARIANTS = ("新办", "变更", "延续", "注销")
DEPARTMENTS = [
    "行政审批服务局",
    "市场监督管理局",
    "卫生健康局",
    "住房和城乡建设局",
    "交通运输局",
    "教育局",
    "民政局",
    "人力资源和社会保障局",
    "城市管理和综合执法局",
    "自然资源局",
]
MATERIAL_NAMES = [
    "申请书",
    "营业执照",
    "法定代表人身份证明",
    "授权委托书",
    "场所使用证明",
    "平面布局图",
    "设备清单",
    "管理制度",
    "从业人员健康证明",
    "专业技术人员资格证书",
    "安全评价报告",
    "环境影响评价文件",
    "消防安全检查意见",
    "验收报告",
    "承诺书",
    "章程",
    "验资证明",
    "产权证明",
    "租赁合同",
    "检测报告",
]
# Real GB/T 2260 county codes of the north-west provinces, so USCCs name known regions.
COUNTY_REGIONS = [
    code
    for code in (
        f"{p}{c:02d}{d:02d}" for p in range(61, 66) for c in range(1, 31) for d in range(2, 31)
    )
    if region(code) is not None
][:COUNTIES]


def uscc(county: int, agency: int) -> str:
    body = f"{county * 100 + agency:08d}"
    first17 = "11" + COUNTY_REGIONS[county] + body + organization_check_character(body)
    return first17 + uscc_check_character(first17)


def matter_name(index: int) -> tuple[str, str | None]:
    subject, action = SUBJECTS[index % len(SUBJECTS)], ACTIONS[(index // 15) % len(ACTIONS)]
    name = f"{subject}{action}（第{index // 150 + 1}类）"
    return name, (VARIANTS[index % 4] if index % 7 == 0 else None)


def guide(index: int, rnd: random.Random, materials: tuple[int, int] = (5, 15)) -> Guide:
    """The guide of the matter ``index % MATTERS`` in one county's agency."""
    matter = index % MATTERS
    county, agency = (
        (index // MATTERS) % COUNTIES,
        (index // (MATTERS * COUNTIES)) % AGENCIES_PER_COUNTY,
    )
    name, sub_name = matter_name(matter)
    department = DEPARTMENTS[matter % len(DEPARTMENTS)]
    days = rnd.choice((5, 10, 15, 20, 30))
    matter_type = list(MatterType)[matter % len(MatterType)]
    charged = rnd.random() < 0.15
    depth = rnd.choice(list(OnlineDepth))
    return Guide(
        name=name,
        sub_name=sub_name,
        matter_type=matter_type,
        level=Level.COUNTY,
        agency=Agency(name=f"第{county + 1}县{department}{agency}", uscc=uscc(county, agency)),
        competent_department=department,
        legal_basis=(
            LegalBasis(
                law=f"《{SUBJECTS[matter % len(SUBJECTS)]}管理条例》",
                article=f"第{matter % 60 + 1}条",
            ),
        ),
        conditions=tuple(
            Condition(text=f"申请人应当具备条件{i + 1}：符合{name}的有关规定。")
            for i in range(rnd.randint(2, 4))
        ),
        steps=tuple(
            Step(
                order=i + 1,
                name=("申请", "受理", "审查", "决定", "送达", "公示", "归档", "回访")[i],
                actor=(
                    "申请人",
                    "综合窗口",
                    "业务科室",
                    "分管领导",
                    "出件窗口",
                    "办公室",
                    "档案室",
                    "督查室",
                )[i],
                time_limit=TimeLimit(value=1, unit=TimeUnit.WORKING_DAY) if i else None,
            )
            for i in range(rnd.randint(3, 8))
        ),
        legal_limit=TimeLimit(value=days, unit=TimeUnit.WORKING_DAY),
        promised_limit=TimeLimit(value=days // 2, unit=TimeUnit.WORKING_DAY),
        service_objects=(ServiceObject.ENTERPRISE, ServiceObject.NATURAL_PERSON),
        case_type=CaseType.PROMISED,
        handling_forms=(HandlingForm.COUNTER, HandlingForm.WEB),
        visits=rnd.choice((0, 0, 1)),
        visit_reason="需现场核验原件",
        online_depth=depth,
        online_urls=("https://zwfw.example.gov.cn/",),
        place=f"第{county + 1}县政务服务中心一楼",
        hours="周一至周五 9:00-17:00",
        consultation="12345",
        supervision="12345",
        charged=charged,
        in_hall=True,
        online=True,
        materials=tuple(
            Material(
                order=i + 1,
                name=MATERIAL_NAMES[(matter + i) % len(MATERIAL_NAMES)],
                kind=MaterialKind.FORM if i == 0 else MaterialKind.CERTIFICATE,
                form=MaterialForm.PAPER_OR_ELECTRONIC,
                necessity=Necessity.REQUIRED,
                source=MaterialSource.APPLICANT,
                originals=1,
                copies=rnd.randint(0, 2),
                paper_size="A4",
            )
            for i in range(rnd.randint(*materials))
        ),
        fees=(Fee(name="工本费", standard="每证 10 元", legal_basis="有关收费文件"),)
        if charged
        else (),
        faqs=(
            Faq(
                order=1, question=f"{name}需要多长时间？", answer=f"承诺 {days // 2} 个工作日办结。"
            ),
        ),
        handling_items=(HandlingItem(name="首次申请"),) if matter % 5 == 0 else (),
        discretion=_DISCRETION if matter_type is MatterType.PENALTY else (),
        responsibility=None if matter_type is MatterType.PUBLIC_SERVICE else _RESPONSIBILITY,
    )


# What every synthetic power matter publishes beyond its guide, as the bundled ones do.
_RESPONSIBILITY = Responsibility(
    items=("受理责任：依法受理或者不予受理，并一次性告知需要补正的材料。",),
    accountability=("对符合法定条件的申请不予受理的。",),
    channel="12345",
)
_DISCRETION = tuple(
    Discretion(
        conduct="未按规定办理有关手续",
        legal_basis="有关法规",
        circumstance=circumstance,
        penalties=(Penalty(kind=PenaltyKind.FINE, minimum=low, maximum=high, unit=RangeUnit.YUAN),),
    )
    for circumstance, low, high in (
        (Circumstance.MINOR, 1_000, 5_000),
        (Circumstance.GRAVE, 5_000, 10_000),
    )
)


def guides(
    count: int, seed: int = 20261125, materials: tuple[int, int] = (5, 15), start: int = 0
) -> Iterator[Guide]:
    """``count`` synthetic guides from the ``start``-th on; the same seed gives the same guides.

    ``materials`` bounds the number of materials of a guide, the main driver of its size.
    """
    rnd = random.Random(seed + start)
    for index in range(start, start + count):
        yield guide(index, rnd, materials)


CHUNK = 1000  # guides per generator seed, so a catalogue is written by many processes alike


def _write_chunk(folder: Path, seed: int, start: int, count: int) -> None:
    for index, g in enumerate(guides(count, seed, start=start), start=start):
        (folder / f"{index:07d}.json").write_text(to_json(g), encoding="utf-8")


def write_catalogue(folder: Path, count: int, seed: int = 20261125) -> Path:
    """Write ``count`` guides to ``folder/guides``, one seed per chunk of 1,000, on every CPU."""
    guides_folder = folder / "guides"
    guides_folder.mkdir(parents=True, exist_ok=True)
    starts = range(0, count, CHUNK)
    with ProcessPoolExecutor() as pool:
        for done in pool.map(
            _write_chunk,
            [guides_folder] * len(starts),
            [seed] * len(starts),
            starts,
            [min(CHUNK, count - s) for s in starts],
        ):
            assert done is None
    return guides_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--out", type=Path, default=Path("synthetic"))
    args = parser.parse_args()
    folder = write_catalogue(args.out, args.count, args.seed)
    print(f"wrote {args.count} guides to {folder}")


if __name__ == "__main__":
    main()
