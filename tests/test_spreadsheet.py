from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from strategies import guides

from service_codes import Frequency, Guide, Inspection, Responsibility, applicable, from_json
from service_codes.cli import main
from service_codes.codelists import MatterType, label_zh
from service_codes.convert import guide_to_data
from service_codes.encoding import UnreadableText
from service_codes.errors import ServiceCodesError
from service_codes.formats.spreadsheet import (
    EXAMPLE,
    EXAMPLES,
    MATTERS,
    PENALTY_EXAMPLE,
    layout,
    read_spreadsheet,
    spreadsheet_data,
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

    wed = BUNDLED["marriage-registration"]
    guide = attrs.evolve(wed, joint_agencies=("一\n二",))
    with pytest.raises(InvalidGuide) as caught:
        write_workbook({"g": guide}, tmp_path / "x.xlsx")
    assert caught.value.problems[0].path == "/joint_agencies/0"
    duty = Responsibility(items=("受理", "审查\n决定"), accountability=("推诿",), channel="12345")
    with pytest.raises(InvalidGuide) as caught:
        write_csv({"g": attrs.evolve(wed, responsibility=duty)}, tmp_path / "x.csv")
    assert caught.value.problems[0].path == "/responsibility/items/1"


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
def test_the_template_holds_example_rows_on_every_sheet_that_import_skips(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"template{suffix}"
    template(path)
    untouched = read_spreadsheet(path)
    assert untouched.guides == {} and untouched.problems == ()
    renamed = tmp_path / f"renamed{suffix}"
    demo = {key: f"demo{i}" for i, key in enumerate(EXAMPLES)}
    if suffix == ".xlsx":
        book = load_workbook(path)
        for sheet in book.worksheets:
            assert sheet.max_row >= 2, sheet.title  # an example on every sheet
            for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
                assert cell.value in EXAMPLES and cell.font.i  # set apart from staff's rows
                cell.value = demo[cell.value]
        book.save(renamed)
    else:
        for part in tmp_path.glob("template*.csv"):
            text = part.read_text("utf-8-sig")
            assert text.splitlines()[1].startswith("示例"), part.name
            for key, new in demo.items():
                text = text.replace(key, new)
            target = renamed.with_name(part.name.replace("template", "renamed"))
            target.write_text(text, encoding="utf-8")
    # The examples are complete, valid guides: with real keys they import as such.
    imported = read_spreadsheet(renamed)
    assert imported.ok and imported.guides == {
        demo[key]: guide_from_data(data) for key, data in EXAMPLES.items()
    }
    examples = list(imported.guides.values())
    for name in list(layout())[1:]:  # an item in every list, nested ones too
        parent, _, field = name.partition("-")
        items = [i for g in examples for i in getattr(g, parent)]
        assert items and (not field or any(getattr(i, field) for i in items)), name
    assert any(g.responsibility for g in examples) and any(g.situations for g in examples)


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


# --- situations, discretion, inspection and responsibility -------------------------------


def _one_line(guide: Guide) -> Guide:
    """``guide`` with no line break inside a list item that a cell holds one item a line."""

    def flat(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(item.replace("\n", " ") for item in items)

    duty = guide.responsibility
    return attrs.evolve(
        guide,
        local_codes=flat(guide.local_codes),
        joint_agencies=flat(guide.joint_agencies),
        responsibility=duty
        and attrs.evolve(duty, items=flat(duty.items), accountability=flat(duty.accountability)),
    )


catalogues = st.dictionaries(
    st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), guides().map(_one_line), max_size=3
)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(catalogue=catalogues)
def test_every_field_round_trips(tmp_path: Path, suffix: str, catalogue: dict[str, Guide]) -> None:
    path = tmp_path / f"round-trip{suffix}"
    for old in tmp_path.glob("round-trip*"):
        old.unlink()
    (write_workbook if suffix == ".xlsx" else write_csv)(catalogue, path)
    # The data, not the import: generated guides break content rules the import enforces.
    read = {key: guide_from_data(data) for key, data in spreadsheet_data(path).items()}
    assert read == catalogue


ROAD = guide_from_data(
    {k: v for k, v in EXAMPLE.items() if k != "situations"}
    | {
        "conditions": [{"text": "已取得规划等部门的批准文件。"}],
        "materials": [{**m, "applies_to": []} for m in EXAMPLE["materials"]],
        "fees": [{**f, "applies_to": []} for f in EXAMPLE["fees"]],
    }
)


def test_a_hand_made_workbook_with_two_situations_and_tagged_materials(tmp_path: Path) -> None:
    path = tmp_path / "staff.xlsx"
    write_workbook({"road": ROAD}, path)
    book = load_workbook(path)
    # As staff fill it in: a row per situation, a row per option naming its situation's id.
    book["situations"].append(["road", "applicant", "由谁办理？"])
    book["situations"].append(["road", "urgent", "是否紧急抢修？", "否"])
    for situation, option, name in [
        ("applicant", "builder", "建设单位自行办理"),
        ("applicant", "agent", "委托代理人办理"),
        ("urgent", "repair", "紧急抢修"),
        ("urgent", "planned", "计划施工"),
    ]:
        book["situations-options"].append(["road", situation, option, name])
    materials = book["materials"]
    tags = _header(materials)["applies_to"]
    materials.cell(3, tags).value = "agent"  # the power of attorney: only through an agent
    materials.cell(2, tags).value = "builder\nagent"
    book.save(path)
    imported = read_spreadsheet(path)
    assert imported.ok, imported.problems
    guide = imported.guides["road"]
    assert [(s.id, s.required, [o.name for o in s.options]) for s in guide.situations] == [
        ("applicant", True, ["建设单位自行办理", "委托代理人办理"]),
        ("urgent", False, ["紧急抢修", "计划施工"]),
    ]
    assert [m.applies_to for m in guide.materials] == [("builder", "agent"), ("agent",)]
    told = applicable(guide, ["builder"]).materials
    assert [m.name for m in told] == ["挖掘城市道路申请表"]
    assert len(applicable(guide, ["agent", "repair"]).materials) == 2


def _penalty_workbook(path: Path) -> dict[str, int]:
    """The template's penalty example under a real key; its sheets' columns by field path."""
    write_workbook({"ad": guide_from_data(PENALTY_EXAMPLE)}, path)
    return _header(load_workbook(path)["discretion-penalties"])


def test_discretion_rows_name_their_penalties_by_number(tmp_path: Path) -> None:
    path = tmp_path / "ad.xlsx"
    columns = _penalty_workbook(path)
    sheet = load_workbook(path)["discretion-penalties"]
    parents = [sheet.cell(r, columns["discretion"]).value for r in range(2, sheet.max_row + 1)]
    assert parents == [1, 2, 2]  # a warning; a warning and a fine for the second row
    assert sheet.cell(4, columns["minimum"]).value == 500
    assert read_spreadsheet(path).guides == {"ad": guide_from_data(PENALTY_EXAMPLE)}


def test_a_bad_ratio_cell_is_named_at_its_cell(tmp_path: Path) -> None:
    inspection = Inspection(
        legal_basis="《食品安全法》第一百一十条",
        body="西安市雁塔区市场监督管理局",
        object_kind="食品经营者",
        subjects=3200,
        ratio=5.5,
        frequency=Frequency.YEARLY,
        content="经营许可、进货查验、从业人员健康管理",
        method="双随机抽取，现场检查",
    )
    guide = attrs.evolve(BUNDLED["inspection-food-business"], inspection=inspection)
    path = tmp_path / "check.xlsx"
    write_workbook({"food": guide, "aid": BUNDLED["temporary-assistance"]}, path)
    book = load_workbook(path)
    header = _header(book[MATTERS])
    ratio = book[MATTERS].cell(2, header["inspection.ratio"])
    assert ratio.value == 5.5 and ratio.data_type == "n"  # a number staff can sum and sort
    ratio.value = "三成"
    book[MATTERS].cell(2, header["inspection.frequency"]).value = "每周一次"
    book[MATTERS].cell(3, header["inspection.ratio"]).value = 150  # no inspection otherwise
    book.save(path)
    imported = read_spreadsheet(path)
    assert imported.guides == {}
    found = {(p.sheet, p.row, p.column): p for p in imported.problems}
    assert set(found) >= {
        (MATTERS, 2, "inspection.ratio"),
        (MATTERS, 2, "inspection.frequency"),
        (MATTERS, 3, "inspection.ratio"),
    }
    bad = found[(MATTERS, 2, "inspection.ratio")]
    assert "三成" in bad.message and "not a number" in bad.message and "数字" in bad.message_zh
    assert "每年一次" in found[(MATTERS, 2, "inspection.frequency")].message_zh  # the choices
    assert "100" in found[(MATTERS, 3, "inspection.ratio")].message


def test_bad_penalty_cells_and_orphan_rows_are_named_at_their_cells(tmp_path: Path) -> None:
    path = tmp_path / "ad.xlsx"
    columns = _penalty_workbook(path)
    book = load_workbook(path)
    penalties = book["discretion-penalties"]
    penalties.cell(4, columns["minimum"]).value = "五百"
    penalties.cell(3, columns["kind"]).value = "罚金"
    penalties.append(["ad", 3, "警告"])  # the matter has two discretion rows
    book["situations-options"].append(["ad", "nobody", "x", "某选项"])
    discretion = book["discretion"]
    discretion.cell(3, _header(discretion)["circumstance"]).value = "很严重"
    book.save(path)
    imported = read_spreadsheet(path)
    assert imported.guides == {}
    assert sorted((p.sheet, p.row, p.column) for p in imported.problems) == [
        ("discretion", 3, "circumstance"),
        ("discretion-penalties", 3, "kind"),
        ("discretion-penalties", 4, "minimum"),
        ("discretion-penalties", 5, "discretion"),
        ("situations-options", 2, "situations"),
    ]
    by_column = {p.column: p for p in imported.problems}
    assert "罚款" in by_column["kind"].message_zh and "较重" in by_column["circumstance"].message_zh
    assert "3" in by_column["discretion"].message and "nobody" in by_column["situations"].message


def test_a_situation_without_options_is_named_at_its_row(tmp_path: Path) -> None:
    path = tmp_path / "road.xlsx"
    write_workbook({"road": ROAD}, path)
    book = load_workbook(path)
    book["situations"].append(["road", "applicant", "由谁办理？"])
    book["situations-options"].append(["road", "applicant", "builder", "建设单位自行办理"])
    book.save(path)
    (problem,) = read_spreadsheet(path).problems
    assert (problem.sheet, problem.row, problem.column) == ("situations", 2, "options")
    assert "2" in problem.message


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_ratio_written_as_a_percentage_reads_in_per_cent(tmp_path: Path, suffix: str) -> None:
    guide = BUNDLED["inspection-food-business"]
    assert guide.inspection is not None
    path = tmp_path / f"check{suffix}"
    (write_workbook if suffix == ".xlsx" else write_csv)({"food": guide}, path)
    if suffix == ".xlsx":
        book = load_workbook(path)
        cell = book[MATTERS].cell(2, _header(book[MATTERS])["inspection.ratio"])
        cell.value, cell.number_format = 0.07, "0%"  # what Excel makes of "7%" typed in
        book.save(path)
    else:
        with open(path, newline="", encoding="utf-8-sig") as file:
            header, row = csv.reader(file)
        row[[h.split()[-1] for h in header].index("inspection.ratio")] = "7%"
        with open(path, "w", newline="", encoding="utf-8") as file:
            csv.writer(file).writerows([header, row])
    imported = read_spreadsheet(path)
    assert imported.ok, imported.problems
    read = imported.guides["food"].inspection
    assert read is not None and read.ratio == 7.0


def test_a_number_excel_would_round_is_kept_as_text_and_reads_back(tmp_path: Path) -> None:
    data = guide_to_data(guide_from_data(PENALTY_EXAMPLE))
    data["discretion"][1]["penalties"][1]["maximum"] = 123456789.12345679  # 17 digits
    guide = guide_from_data(data)
    path = tmp_path / "exact.xlsx"
    write_workbook({"ad": guide}, path)
    sheet = load_workbook(path)["discretion-penalties"]
    assert sheet.cell(4, _header(sheet)["maximum"]).value == "123456789.12345679"
    assert read_spreadsheet(path).guides == {"ad": guide}


def test_an_optional_object_left_blank_stays_absent(tmp_path: Path) -> None:
    guide = BUNDLED["temporary-assistance"]
    assert guide.inspection is None
    path = tmp_path / "aid.csv"
    write_csv({"aid": attrs.evolve(guide, responsibility=None)}, path)
    read = read_spreadsheet(path).guides["aid"]
    assert read.inspection is None and read.responsibility is None
