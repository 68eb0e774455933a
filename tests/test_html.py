from __future__ import annotations

import re
import typing
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given
from lxml import html
from strategies import guides

from service_codes import Guide, from_json, to_xml
from service_codes.cli import main
from service_codes.formats.html import IndexEntry, qr_code, render_guide, render_index

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
        guide.conditions[0], "法定办结时限", "承诺办结时限",
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
    assert not tree.xpath("//link | //script | //img | //iframe")
    assert tree.xpath("//style")


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
