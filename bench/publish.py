"""Benchmark of ``service-codes publish`` beside the build it rests on, in the same run.

For each size it writes a synthetic catalogue (bench/synth.py), builds it (JSON and XML:
the floor, the pipeline publish extends), publishes it (review, pages, open data, lists,
release log), then publishes it again unchanged (which must write no file).

Run: python bench/publish.py [SIZE ...] [--dir DIR]   (sizes default to 2000 10000)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synth
from build import FORMATS, run

CLI = [str(Path(sys.executable).with_name("service-codes")), "--lang", "en"]
WHO = ["--publisher", "bench", "--reviewer", "bench"]


def times(site: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def bench(size: int, folder: Path) -> None:
    catalogue = folder / "catalogue"
    synth.write_catalogue(catalogue, size)
    print(f"\n{size:,} guides")
    seconds, peak = run([*CLI, "build", str(catalogue), "--out", str(folder / "out"), *FORMATS])
    print(
        f"  build, json+xml (floor): {seconds:.1f} s, {size / seconds:,.0f} guides/s,"
        f" peak RSS {peak / 2**20:,.0f} MiB"
    )
    site = folder / "site"
    seconds, peak = run([*CLI, "publish", str(catalogue), "--out", str(site), *WHO])
    files = sum(1 for p in site.rglob("*") if p.is_file())
    print(
        f"  publish: {seconds:.1f} s, {size / seconds:,.0f} guides/s, {files:,} files,"
        f" peak RSS {peak / 2**20:,.0f} MiB"
    )
    before = times(site)
    seconds, _ = run([*CLI, "publish", str(catalogue), "--out", str(site), *WHO])
    same = times(site) == before
    print(
        f"  publish again, unchanged: {seconds:.1f} s, {size / seconds:,.0f} guides/s;"
        f" {'no file written' if same else 'FILES WRITTEN'}"
    )
    if not same:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[2_000, 10_000])
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary folder)")
    args = parser.parse_args()
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(dir=args.dir))
        try:
            bench(size, folder)
        finally:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
