"""One PostgreSQL registry shared by many service centers: no gap, no duplicate, no loss.

Writers are real processes, each connected as its center's own role; some are killed with
SIGKILL mid-write, and the server itself is restarted with ``pg_ctl restart -m immediate``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pgserver
import psycopg
import pytest
from conftest import ROOT
from test_registry import guide

from service_codes import ImplementationCode, MatterType, Registry, RegistryRefused
from service_codes.identifiers import organization_check_character, uscc_check_character
from service_codes.index import MATERIAL, Identity, matter_identity, part_identity

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def agency(number: int) -> str:
    """A valid USCC of an agency of 雁塔区 (region 610113)."""
    organization = f"{number:08d}"
    body = f"11610113{organization}{organization_check_character(organization)}"
    return body + uscc_check_character(body)


# name, sub-item name, agency, catalog code, implementation code, [[material, code], ...]
Answer = tuple[str, str | None, str, str, str, tuple[tuple[str, str], ...]]


def answers(output: str) -> list[Answer]:
    """The acknowledged answers a worker printed; other lines are its notes."""
    found = []
    for line in output.splitlines():
        answer = json.loads(line)
        if isinstance(answer, list):
            name, sub, uscc, catalog, implementation, materials = answer
            found.append((name, sub, uscc, catalog, implementation, tuple(map(tuple, materials))))
    return found


def positions(dsn: str) -> tuple[int, int, int]:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT count(*), coalesce(min(position), 0), coalesce(max(position), 0)"
            " FROM service_codes.events"
        ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def check_registry(dsn: str, acknowledged: list[Answer]) -> dict[str, Identity]:
    """The ledger verifies; every code has one identity and every identity one code; no
    sequence has a gap; every acknowledged code is there with its identity. Returns the
    identity of every code."""
    count, first, last = positions(dsn)
    assert count == last and first == min(1, count), "the positions have a gap"
    with Registry.open(dsn) as reg:
        reg.verify()  # the hash chain and positions (a missing row is named), every event
        events = reg.events()
        assert len(events) == reg.size == count
    assert {e["event"] for e in events} <= {"issue"}, "only assigns ran: nothing else is due"
    identity_of: dict[str, Identity] = {}
    code_of: dict[Identity, str] = {}
    for event in events:
        code, identity = event["code"], tuple(event["identity"])
        assert code not in identity_of, f"{code} was issued twice"
        assert identity not in code_of, f"{identity} got two codes"
        identity_of[code], code_of[identity] = identity, code
    # Sequences: main numbers per origin and type, sub-item numbers per main item, and part
    # numbers per kind and parent are each 1..n.
    sequences: dict[tuple[str, str], set[int]] = defaultdict(set)
    for code, identity in identity_of.items():
        if identity[0] == "catalog":
            sequences[("main", code[:4])].add(int(code[4:9]))
            assert (code[9:] == "000") == (identity[4] == ""), code
            if identity[4]:
                sequences[("sub", code[:9])].add(int(code[9:]))
        else:
            kind, parent, _ = identity
            assert code.startswith(parent), code
            sequences[(kind, parent)].add(int(code[len(parent) :]))
    for key, numbers in sequences.items():
        assert numbers == set(range(1, len(numbers) + 1)), f"{key} has a gap: {sorted(numbers)}"
    for name, sub, uscc, catalog, implementation, materials in acknowledged:
        wanted = matter_identity("00", MatterType.LICENSING, name, sub)
        assert identity_of.get(catalog) == wanted, f"{catalog} of {name} is lost"
        parsed = ImplementationCode.parse(implementation)
        assert (parsed.uscc, str(parsed.catalog)) == (uscc, catalog)
        for material, code in materials:
            wanted = part_identity(MATERIAL, implementation, material)
            assert identity_of.get(code) == wanted, f"{code} of {material} is lost"
    return identity_of


# --- 8 writers of 4 centers ------------------------------------------------------------------

# A child process: `calls` assigns (three of four one guide by assign, the rest two or three
# by assign_many) over 2,000 guides of its center, in its own random order, printing every
# acknowledged answer. The two processes of a center share 1,000 guides (with a material
# and a handling item of each process's own); neighbouring centers share matters, and
# centers 0 and 3 share sub-items too.
CENTER_WORKER = """
import json, random, sys
sys.path.insert(0, {tests!r})
from test_registry import guide
from service_codes import Registry
dsn, uscc, center, process, calls = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
rnd = random.Random(f"{{center}}-{{process}}")
first = center * 500 + process * 1000
pool, queue = list(range(first, first + 2000)), []

