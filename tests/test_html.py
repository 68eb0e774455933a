from __future__ import annotations

import re
import typing
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from lxml import html
from strategies import guides

from service_codes import Guide, from_json, to_xml
from service_codes.cli import main
from service_codes.codelists import Circumstance, Frequency, PenaltyKind, RangeUnit
from service_codes.formats.html import (
    IndexEntry,
    number,
    penalty,
    qr_code,
    render_guide,
    render_index,
)
from service_codes.model import (
    Discretion,
    Inspection,
    IntermediaryService,
    Option,
    Penalty,
    Responsibility,
    Situation,
)

BUNDLED = [from_json(p.read_bytes()) for p in sorted((ROOT / "registry" / "guides").glob("*.json"))]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'


def hostile(record: object) -> object:
    """The record with every text field, however deep, replaced by hostile text."""
    if not attrs.has(type(record)):
        return record
    changes: dict[str, object] = {}
    hints = typing.get_type_hints(type(record))
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if type(value) is str and hints[field.name] in (str, str | None):
            changes[field.name] = HOSTILE
        elif isinstance(value, tuple):
            changes[field.name] = tuple(HOSTILE if type(v) is str else hostile(v) for v in value)
        elif attrs.has(type(value)):
            changes[field.name] = hostile(value)
    return attrs.evolve(record, **changes)  # type: ignore[misc]


def test_text_from_the_guide_is_always_escaped() -> None:
    guide = hostile(BUNDLED[0])
    assert isinstance(guide, Guide) and guide.name == HOSTILE and guide.materials[0].name == HOSTILE
    page = render_guide(guide)
    tree = html.fromstring(page)
    assert not tree.xpath("//script") and not tree.xpath("//img")
    assert not tree.xpath("//@onerror")
    assert page.count("&lt;script&gt;") >= 20  # every text field, escaped
    index = render_index([IndexEntry("a.html", guide)])
    assert "<script>" not in index and "&lt;script&gt;" in index


@given(guides())
def test_the_diagram_has_one_node_per_step(guide: Guide) -> None:
    tree = html.fromstring(render_guide(guide))
    nodes = tree.xpath('//svg[@class="diagram"]/g[@class="step"]')
    assert [int(n.get("data-order")) for n in nodes] == [s.order for s in guide.steps]


def test_a_page_shows_what_a_citizen_needs() -> None:
    guide = next(g for g in BUNDLED if g.fees and g.online_urls)
    text = html.fromstring(render_guide(guide)).text_content()
    for needed in (
        guide.name, guide.place, guide.hours, guide.consultation, guide.supervision,
        guide.online_urls[0], guide.fees[0].standard, guide.materials[-1].name,
        guide.conditions[0].text, "法定办结时限", "承诺办结时限",
    ):  # fmt: skip
        assert needed in text, needed
    assert "http" not in render_guide(guide).split("<body>")[0]  # nothing fetched


def test_the_header_shows_the_version_and_its_effective_date() -> None:
    guide = next(g for g in BUNDLED if g.version > 1 and g.effective_date)
    assert guide.effective_date is not None
    header = html.fromstring(render_guide(guide)).xpath("//header")[0].text_content()
    assert f"第 {guide.version} 版" in header and guide.effective_date.isoformat() in header
    undated = html.fromstring(render_guide(attrs.evolve(guide, effective_date=None)))
    assert "生效日期" not in undated.xpath("//header")[0].text_content()


def test_the_print_footer_numbers_pages_and_repeats_version_and_date() -> None:
    guide = next(g for g in BUNDLED if g.effective_date)
    assert guide.effective_date is not None
    style = "".join(html.fromstring(render_guide(guide)).xpath("//style/text()"))
    style = re.sub(r"\\([0-9a-f]{1,6}) ?", lambda m: chr(int(m[1], 16)), style)  # CSS escapes
    assert re.search(r"@bottom-\w+\s*{[^}]*counter\(page\)[^}]*counter\(pages\)", style)
    assert f"第 {guide.version} 版" in style and guide.effective_date.isoformat() in style


