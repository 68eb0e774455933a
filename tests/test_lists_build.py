"""The lists as a sink of the one build: the library's ``build`` and the ``lists`` command give
the same files; formats no longer chosen are swept; fees of several agencies stand in groups;
no cell of a CSV list runs as a formula."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from conftest import copy_catalogue
from test_lists import _header, build_lists, read_csv, run

from service_codes.build import build
from service_codes.formats.lists_out import FORMATS, PAGE, ListSink, file_names
from service_codes.lists import FEES, INTERMEDIARY
from service_codes.output import MARK


def _edit(catalogue: Path, name: str, key: str, item: dict[str, str]) -> None:
    path = catalogue / "guides" / f"{name}.json"
    document = json.loads(path.read_bytes())
    document.setdefault(key, []).append(item)
    if key == "fees":
        document["charged"] = True
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != MARK}


@pytest.mark.parametrize("workers", [1, 2])
def test_the_library_build_with_a_list_sink_writes_what_the_command_writes(
    tmp_path: Path, workers: int
) -> None:
    catalogue = copy_catalogue(tmp_path)
    build_lists(catalogue, tmp_path / "command")
    built = build(
        catalogue,
        tmp_path / "library",
        (),
        workers=workers,
        batch=7,  # several batches, so the sink is fed across them in source order
        sinks=[ListSink(FORMATS)],
    )
    assert built.guides == built.rebuilt == len(list((catalogue / "guides").glob("*.json")))
    assert built.new_codes == 0
    assert _files(tmp_path / "library") == _files(tmp_path / "command")
    assert sorted(_files(tmp_path / "library")) == sorted(file_names(FORMATS))


def test_one_build_writes_guides_and_lists_side_by_side(tmp_path: Path) -> None:
    catalogue = copy_catalogue(tmp_path)
    build_lists(catalogue, tmp_path / "lists", "--format", "csv")
    out = tmp_path / "out"
    build(catalogue, out, ("json",), sinks=[ListSink(["csv"])])
    assert (out / "index.json").is_file()
    guides = sorted(p.name for p in (catalogue / "guides").glob("*.json"))
    assert sorted(p.name for p in (out / "guides").iterdir()) == guides
    for name in file_names(["csv"]):
        assert (out / name).read_bytes() == (tmp_path / "lists" / name).read_bytes()
    # A sink needs every guide, so an incremental build with one still codes them all.
    again = build(catalogue, out, ("json",), incremental=True, sinks=[ListSink(["csv"])])
    assert again.rebuilt == len(guides) and not again.incremental


def test_a_format_no_longer_chosen_is_swept_and_a_persons_file_is_kept(tmp_path: Path) -> None:
    catalogue, out = copy_catalogue(tmp_path), tmp_path / "out"
    build_lists(catalogue, out, "--format", "csv,xlsx")
    build_lists(catalogue, out, "--format", "html")
    assert sorted(_files(out)) == [PAGE]
    recorded = json.loads((out / MARK).read_text("utf-8"))["files"]
    assert sorted(recorded) == [PAGE]
    (out / "fees.csv").write_text("a person's own fee table", "utf-8")
    code, _, stderr = run("lists", str(catalogue), "--out", str(out), "--format", "html")
    assert code == 2 and "fees.csv" in stderr
    assert (out / "fees.csv").read_text("utf-8") == "a person's own fee table"


def test_fees_of_two_agencies_stand_by_agency_in_every_format(tmp_path: Path) -> None:
    catalogue, out = copy_catalogue(tmp_path), tmp_path / "out"
    # 教育局 and 行政审批服务局 sort on either side of 城市管理和综合执法局, the agency of the
    # bundled fees: rows in source order would not come out sorted.
    _edit(catalogue, "teacher-qualification-certification", "fees", {
        "name": "测试认定费", "standard": "每人 10 元。", "legal_basis": "《测试办法》第二条",
    })  # fmt: skip
    _edit(catalogue, "road-excavation-approval", "intermediary_services", {
        "name": "测试道路检测", "standard": "市场调节价。", "legal_basis": "《测试条例》第三条",
    })  # fmt: skip
    build_lists(catalogue, out)
    for published in (FEES, INTERMEDIARY):
        rows = read_csv(out / f"{published.name}.csv")
        agency = published.columns[0].header
        code = _header(published, "implementation_code")
        assert len({row[agency] for row in rows}) == 2
        keys = [(row[agency], row[code]) for row in rows]
        assert keys == sorted(keys)
        tree = lxml.html.fromstring((out / PAGE).read_bytes())
        groups = tree.xpath(
            f"//table[@data-list='{published.name}']/tbody/tr[@class='group']/th/text()"
        )
        assert groups == sorted({row[agency] for row in rows})
    basis = _header(FEES, "fees.legal_basis")
    assert "《测试办法》第二条" in {row[basis] for row in read_csv(out / "fees.csv")}


def test_a_csv_cell_that_would_run_as_a_formula_is_written_as_text(tmp_path: Path) -> None:
    catalogue, out = copy_catalogue(tmp_path), tmp_path / "out"
    hostile = '=HYPERLINK("http://example.invalid","点击")'
    _edit(catalogue, "teacher-qualification-certification", "fees", {
        "name": hostile, "standard": "+10 元", "legal_basis": "@SUM(A1)",
    })  # fmt: skip
    build_lists(catalogue, out, "--format", "csv")
    rows = read_csv(out / "fees.csv")
    (row,) = [r for r in rows if hostile in r[_header(FEES, "fees.name")]]
    assert row[_header(FEES, "fees.name")] == f"'{hostile}"
    assert row[_header(FEES, "fees.standard")] == "'+10 元"
    assert row[_header(FEES, "fees.legal_basis")] == "'@SUM(A1)"
    assert all(not value.startswith(("=", "+", "@")) for r in rows for value in r.values())
