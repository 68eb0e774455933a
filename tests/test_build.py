"""The streaming build: the same bytes with any number of workers, and incremental = full."""

from __future__ import annotations

import shutil
import sys
import threading
from pathlib import Path

import attrs
import pytest
from conftest import ROOT

from service_codes import Registry, from_json, from_xml, to_json
from service_codes.build import CatalogueInvalid, Listener, build
from service_codes.manifest import MANIFEST, SOURCES, BuildError
from service_codes.output import UnsafeWrite

sys.path.insert(0, str(ROOT / "bench"))
import synth

GUIDES = 130
BATCH = 40  # four batches, the last one short
BOTH = ("json", "xml")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic catalogue, written once for the module."""
    folder = tmp_path_factory.mktemp("synthetic")
    (folder / "guides").mkdir()
    for index, guide in enumerate(synth.guides(GUIDES)):
        (folder / "guides" / f"{index:04d}.json").write_text(to_json(guide), encoding="utf-8")
    return folder


@pytest.fixture
def catalogue(source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(source, tmp_path / "catalogue"))


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, but this machine's record of the
    sources' sizes, times and inodes (the same bytes make the same build anywhere else)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != SOURCES
    }


def ledger(catalogue: Path) -> bytes:
    return (catalogue / "codes.jsonl").read_bytes()


def test_one_and_two_workers_write_the_same_bytes_and_ledger(
    catalogue: Path, tmp_path: Path
) -> None:
    twin = Path(shutil.copytree(catalogue, tmp_path / "twin"))
    one = build(catalogue, tmp_path / "one", BOTH, workers=1, batch=BATCH)
    two = build(twin, tmp_path / "two", BOTH, workers=2, batch=BATCH)
    assert one == two and one.rebuilt == GUIDES and one.new_codes > GUIDES
    assert files(tmp_path / "one") == files(tmp_path / "two")
    assert ledger(catalogue) == ledger(twin)
    assert len(list((tmp_path / "one" / "guides").iterdir())) == 2 * GUIDES


def test_codes_are_those_of_one_assign_many_over_the_whole_catalogue(
    catalogue: Path, tmp_path: Path
) -> None:
    """Batches do not change codes: new matters are numbered over the whole catalogue."""
    build(catalogue, tmp_path / "out", ["json"], batch=BATCH)
    reference = Registry.open(tmp_path / "reference", create=True).assign_many(synth.guides(GUIDES))
    for index, expected in enumerate(reference):
        written = (tmp_path / "out" / "guides" / f"{index:04d}.json").read_bytes()
        assert written.decode() == to_json(expected)


def test_written_guides_read_back_in_both_formats(catalogue: Path, tmp_path: Path) -> None:
    build(catalogue, tmp_path / "out", BOTH, batch=BATCH)
    for index in (0, GUIDES - 1):
        stem = tmp_path / "out" / "guides" / f"{index:04d}"
        guide = from_json(stem.with_suffix(".json").read_bytes())
        assert from_xml(stem.with_suffix(".xml").read_bytes()) == guide
        assert guide.implementation_code is not None
        assert all(m.code is not None for m in guide.materials)


def edit(catalogue: Path) -> None:
    """Change one guide, add one, withdraw one."""
    guides = catalogue / "guides"
    changed = from_json((guides / "0005.json").read_bytes())
    changed = attrs.evolve(
        changed,
        materials=(
            *changed.materials,
            attrs.evolve(changed.materials[0], name="补充材料", order=len(changed.materials) + 1),
        ),
    )
    (guides / "0005.json").write_text(to_json(changed), encoding="utf-8")
    extra = next(synth.guides(1, start=GUIDES + 7))
    (guides / "0999.json").write_text(to_json(extra), encoding="utf-8")
    (guides / "0100.json").unlink()


def test_incremental_build_gives_the_bytes_and_ledger_of_a_full_build(
    catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(catalogue, out, BOTH, batch=BATCH)
    edit(catalogue)
    full_catalogue = Path(shutil.copytree(catalogue, tmp_path / "full-catalogue"))
    full_out = Path(shutil.copytree(out, tmp_path / "full-out"))

    incremental = build(catalogue, out, BOTH, incremental=True, batch=BATCH, workers=2)
    full = build(full_catalogue, full_out, BOTH, batch=BATCH)

    assert incremental.incremental and not full.incremental
    assert (incremental.rebuilt, full.rebuilt) == (2, GUIDES)  # the edited and the new guide
    assert incremental.new_codes == full.new_codes > 0
    assert files(out) == files(full_out)
    assert ledger(catalogue) == ledger(full_catalogue)
    assert not (out / "guides" / "0100.json").exists()
    assert (out / "guides" / "0999.xml").exists()


def test_an_unchanged_catalogue_rebuilds_nothing(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(catalogue, out, BOTH, batch=BATCH)
    before, codes = files(out), ledger(catalogue)
    again = build(catalogue, out, BOTH, incremental=True, batch=BATCH)
    assert (again.rebuilt, again.new_codes) == (0, 0)
    assert files(out) == before and ledger(catalogue) == codes


@pytest.mark.parametrize(
    "withdrawn",
    [
        ["0000.json"],
        ["0041.json", "0080.json"],
        ["0129.json"],
        [f"{i:04d}.json" for i in range(85, 130)],
    ],
    ids=["the first", "two in the middle", "the last", "the last batches"],
)
def test_withdrawn_guides_lose_their_outputs_as_in_a_full_build(
    catalogue: Path, tmp_path: Path, withdrawn: list[str]
) -> None:
    out = tmp_path / "out"
    build(catalogue, out, BOTH, batch=BATCH)
    for name in withdrawn:
        (catalogue / "guides" / name).unlink()
    full_catalogue = Path(shutil.copytree(catalogue, tmp_path / "full-catalogue"))
    full_out = Path(shutil.copytree(out, tmp_path / "full-out"))
    again = build(catalogue, out, BOTH, incremental=True, batch=BATCH, workers=2)
    full = build(full_catalogue, full_out, BOTH, batch=BATCH)
    stems = sorted(name.removesuffix(".json") for name in withdrawn)
    assert again.removed == full.removed == tuple(f"{s}.{f}" for s in stems for f in BOTH)
    assert files(out) == files(full_out)


def test_a_file_put_among_the_outputs_is_refused_as_a_full_build_refuses_it(
    catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(catalogue, out, BOTH, batch=BATCH)
    (out / "guides" / "notes.json").write_text("a person's notes", encoding="utf-8")
    for incremental in (True, False):
        with pytest.raises(UnsafeWrite, match=r"notes\.json \(changed\)"):
            build(catalogue, out, BOTH, incremental=incremental, batch=BATCH)
    assert (out / "guides" / "notes.json").read_text("utf-8") == "a person's notes"


def test_workers_started_beside_another_thread_write_the_same_bytes(
    catalogue: Path, tmp_path: Path
) -> None:
    build(catalogue, tmp_path / "forked", BOTH, batch=BATCH, workers=2)
    twin = Path(shutil.copytree(catalogue / "guides", tmp_path / "twin" / "guides")).parent
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        build(twin, tmp_path / "served", BOTH, batch=BATCH, workers=2)  # by a fork server
    finally:
        stop.set()
        waiting.join()
    assert files(tmp_path / "forked") == files(tmp_path / "served")
    assert ledger(catalogue) == ledger(twin)


def test_a_lost_output_file_is_written_again(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(catalogue, out, BOTH, batch=BATCH)
    before = files(out)
    (out / "guides" / "0042.xml").unlink()
    assert build(catalogue, out, BOTH, incremental=True, batch=BATCH).rebuilt == 1
    assert files(out) == before


def test_incremental_falls_back_to_full_when_the_ledger_or_formats_changed(
    catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(catalogue, out, ["json"], batch=BATCH)
    code = from_json((out / "guides" / "0003.json").read_bytes()).implementation_code
    assert code is not None
    registry = Registry.open(catalogue)
    registry.retire(str(code.catalog), reason="abolished")
    with pytest.raises(Exception, match="out of use"):  # the ledger now refuses the guide
        build(catalogue, out, ["json"], incremental=True, batch=BATCH)
    registry.reinstate(str(code.catalog), reason="restored")
    again = build(catalogue, out, ["json"], incremental=True, batch=BATCH)
    assert not again.incremental and again.rebuilt == GUIDES
    both = build(catalogue, out, BOTH, incremental=True, batch=BATCH)
    assert not both.incremental and both.rebuilt == GUIDES


def test_a_damaged_manifest_is_a_clear_error(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(catalogue, out, ["json"], batch=BATCH)
    lines = (out / MANIFEST).read_text("utf-8").splitlines(keepends=True)
    lines[9] = "not a row\n"
    (out / MANIFEST).write_text("".join(lines), encoding="utf-8")
    with pytest.raises(BuildError, match="line 10"):
        build(catalogue, out, ["json"], incremental=True, batch=BATCH)
    assert build(catalogue, out, ["json"], batch=BATCH).rebuilt == GUIDES


def test_an_invalid_guide_in_a_late_batch_writes_and_issues_nothing(
    catalogue: Path, tmp_path: Path
) -> None:
    (catalogue / "guides" / "0128.json").write_text('{"name": ""}', encoding="utf-8")
    heard: list[str] = []

    class Heard(Listener):
        def report(self, source: Path, report: object) -> None:
            heard.append(source.name)

    with pytest.raises(CatalogueInvalid) as caught:
        build(catalogue, tmp_path / "out", BOTH, batch=BATCH, workers=2, listener=Heard())
    assert (caught.value.counts.invalid, caught.value.total) == (1, GUIDES)
    assert heard == ["0128.json"]
    assert not (tmp_path / "out").exists() and not (catalogue / "codes.jsonl").exists()


def test_progress_counts_every_guide_once_per_phase(catalogue: Path, tmp_path: Path) -> None:
    seen: dict[str, int] = {}

    class Counting(Listener):
        def start(self, guides: int) -> None:
            seen["start"] = guides

        def advance(self, phase: str, guides: int) -> None:  # type: ignore[override]
            seen[phase] = seen.get(phase, 0) + guides

    build(catalogue, tmp_path / "out", ["json"], batch=BATCH, listener=Counting())
    assert seen == {"start": GUIDES, "check": GUIDES, "write": GUIDES}


def test_a_guide_edited_during_the_build_stops_it(catalogue: Path, tmp_path: Path) -> None:
    last = catalogue / "guides" / f"{GUIDES - 1:04d}.json"

    class Editor(Listener):
        checked = 0

        def advance(self, phase: str, guides: int) -> None:  # type: ignore[override]
            self.checked += guides if phase == "check" else 0
            if phase == "check" and self.checked == GUIDES:  # all checked, none written yet
                last.write_text(last.read_text("utf-8") + " ", encoding="utf-8")

    with pytest.raises(BuildError, match="changed during the build"):
        build(catalogue, tmp_path / "out", ["json"], batch=BATCH, listener=Editor())
    assert not (tmp_path / "out" / "index.json").exists()
    assert not list((tmp_path / "out").glob(".*.tmp"))  # no half-written index is left


def test_synthetic_catalogues_are_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    count = synth.CHUNK + 7  # two chunks, written by different processes
    first = synth.write_catalogue(tmp_path / "a", count)
    second = synth.write_catalogue(tmp_path / "b", count)
    other = synth.write_catalogue(tmp_path / "c", count, seed=7)
    assert len(files(first)) == count
    assert files(first) == files(second)
    assert files(first) != files(other)
