from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from service_codes import from_json, to_json
from service_codes.cli import main

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
        written = (out / "guides" / name).read_text("utf-8")
        assert written == to_json(from_json((catalogue / "guides" / name).read_bytes()))
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert [entry["file"] for entry in index] == [f"guides/{n}" for n in sources]
    assert stdout.splitlines()[0] == f"read: {len(sources)} guides from {catalogue / 'guides'}"
    assert f"validate: {len(sources)} guides, 0 errors" in stdout
    assert f"write: {len(sources)} guides and index.json to {out}" in stdout


def test_build_twice_gives_identical_bytes(catalogue: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", str(catalogue), "--out", str(first))[0] == 0
    assert run("build", str(catalogue), "--out", str(second))[0] == 0
    for path in first.rglob("*.json"):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_build_removes_guides_no_longer_in_the_catalogue(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "guides").mkdir(parents=True)
    (out / "guides" / "withdrawn.json").write_text("{}")
    assert run("build", str(catalogue), "--out", str(out))[0] == 0
    assert not (out / "guides" / "withdrawn.json").exists()


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