def spec(i):
    sub = None if i % 4 else ("新办", "变更", "延续")[(i // 4 + center) % 3]
    items = (f"办理项{{(i + process) % 2}}",) if i % 3 == 0 else ()
    materials = ("申请书", f"材料{{(i + process) % 5}}")
    return guide(f"事项{{i:04d}}", sub, uscc=uscc, materials=materials, items=items)

reg = Registry.open(dsn)
for _ in range(calls):
    picked = []
    for _ in range(1 if rnd.random() < 0.75 else rnd.randint(2, 3)):
        if not queue:
            queue = pool[:]
            rnd.shuffle(queue)
        picked.append(spec(queue.pop()))
    out = [reg.assign(picked[0])] if len(picked) == 1 else reg.assign_many(picked)
    for g in out:
        materials = [[m.name, str(m.code)] for m in g.materials]
        answer = [g.name, g.sub_name, uscc, str(g.catalog_code), str(g.implementation_code),
                  materials]
        print(json.dumps(answer, ensure_ascii=False), flush=True)
""".format(tests=str(ROOT / "tests"))


@pytest.fixture
def centers(pg_registries: Any) -> Iterator[tuple[str, list[str]]]:
    """A shared registry and the DSNs of four centers' LOGIN roles, each a member of
    service_codes_writer granted the catalogue and its own agency."""
    dsn = pg_registries.new()
    database = dsn.rsplit("/", 1)[1]
    roles = [f"center_{uuid.uuid4().hex[:12]}" for _ in range(4)]
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for number, role in enumerate(roles, start=1):
                conn.execute(
                    f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}' IN ROLE service_codes_writer"
                )
                conn.execute(
                    "INSERT INTO service_codes.grants VALUES (%s, 'catalogue'), (%s, %s)",
                    [role, role, agency(number)],
                )
        yield dsn, [pg_registries.server.dsn(database, user=r, password=f"pw-{r}") for r in roles]
    finally:
        pg_registries.drop_all()  # the roles' connections go with the database
        with psycopg.connect(pg_registries.server.dsn(), autocommit=True) as conn:
            for role in roles:
                conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_eight_writers_of_four_centers_share_one_registry_without_gap_or_duplicate(
    centers: tuple[str, list[str]],
) -> None:
    dsn, center_dsns = centers
    # 2,000 assigns per process (about 2,800 guides), as the acceptance asks, under CI too:
    # the whole test took 55 s on 2 cores (39,333 events), well under the 3 minutes that
    # would call for fewer.
    calls = 2_000
    began = time.monotonic()
    children = {
        (c, p): subprocess.Popen(
            [
                sys.executable,
                "-c",
                CENTER_WORKER,
                center_dsns[c],
                agency(c + 1),
                *map(str, (c, p, calls)),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for c in range(4)
        for p in range(2)
    }
    outputs = {key: child.communicate(timeout=900)[0] for key, child in children.items()}
    assert {key: child.returncode for key, child in children.items()} == dict.fromkeys(children, 0)
    took = time.monotonic() - began
    by_process = {key: answers(output) for key, output in outputs.items()}
    assert all(len(found) >= calls for found in by_process.values())
    acknowledged = [a for found in by_process.values() for a in found]
    identity_of = check_registry(dsn, acknowledged)

    # The sets did overlap as meant: matters coded by several centers, guides coded by
    # both processes of a center, material numbers that both of them took.
    centers_of: dict[str, set[str]] = defaultdict(set)
    for _, _, uscc, catalog, _, _ in acknowledged:
        centers_of[catalog].add(uscc)
    assert sum(len(u) >= 2 for u in centers_of.values()) >= 1_000
    for c in range(4):
        both = {a[4] for a in by_process[(c, 0)]} & {a[4] for a in by_process[(c, 1)]}
        assert len(both) >= 500, f"center {c}'s processes shared {len(both)} guides"
    materials_of: dict[str, int] = defaultdict(int)
    for identity in identity_of.values():
        if identity[0] == MATERIAL:
            materials_of[identity[1]] += 1
    assert max(materials_of.values()) == 3  # 申请书 and one material of each process

    # Each center writes only its own agency's codes: center 1 may not code center 2's.
    size = positions(dsn)[0]
    with Registry.open(center_dsns[0]) as reg, pytest.raises(RegistryRefused):
        reg.assign(guide("事项0001", uscc=agency(2), materials=("另一份材料",)))
    assert positions(dsn)[0] == size
    print(f"8 writers x {calls} assigns: {took:.1f} s, {size} events")


# --- killed writers and a restarted server --------------------------------------------------

# A child process: code guides one by one until killed, printing each acknowledged answer.
# While the server is down a write fails with RegistryUnavailable: it notes that and tries
# again (the library connects anew on the next write).
CRASH_WORKER = """
import json, sys, time
sys.path.insert(0, {tests!r})
from test_registry import guide
from service_codes import Registry, RegistryUnavailable
dsn, uscc, start, spread = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:5])
reg = Registry.open(dsn)
done = 0
while True:
    name = f"事项{{(start + done) % spread:04d}}"
    try:
        out = reg.assign(guide(name, uscc=uscc, materials=("申请书", name)))
    except RegistryUnavailable:  # nothing of this write was acknowledged
        print(json.dumps("unavailable"), flush=True)
        time.sleep(0.1)
        continue
    materials = [[m.name, str(m.code)] for m in out.materials]
    answer = [name, None, uscc, str(out.catalog_code), str(out.implementation_code), materials]
    print(json.dumps(answer, ensure_ascii=False), flush=True)
    done += 1
