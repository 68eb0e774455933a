"""An incremental build trusts a source's size, times and inode without reading it, as git's
index does; a source changed within the racy window of the build that read it is read again,
and --checksum reads everything."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

import service_codes.build
import service_codes.manifest
from service_codes import to_json
from service_codes.build import build
from service_codes.cli import main
from service_codes.manifest import MANIFEST, SOURCES, BuildError
from service_codes.output import UnsafeWrite

sys.path.insert(0, str(ROOT / "bench"))
import synth

GUIDES = 60
BOTH = ("json", "xml")
WINDOW_NS = 100_000_000  # the racy window, shortened so that a test need not wait 3 s


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    guides = tmp_path / "catalogue" / "guides"
    guides.mkdir(parents=True)
    for index, guide in enumerate(synth.guides(GUIDES)):
        (guides / f"{index:04d}.json").write_text(to_json(guide), encoding="utf-8")
    return tmp_path / "catalogue"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources a one-process build reads, in order; the racy window made short."""
    monkeypatch.setattr(service_codes.manifest, "RACY_NS", WINDOW_NS)
    read, names = service_codes.build._read, []

    def counted(path: Path) -> tuple[bytes, service_codes.manifest.Stat]:
        names.append(path.name)
        return read(path)

    monkeypatch.setattr(service_codes.build, "_read", counted)
    return names


def settle() -> None:
    """Let the racy window of what was just written pass."""
    time.sleep(2 * WINDOW_NS / 1e9)


def incremental(catalogue: Path, out: Path, reads: list[str], **kw: object) -> tuple[int, int]:
    """(guides rebuilt, sources read) of an incremental build (a rebuilt one is read twice:
    to check it, and to write it)."""
    reads.clear()
    built = build(catalogue, out, BOTH, incremental=True, **kw)  # type: ignore[arg-type]
    return built.rebuilt, len(set(reads))


def rewrite_in_place(path: Path) -> None:
    """Change one character of a guide, keeping its size, inode and modification time."""
    before = path.stat()
    data = path.read_bytes()
    changed = data.replace("承诺".encode(), "许诺".encode(), 1)
    assert changed != data and len(changed) == len(data)
    with path.open("r+b") as file:
        file.write(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


def test_unchanged_sources_are_not_read_and_checksum_reads_them_all(
    catalogue: Path, tmp_path: Path, reads: list[str]
) -> None:
    settle()
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    assert incremental(catalogue, out, reads) == (0, 0)
    assert incremental(catalogue, out, reads, checksum=True) == (0, GUIDES)


def test_an_edit_keeping_size_and_mtime_is_seen_by_its_ctime(
    catalogue: Path, tmp_path: Path, reads: list[str]
) -> None:
    settle()
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    rewrite_in_place(catalogue / "guides" / "0007.json")
    assert incremental(catalogue, out, reads) == (1, 1)
    assert "许诺".encode() in (out / "guides" / "0007.json").read_bytes()


def test_sources_changed_within_the_racy_window_are_read_again(
    catalogue: Path, tmp_path: Path, reads: list[str]
) -> None:
    # Built at once after they were written: an edit in the same clock tick would keep both
    # times, so the build that read them records them smudged and the next one reads them.
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    rows = (out / SOURCES).read_text("utf-8").splitlines()
    assert len(rows) == GUIDES and all(row.split("\t")[1] == "-1" for row in rows)
    settle()
    assert incremental(catalogue, out, reads) == (0, GUIDES)  # smudged: read, unchanged
    assert incremental(catalogue, out, reads) == (0, 0)  # out of the window now: trusted


def test_a_touched_source_is_read_once_and_its_new_stat_recorded(
    catalogue: Path, tmp_path: Path, reads: list[str]
) -> None:
    settle()
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    touched = catalogue / "guides" / "0011.json"
    os.utime(touched)
    settle()
    assert incremental(catalogue, out, reads) == (0, 1)
    assert reads == ["0011.json"]
    row = (out / SOURCES).read_text("utf-8").splitlines()[11].split("\t")
    stat = touched.stat()
    assert [int(v) for v in row[1:]] == [
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
        stat.st_ino,
    ]
    assert incremental(catalogue, out, reads) == (0, 0)


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
    catalogue: Path, tmp_path: Path, reads: list[str], damage: Callable[[Path], object]
) -> None:
    settle()
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    damage(out / SOURCES)
    assert incremental(catalogue, out, reads) == (0, GUIDES)
    assert incremental(catalogue, out, reads) == (0, 0)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.rstrip("\n"),
        lambda text: text.replace("\n", "\textra\n", 2).replace("\textra\n", "\n", 1),
    ],
    ids=["no final newline", "an extra field"],
)
def test_a_manifest_line_cut_short_or_longer_is_damage(
    catalogue: Path, tmp_path: Path, damage: Callable[[str], str]
) -> None:
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    manifest = out / MANIFEST
    manifest.write_text(damage(manifest.read_text("utf-8")), encoding="utf-8")
    with pytest.raises(BuildError, match="damaged at line"):
        build(catalogue, out, BOTH, incremental=True)


def test_a_folder_where_an_output_belongs_is_refused(
    catalogue: Path, tmp_path: Path, reads: list[str]
) -> None:
    settle()
    out = tmp_path / "out"
    build(catalogue, out, BOTH)
    (out / "guides" / "0004.xml").unlink()
    (out / "guides" / "0004.xml").mkdir()
    with pytest.raises(UnsafeWrite, match=r"0004\.xml \(foreign\)"):
        build(catalogue, out, BOTH, incremental=True)


def test_the_command_line_has_checksum(catalogue: Path, tmp_path: Path, reads: list[str]) -> None:
    settle()
    out = tmp_path / "out"
    args = ["--lang", "en", "build", str(catalogue), "--out", str(out), "--workers", "1"]
    assert CliRunner().invoke(main, args).exit_code == 0
    reads.clear()
    assert CliRunner().invoke(main, [*args, "--incremental"]).exit_code == 0
    assert reads == []
    result = CliRunner().invoke(main, [*args, "--incremental", "--checksum"])
    assert result.exit_code == 0, result.output
    assert len(reads) == GUIDES


def test_two_workers_over_batches_trust_what_one_does_and_the_manifest_is_the_same(
    catalogue: Path, tmp_path: Path, reads: list[str]
) -> None:
    twin = Path(shutil.copytree(catalogue, tmp_path / "twin"))
    settle()
    build(catalogue, tmp_path / "one", BOTH, batch=7)
    build(twin, tmp_path / "two", BOTH, workers=2, batch=7)
    one, two = tmp_path / "one", tmp_path / "two"
    assert (one / MANIFEST).read_bytes() == (two / MANIFEST).read_bytes()
    assert (one / SOURCES).read_bytes() != (two / SOURCES).read_bytes()  # other inodes
    before = (two / "index.json").read_bytes()
    again = build(twin, two, BOTH, incremental=True, workers=2, batch=7)
    assert (again.incremental, again.rebuilt) == (True, 0)
    assert (two / "index.json").read_bytes() == before
    rewrite_in_place(twin / "guides" / "0033.json")
    edited = build(twin, two, BOTH, incremental=True, workers=2, batch=7)
    assert edited.rebuilt == 1
    assert "许诺".encode() in (two / "guides" / "0033.json").read_bytes()
