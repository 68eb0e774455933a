from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT
from openpyxl import load_workbook

from service_codes import from_json
from service_codes.cli import main
from service_codes.formats.spreadsheet import (
    MATTERS,
    layout,
    read_spreadsheet,
    template,
    write_csv,
    write_workbook,
)

BUNDLED = {
    p.stem: from_json(p.read_bytes()) for p in sorted((ROOT / "registry" / "guides").glob("*.json"))
}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_bundled_catalogue_round_trips(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"catalogue{suffix}"
    if suffix == ".xlsx":
        write_workbook(BUNDLED, path)
    else:
        write_csv(BUNDLED, path)
    imported = read_spreadsheet(path)
    assert imported.ok and imported.guides == BUNDLED


def test_the_layout_speaks_to_staff(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_workbook({"food": BUNDLED["food-business-licence-new"]}, path)
    book = load_workbook(path)
    assert book.sheetnames[:1] == [MATTERS] and {"materials", "steps"} <= set(book.sheetnames)
    headers = [c.value for c in book[MATTERS][1]]
    assert headers[:3] == ["事项键 key", "事项名称 name", "事项类型 matter_type"]
    row = [c.value for c in book[MATTERS][2]]
    assert row[2] == "行政许可"  # Chinese names, not slugs
    assert "是" in row  # booleans as 是/否
    assert book["materials"].max_row == 1 + len(BUNDLED["food-business-licence-new"].materials)


def _bad_workbook(path: Path) -> None:
    write_workbook(
        {"food": BUNDLED["food-business-licence-new"], "wed": BUNDLED["marriage-registration"]},
        path,
    )
    book = load_workbook(path)
    matters, materials = book[MATTERS], book["materials"]
    header = {c.value.split()[-1]: c.column for c in matters[1]}
    matters.cell(2, header["matter_type"]).value = "行政审批"  # 1: not a matter type
    matters.cell(3, header["agency.uscc"]).value = "11610113038161643Q"  # 2: check character
    material_header = {c.value.split()[-1]: c.column for c in materials[1]}
    materials.cell(3, material_header["copies"]).value = "两份"  # 3: not a number
    materials.cell(4, material_header["name"]).value = None  # 4: a required cell left empty
    materials.append(["nobody", 9, "多余的材料"])  # 5: a key no matter has
    book.save(path)


def test_five_kinds_of_bad_rows_give_five_precise_messages(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    _bad_workbook(path)
    problems = read_spreadsheet(path).problems
    materials_rows = len(BUNDLED["food-business-licence-new"].materials) + len(
        BUNDLED["marriage-registration"].materials
    )
    assert sorted((p.sheet, p.row, p.column) for p in problems) == sorted(
        [
            (MATTERS, 2, "matter_type"),
            (MATTERS, 3, "agency.uscc"),
            ("materials", 3, "copies"),
            ("materials", 4, "name"),
            ("materials", materials_rows + 2, "key"),
        ]
    )
    assert all(p.message and p.message_zh for p in problems)
    kind = next(p for p in problems if p.column == "matter_type")
    assert "行政许可" in kind.message_zh  # the choices, as staff write them


def test_import_writes_nothing_unless_every_row_is_valid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    _bad_workbook(bad)
    out = tmp_path / "catalogue"
    result = CliRunner().invoke(main, ["--lang", "en", "import", str(bad), "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert f"{bad}: materials, row 3, copies: must be of type integer" in result.stderr
    assert "nothing was written" in result.stderr


def test_import_partial_and_good(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    write_workbook(BUNDLED, good)
    out = tmp_path / "catalogue"
    result = CliRunner().invoke(main, ["--lang", "en", "import", str(good), "--out", str(out)])
    assert result.exit_code == 0 and f"import: {len(BUNDLED)} guides written" in result.stdout
    assert "writing" not in result.stdout  # no progress bar when not on a terminal
    assert sorted(p.stem for p in (out / "guides").iterdir()) == sorted(BUNDLED)
    book = load_workbook(good)
    header = {c.value.split()[-1]: c.column for c in book[MATTERS][1]}
    book[MATTERS].cell(2, header["level"]).value = "宇宙级"
    book.save(good)
    partial = tmp_path / "partial"
    result = CliRunner().invoke(main, ["import", str(good), "--out", str(partial), "--partial"])
    assert result.exit_code == 1
    assert len(list((partial / "guides").iterdir())) == len(BUNDLED) - 1
    report = (partial / "import-problems.txt").read_text("utf-8").splitlines()
    assert report[0] == "sheet\trow\tcolumn\tproblem" and report[1].startswith(
        "matters\t2\tlevel\t"
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_template_has_every_sheet_and_imports_as_empty(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"template{suffix}"
    result = CliRunner().invoke(main, ["import", "--template", str(path)])
    assert result.exit_code == 0 and path.exists()
    imported = read_spreadsheet(path)
    assert imported.guides == {} and imported.ok
    if suffix == ".csv":
        assert len(list(tmp_path.glob("*.csv"))) == len(layout())


def test_import_usage_and_junk(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(tmp_path / "x.xlsx")]).exit_code == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    result = runner.invoke(main, ["import", str(junk), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    template(tmp_path / "t.xlsx")


def test_export_to_the_spreadsheet_layout_and_import_it_back(tmp_path: Path) -> None:
    import shutil

    catalogue = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry" / "guides", catalogue / "guides")
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["export", str(catalogue), "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0 and (out / "catalogue.xlsx").exists()
    back = tmp_path / "back"
    assert (
        runner.invoke(main, ["import", str(out / "catalogue.xlsx"), "--out", str(back)]).exit_code
        == 0
    )
    for path in (catalogue / "guides").glob("*.json"):
        coded = from_json((back / "guides" / path.name).read_bytes())
        assert coded.catalog_code is not None  # exported after assignment, codes included
        assert attrs.evolve(
            coded,
            catalog_code=None,
            implementation_code=None,
            materials=tuple(attrs.evolve(m, code=None) for m in coded.materials),
            handling_items=tuple(attrs.evolve(i, code=None) for i in coded.handling_items),
        ) == from_json(path.read_bytes())


def test_keys_sheets_and_stray_cells_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "odd.xlsx"
    write_workbook({"food": BUNDLED["food-business-licence-new"]}, path)
    book = load_workbook(path)
    book[MATTERS].cell(2, 1).value = "../escaped"
    book["materials"].title = "material-list"
    book["steps"].cell(2, 40).value = "stray"
    book.save(path)
    found = {(p.sheet, p.row, p.column) for p in read_spreadsheet(path).problems}
    assert {(MATTERS, 2, "key"), ("material-list", 0, ""), ("steps", 2, "")} <= found
    result = CliRunner().invoke(main, ["import", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and not (tmp_path / "escaped.json").exists()


def test_text_that_looks_like_a_formula_and_empty_lists_survive(tmp_path: Path) -> None:
    guide = attrs.evolve(BUNDLED["marriage-registration"], name="=1+1", conditions=())
    path = tmp_path / "f.xlsx"
    write_workbook({"g": guide}, path)
    assert read_spreadsheet(path).guides == {"g": guide}


def test_an_item_holding_a_line_break_is_refused_on_write(tmp_path: Path) -> None:
    from service_codes import InvalidGuide

    guide = attrs.evolve(BUNDLED["marriage-registration"], conditions=("一\n二",))
    with pytest.raises(InvalidGuide) as caught:
        write_workbook({"g": guide}, tmp_path / "x.xlsx")
    assert caught.value.problems[0].path == "/conditions/0"


def test_import_refuses_other_files_and_missing_folders(tmp_path: Path) -> None:
    runner = CliRunner()
    text = tmp_path / "foo.txt"
    text.write_text("x")
    result = runner.invoke(main, ["import", str(text), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    result = runner.invoke(main, ["import", "--template", str(tmp_path / "nowhere" / "t.xlsx")])
    assert result.exit_code == 2 and "is not a folder" in result.stderr
