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

from service_codes import Registry
from service_codes.identifiers import organization_check_character, uscc_check_character

# A child process: code `count` guides one by one, printing each acknowledged answer.
WORKER = """
import json, sys, time
sys.path.insert(0, {tests!r})
from test_registry import guide
from service_codes import Registry, RegistryUnavailable
dsn, uscc, start, count, spread = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
reg = Registry.open(dsn)
done = 0
while done < count:
    name = f"事项{{(start + done) % spread:04d}}"
    try:
        out = reg.assign(guide(name, uscc=uscc, materials=("申请书", name)))
    except RegistryUnavailable:  # the server is restarting: nothing of it was acknowledged
        time.sleep(0.2)
        continue
    answer = [name, uscc, str(out.catalog_code), [str(m.code) for m in out.materials]]
    print(json.dumps(answer, ensure_ascii=False), flush=True)
    done += 1
""".format(tests=str(ROOT / "tests"))


def worker(dsn: str, uscc: str, start: int, count: int, spread: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, dsn, uscc, str(start), str(count), str(spread)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def agency(number: int) -> str:
    """A valid USCC of an agency of 雁塔区 (region 610113)."""
    organization = f"{number:08d}"
    body = f"11610113{organization}{organization_check_character(organization)}"
    return body + uscc_check_character(body)


Answer = tuple[str, str, str, tuple[str, ...]]  # name, agency, catalog code, material codes


def answers(output: str) -> list[Answer]:
    found = []
    for line in output.splitlines():
        name, uscc, catalog, materials = json.loads(line)
        found.append((name, uscc, catalog, tuple(materials)))
    return found


def check_registry(dsn: str, acknowledged: list[Answer]) -> None:
    """Everything acknowledged is there; no identity or code twice; no gap anywhere."""
    reg = Registry.open(dsn)
    reg.verify()  # the hash chain and positions (a missing row is named), every event
    events = reg.events()
    assert len(events) == reg.size
    issued = [e for e in events if e["event"] == "issue"]
    codes = [e["code"] for e in issued]
    identities = [tuple(e["identity"]) for e in issued]
    assert len(set(codes)) == len(codes), "a code was issued twice"
    assert len(set(identities)) == len(identities), "an identity got two codes"
    mains: dict[str, set[int]] = defaultdict(set)
    parts: dict[str, set[int]] = defaultdict(set)
    for code in codes:
        if len(code) == 12:
            mains[code[:4]].add(int(code[4:9]))
        else:
            parts[code[:31]].add(int(code[31:]))
    for numbers in (*mains.values(), *parts.values()):
        assert numbers == set(range(1, len(numbers) + 1)), "a sequence has a gap"
    by_answer: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    for name, uscc, catalog, materials in acknowledged:
        kept = by_answer.setdefault((name, uscc), (catalog, materials))
        assert kept == (catalog, materials), f"{name} of {uscc} was answered two ways"
    size = reg.size
    for (name, uscc), (catalog, materials) in by_answer.items():
        again = reg.assign(guide(name, uscc=uscc, materials=("申请书", name)))
        assert (str(again.catalog_code), tuple(str(m.code) for m in again.materials)) == (
            catalog,
            materials,
        )
    assert reg.size == size, "an acknowledged code was missing and issued again"


@pytest.fixture
def centers(pg_registries: Any) -> Iterator[tuple[str, list[str]]]:
    """A shared registry and the DSNs of four centers' roles, each granted the catalogue
    and its own agency."""
    dsn = pg_registries.new()
    database = dsn.rsplit("/", 1)[1]
    roles = [f"center_{uuid.uuid4().hex[:8]}" for _ in range(4)]
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
    pg_registries.drop_all()  # the roles' connections go with the database
    with psycopg.connect(pg_registries.server.dsn(), autocommit=True) as conn:
        for role in roles:
            conn.execute(f"DROP ROLE {role}")


def test_eight_writers_of_four_centers_share_one_registry_without_gap_or_duplicate(
    centers: tuple[str, list[str]],
) -> None:
    dsn, center_dsns = centers
    count = 2_000  # assigns per process, as the acceptance asks: about a minute here
    children = [
        worker(center_dsns[c], agency(c + 1), start=start, count=count, spread=300)
        for c in range(4)
        for start in (c * 50, c * 50 + 120)  # two processes of a center share guides
    ]
    outputs = [child.communicate(timeout=900)[0] for child in children]
    assert [child.returncode for child in children] == [0] * 8
    acknowledged = [a for output in outputs for a in answers(output)]
    assert len(acknowledged) == 8 * count
    # The centers share matters: each of the 300 has one catalog code for all of them.
    catalog_of: dict[str, set[str]] = defaultdict(set)
    for name, _, catalog, _ in acknowledged:
        catalog_of[name].add(catalog)
    assert len(catalog_of) == 300 and all(len(codes) == 1 for codes in catalog_of.values())
    check_registry(dsn, acknowledged)


def test_killed_writers_and_a_restarted_server_lose_nothing_acknowledged() -> None:
    if not pgserver.binaries_available():
        pytest.skip("no PostgreSQL binaries to run a server that may be restarted")
    rnd = random.Random(20261203)
    kills = 50  # the acceptance's floor, also under CI: about a minute here
    with pgserver.PgServer.start() as server:
        dsn = server.create_database("shared")
        Registry.open(dsn, create=True).close()
        acknowledged: list[Answer] = []
        killed = 0
        restarted = False
        while killed < kills:
            pair = [
                worker(dsn, agency(1 + n % 2), start=rnd.randrange(500), count=10**6, spread=500)
                for n in range(2)
            ]
            for child in pair:
                assert child.stdout is not None
                child.stdout.readline()  # it is writing; the line may be lost with it
            if killed >= kills // 2 and not restarted:
                server.restart_immediate()  # both are mid-write as the server goes down
                restarted = True
            time.sleep(rnd.uniform(0.05, 0.4))
            for child in pair:
                child.send_signal(signal.SIGKILL)
                acknowledged += answers(child.communicate()[0])
                killed += 1
        assert restarted
        with psycopg.connect(dsn) as conn:
            positions = conn.execute(
                "SELECT count(*), min(position), max(position) FROM service_codes.events"
            ).fetchone()
        assert positions is not None and positions[0] == positions[2] and positions[1] == 1
        check_registry(dsn, acknowledged)
