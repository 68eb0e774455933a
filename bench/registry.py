"""Benchmark of the code registry: open, look-up and batch issue, on either ledger backend.

Builds a ledger of N events through the public API from bench/synth.py's guides (matters
implemented by many county agencies, each with its materials), then measures:
- opening it, cold (no snapshot) and warm (with the snapshot the cold open saved);
- look-ups of existing matters, against a bare dict look-up of prepared keys (the floor);
- issuing 100k new codes in one batch (one append, one fsync).

With ``--backend postgresql`` the same file ledger is exported and imported into a
PostgreSQL database (exported back and compared byte for byte), and each measure is
printed for both ledgers side by side, plus:
- codes acknowledged per second by 8 writer processes each calling ``assign(guide)``
  of distinct new guides for a fixed time (the registry's growth over wall time);
- the resident memory a freshly opened registry of N events holds (a child process).
Without ``--dsn`` a private durable PostgreSQL server (tests/pgserver.py) is started for
the run and stopped at its end; with ``--dsn`` (a superuser URL) a scratch database is
created on that server and dropped at the end.

Run: python bench/registry.py [--quick] [--backend file|postgresql] [--dsn URL]
     (--quick: 100k events, 20k new codes, 5 s of concurrent writing)
Targets (issue 3): open <= 2 s for 1M events, >= 200k look-ups/s, 100k new codes <= 2 s.
PostgreSQL: 100k new codes <= 4 s, >= 1,000 codes/s acknowledged by 8 concurrent
writers, no more memory than the file ledger's registry.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import multiprocessing as mp
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
import synth

from service_codes import Registry
from service_codes.registry import matter_identity

WRITERS = 8
WRITER_RANGE = 20_000  # guide indices reserved for each concurrent writer
WRITER_PREPARED = 4_000  # guides each writer makes before the clock starts


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def mib(rss: int) -> str:
    return f"{rss / 2**20:,.0f} MiB"


# --- child processes --------------------------------------------------------------------


def _rss_child(location: str, reply: Any) -> None:
    """Open the registry at ``location`` in a fresh process: RSS before and after."""
    import psutil
    import psycopg  # noqa: F401  imported by both backends' children, so the delta is data

    me = psutil.Process()
    gc.collect()
    before = me.memory_info().rss
    start = time.perf_counter()
    reg = Registry.open(location)
    took = time.perf_counter() - start
    gc.collect()
    after = me.memory_info().rss
    reply.send((before, after, reg.size, took))
    reg.close()


def rss_of(location: str) -> tuple[int, int, int, float]:
    ctx = mp.get_context("spawn")
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_rss_child, args=(location, theirs))
    child.start()
    theirs.close()
    result = ours.recv()
    child.join()
    return result  # type: ignore[no-any-return]


def _writer(
    location: str, first: int, ready: Any, go: Any, t0: Any, duration: float, results: Any
) -> None:
    """Open the registry, make guides, then assign them one by one until the time is up."""
    reg = Registry.open(location)
    prepared = list(synth.guides(WRITER_PREPARED, start=first))
    ready.put(os.getpid())
    go.wait()
    start = t0.value
    deadline = start + duration
    while time.monotonic() < start:
        time.sleep(0.001)
    latencies, made, last = [], WRITER_PREPARED, start
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        if not prepared:  # ran out: make more from the writer's own range, on the clock
            if made >= WRITER_RANGE:
                break
            prepared = list(synth.guides(500, start=first + made))
            made += 500
        guide = prepared.pop(0)
        reg.assign(guide)
        last = time.monotonic()
        latencies.append(last - now)
    results.put((len(latencies), last, latencies, made - WRITER_PREPARED))
    reg.close()


def concurrent_writes(reg: Registry, location: str, first: int, duration: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    t0 = ctx.Value("d", 0.0)
    procs = [
        ctx.Process(
            target=_writer,
            args=(location, first + w * WRITER_RANGE, ready, go, t0, duration, results),
        )
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    reg.refresh()
    before = reg.size
    t0.value = time.monotonic() + 0.2
    go.set()
    outcome = [results.get() for _ in procs]
    for p in procs:
        p.join()
    reg.refresh()
    grown = reg.size - before
    wall = max(last for _, last, _, _ in outcome) - t0.value
    latencies = sorted(x for _, _, lat, _ in outcome for x in lat)
    calls = sum(n for n, _, _, _ in outcome)
    return {
        "codes": grown,
        "calls": calls,
        "wall": wall,
        "p50": latencies[len(latencies) // 2] if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99)] if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "extra": sum(e for _, _, _, e in outcome),
    }


# --- the file-only run (as before) ------------------------------------------------------


def build(reg: Registry, events: int) -> tuple[int, float]:
    """Fill ``reg`` to ``events`` events; returns the next guide index and the time taken."""
    start, took = 0, 0.0
    while reg.size < events:
        chunk = list(synth.guides(10_000, start=start))
        start += len(chunk)
        took += seconds(lambda c=chunk: reg.assign_many(c))  # type: ignore[misc]
    return start, took


def lookups(reg: Registry) -> tuple[float, float]:
    """(look-ups/s of existing matters, how many times a bare dict look-up that is)."""
    rnd = random.Random(1)
    known = [g.matter for g in synth.guides(synth.MATTERS)]
    matters = [known[rnd.randrange(len(known))] for _ in range(200_000)]
    looked = seconds(lambda: [reg.catalog_code_of(m) for m in matters])
    keys = [matter_identity(m.origin, m.matter_type, m.name, m.sub_name) for m in matters]
    table = dict.fromkeys(keys, "000100001000")
    floor = seconds(lambda: [table.get(k) for k in keys])
    return len(matters) / looked, looked / floor


def new_guides(start: int, batch: int) -> tuple[list[Any], int]:
    new: list[Any] = []
    while sum(len(g.materials) + 1 for g in new) < batch:
        new += list(synth.guides(1_000, start=start))
        start += 1_000
    return new, start


def file_only(events: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reg = Registry.open(folder, create=True)
        start, took = build(reg, events)
        built = reg.size
        print(f"ledger: {built:,} events built in {took:.1f} s ({built / took:,.0f} codes/s)")

        (folder / "codes.snapshot").unlink(missing_ok=True)
        cold = seconds(lambda: Registry.open(folder))
        warm = seconds(lambda: Registry.open(folder))
        print(f"open: cold {cold:.2f} s (no snapshot), warm {warm:.2f} s (snapshot)  target <= 2 s")

        reg = Registry.open(folder)
        rate, times = lookups(reg)
        print(
            f"look-up: {rate:,.0f} look-ups/s of existing matters"
            f"  target >= 200,000  ({times:.0f}x a bare dict look-up of prepared keys)"
        )

        new, start = new_guides(start, batch)
        before = reg.size
        issued = seconds(lambda: reg.assign_many(new))
        count = reg.size - before
        print(
            f"issue: {count:,} new codes in one batch in {issued:.2f} s"
            f" ({count / issued:,.0f} codes/s)  target: 100k <= 2 s"
        )


# --- file and PostgreSQL side by side ---------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def both(events: int, batch: int, duration: float, dsn: str | None) -> None:
    import pgserver
    import psycopg

    server: Any
    if dsn:
        server = pgserver.ExistingServer(dsn)
        dbname = f"bench_registry_{os.getpid()}"
        where = "the server --dsn names"
    else:
        t = time.perf_counter()
        server = pgserver.PgServer.start(durable=True)
        dbname = "bench_registry"
        where = f"a private durable server started in {time.perf_counter() - t:.1f} s"
    try:
        db = server.create_database(dbname)
        with psycopg.connect(db) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")
            }
        print(
            f"postgresql: {version} on {server.host}:{server.port}, {where}; "
            + ", ".join(f"{k}={v}" for k, v in settings.items())
        )
        with tempfile.TemporaryDirectory() as tmp:
            _both(Path(tmp), db, events, batch, duration)
    finally:
        if dsn:
            server.drop_database(dbname)
        else:
            server.stop()


def _both(tmp: Path, db: str, events: int, batch: int, duration: float) -> None:
    folder = tmp / "registry"
    folder.mkdir()
    reg = Registry.open(folder, create=True)
    start, took = build(reg, events)
    built = reg.size
    print(f"ledger (file): {built:,} events built in {took:.1f} s ({built / took:,.0f} codes/s)")

    # The PostgreSQL ledger is the file ledger, exported and imported.
    exported, back = tmp / "exported.jsonl", tmp / "exported-back.jsonl"
    with exported.open("wb") as f:
        t_export = seconds(lambda: reg.export(f))
    pg = Registry.open(db, create=True)
    with exported.open("rb") as f:
        t_import = seconds(lambda: pg.import_lines(f))
    with back.open("wb") as f:
        pg.export(f)
    same = exported.read_bytes() == back.read_bytes()
    ledger_file = (folder / "codes.jsonl").read_bytes() == exported.read_bytes()
    print(
        f"ledger (postgresql): {pg.size:,} events imported in {t_import:.1f} s"
        f" (file export {t_export:.1f} s); exported back: {back.stat().st_size:,} bytes,"
        f" {'the SAME bytes' if same else 'DIFFERENT bytes'} as the file ledger's export"
        f" ({exported.stat().st_size:,} bytes, sha256 {sha256_of(exported)[:16]}…"
        f" vs {sha256_of(back)[:16]}…; the export is {'' if ledger_file else 'NOT '}"
        f"codes.jsonl byte for byte)"
    )

    # Open.
    (folder / "codes.snapshot").unlink(missing_ok=True)
    cold = seconds(lambda: Registry.open(folder).close())
    warm = seconds(lambda: Registry.open(folder).close())
    print(
        f"open (file): cold {cold:.2f} s (no snapshot), warm {warm:.2f} s (snapshot)  target <= 2 s"
    )
    first = seconds(lambda: Registry.open(db).close())
    second = seconds(lambda: Registry.open(db).close())
    print(
        f"open (postgresql): {first:.2f} s, again {second:.2f} s (no snapshot: every row is"
        " read and replayed)  target: none set for PostgreSQL (the file's is <= 2 s)"
    )

    # Memory of a registry of N events opened fresh in a child process.
    rss_warm = rss_of(str(folder))
    (folder / "codes.snapshot").unlink()
    rss_cold = rss_of(str(folder))  # replays, and saves the snapshot again
    rss_pg = rss_of(db)
    for name, (b, a, size, t) in (
        ("file, snapshot", rss_warm),
        ("file, no snapshot", rss_cold),
        ("postgresql", rss_pg),
    ):
        print(
            f"memory ({name}): RSS {mib(b)} before Registry.open, {mib(a)} after"
            f" -> {mib(a - b)} held by a registry of {size:,} events (opened in {t:.2f} s,"
            " fresh child process, after gc.collect)"
        )
    verdict = "met" if rss_pg[1] - rss_pg[0] <= rss_warm[1] - rss_warm[0] else "NOT met"
    print(
        f"memory: postgresql holds {(rss_pg[1] - rss_pg[0]) / (rss_warm[1] - rss_warm[0]):.2f}x"
        f" the file's (snapshot open)  target: postgresql <= file: {verdict}"
    )

    # Look-ups.
    reg = Registry.open(folder)
    for name, r in (("file", reg), ("postgresql", pg)):
        rate, times = lookups(r)
        print(
            f"look-up ({name}): {rate:,.0f} look-ups/s of existing matters"
            f"  target >= 200,000  ({times:.0f}x a bare dict look-up of prepared keys)"
        )

    # One batch of new codes: the same guides to both ledgers, which then agree again.
    new, start = new_guides(start, batch)
    for name, r, target in (("file", reg, 2.0), ("postgresql", pg, 4.0)):
        before = r.size
        issued = seconds(lambda r=r: r.assign_many(new))  # type: ignore[misc]
        count = r.size - before
        scaled = issued * 100_000 / count
        print(
            f"issue ({name}): {count:,} new codes in one batch in {issued:.2f} s"
            f" ({count / issued:,.0f} codes/s)  target: 100k <= {target:.0f} s"
            + (f" (at this rate 100k take {scaled:.2f} s)" if count < 90_000 else "")
        )
    print(
        "issue: both ledgers end at the same head"
        if reg.head == pg.head
        else f"issue: the ledgers DIFFER: {reg.head} vs {pg.head}"
    )

    # Concurrent single-guide writers.
    first_guide = -(-start // 100_000) * 100_000
    for name, location, r, target in (
        ("file", str(folder), reg, "no target for the file ledger"),
        ("postgresql", db, pg, "target >= 1,000 codes/s"),
    ):
        w = concurrent_writes(r, location, first_guide, duration)
        print(
            f"concurrent ({name}): {WRITERS} writer processes, assign(guide) one at a time for"
            f" {duration:.0f} s: {w['codes']:,} codes acknowledged ({w['calls']:,} guides) in"
            f" {w['wall']:.2f} s wall -> {w['codes'] / w['wall']:,.0f} codes/s,"
            f" {w['calls'] / w['wall']:,.0f} guides/s; latency per call p50 {w['p50'] * 1e3:.1f}"
            f" ms, p99 {w['p99'] * 1e3:.1f} ms  {target}"
            + (f" ({w['extra']:,} guides made on the clock)" if w["extra"] else "")
        )
    pg.close()


def _no_password(arg: str) -> str:
    """A command-line argument as printed: a URL's password is starred out."""
    import urllib.parse

    url = arg.split("=", 1)[-1]
    if not url.startswith(("postgresql://", "postgres://")):
        return arg
    parts = urllib.parse.urlsplit(url)
    return arg.replace(parts.password, "***") if parts.password else arg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="100k events, 20k new codes, 5 s of writing"
    )
    parser.add_argument("--backend", choices=("file", "postgresql"), default="file")
    parser.add_argument(
        "--dsn", help="an existing server's superuser postgresql:// URL (default: start one)"
    )
    args = parser.parse_args()
    events, batch, duration = (100_000, 20_000, 5.0) if args.quick else (1_000_000, 100_000, 20.0)
    shown = [_no_password(a) for a in sys.argv]
    print(f"command: {shlex.join([sys.executable, *shown])}")
    print(f"cores: {os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})")
    if args.backend == "file":
        file_only(events, batch)
    else:
        both(events, batch, duration, args.dsn)


if __name__ == "__main__":
    main()
