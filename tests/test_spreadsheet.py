from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from service_codes import from_json
from service_codes.cli import main
from service_codes.codelists import MatterType, label_zh
from service_codes.convert import guide_to_data
from service_codes.encoding import UnreadableText
from service_codes.errors import ServiceCodesError
from service_codes.formats.spreadsheet import (
    MATTERS,
    layout,
    read_spreadsheet,
    template,
    write_csv,
    write_workbook,
)
from service_codes.schemas import guide_schema
from service_codes.validation import guide_from_data

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
    assert headers[:3] == ["*事项键 key", "*事项名称 name", "*事项类型 matter_type"]
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


# --- the template and the workbook's formatting -----------------------------------------


def _header(sheet: Any) -> dict[str, int]:
    """Field path -> column number, from a sheet's header row."""
    return {str(c.value).split()[-1]: c.column for c in sheet[1] if c.value}


def _template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    template(path)
    return path


def test_required_columns_are_marked_from_the_schema(tmp_path: Path) -> None:
    book = load_workbook(_template(tmp_path))
    matters = {str(c.value).split()[-1]: c for c in book[MATTERS][1]}
    schema = guide_schema()
    for name, prop in schema["properties"].items():
        if name in matters:  # not an object (spread over columns) nor a list (a sheet)
            # Required, and when a list, one that may not be empty (an empty cell reads as []).
            may_be_empty = prop.get("type") == "array" and not prop.get("minItems")
            needed = name in schema["required"] and not may_be_empty
            assert matters[name].value.startswith("*") == needed, name
    marked = {p for p, c in matters.items() if c.value.startswith("*")}
    assert {"key", "agency.name", "agency.uscc", "legal_limit.value", "service_objects"} <= marked
    # Optional parents, defaults and lists that may stay empty are not required.
    assert not {"result.kind", "agency.nature", "sub_name", "conditions", "origin"} & marked
    fills = {c.value.startswith("*"): c.fill.fgColor.rgb for c in matters.values()}
    assert fills[True] != fills[False]
    materials = {str(c.value).split()[-1]: str(c.value) for c in book["materials"][1]}
    assert materials["name"] == "*材料名称 name" and materials["remark"] == "备注 remark"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_template_holds_one_example_row_per_sheet_that_import_skips(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"template{suffix}"
    template(path)
    untouched = read_spreadsheet(path)
    assert untouched.guides == {} and untouched.problems == ()
    renamed = tmp_path / f"renamed{suffix}"
    if suffix == ".xlsx":
        book = load_workbook(path)
        for sheet in book.worksheets:
            assert sheet.max_row == 2 and str(sheet["A2"].value).startswith("示例"), sheet.title
            assert sheet["A2"].font.i  # set apart from the rows staff write
            sheet["A2"].value = "demo"
        book.save(renamed)
    else:
        for part in tmp_path.glob("template*.csv"):
            lines = part.read_text("utf-8-sig").splitlines()
            assert lines[1].startswith("示例"), part.name
            target = renamed.with_name(part.name.replace("template", "renamed"))
            text = part.read_text("utf-8-sig").replace(lines[1].split(",")[0], "demo")
            target.write_text(text, encoding="utf-8")
    # The example is a complete, valid guide: with a real key it imports as one.
    example = read_spreadsheet(renamed)
    assert example.ok and list(example.guides) == ["demo"]
    guide = example.guides["demo"]
    assert all(getattr(guide, name) for name in list(layout())[1:]), "an item in every list"


def test_enum_and_yes_no_columns_offer_drop_downs_of_chinese_labels(tmp_path: Path) -> None:
    book = load_workbook(_template(tmp_path))
    for name, columns in layout().items():
        sheet = book[name]
        header = _header(sheet)
        validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
        for column in columns:
            letter = get_column_letter(header[".".join(column.path)])
            found = validations.get(f"{letter}2")
            if column.enum_type is None and column.kind != "boolean":
                assert found is None, (name, column.path)
                continue
            assert found is not None and found.type == "list", (name, column.path)
            assert str(found.sqref) == f"{letter}2:{letter}1048576"
            labels = [label_zh(m) for m in column.enum_type] if column.enum_type else ["是", "否"]
            assert not any("," in label or '"' in label for label in labels)
            assert found.formula1 == '"' + ",".join(labels) + '"'
            assert len(found.formula1) <= 255  # Excel's limit for a list written inline
            # One value per cell is enforced; a list of values (one per line) is offered, and
            # the matter type may be two digits of an extension type besides its list.
            open_ = column.kind == "enum-lines" or column.enum_type is MatterType
            assert found.showErrorMessage == (not open_), column.path
            assert found.showInputMessage == open_, column.path
    wed = book[MATTERS]
    assert any("行政许可" in (v.formula1 or "") for v in wed.data_validations.dataValidation)


CODE_COLUMNS = {
    MATTERS: {"key", "origin", "catalog_code", "implementation_code", "agency.uscc"},
    "materials": {"key", "code"},
    "handling_items": {"key", "code"},
}


def test_code_columns_are_text_so_leading_zeros_survive(tmp_path: Path) -> None:
    book = load_workbook(_template(tmp_path))
    for name, codes in CODE_COLUMNS.items():
        header = _header(book[name])
        for path, number in header.items():
            fmt = book[name].column_dimensions[get_column_letter(number)].number_format
            assert (fmt == "@") == (path in codes or path.endswith("date")), (name, path)
    data = guide_to_data(BUNDLED["temporary-assistance"])
    data["catalog_code"] = "000500001000"
    coded = guide_from_data(data)
    path = tmp_path / "coded.xlsx"
    write_workbook({"007": coded}, path)
    sheet = load_workbook(path)[MATTERS]
    header = _header(sheet)
    code = sheet.cell(2, header["catalog_code"])
    assert code.value == "000500001000" and code.data_type == "s" and code.number_format == "@"
    assert sheet.cell(2, header["key"]).number_format == "@"
    assert sheet.cell(2, header["visits"]).number_format == "General"
    assert read_spreadsheet(path).guides == {"007": coded}


@pytest.mark.parametrize("guides", [{}, {"food": BUNDLED["food-business-licence-new"]}])
def test_header_row_is_bold_frozen_and_columns_are_sized(
    tmp_path: Path, guides: dict[str, Any]
) -> None:
    path = tmp_path / "w.xlsx"
    if guides:
        write_workbook(guides, path)
    else:
        template(path)
    book = load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "B2", sheet.title  # the header row and the key column
        assert all(c.font.b for c in sheet[1])
        assert not any(c.font.b for c in sheet[2] if c.value is not None)
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            # Wide enough for the header (a Chinese character is two wide), never huge.
            assert len(str(cell.value)) < width <= 60, (sheet.title, cell.value, width)
    if guides:  # wide text gets a wide column, a 是/否 column stays narrow
        header = _header(book[MATTERS])
        widths = book[MATTERS].column_dimensions
        assert widths[get_column_letter(header["hours"])].width > 30
        assert widths[get_column_letter(header["charged"])].width < 20


# --- reading what staff's tools write -----------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_a_csv_saved_as_gbk_or_utf16_imports_like_utf8(tmp_path: Path, encoding: str) -> None:
    guides = {"wed": BUNDLED["marriage-registration"], "aid": BUNDLED["temporary-assistance"]}
    for part in write_csv(guides, tmp_path / "staff.csv"):
        part.write_bytes(part.read_text("utf-8-sig").encode(encoding))  # utf-16: with a BOM
    assert (tmp_path / "staff.csv").read_bytes()[:2] != b"\xef\xbb"
    imported = read_spreadsheet(tmp_path / "staff.csv")
    assert imported.ok and imported.guides == guides


def test_a_csv_in_no_known_encoding_says_how_to_resave(tmp_path: Path) -> None:
    write_csv({"wed": BUNDLED["marriage-registration"]}, tmp_path / "staff.csv")
    steps = tmp_path / "staff-steps.csv"
    steps.write_bytes(steps.read_bytes() + b"\xff\xfe\xfd")  # neither UTF-8 nor GB18030
    with pytest.raises(UnreadableText) as caught:
        read_spreadsheet(tmp_path / "staff.csv")
    assert isinstance(caught.value, ServiceCodesError)
    assert "staff-steps.csv" in caught.value.message and "UTF-8" in caught.value.message
    assert "staff-steps.csv" in caught.value.message_zh and "另存为" in caught.value.message_zh


def test_a_date_cell_reads_as_yyyy_mm_dd(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    guide = BUNDLED["temporary-assistance"]
    write_workbook({"aid": guide}, path)
    book = load_workbook(path)
    header = _header(book[MATTERS])
    book[MATTERS].cell(2, header["effective_date"]).value = dt.datetime(2025, 3, 1)
    book[MATTERS].cell(2, header["cancel_date"]).value = dt.date(2030, 12, 31)
    book.save(path)
    imported = read_spreadsheet(path)
    assert imported.ok, imported.problems
    read = imported.guides["aid"]
    assert (read.effective_date, read.cancel_date) == (dt.date(2025, 3, 1), dt.date(2030, 12, 31))


def test_a_number_in_a_code_column_says_the_leading_zeros_were_lost(tmp_path: Path) -> None:
    path = tmp_path / "n.xlsx"
    write_workbook({"aid": BUNDLED["temporary-assistance"]}, path)
    book = load_workbook(path)
    header = _header(book[MATTERS])
    book[MATTERS].cell(2, header["catalog_code"]).value = 500001000  # was 000500001000
    book[MATTERS].cell(2, header["agency.uscc"]).value = 116101130618959287  # a required code
    book.save(path)
    imported = read_spreadsheet(path)
    assert imported.guides == {}  # not padded into a code nobody typed
    # One problem a cell: no second "wrong format" or "required field missing" for it.
    assert [(p.sheet, p.row, p.column) for p in imported.problems] == [
        (MATTERS, 2, "catalog_code"),
        (MATTERS, 2, "agency.uscc"),
    ]
    problem = imported.problems[0]
    assert "500001000" in problem.message and "leading zeros" in problem.message
    assert "text" in problem.message and "文本" in problem.message_zh
    assert "0" in problem.message_zh and "500001000" in problem.message_zh


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_guide_of_an_extension_type_round_trips(tmp_path: Path, suffix: str) -> None:
    from service_codes.matter_types import ExtensionType

    guides = {
        "ext": attrs.evolve(BUNDLED["food-business-licence-new"], matter_type=ExtensionType("21"))
    }
    path = tmp_path / f"catalogue{suffix}"
    (write_workbook if suffix == ".xlsx" else write_csv)(guides, path)
    imported = read_spreadsheet(path)
    assert imported.ok and imported.guides == guides