""".format(tests=str(ROOT / "tests"))


def crash_worker(dsn: str, uscc: str, start: int, spread: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CRASH_WORKER, dsn, uscc, str(start), str(spread)],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def read_until_recovered(child: subprocess.Popen[str]) -> str:
    """Lines of a writer until it failed with the server down and then coded again."""
    assert child.stdout is not None
    watchdog = threading.Timer(60, child.kill)  # a writer that never recovers fails the test
    watchdog.start()
    lines, failed = [], False
    try:
        while True:
            line = child.stdout.readline()
            assert line, f"the writer ended ({child.poll()}) before it coded again"
            lines.append(line)
            note = json.loads(line)
            failed = failed or note == "unavailable"
            if failed and isinstance(note, list):
                return "".join(lines)
    finally:
        watchdog.cancel()


def test_killed_writers_and_a_restarted_server_lose_nothing_acknowledged() -> None:
    if not pgserver.binaries_available():
        pytest.skip("no PostgreSQL binaries to run a server that may be restarted")
    rnd = random.Random(20261203)
    kills = 50  # the acceptance's floor, also under CI: about 30 s here
    with pgserver.PgServer.start() as server:  # private: the session's is never restarted
        dsn = server.create_database("shared")
        Registry.open(dsn, create=True).close()
        acknowledged: list[Answer] = []
        killed = restarts = 0
        while killed < kills:
            pair = [
                crash_worker(dsn, agency(1 + n), start=rnd.randrange(500), spread=500)
                for n in range(2)
            ]
            read = []
            for child in pair:
                assert child.stdout is not None
                read.append(child.stdout.readline())  # it is writing now
            if killed >= kills // 2 and not restarts:
                server.restart_immediate()  # both are mid-write as the server goes down
                restarts += 1
                read = [
                    r + read_until_recovered(child) for r, child in zip(read, pair, strict=True)
                ]
            time.sleep(rnd.uniform(0.05, 0.4))
            for r, child in zip(read, pair, strict=True):
                child.send_signal(signal.SIGKILL)
                acknowledged += answers(r + child.communicate()[0])
                assert child.returncode == -signal.SIGKILL, "a writer died before its kill"
                killed += 1
        assert restarts == 1 and killed >= 50
        identity_of = check_registry(dsn, acknowledged)
        # Nothing half-written: a guide's first assign writes both its materials in one
        # transaction, so every implementation code has both or none.
        materials_of: dict[str, int] = defaultdict(int)
        for identity in identity_of.values():
            if identity[0] == MATERIAL:
                materials_of[identity[1]] += 1
        assert set(materials_of.values()) == {2}
        assert {a[4] for a in acknowledged} <= materials_of.keys()
