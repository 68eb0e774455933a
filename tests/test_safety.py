"""Nothing a staff member made is lost or overwritten without a word (one test per case)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_catalogue

from service_codes.cli import main
from service_codes.output import MARK, Mark, Output, UnsafeWrite, state


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_catalogue(tmp_path)


def test_template_never_overwrites_a_filled_workbook(tmp_path: Path) -> None:
    book = tmp_path / "事项.xlsx"
    assert run("import", "--template", str(book))[0] == 0
    again = run("import", "--template", str(book))  # the untouched template: harmless
    assert again[0] == 0
    filled = tmp_path / "filled.xlsx"
    assert (
        run("export", str(ROOT / "registry"), "--format", "xlsx", "--out", str(tmp_path / "x"))[0]
        == 0
    )
    shutil.copy(tmp_path / "x" / "catalogue.xlsx", filled)
    before = filled.read_bytes()
    code, _, stderr = run("import", "--template", str(filled))
    assert code == 2 and "filled.xlsx (not written by service-codes)" in stderr
    assert "--force" in stderr and filled.read_bytes() == before
    book.write_bytes(before)  # a template the tool wrote, then filled in by a person
    code, _, stderr = run("import", "--template", str(book))
    assert code == 2 and "(changed since service-codes wrote it)" in stderr
    assert book.read_bytes() == before
    assert run("import", "--template", str(book), "--force")[0] == 0
    assert book.read_bytes() != before


def test_import_again_never_overwrites_a_guide_edited_by_hand(tmp_path: Path) -> None:
    book = tmp_path / "x" / "catalogue.xlsx"
    assert (
        run("export", str(ROOT / "registry"), "--format", "xlsx", "--out", str(book.parent))[0] == 0
    )
    out = tmp_path / "雁塔区"
    assert run("import", str(book), "--out", str(out))[0] == 0
    edited = out / "guides" / "marriage-registration.json"
    data = json.loads(edited.read_text("utf-8"))
    data["hours"], data["version"] = "全天", data.get("version", 1) + 1
    edited.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    kept = edited.read_bytes()
    code, _, stderr = run("import", str(book), "--out", str(out))
    assert code == 2 and f"{edited} (changed since service-codes wrote it)" in stderr
    assert edited.read_bytes() == kept
    assert "nothing was written" in stderr
    assert run("import", str(book), "--out", str(out), "--force")[0] == 0
    assert edited.read_bytes() != kept


def test_incremental_build_keeps_the_formats_of_the_last_build(
    catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert (
        run("build", str(catalogue), "--out", str(out), "--format", "json", "--format", "xml")[0]
        == 0
    )
    xml = sorted((out / "guides").glob("*.xml"))
    assert xml
    code, stdout, _ = run("build", str(catalogue), "--out", str(out), "--incremental")
    assert code == 0 and "formats: json, xml, as in the last build" in stdout
    assert sorted((out / "guides").glob("*.xml")) == xml
    # Leaving a format out of a full build says what went.
    code, stdout, _ = run("build", str(catalogue), "--out", str(out), "--format", "json")
    assert code == 0 and "removed the xml files of the last build" in stdout
    assert not list((out / "guides").glob("*.xml"))


def test_build_refuses_an_output_inside_its_source(catalogue: Path) -> None:
    for out in (catalogue / "guides", catalogue / "guides" / "out", catalogue):
        code, _, stderr = run("build", str(catalogue), "--out", str(out))
        assert code == 2 and "lies inside the source folder" in stderr, out
    assert sorted(p.name for p in (catalogue / "guides").iterdir()) == sorted(
        p.name for p in (ROOT / "registry" / "guides").iterdir()
    )
    assert run("build", str(catalogue), "--out", str(catalogue / "build"))[0] == 0
    assert run("build", str(catalogue), "--out", str(catalogue / "build"))[0] == 0


def test_build_never_overwrites_an_output_edited_by_hand(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(catalogue), "--out", str(out))[0] == 0
    assert run("build", str(catalogue), "--out", str(out))[0] == 0  # its own files: fine
    page = out / "guides" / "marriage-registration.json"
    page.write_text(page.read_text("utf-8").replace("婚姻", "婚 姻"), "utf-8")
    ledger = (catalogue / "codes.jsonl").read_bytes()
    for incremental in ([], ["--incremental"]):
        code, _, stderr = run("build", str(catalogue), "--out", str(out), *incremental)
        assert code == 2 and f"{page} (changed since service-codes wrote it)" in stderr
    assert "婚 姻" in page.read_text("utf-8") and (catalogue / "codes.jsonl").read_bytes() == ledger
    assert run("build", str(catalogue), "--out", str(out), "--force")[0] == 0
    assert "婚 姻" not in page.read_text("utf-8")


def test_an_edit_in_the_same_clock_tick_as_the_mark_counts_as_changed(tmp_path: Path) -> None:
    out = Output(tmp_path)
    (tmp_path / "guides").mkdir()
    out.write("guides/a.json", b"{}")
    out.close(folders=("guides",))
    mark = os.stat(tmp_path / MARK).st_mtime_ns
    assert os.stat(tmp_path / "guides" / "a.json").st_mtime_ns < mark
    (tmp_path / "guides" / "a.json").write_bytes(b'{"a": 1}')
    os.utime(tmp_path / "guides" / "a.json", ns=(mark, mark))  # racy: same tick as the mark
    with pytest.raises(UnsafeWrite) as caught:
        Output(tmp_path).guard(["guides/a.json"])
    assert caught.value.files == ((tmp_path / "guides" / "a.json", "changed"),)


def test_the_mark_is_newer_than_a_file_written_just_before_it_holding_the_same_bytes(
    tmp_path: Path,
) -> None:
    Output(tmp_path).close(folders=("",))
    for _ in range(20):  # a file written in the clock tick the mark's time is then set in
        (tmp_path / "index.json").write_text("[]", encoding="utf-8")
        Output(tmp_path).close(folders=("",))  # the mark already holds its bytes
        assert state(tmp_path, Mark.read(tmp_path), "index.json") == "kept"
