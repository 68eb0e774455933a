"""Several processes share one ledger; a writer killed mid-batch loses nothing acknowledged."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, Locations

from service_codes import Matter, MatterType, Registry, RegistryCorrupt

# A child process: assign batches of overlapping matters and print each acknowledged code.
WORKER = """
import json, sys
sys.path.insert(0, {tests!r})
from test_registry import guide
from service_codes import Registry
folder, start, batches, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
reg = Registry.open(folder, create=True)
for b in range(batches):
    names = [f"事项{{(start + b * size + i) % 150:03d}}" for i in range(size)]
    out = reg.assign_many([guide(n, materials=("申请书", n)) for n in names])
    print(json.dumps([[g.name, str(g.catalog_code)] for g in out], ensure_ascii=False), flush=True)
""".format(tests=str(ROOT / "tests"))


def worker(folder: Path | str, start: int, batches: int, size: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(folder), str(start), str(batches), str(size)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def matter(name: str) -> Matter:
    return Matter(
        origin="00",
        matter_type=MatterType.LICENSING,
        name=name,
        sub_name=None,
        legal_basis=(),
        competent_department="部门",
    )


def acknowledged(output: str) -> dict[str, str]:
    codes: dict[str, str] = {}
    for line in output.splitlines():
        for name, code in json.loads(line):
            assert codes.setdefault(name, code) == code
    return codes


def test_four_processes_assigning_overlapping_sets(locations: Locations) -> None:
    location = locations.new()  # a folder, then a PostgreSQL database
    children = [worker(location, start, batches=6, size=25) for start in (0, 10, 40, 75)]
    outputs = [child.communicate(timeout=120)[0] for child in children]
    assert all(child.returncode == 0 for child in children)
    seen: dict[str, str] = {}
    for output in outputs:
        for name, code in acknowledged(output).items():
            assert seen.setdefault(name, code) == code, f"{name} got two codes"
    assert len(set(seen.values())) == len(seen), "a code was given to two matters"
    assert len(seen) == 150  # each worker went round all the matters
    with Registry.open(location) as reg:
        reg.verify()
        issued = [e["code"] for e in reg.events() if e["event"] == "issue"]
        assert len(issued) == len(set(issued))
        assert {str(reg.catalog_code_of(matter(n))) for n in seen} == set(seen.values())


def test_a_writer_killed_mid_batch_loses_nothing_acknowledged(locations: Locations) -> None:
    location = locations.new()  # a folder, then a PostgreSQL database
    rnd = random.Random(20261125)
    survived: dict[str, str] = {}
    torn = 0
    for round_ in range(20):
        child = worker(location, start=round_ * 37, batches=1000, size=60)
        assert child.stdout is not None
        lines = [child.stdout.readline()]  # wait until it is writing
        time.sleep(rnd.uniform(0, 0.3))
        child.send_signal(signal.SIGKILL)
        rest = child.communicate()[0]
        assert child.returncode == -signal.SIGKILL, "the writer ended before it was killed"
        codes = acknowledged("".join(lines) + rest)
        try:
            reg = Registry.open(location)
        except RegistryCorrupt as error:
            # Only a file can be left with a torn last line; a killed transaction leaves
            # no row at all.
            assert locations.backend == "file" and error.torn, error
            torn += 1
            done = Registry.repair(location)
            assert done.removed > 0 or done.completed
            reg = Registry.open(location)
        with reg:
            reg.verify()
            for name, code in {**survived, **codes}.items():
                assert str(reg.catalog_code_of(matter(name))) == code
            issued = [e["code"] for e in reg.events() if e["event"] == "issue"]
            assert len(issued) == len(set(issued)), "a code was issued twice"
        survived.update(codes)
    assert len(survived) == 150  # every matter was acknowledged at some point


TEARING_WORKER = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from test_registry import guide
from service_codes import Registry, ledger
reg = Registry.open(sys.argv[1], create=True)
reg.assign_many([guide("事项甲"), guide("事项乙")])
print("acknowledged", flush=True)
real_write = os.write
def half_then_die(fd, data):
    real_write(fd, data[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)
ledger.os.write = half_then_die
reg.assign_many([guide(f"事项{{i}}") for i in range(50)])
""".format(tests=str(ROOT / "tests"))


def test_a_crash_inside_the_write_leaves_a_torn_tail_that_repair_cuts(tmp_path: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-c", TEARING_WORKER, str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL and child.stdout == "acknowledged\n"
    try:
        Registry.open(tmp_path)
        raise AssertionError("a torn tail must be reported")
    except RegistryCorrupt as error:
        assert error.torn
    assert Registry.repair(tmp_path).removed > 0
    reg = Registry.open(tmp_path)
    reg.verify()
    assert str(reg.catalog_code_of(matter("事项乙"))) == "000100001000"  # 乙 sorts before 甲
    assert str(reg.catalog_code_of(matter("事项甲"))) == "000100002000"
    assert 2 <= reg.size < 2 + 50  # whole lines of the torn batch may stay; they verify
