from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT, without_codes

from service_codes import Registry, from_json, from_xml, to_json, to_xml
from service_codes.cli import main
from service_codes.formats.exchange_read import from_exchange

CATALOGUE = ROOT / "registry"


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    copy = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE / "guides", copy / "guides")
    return copy


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_publishes_every_guide_and_an_index(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run("--lang", "en", "build", str(catalogue), "--out", str(out))
    assert code == 0
    sources = sorted(p.name for p in (catalogue / "guides").glob("*.json"))
    assert sorted(p.name for p in (out / "guides").glob("*.json")) == sources
    for name in sources:
        written = from_json((out / "guides" / name).read_bytes())
        source = from_json((catalogue / "guides" / name).read_bytes())
        assert written.catalog_code and written.implementation_code
        assert all(m.code for m in written.materials)
        assert (out / "guides" / name).read_text("utf-8") == to_json(written)
        assert without_codes(written) == source
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert [entry["file"] for entry in index] == [f"guides/{n}" for n in sources]
    assert stdout.splitlines()[0] == f"read: {len(sources)} guides from {catalogue / 'guides'}"
    assert f"validate: {len(sources)} guides, 0 errors" in stdout
    assert f"assign: {len(sources)} guides," in stdout
    assert f"write: {len(sources)} guides (json) and index.json to {out}" in stdout


def test_build_in_both_formats_then_incrementally(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    both = ["--format", "json", "--format", "xml"]
    code, stdout, _ = run("--lang", "en", "build", str(catalogue), "--out", str(out), *both)
    assert code == 0 and "guides (json, xml) and index.json" in stdout
    index = json.loads((out / "index.json").read_text("utf-8"))
    for entry in index:
        assert entry["files"] == [entry["file"], entry["file"].removesuffix(".json") + ".xml"]
        assert all((out / file).is_file() for file in entry["files"])
    edited = catalogue / "guides" / "marriage-registration.json"
    edited.write_text(edited.read_text("utf-8") + "\n", encoding="utf-8")
    code, stdout, _ = run(
        "--lang", "zh", "build", str(catalogue), "--out", str(out), *both, "--incremental"
    )
    assert code == 0 and "1 份有改动，其余沿用上次构建" in stdout


def test_build_twice_gives_identical_bytes(catalogue: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", str(catalogue), "--out", str(first))[0] == 0
    assert run("build", str(catalogue), "--out", str(second))[0] == 0
    for path in first.rglob("*.json"):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_build_removes_guides_no_longer_in_the_catalogue(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(catalogue), "--out", str(out))[0] == 0
    (catalogue / "guides" / "marriage-registration.json").unlink()
    assert run("build", str(catalogue), "--out", str(out))[0] == 0
    assert not (out / "guides" / "marriage-registration.json").exists()


def test_an_invalid_guide_fails_the_build_and_writes_nothing(
    catalogue: Path, tmp_path: Path
) -> None:
    (catalogue / "guides" / "broken.json").write_text('{"name": ""}', encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run("--lang", "en", "build", str(catalogue), "--out", str(out))
    assert code == 1
    assert f"{catalogue / 'guides' / 'broken.json'}: /name: must not be empty" in stderr
    assert "build failed: 1 of" in stderr
    assert not out.exists()


def test_messages_in_chinese(catalogue: Path, tmp_path: Path) -> None:
    (catalogue / "guides" / "broken.json").write_text("{", encoding="utf-8")
    code, stdout, stderr = run("--lang", "zh", "build", str(catalogue), "--out", str(tmp_path))
    assert code == 1
    assert stdout.startswith("读取：")
    assert "不是有效的 JSON" in stderr and "构建失败" in stderr


def test_missing_or_empty_catalogue_is_a_usage_error(tmp_path: Path) -> None:
    assert run("build", str(tmp_path / "absent"))[0] == 2
    code, _, stderr = run("--lang", "en", "build", str(tmp_path))
    assert code == 2 and "no guides found" in stderr


def test_unreadable_guide_is_an_io_error(catalogue: Path, tmp_path: Path) -> None:
    (catalogue / "guides" / "folder.json").mkdir()
    code, _, stderr = run("build", str(catalogue), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "folder.json" in stderr and "Traceback" not in stderr


def test_help_shows_an_example() -> None:
    code, stdout, _ = run("build", "--help")
    assert code == 0 and "Example: service-codes build" in stdout


def test_an_invalid_guide_issues_no_code(catalogue: Path, tmp_path: Path) -> None:
    (catalogue / "guides" / "broken.json").write_text('{"name": ""}', encoding="utf-8")
    assert run("build", str(catalogue), "--out", str(tmp_path / "out"))[0] == 1
    assert not (catalogue / "codes.jsonl").exists()


def test_code_stability_of_the_bundled_catalogue(tmp_path: Path) -> None:
    """Rebuilding the bundled catalogue on a copy of the committed ledger changes no code."""
    copy = tmp_path / "registry"
    shutil.copytree(CATALOGUE, copy, ignore=shutil.ignore_patterns("codes.lock", "codes.snapshot"))
    committed = (CATALOGUE / "codes.jsonl").read_bytes()
    assert committed, "the bundled catalogue's ledger must be committed"
    code, stdout, _ = run("--lang", "en", "build", str(copy), "--out", str(tmp_path / "out"))
    assert code == 0 and " 0 new codes" in stdout
    assert (copy / "codes.jsonl").read_bytes() == committed
    reg = Registry.open(copy)
    for path in sorted((tmp_path / "out" / "guides").glob("*.json")):
        guide = from_json(path.read_bytes())
        assert reg.catalog_code_of(guide.matter) == guide.catalog_code, path.name
    Registry.open(CATALOGUE).verify()


@pytest.fixture
def ledger(catalogue: Path, tmp_path: Path) -> Path:
    assert run("build", str(catalogue), "--out", str(tmp_path / "out"))[0] == 0
    return catalogue


def registry_run(folder: Path, *args: str) -> tuple[int, str, str]:
    return run("--lang", "en", "registry", "--registry", str(folder), *args)


def first_code(folder: Path, name: str) -> str:
    reg = Registry.open(folder)
    return next(e["code"] for e in reg.events() if e.get("name") == name)


def test_registry_verify_and_log(ledger: Path) -> None:
    code, stdout, _ = registry_run(ledger, "verify")
    size = Registry.open(ledger).size
    assert code == 0 and stdout == f"ledger OK: {size} events\n"
    code, stdout, _ = registry_run(ledger, "log")
    assert code == 0 and len(stdout.splitlines()) == size
    code, stdout, _ = registry_run(ledger, "log", "--json")
    assert all(json.loads(line)["event"] for line in stdout.splitlines())


def test_registry_lifecycle_commands(ledger: Path) -> None:
    food = first_code(ledger, "临时救助")
    assert registry_run(ledger, "rename", food, "临时救助金", "--reason", "规范")[0] == 0
    code, stdout, _ = registry_run(ledger, "show", food)
    assert code == 0 and "临时救助金" in stdout and "state: in use" in stdout
    code, stdout, _ = registry_run(ledger, "split", food, "急难型", "支出型", "--reason", "细化")
    assert code == 0 and stdout.startswith(f"split {food} into ")
    new = stdout.split(" into ")[1].strip().split(", ")
    assert registry_run(ledger, "merge", new[0], new[1], "--reason", "合并")[0] == 0
    assert registry_run(ledger, "retire", new[0], "--reason", "取消")[0] == 0
    assert registry_run(ledger, "reinstate", new[0], "--reason", "恢复")[0] == 0
    code, stdout, _ = registry_run(ledger, "show", new[1])
    assert f"merged into {new[0]}" in stdout
    assert registry_run(ledger, "verify")[0] == 0


def test_registry_refusals_and_errors(ledger: Path, tmp_path: Path) -> None:
    code, _, stderr = registry_run(ledger, "retire", "000199999000", "--reason", "x")
    assert code == 1 and "not in the registry" in stderr
    assert registry_run(ledger, "retire", "000199999000")[0] == 2  # --reason is required
    assert registry_run(tmp_path / "nowhere", "verify")[0] == 2
    lines = (ledger / "codes.jsonl").read_bytes().splitlines(keepends=True)
    (ledger / "codes.jsonl").write_bytes(b"".join([lines[1], lines[0], *lines[2:]]))
    code, _, stderr = registry_run(ledger, "verify")
    assert code == 1 and "ledger line 1" in stderr
    code, _, stderr = registry_run(ledger, "log")
    assert code == 1 and "ledger line 1" in stderr and "Traceback" not in stderr


def test_registry_repair_command(ledger: Path) -> None:
    with open(ledger / "codes.jsonl", "ab") as file:
        file.write(b'{"code":')
    code, _, stderr = registry_run(ledger, "verify")
    assert code == 1 and "registry repair" in stderr
    code, stdout, _ = registry_run(ledger, "repair")
    assert code == 0 and "removed 8 bytes" in stdout
    assert registry_run(ledger, "verify")[0] == 0


@pytest.mark.parametrize("format_", ["json", "xml", "exchange"])
def test_export_writes_every_guide_in_the_format(
    catalogue: Path, tmp_path: Path, format_: str
) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run(
        "--lang", "en", "export", str(catalogue), "--format", format_, "--out", str(out)
    )
    assert code == 0 and f"({format_})" in stdout
    files = sorted((out / "guides").iterdir())
    assert len(files) == len(list((catalogue / "guides").glob("*.json")))
    first = next(f for f in files if f.name == "marriage-registration." + f.suffix[1:]).read_bytes()
    if format_ == "xml":
        assert from_xml(first).catalog_code is not None
    elif format_ == "exchange":
        assert from_exchange(json.loads(first)).catalog_code is not None
    else:
        assert from_json(first).catalog_code is not None


def test_exchange_export_replaces_an_earlier_export(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", str(catalogue), "--format", "exchange", "--out", str(out))[0] == 0
    (catalogue / "guides" / "marriage-registration.json").unlink()
    assert run("export", str(catalogue), "--format", "exchange", "--out", str(out))[0] == 0
    written = sorted(p.name for p in (out / "guides").iterdir())
    assert written == sorted(p.name for p in (catalogue / "guides").glob("*.json"))
    assert len(json.loads((out / "index.json").read_text("utf-8"))) == len(written)


def test_export_never_removes_a_file_it_did_not_write(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "guides").mkdir(parents=True)
    (out / "guides" / "notes.json").write_text("{}")
    code, _, stderr = run(
        "--lang", "en", "export", str(catalogue), "--format", "exchange", "--out", str(out)
    )
    assert code == 2 and "notes.json (not written by service-codes)" in stderr
    assert sorted(p.name for p in (out / "guides").iterdir()) == ["notes.json"]
    args = ["export", str(catalogue), "--format", "exchange", "--out", str(out), "--force"]
    assert run(*args)[0] == 0 and not (out / "guides" / "notes.json").exists()


def test_export_names_the_guide_a_scheme_cannot_code(catalogue: Path, tmp_path: Path) -> None:
    code, _, stderr = run(
        "--lang", "en", "export", str(catalogue), "--format", "exchange", "--scheme", "gbt39046",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 1 and ".json: ServiceObject.UNINCORPORATED_ENTERPRISE has no code" in stderr
    assert "nothing was written" in stderr and not (tmp_path / "out" / "guides").exists()


def test_validate_files_of_both_formats(tmp_path: Path) -> None:
    guide = from_json((CATALOGUE / "guides" / "marriage-registration.json").read_bytes())
    good_json = tmp_path / "good.json"
    good_json.write_text(to_json(guide), encoding="utf-8")
    good_xml = tmp_path / "good.xml"
    good_xml.write_bytes(to_xml(guide))
    code, stdout, _ = run("--lang", "en", "validate", str(good_json), str(good_xml))
    assert code == 0 and stdout == "2 files, 0 invalid\n"
    bad = tmp_path / "bad.xml"
    bad.write_bytes(to_xml(attrs.evolve(guide, visits=2, visit_reason=None)))
    code, stdout, _ = run("--lang", "en", "validate", str(good_json), str(bad))
    assert code == 1
    assert f"{bad}: /visit_reason: 2 visit(s) to the site need a reason" in stdout
    code, stdout, _ = run("--lang", "zh", "validate", str(bad))
    assert "须说明必须现场办理的原因" in stdout and "1 个无效" in stdout


def test_validate_json_output_and_junk(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\xff not json")
    code, stdout, _ = run("validate", "--json", str(junk))
    report = json.loads(stdout)
    assert code == 1 and report[0]["ok"] is False
    assert report[0]["problems"][0]["rule"] == "json.encoding"  # not UTF-8, GBK or UTF-16
    assert run("validate", str(tmp_path / "missing.json"))[0] == 2


def test_export_refuses_to_write_over_the_catalogue(catalogue: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in (catalogue / "guides").iterdir())
    assert run("export", str(catalogue), "--format", "xml", "--out", str(catalogue))[0] == 2
    assert sorted(p.name for p in (catalogue / "guides").iterdir()) == before
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, stderr = run("export", str(catalogue), "--out", str(blocker / "sub"))
    assert code == 2 and "cannot write" in stderr and "Traceback" not in stderr


def test_check_reports_a_damaged_ledger(ledger: Path) -> None:
    with open(ledger / "codes.jsonl", "ab") as file:
        file.write(b'{"torn')
    code, _, stderr = run("--lang", "en", "check", str(ledger))
    assert code == 2 and "registry repair" in stderr and "Traceback" not in stderr


def test_lang_may_follow_the_subcommand(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("{")
    code, stdout, _ = run("validate", "--lang", "zh", str(junk))
    assert code == 1 and "不是有效的 JSON" in stdout
