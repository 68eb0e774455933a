from __future__ import annotations

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
from service_codes.formats.html import IndexEntry, render_guide, render_index

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
        "guide.html", "index.html", "marriage-registration.html"
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
