"""``service-codes checklist``: one applicant's conditions, materials and fees, told once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_situations import two_questions

from service_codes import applicable, to_json
from service_codes.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def written(tmp_path: Path) -> Path:
    path = tmp_path / "guide.json"
    path.write_text(to_json(two_questions()), encoding="utf-8")
    return path


def test_the_answers_pick_the_materials_that_apply(tmp_path: Path) -> None:
    guide = two_questions()
    code, out, err = run("checklist", str(written(tmp_path)), "--answer", "company")
    assert (code, err) == (0, "")
    expected = applicable(guide, {"company"})
    listed = [line for line in out.splitlines() if line.startswith("  material ")]
    assert listed == [f"  material {m.order}: {m.name} [not coded yet]" for m in expected.materials]
    assert len(listed) < len(guide.materials)
    assert out.splitlines()[-1].startswith(f"{len(expected.conditions)} condition")


def test_without_answers_the_questions_are_listed_and_an_open_one_named(tmp_path: Path) -> None:
    code, out, err = run("checklist", str(written(tmp_path)))
    assert code == 1
    assert "申请人类型: one of individual (个体工商户), company (企业)" in out
    assert "经营项目: one or more of retail" in out
    assert "situation" in err and "申请人类型" in err


def test_answers_that_do_not_fit_are_each_named(tmp_path: Path) -> None:
    code, _, err = run(
        "checklist", str(written(tmp_path)), "--answer", "company", "--answer", "individual",
        "--answer", "wholesale",
    )  # fmt: skip
    assert code == 1
    assert "'wholesale'" in err and "takes one answer" in err
