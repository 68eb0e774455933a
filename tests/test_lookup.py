"""``registry show`` answers every kind of code: parts, the issued codes it rests on, state."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from service_codes import (
    CaseNumber,
    MaterialCode,
    Registry,
    from_json,
    parse_code,
)
from service_codes.cli import main
from service_codes.lookup import look_up


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled catalogue, built: its ledger folder and its published guides."""
    root = tmp_path_factory.mktemp("lookup")
    catalogue = root / "catalogue"
    shutil.copytree(ROOT / "registry" / "guides", catalogue / "guides")
    result = CliRunner().invoke(main, ["build", str(catalogue), "--out", str(root / "out")])
    assert result.exit_code == 0, result.stderr
    return catalogue, root / "out" / "guides"


def _codes_of_every_kind(guides: Path) -> dict[str, str]:
    """One code of each of the five kinds, from the guides the build wrote."""
    found: dict[str, str] = {}
    for path in sorted(guides.glob("*.json")):
        guide = from_json(path.read_bytes())
        assert guide.catalog_code and guide.implementation_code
        found.setdefault("catalog code", str(guide.catalog_code))
        found.setdefault("implementation code", str(guide.implementation_code))
        found.setdefault("material code", str(guide.materials[0].code))
        for item in guide.handling_items:
            found.setdefault("handling-item code", str(item.code))
        case = CaseNumber(guide.implementation_code, dt.date(2024, 3, 1), "00001")
        found.setdefault("case number", str(case))
    assert len(found) == 5
    return found


def _show(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["--lang", "en", "registry", "--registry", str(folder), "show", *args]
    )
    return result.exit_code, result.stdout, result.stderr


def test_registry_show_answers_every_kind_built_from_the_bundled_catalogue(
    built: tuple[Path, Path],
) -> None:
    catalogue, guides = built
    for kind, code in _codes_of_every_kind(guides).items():
        status, stdout, stderr = _show(catalogue, code)
        assert status == 0, (kind, stderr)
        lines = stdout.splitlines()
        assert lines[0] == f"code: {code} ({kind})"
        catalog = code if len(code) == 12 else code[19:31]
        assert f"catalog code {catalog}" in lines
        assert "  state: in use" in lines
        assert any(" issue " in line for line in lines)  # its history
        assert (": composed from issued codes" in stdout) is (
            kind in ("implementation code", "case number")
        )
        if kind in ("handling-item code", "material code"):
            assert f"{kind} {code}" in lines  # the part itself, issued


def test_a_well_formed_code_not_issued_here_exits_1(built: tuple[Path, Path]) -> None:
    catalogue, guides = built
    implementation = _codes_of_every_kind(guides)["implementation code"]
    unknown = implementation[:19] + "009999999000"
    status, stdout, stderr = _show(catalogue, unknown)
    assert status == 1
    assert "catalog code 009999999000\n  not issued here" in stdout
    assert stderr == f"{unknown} is well-formed, not issued here\n"
    material = implementation + "999"
    status, stdout, _ = _show(catalogue, material)
    assert status == 1 and f"material code {material}\n  not issued here" in stdout
    assert "  state: in use" in stdout  # its catalog code is issued


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("E-000004-001-0001", "provincial local code"),
        ("000104002", "leading zeros"),
        ("00010400200#", "must be digits"),
        ("11450721MB1558081140001040020002024023", "closest to"),
    ],
)
def test_a_malformed_code_exits_2_with_the_reason(
    built: tuple[Path, Path], text: str, says: str
) -> None:
    status, stdout, stderr = _show(built[0], text)
    assert status == 2 and stdout == "" and says in stderr


def test_a_retired_part_shows_its_state(built: tuple[Path, Path], tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    shutil.copytree(built[0], folder)
    codes = _codes_of_every_kind(built[1])
    reg = Registry.open(folder)
    material = parse_code(codes["material code"])
    assert isinstance(material, MaterialCode)
    reg.retire(str(material), reason="材料取消")
    found = look_up(Registry.open(folder), codes["material code"])
    assert [issued.role for issued in found.rests_on] == ["catalog code", "material code"]
    assert found.issued and found.rests_on[-1].state is not None
    assert found.rests_on[-1].state.state == "retired"
    assert found.rests_on[-1].state.reason == "材料取消"
    status, stdout, _ = _show(folder, codes["material code"])
    assert status == 0 and "state: retired on " in stdout and "材料取消" in stdout