def test_one_qr_code_per_online_url_and_none_without() -> None:
    guide = next(g for g in BUNDLED if len(g.online_urls) >= 2)
    tree = html.fromstring(render_guide(guide))
    codes = tree.xpath('//svg[@class="qr"]')
    assert len(codes) == len(guide.online_urls)
    for code, url in zip(codes, guide.online_urls, strict=True):
        assert code.xpath(".//path/@d") and url in code.getparent().text_content()
    assert not html.fromstring(render_guide(attrs.evolve(guide, online_urls=()))).xpath(
        '//svg[@class="qr"]'
    )
    assert qr_code("javascript:alert(1)") is None  # only web addresses
    assert qr_code("https://x.gov.cn/" + "办" * 2000) is None  # too long for any QR code


def test_the_index_groups_guides_by_matter_type() -> None:
    entries = [IndexEntry(f"{i}.html", g) for i, g in enumerate(BUNDLED)]
    tree = html.fromstring(render_index(entries))
    headings = [h.text_content() for h in tree.xpath("//section/h2")]
    assert headings[0] == "行政许可" and len(headings) == len({g.matter_type for g in BUNDLED})
    assert len(tree.xpath("//a[@href]")) == len(BUNDLED)


def test_render_command(tmp_path: Path) -> None:
    xml = tmp_path / "guide.xml"
    xml.write_bytes(to_xml(BUNDLED[1]))
    result = CliRunner().invoke(
        main, ["--lang", "en", "render", str(ROOT / "registry/guides/marriage-registration.json"),
               str(xml), "--out", str(tmp_path / "pages")],
    )  # fmt: skip
    assert result.exit_code == 0 and "render: 2 pages" in result.stdout
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == [
        ".service-codes", "guide.html", "index.html", "marriage-registration.html"
    ]  # fmt: skip
    junk = tmp_path / "junk.json"
    junk.write_text("{")
    result = CliRunner().invoke(main, ["render", str(junk), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and not (tmp_path / "x").exists()


@pytest.mark.parametrize("guide", BUNDLED[:3], ids=lambda g: g.name)
def test_pages_are_self_contained(guide: Guide) -> None:
    tree = html.fromstring(render_guide(guide))
    # The one link is the empty icon, so that a web server is not asked for favicon.ico.
    assert not tree.xpath("//link[not(@href='data:,')] | //script | //img | //iframe")
    assert tree.xpath("//style") and tree.xpath("//link[@rel='icon']")


def test_index_links_are_urls_and_page_names_cannot_collide(tmp_path: Path) -> None:
    index = render_index(
        [IndexEntry("javascript:alert(1).html", BUNDLED[0]), IndexEntry("a#b.html", BUNDLED[1])]
    )
    hrefs = html.fromstring(index).xpath("//a/@href")
    assert hrefs == ["./javascript%3Aalert%281%29.html", "./a%23b.html"] or all(
        h.startswith("./") and "#" not in h and ":" not in h for h in hrefs
    )
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "g.json").write_text(
            (ROOT / "registry/guides/marriage-registration.json").read_text("utf-8"), "utf-8"
        )
    result = CliRunner().invoke(
        main, ["render", str(tmp_path / "a" / "g.json"), str(tmp_path / "b" / "g.json"),
               "--out", str(tmp_path / "pages")],
    )  # fmt: skip
    assert result.exit_code == 2 and "share a page name" in result.stderr


# Situations, discretion, random inspection, responsibility.


def _section(tree: html.HtmlElement, title: str) -> html.HtmlElement:
    (found,) = tree.xpath(f'//section[h2="{title}"]')
    return typing.cast(html.HtmlElement, found)


def _two_questions(guide: Guide) -> Guide:
    kind = Situation(
        id="kind",
        question="申请人类型",
        options=(Option(id="individual", name="个体工商户"), Option(id="company", name="企业")),
    )
    work = Situation(
        id="work",
        question="申请事项",
        options=(Option(id="new", name="新办"), Option(id="change", name="变更")),
        required=False,
        multiple=True,
    )
    tags = [(), ("company", "new"), ("individual",)]
    return attrs.evolve(
        guide,
        situations=(kind, work),
        materials=tuple(
            attrs.evolve(m, applies_to=tags[i % 3]) for i, m in enumerate(guide.materials)
        ),
    )


def test_situations_show_as_questions_and_tag_what_they_apply_to() -> None:
    guide = _two_questions(next(g for g in BUNDLED if len(g.materials) >= 3))
    tree = html.fromstring(render_guide(guide))
    questions = _section(tree, "办理情形").xpath(".//fieldset")
    assert [q.xpath("string(legend)") for q in questions] == [
        "申请人类型",
        "申请事项（可多选）（选填）",
    ]
    assert [i.get("type") for i in questions[0].xpath(".//input")] == ["radio", "radio"]
    assert [i.get("value") for i in questions[1].xpath(".//input[@type='checkbox']")] == [
        "new",
        "change",
    ]
    rows = tree.xpath('//table[@class="materials"]/tbody/tr')
    assert [r.get("data-applies-to") for r in rows[:3]] == [None, "company new", "individual"]
    assert "适用：企业、新办" in rows[1].text_content()
    assert "适用" not in rows[0].text_content()
    assert not tree.xpath("//script")  # the choice is made with CSS: the page runs nothing
    style = "".join(tree.xpath("//style/text()"))
    assert re.search(r"@media screen\s*{[^@]*display: none", style)  # hidden on screen only
    plain = html.fromstring(render_guide(attrs.evolve(guide, situations=())))
    assert not plain.xpath('//section[h2="办理情形"]') and not plain.xpath("//fieldset")


@given(guides())
def test_every_tagged_item_carries_its_option_ids(guide: Guide) -> None:
    tree = html.fromstring(render_guide(guide))
    rows = tree.xpath('//table[@class="materials"]/tbody/tr')
    assert [r.get("data-applies-to", "") for r in rows] == [
        " ".join(m.applies_to) for m in guide.materials
    ]
    inputs = tree.xpath("//fieldset//input")
    assert [i.get("value") for i in inputs] == [o.id for s in guide.situations for o in s.options]
    assert [i.get("type") for i in inputs] == [
        "checkbox" if s.multiple else "radio" for s in guide.situations for _ in s.options
    ]


def test_penalty_ranges_read_as_a_discretion_standard_does() -> None:
    def fine(low: float | None, high: float | None, unit: RangeUnit | None, **extra: str) -> str:
        return penalty(
            Penalty(kind=PenaltyKind.FINE, minimum=low, maximum=high, unit=unit, **extra)
        )

    assert fine(5000.0, 20000.0, RangeUnit.YUAN) == "罚款 5000 元至 2 万元"
    assert fine(0.5, 1.5, RangeUnit.TEN_THOUSAND_YUAN) == "罚款 5000 元至 1.5 万元"
    assert fine(12345, None, RangeUnit.YUAN) == "罚款 12345 元以上"
    assert fine(None, 3, RangeUnit.TEN_THOUSAND_YUAN) == "罚款 3 万元以下"
    assert fine(2000, 2000, RangeUnit.YUAN) == "罚款 2000 元"
    assert fine(1, 5, RangeUnit.TIMES, base="违法所得") == "罚款 违法所得 1 倍至 5 倍"
    assert fine(None, None, None, note="从轻") == "罚款（从轻）"
    detention = Penalty(kind=PenaltyKind.DETENTION, minimum=5, maximum=10, unit=RangeUnit.DAY)
    assert penalty(detention) == "行政拘留 5 日至 10 日"


@given(st.floats(0, 1e12, allow_nan=False))
def test_numbers_print_whole_without_a_point_and_never_in_exponent_form(value: float) -> None:
    text = number(value)
    assert Decimal(text) == Decimal(repr(value)) and "e" not in text.lower()
    assert not text.endswith(".0") and ("." in text) == (not value.is_integer())


def test_discretion_inspection_responsibility_and_intermediaries_are_shown() -> None:
    base = BUNDLED[0]
    conduct, basis = "未取得许可从事食品经营", "《食品安全法》第一百二十二条"
    rows = tuple(
        Discretion(conduct=conduct, legal_basis=basis, circumstance=c, penalties=p, facts=f)
        for c, p, f in (
            (Circumstance.MINOR, (Penalty(kind=PenaltyKind.WARNING),), None),
            (
                Circumstance.GRAVE,
                (
                    Penalty(kind=PenaltyKind.CONFISCATE_GAINS),
                    Penalty(kind=PenaltyKind.FINE, minimum=5e4, maximum=1e5, unit=RangeUnit.YUAN),
                ),
                "货值金额一万元以上",
            ),
        )
    )
    inspection = Inspection(
        legal_basis="《食品安全法》第一百一十条", body="区市场监督管理局", object_kind="食品经营者",
        subjects=1280, ratio=5.0, frequency=Frequency.YEARLY, content="许可条件保持情况",
        method="双随机抽取，现场检查",
    )  # fmt: skip
    duty = Responsibility(
        items=("受理责任", "审查责任"), accountability=("不依法受理的",), channel="12345 热线"
    )
    service = IntermediaryService(name="卫生检测", standard="按合同", legal_basis="《价格法》")
    guide = attrs.evolve(
        base, discretion=rows, inspection=inspection, responsibility=duty,
        intermediary_services=(service,),
    )  # fmt: skip
    tree = html.fromstring(render_guide(guide))

    table = _section(tree, "行政裁量权基准").xpath(".//tbody/tr")
    assert len(table) == 2 and table[0].xpath("td[1]/@rowspan") == ["2"]  # conduct named once
    assert [len(r.xpath("td")) for r in table] == [4, 2]
    assert table[0].text_content().startswith(conduct) and basis in table[0].text_content()
    assert table[1].xpath("string(td[1])") == "严重货值金额一万元以上"
    assert table[1].xpath("string(td[2])") == "没收违法所得罚款 5 万元至 10 万元"

    checks = _section(tree, "随机抽查")
    terms = dict(zip(checks.xpath(".//dt/text()"), checks.xpath(".//dd/text()"), strict=True))
    assert terms == {
        "抽查依据": inspection.legal_basis, "抽查主体": inspection.body,
        "抽查对象": inspection.object_kind, "市场主体数量": "1280", "抽查比例": "5%",
        "抽查频次": "每年一次", "抽查内容": inspection.content, "抽查方式": inspection.method,
    }  # fmt: skip

    duties = _section(tree, "责任事项")
    assert duties.xpath(".//dd[1]//li/text()") == ["受理责任", "审查责任"]
    assert duties.xpath(".//dd[2]//li/text()") == ["不依法受理的"]
    assert duties.xpath("string(.//dd[3])") == "12345 热线"

    assert (
        _section(tree, "中介服务").xpath("string(.//li)")
        == "卫生检测：按合同（收费依据：《价格法》）"
    )

    bare = attrs.evolve(
        base, discretion=(), inspection=None, responsibility=None, intermediary_services=()
    )
    headings = html.fromstring(render_guide(bare)).xpath("//section/h2/text()")
    for title in ("行政裁量权基准", "随机抽查", "责任事项", "中介服务"):
        assert title not in headings


def test_situation_and_power_texts_are_escaped_too() -> None:
    penalties = (Penalty(kind=PenaltyKind.FINE, base="违法所得", note="从轻"),)
    guide = attrs.evolve(
        _two_questions(BUNDLED[0]),
        discretion=(
            Discretion(
                conduct="a", legal_basis="b", circumstance=Circumstance.MINOR, penalties=penalties
            ),
        ),
        responsibility=Responsibility(items=("a",), accountability=("b",), channel="c"),
        intermediary_services=(IntermediaryService(name="n", standard="s", legal_basis="l"),),
    )
    page = render_guide(typing.cast(Guide, hostile(guide)))
    tree = html.fromstring(page)
    assert not tree.xpath("//script | //img | //@onerror")
    assert tree.xpath("//tr/@data-applies-to")[0].startswith("<script>")  # kept as text
    assert page.count("&lt;script&gt;") >= 30
