"""An incremental build trusts a source's size, time and inode without reading it, as git's
index does; a racy edit (same size, within the timestamp granularity) is still rebuilt, and
--checksum reads everything."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from service_codes import to_json
from service_codes.build import build
from service_codes.cli import main
from service_codes.manifest import RACY_NS, SOURCES

sys.path.insert(0, str(ROOT / "bench"))
import synth

GUIDES = 60
BOTH = ("json", "xml")
HOUR_NS = 3600 * 10**9


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    guides = tmp_path / "catalogue" / "guides"
    guides.mkdir(parents=True)
    for index, guide in enumerate(synth.guides(GUIDES)):
        (guides / f"{index:04d}.json").write_text(to_json(guide), encoding="utf-8")
    return tmp_path / "catalogue"


def age(catalogue: Path, ns: int = HOUR_NS) -> None:
    """Make every source look modified ``ns`` ago: long past any racy window."""
    for path in (catalogue / "guides").iterdir():
        os.utime(path, ns=(time.time_ns() - ns, time.time_ns() - ns))


def rewrite_in_place(path: Path) -> bytes:
    """Change one character of a guide, keeping its size, inode and modification time."""
    before = path.stat()
    data = path.read_bytes()
    changed = data.replace("承诺".encode(), "许诺".encode(), 1)
    assert changed != data and len(changed) == len(data)
    with path.open("r+b") as file:  # the same inode
        file.write(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    return changed


def test_a_source_whose_stat_is_unchanged_is_not_read_and_checksum_reads_it(
    catalogue: Path, tmp_path: Path
) -> None:
    age(catalogue)
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    rewrite_in_place(catalogue / "guides" / "0007.json")
    trusted = build(catalogue, out, BOTH, incremental=True)
    assert trusted.rebuilt == 0  # the edit hides behind the recorded stat: nothing was read
    assert "许诺".encode() not in (out / "guides" / "0007.json").read_bytes()
    checked = build(catalogue, out, BOTH, incremental=True, checksum=True)
    assert checked.rebuilt == 1
    assert "许诺".encode() in (out / "guides" / "0007.json").read_bytes()


def test_a_racy_edit_keeping_size_and_time_is_rebuilt(catalogue: Path, tmp_path: Path) -> None:
    # Sources written just now, built at once: an edit within the same timestamp tick keeps
    # the time, so the build that read them cannot trust their stat next time.
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    rows = (out / SOURCES).read_text("utf-8").splitlines()
    assert len(rows) == GUIDES and all(row.split("\t")[1] == "-1" for row in rows)
    rewrite_in_place(catalogue / "guides" / "0007.json")
    again = build(catalogue, out, BOTH, incremental=True)
    assert again.rebuilt == 1
    assert "许诺".encode() in (out / "guides" / "0007.json").read_bytes()


def test_a_source_only_touched_is_not_rebuilt_and_its_new_stat_is_recorded(
    catalogue: Path, tmp_path: Path
) -> None:
    age(catalogue)
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    touched = catalogue / "guides" / "0011.json"
    when = time.time_ns() - 2 * RACY_NS
    os.utime(touched, ns=(when, when))
    again = build(catalogue, out, BOTH, incremental=True)
    assert again.rebuilt == 0
    row = (out / SOURCES).read_text("utf-8").splitlines()[11].split("\t")
    assert (int(row[1]), int(row[2]), int(row[3])) == (
        touched.stat().st_size,
        when,
        touched.stat().st_ino,
    )
    # Trusted now: an in-place edit hides behind the new stat, as behind the old one.
    rewrite_in_place(touched)
    assert build(catalogue, out, BOTH, incremental=True).rebuilt == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.unlink(),
        lambda p: p.write_text("not\ta row\n", encoding="utf-8"),
        lambda p: p.write_text("".join(p.read_text("utf-8").splitlines(True)[1:]), "utf-8"),
    ],
    ids=["missing", "damaged", "one row short"],
)
def test_a_lost_or_damaged_sources_file_only_means_reading(
    catalogue: Path, tmp_path: Path, damage: object
) -> None:
    age(catalogue)
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    rewrite_in_place(catalogue / "guides" / "0007.json")
    damage(out / SOURCES)  # type: ignore[operator]
    again = build(catalogue, out, BOTH, incremental=True)
    assert again.incremental and again.rebuilt == 1
    assert "许诺".encode() in (out / "guides" / "0007.json").read_bytes()
    assert len((out / SOURCES).read_text("utf-8").splitlines()) == GUIDES


def test_the_command_line_has_checksum(catalogue: Path, tmp_path: Path) -> None:
    age(catalogue)
    out = tmp_path / "out"
    args = ["--lang", "en", "build", str(catalogue), "--out", str(out), "--incremental"]
    assert CliRunner().invoke(main, args).exit_code == 0
    rewrite_in_place(catalogue / "guides" / "0003.json")
    assert CliRunner().invoke(main, args).exit_code == 0
    assert "许诺".encode() not in (out / "guides" / "0003.json").read_bytes()
    result = CliRunner().invoke(main, [*args, "--checksum"])
    assert result.exit_code == 0, result.output
    assert "许诺".encode() in (out / "guides" / "0003.json").read_bytes()


def test_the_same_catalogue_elsewhere_builds_the_same_manifest(
    catalogue: Path, tmp_path: Path
) -> None:
    twin = Path(shutil.copytree(catalogue, tmp_path / "twin"))
    build(catalogue, tmp_path / "one", BOTH)
    build(twin, tmp_path / "two", BOTH, workers=2)
    assert (tmp_path / "one" / "manifest.tsv").read_bytes() == (
        tmp_path / "two" / "manifest.tsv"
    ).read_bytes()
    assert (tmp_path / "one" / SOURCES).read_bytes() != (tmp_path / "two" / SOURCES).read_bytes()
