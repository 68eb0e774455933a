from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
from click.testing import CliRunner
from conftest import ROOT, without_codes
from hypothesis import given
from hypothesis import strategies as st
from strategies import guides

from service_codes import CatalogCode, Condition, Fee, Guide, from_json, to_json, to_xml
from service_codes.cli import main
from service_codes.diff import diff_guides

TEMPLATE = from_json((ROOT / "registry" / "guides" / "food-business-licence-new.json").read_bytes())


@given(guides())
def test_a_guide_has_no_changes_from_itself(guide: Guide) -> None:
    result = diff_guides(guide, attrs.evolve(guide))
    assert result.changes == () and result.code_kept and not result.changed


def test_element_by_element() -> None:
    materials = (attrs.evolve(TEMPLATE.materials[0], copies=2), *TEMPLATE.materials[1:-1])
    new = attrs.evolve(
        TEMPLATE,
        version=TEMPLATE.version + 1,
        materials=materials,
        conditions=(*TEMPLATE.conditions, Condition(text="新增条件")),
        fees=(Fee(name="工本费", standard="10 元"),),
        charged=True,
        promised_limit=attrs.evolve(TEMPLATE.promised_limit, value=3),
    )
    result = diff_guides(TEMPLATE, new)
    found = {(c.element, c.kind, c.item) for c in result.changes}
    assert found == {
        ("version", "changed", None),
        ("conditions", "added", "新增条件"),
        ("promised_limit", "changed", None),
        ("charged", "changed", None),
        ("materials", "removed", TEMPLATE.materials[-1].name),
        ("materials", "changed", TEMPLATE.materials[0].name),
        ("fees", "added", "工本费"),
    }
    assert result.version_bumped and result.code_kept


def test_a_changed_code_and_an_unbumped_version_are_flagged() -> None:
    old = attrs.evolve(TEMPLATE, catalog_code=CatalogCode.parse("000104002000"))
    new = attrs.evolve(old, catalog_code=CatalogCode.parse("000104003000"), hours="全天")
    result = diff_guides(old, new)
    assert not result.code_kept and not result.version_bumped


def test_diff_command_on_files_and_catalogues(tmp_path: Path) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "registry" / "guides", old_dir / "guides")
    shutil.copytree(ROOT / "registry" / "guides", new_dir / "guides")
    changed = attrs.evolve(TEMPLATE, hours="全天")
    (new_dir / "guides" / "food-business-licence-new.json").write_text(to_json(changed), "utf-8")
    (new_dir / "guides" / "marriage-registration.json").unlink()
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "en", "diff", str(old_dir), str(new_dir)])
    assert result.exit_code == 1  # differences, as diff(1) says
    assert "- marriage-registration.json: removed" in result.stdout
    assert "  ! the version was not bumped" in result.stdout
    assert "0 added, 1 removed, 1 changed" in result.stdout
    result = runner.invoke(main, ["diff", "--json", str(old_dir), str(new_dir)])
    document = json.loads(result.stdout)
    assert document["removed"] == ["marriage-registration.json"]
    assert document["changed"]["food-business-licence-new.json"]["version_bumped"] is False
    # A JSON file against its XML twin: no change.
    xml = tmp_path / "same.xml"
    xml.write_bytes(to_xml(TEMPLATE))
    old_file = old_dir / "guides" / "food-business-licence-new.json"
    result = runner.invoke(main, ["--lang", "en", "diff", str(old_file), str(xml)])
    assert result.exit_code == 0 and "same.xml: 0 changes" in result.stdout
    assert runner.invoke(main, ["diff", str(old_file), str(old_dir)]).exit_code == 2


