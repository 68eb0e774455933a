"""End-to-end benchmark of ``service-codes build``: guides/s and peak memory at province scale.

For each size it writes a synthetic catalogue (bench/synth.py), then measures
1. a full build, JSON and XML, with 2 worker processes, sampling the memory (RSS) of
   the whole process tree: the build's process and its workers, added up;
2. the floor of that build on this machine, in the same run, with 2 processes: the time to
   merely write the same output bytes to the same number of files, and to merely read and
   parse the sources; the build's time is printed as a ratio to their sum;
3. an incremental build after one guide is edited, and again after a racy edit of it (the
   same size and modification time, as a second edit in the first one's clock tick leaves
   it), which must be rebuilt too;
4. with --verify, a second full build with 1 worker into another folder, from its own
   empty ledger, and compares every output byte and the two ledgers.

Run: python bench/build.py [SIZE ...] [--verify] [--quick] [--dir DIR]
     sizes default to 10000 100000 1000000; --quick: 2,000 guides, verified (< 30 s).
Targets (issue 16): 1M guides <= 240 s and <= 2x the floor, peak RSS <= 1 GiB; incremental
build after editing 1 guide <= 10 s at 1M, <= 1.5 s at 100k; output identical across runs
and worker counts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import orjson
import psutil

sys.path.insert(0, str(Path(__file__).parent))
import synth

BUILD = [str(Path(sys.executable).with_name("service-codes")), "--lang", "en", "build"]


def run(args: list[str]) -> tuple[float, int]:
    """Seconds a command takes and the peak RSS of its process tree, sampled every 50 ms."""
    start = time.perf_counter()
    process = psutil.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr.decode()}")
    return time.perf_counter() - start, peak


def tree_digest(*paths: Path) -> str:
    """One digest of every file under ``paths`` (names and bytes)."""
    digest = hashlib.blake2b()
    for root in paths:
        # .sources.tsv is this machine's view of the sources (their inodes and times).
        files = (
            [root]
            if root.is_file()
            else sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".sources.tsv")
        )
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def bench(size: int, folder: Path, verify: bool) -> None:
    catalogue, out = folder / "catalogue", folder / "out"
    took = time.perf_counter()
    synth.write_catalogue(catalogue, size)
    took = time.perf_counter() - took
    print(f"\n{size:,} guides: synthetic catalogue written in {took:.0f} s")

    seconds, peak = run([*BUILD, str(catalogue), "--out", str(out), *FORMATS, "--workers", "2"])
    print(
        f"  full build, json+xml, 2 workers: {seconds:.1f} s, {size / seconds:,.0f} guides/s,"
        f" peak RSS {peak / 2**20:,.0f} MiB (all processes)"
        f"  target (1M): <= 240 s, <= 1,024 MiB"
    )

    wrote, parsed = write_floor(out / "guides", folder / "floor"), parse_floor(catalogue)
    floor = wrote + parsed
    print(
        f"  floor, 2 processes: write the same {2 * size:,} output files {wrote:.1f} s"
        f" + read and parse the sources {parsed:.1f} s = {floor:.1f} s;"
        f" the build takes {seconds / floor:.2f}x the floor  target: <= 2x"
    )

    edited = catalogue / "guides" / f"{size // 2:07d}.json"
    # A new answer to a question: the guide changes, its codes do not.
    edited.write_text(edited.read_text("utf-8").replace("承诺", "承诺在"), encoding="utf-8")
    args = [*BUILD, str(catalogue), "--out", str(out), *FORMATS, "--incremental"]
    seconds, peak = run([*args, "--workers", "2"])
    target = {1_000_000: "<= 10 s", 100_000: "<= 1.5 s"}.get(size, "")
    print(
        f"  incremental build after editing 1 guide: {seconds:.2f} s,"
        f" peak RSS {peak / 2**20:,.0f} MiB  target: {target or '-'}"
    )
    # The build just run read the edited guide within moments of its edit.
    racy_edit(edited)
    seconds, _ = run([*args, "--workers", "2"])
    rebuilt = "许诺".encode() in (out / "guides" / edited.name).read_bytes()
    print(
        f"  incremental build after a racy edit (same size and time) of 1 guide:"
        f" {seconds:.2f} s, {'rebuilt' if rebuilt else 'NOT REBUILT'}"
    )
    if not rebuilt:
        raise SystemExit(1)

    if verify:
        # The same catalogue from an empty ledger again, with one worker.
        twin = folder / "twin"
        twin.mkdir()
        (twin / "guides").symlink_to(catalogue / "guides")
        seconds, _ = run(
            [*BUILD, str(twin), "--out", str(folder / "out1"), *FORMATS, "--workers", "1"]
        )
        same = tree_digest(out) == tree_digest(folder / "out1") and tree_digest(
            catalogue / "codes.jsonl"
        ) == tree_digest(twin / "codes.jsonl")
        print(
            f"  full build with 1 worker: {seconds:.1f} s, {size / seconds:,.0f} guides/s;"
            f" output and ledger {'identical' if same else 'DIFFERENT'} to the 2-worker build"
        )
        if not same:
            raise SystemExit(1)


FORMATS = ["--format", "json", "--format", "xml"]


def racy_edit(path: Path) -> None:
    """Edit a guide in place, keeping its size, inode and modification time: a second edit
    in the timestamp tick of the first, which the build that ran between them read."""
    before = path.stat()
    data = path.read_bytes()
    changed = data.replace("承诺".encode(), "许诺".encode(), 1)
    assert changed != data and len(changed) == len(data)
    with path.open("r+b") as file:
        file.write(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _copy_files(pairs: list[tuple[str, str]]) -> float:
    """Seconds to write each file's bytes to its new name (read first, untimed)."""
    took = 0.0
    for source, target in pairs:
        with open(source, "rb") as file:
            data = file.read()
        start = time.perf_counter()
        with open(target, "wb") as file:
            file.write(data)
        took += time.perf_counter() - start
    return took


def write_floor(outputs: Path, floor: Path) -> float:
    """Wall seconds, 2 processes, to write the output files' bytes to as many new files."""
    floor.mkdir()
    names = sorted(os.listdir(outputs))
    pairs = [(str(outputs / n), str(floor / n)) for n in names]
    chunks = [pairs[i : i + 5_000] for i in range(0, len(pairs), 5_000)]
    start = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_copy_files, chunks))
    took = time.perf_counter() - start
    shutil.rmtree(floor)
    return took


def _parse_files(paths: list[str]) -> int:
    for path in paths:
        with open(path, "rb") as file:
            orjson.loads(file.read())
    return len(paths)


def parse_floor(catalogue: Path) -> float:
    """Wall seconds, 2 processes, to read every source and parse it as JSON (orjson)."""
    guides = catalogue / "guides"
    paths = [str(guides / n) for n in sorted(os.listdir(guides))]
    chunks = [paths[i : i + 5_000] for i in range(0, len(paths), 5_000)]
    start = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        assert sum(pool.map(_parse_files, chunks)) == len(paths)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--verify", action="store_true", help="build again with 1 worker, compare")
    parser.add_argument("--quick", action="store_true", help="2,000 guides, verified")
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary folder)")
    args = parser.parse_args()
    sizes, verify = ([2_000], True) if args.quick else (args.sizes, args.verify)
    print(f"machine: {psutil.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"build-{size}-", dir=args.dir))
        try:
            bench(size, folder, verify)
        finally:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
