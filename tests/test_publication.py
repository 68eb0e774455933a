"""The one publication filter: nothing withheld, and no guide that is not 主动公开, is published."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from service_codes import Disclosure, Publicity, from_json, to_json, to_xml, validate
from service_codes.cli import main
from service_codes.convert import guide_to_data
from service_codes.formats.lists_out import ListSink
from service_codes.publication import parts, published
from service_codes.schemas import field_schema

BUNDLED = [from_json(p.read_bytes()) for p in sorted((ROOT / "registry/guides").glob("*.json"))]


def _optional_texts(data: object, at: str = "") -> list[str]:
    """Pointers of the optional text fields a guide has (by the rule's own test: marking
    one of them is valid)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _optional_texts(value, f"{at}/{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _optional_texts(value, f"{at}/{i}")
    elif isinstance(data, str):
        tokens = [int(t) if t.isdigit() else t for t in parts(at)]
        schema = field_schema(tokens)
        if schema is not None and schema.get("$ref") == "#/$defs/text":
            found.append(at)
    return found


def _markable(guide: object) -> list[str]:
    candidates = _optional_texts(guide_to_data(guide))  # type: ignore[arg-type]
    marked = []
    for pointer in candidates:
        trial = attrs.evolve(guide, publicity=Publicity(withheld=(pointer,)))  # type: ignore[misc]
        if not [p for p in validate(trial).problems if p.rule.startswith("publicity.")]:
            marked.append(pointer)
    return marked


MARKABLE = {id(g): _markable(g) for g in BUNDLED[:6]}


@st.composite
def withholding(draw: st.DrawFn) -> tuple[object, str]:
    guide = draw(st.sampled_from(BUNDLED[:6]))
    pointer = draw(st.sampled_from(MARKABLE[id(guide)]))
    secret = draw(st.from_regex(r"[A-Z]{4}[0-9]{6}", fullmatch=True))
    data = guide_to_data(guide)
    *where, last = [int(t) if t.isdigit() else t for t in parts(pointer)]
    holder = data
    for token in where:
        holder = holder[token]
    holder[last] = secret
    data["publicity"] = {"withheld": [pointer]}
    marked = from_json(json.dumps(data, ensure_ascii=False))
    return marked, secret


@settings(max_examples=30, deadline=None)
@given(withholding())
def test_a_withheld_field_is_in_the_guide_and_in_no_published_form(
    case: tuple[object, str],
) -> None:
    guide, secret = case
    assert secret in to_json(guide)  # type: ignore[arg-type]
    assert validate(guide).ok  # type: ignore[arg-type]
    public = published(guide)  # type: ignore[arg-type]
    assert public is not None and public.publicity == Publicity()
    assert secret not in to_json(public) and secret.encode() not in to_xml(public)


@given(st.sampled_from([Disclosure.ON_REQUEST, Disclosure.WITHHELD]), st.sampled_from(BUNDLED))
def test_a_guide_not_published_actively_is_not_published(disclosure: Disclosure, guide) -> None:  # type: ignore[no-untyped-def]
    marked = attrs.evolve(guide, publicity=Publicity(disclosure, "涉及国家秘密", "保密法第九条"))
    assert published(marked) is None
    assert validate(marked).ok == validate(guide).ok


def test_a_public_guide_is_published_unchanged() -> None:
    assert all(published(g) is g for g in BUNDLED)


def test_marks_that_cannot_be_kept_are_refused_at_their_pointers(tmp_path: Path) -> None:
    guide = BUNDLED[0]
    marked = attrs.evolve(
        guide,
        publicity=Publicity(
            Disclosure.WITHHELD,
            withheld=("/consultation", "/no/such/field", "/sub_name", "/materials/0/code"),
        ),
    )
    found = {(p.path, p.rule) for p in validate(marked).problems if p.rule.startswith("publicity")}
    assert found == {
        ("/publicity/reason", "publicity.reason-missing"),
        ("/publicity/ground", "publicity.ground-missing"),
        ("/publicity/withheld/0", "publicity.withheld-required"),
        ("/publicity/withheld/1", "publicity.withheld-missing"),
        ("/publicity/withheld/2", "publicity.withheld-identifying"),
        ("/publicity/withheld/3", "publicity.withheld-identifying"),
    }
    # a required field is never dropped, so the filter cannot make an unreadable guide, and
    # an identifying one neither, so a published guide keeps its codes
    assert published(attrs.evolve(marked, publicity=Publicity(withheld=("/consultation",))))
    coded = attrs.evolve(marked, publicity=Publicity(withheld=("/materials/0/code",)))
    assert published(coded).materials[0].code == guide.materials[0].code


def test_the_lists_hold_no_guide_that_is_not_published_and_nothing_withheld() -> None:
    guide = next(g for g in BUNDLED if g.responsibility is not None)
    other = next(g for g in BUNDLED if g.responsibility is not None and g.name != guide.name)
    hidden = attrs.evolve(
        guide, name="ZZHIDDEN", publicity=Publicity(Disclosure.WITHHELD, "内部事务", "条例第五条")
    )
    basis = attrs.evolve(other.legal_basis[0], article="QQXX998877")
    secret = attrs.evolve(other, legal_basis=(basis, *other.legal_basis[1:]))
    sink = ListSink(["csv"])
    sink.add("x", secret)
    assert "QQXX998877" in b"".join(sink.finish().values()).decode("utf-8-sig")  # it is listed
    sink = ListSink(["csv"])
    for g in (
        hidden,
        attrs.evolve(secret, publicity=Publicity(withheld=("/legal_basis/0/article",))),
    ):
        sink.add("x", g)
    text = b"".join(sink.finish().values()).decode("utf-8-sig")
    assert "ZZHIDDEN" not in text and "QQXX998877" not in text and other.name in text


@pytest.mark.parametrize("pointer", ["", "/materials/²/remark", "/materials/0", "/faqs/01/answer"])
def test_a_pointer_that_names_no_optional_field_is_refused_and_hides_nothing(pointer: str) -> None:
    guide = BUNDLED[0]
    marked = attrs.evolve(guide, publicity=Publicity(withheld=(pointer,)))
    found = [p for p in validate(marked).problems if p.path.startswith("/publicity")]
    # the schema's pattern refuses what is no pointer; the rule, a pointer to no field
    expected = "schema.pattern" if not pointer else "publicity.withheld-missing"
    assert [(p.path, p.rule) for p in found] == [("/publicity/withheld/0", expected)]
    assert published(marked) == guide


def test_render_pages_leave_out_withheld_fields_and_guides_not_published(tmp_path: Path) -> None:
    sources = sorted((ROOT / "registry/guides").glob("*.json"))[:3]
    withheld, hidden, plain = (json.loads(p.read_text("utf-8")) for p in sources)
    withheld["materials"][0]["remark"] = "内部联系人王五分机8801"
    withheld["publicity"] = {"withheld": ["/materials/0/remark"]}
    hidden["publicity"] = {"disclosure": "on_request", "reason": "涉及个人", "ground": "第十五条"}
    files = []
    for name, data in zip(("withheld", "hidden", "plain"), (withheld, hidden, plain), strict=True):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(
        main, ["--lang", "en", "render", *map(str, files), "--out", str(tmp_path / "pages")]
    )
    assert result.exit_code == 0, result.output
    assert "hidden.json: not rendered: the guide is not published actively" in result.output
    pages = sorted(p.name for p in (tmp_path / "pages").glob("*.html"))
    assert pages == ["index.html", "plain.html", "withheld.html"]
    page = (tmp_path / "pages" / "withheld.html").read_text("utf-8")
    assert withheld["name"] in page and "王五" not in page
    assert hidden["name"] not in (tmp_path / "pages" / "index.html").read_text("utf-8")
    # Made non-public after a render, a guide's earlier page goes with the next render.
    files[2].write_text(json.dumps({**plain, "publicity": hidden["publicity"]}), "utf-8")
    result = CliRunner().invoke(
        main, ["--lang", "en", "render", *map(str, files), "--out", str(tmp_path / "pages")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "pages").glob("*.html")) == [
        "index.html",
        "withheld.html",
    ]


def test_a_guide_withholds_only_what_it_is_valid_without() -> None:
    guide = next(g for g in BUNDLED if any(p.unit for d in g.discretion for p in d.penalties))
    row = next(i for i, d in enumerate(guide.discretion) if d.penalties[0].unit)
    pointer = f"/discretion/{row}/penalties/0/unit"
    marked = attrs.evolve(guide, publicity=Publicity(withheld=(pointer,)))
    found = [p for p in validate(marked).problems if p.rule == "publicity.withheld-needed"]
    assert [p.path for p in found] == ["/publicity/withheld"]
    assert f"/discretion/{row}/penalties/0/unit" in found[0].message
    assert validate(guide).ok