@given(guides(), guides(), st.data())
def test_every_generated_edit_is_reported(old: Guide, other: Guide, data: st.DataObject) -> None:
    fields = [f.name for f in attrs.fields(Guide) if getattr(old, f.name) != getattr(other, f.name)]
    if not fields:
        return
    edited = data.draw(st.lists(st.sampled_from(fields), min_size=1, unique=True))
    new = attrs.evolve(old, **{name: getattr(other, name) for name in edited})
    reported = {c.element for c in diff_guides(old, new).changes}
    # Codes are compared on their own: an edit is content when it changes more than codes.
    content = {
        n for n in edited if getattr(without_codes(old), n) != getattr(without_codes(new), n)
    }
    assert reported == content


def test_a_guide_not_coded_yet_differs_only_where_a_person_changed_it(tmp_path: Path) -> None:
    # The tutorial's step: the published guide (coded) against its edited source (not coded).
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(ROOT / "registry"), "--out", str(out)]).exit_code == 0
    published = out / "guides" / "food-business-licence-new.json"
    source = tmp_path / "food-business-licence-new.json"
    guide = from_json((ROOT / "registry" / "guides" / source.name).read_bytes())
    edited = attrs.evolve(
        guide,
        version=guide.version + 1,
        hours="工作日 9:00-17:00",
        materials=guide.materials[:-1],
    )
    source.write_text(to_json(edited), "utf-8")
    result = runner.invoke(main, ["--lang", "en", "diff", str(published), str(source)])
    assert result.exit_code == 1
    assert f"{source.name}: 3 changes" in result.stdout
    assert "the codes changed" not in result.stdout
    assert "the new guide has no codes yet" in result.stdout
    same = runner.invoke(main, ["--lang", "zh", "diff", str(published), str(source.parent / "x")])
    assert same.exit_code == 2
    source.write_text(to_json(guide), "utf-8")
    unchanged = runner.invoke(main, ["--lang", "zh", "diff", str(published), str(source)])
    assert unchanged.exit_code == 0 and "0 处变化" in unchanged.stdout


def test_legal_basis_is_matched_by_law_and_article() -> None:
    guide = next(g for g in [TEMPLATE] if len(g.legal_basis) >= 2)
    twice = attrs.evolve(
        guide,
        legal_basis=(*guide.legal_basis, attrs.evolve(guide.legal_basis[0], article="第九条")),
    )
    result = diff_guides(guide, twice)
    assert [(c.kind, c.item) for c in result.changes] == [
        ("added", f"{guide.legal_basis[0].law} 第九条")
    ]


def test_a_removed_code_is_not_kept() -> None:
    from service_codes import ImplementationCode, Level, MaterialCode

    catalog = CatalogCode.parse("000104002000")
    implementation = ImplementationCode(TEMPLATE.agency.uscc, Level.COUNTY, catalog)
    coded = attrs.evolve(
        TEMPLATE,
        catalog_code=catalog,
        implementation_code=implementation,
        materials=tuple(
            attrs.evolve(m, code=MaterialCode(implementation, i + 1))
            for i, m in enumerate(TEMPLATE.materials)
        ),
    )
    assert diff_guides(coded, attrs.evolve(coded, implementation_code=None)).code_kept is False
    dropped = (attrs.evolve(coded.materials[0], code=None), *coded.materials[1:])
    assert diff_guides(coded, attrs.evolve(coded, materials=dropped)).code_kept is False
    assert diff_guides(coded, attrs.evolve(coded, version=9)).code_kept is True


def test_a_name_listed_twice_pairs_its_codes_in_order() -> None:
    from service_codes import ImplementationCode, Level, MaterialCode

    implementation = ImplementationCode(
        TEMPLATE.agency.uscc, Level.COUNTY, CatalogCode.parse("000104002000")
    )
    first = attrs.evolve(TEMPLATE.materials[0], code=MaterialCode(implementation, 1))
    twin = attrs.evolve(first, order=2, code=MaterialCode(implementation, 2))
    guide = attrs.evolve(TEMPLATE, implementation_code=implementation, materials=(first, twin))
    assert diff_guides(guide, attrs.evolve(guide)).code_kept is True
