"""End-to-end benchmark of ``service-codes build``: guides/s and peak memory at province scale.

For each size it writes a synthetic catalogue (bench/synth.py), then measures
1. a full build, JSON and XML, with 2 worker processes, sampling the memory (RSS) of
   the whole process tree: the build's process and its workers, added up;
2. an incremental build after one guide is edited;
3. with --verify, a second full build with 1 worker into another folder, from its own
   empty ledger, and compares every output byte and the two ledgers.

Run: python bench/build.py [SIZE ...] [--verify] [--quick] [--dir DIR]
     sizes default to 10000 100000 1000000; --quick: 2,000 guides, verified (< 30 s).
Targets (issue 6): 1M guides <= 10 min with peak RSS <= 1.5 GB, output identical across
runs and worker counts; incremental rebuild after editing 1 guide of 100k <= 5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

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
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
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
        f"  target (1M): <= 600 s, <= 1,536 MiB"
    )

    edited = catalogue / "guides" / f"{size // 2:07d}.json"
    # A new answer to a question: the guide changes, its codes do not.
    edited.write_text(edited.read_text("utf-8").replace("承诺", "承诺在"), encoding="utf-8")
    args = [*BUILD, str(catalogue), "--out", str(out), *FORMATS, "--incremental"]
    seconds, peak = run([*args, "--workers", "2"])
    print(
        f"  incremental build after editing 1 guide: {seconds:.2f} s,"
        f" peak RSS {peak / 2**20:,.0f} MiB  target (100k): <= 5 s"
    )

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
