"""Benchmark of the code registry: open, look-up and batch issue.

Builds a ledger of N events through the public API from bench/synth.py's guides (matters
implemented by many county agencies, each with its materials), then measures:
- opening it, cold (no snapshot) and warm (with the snapshot the cold open saved);
- look-ups of existing matters, against a bare dict look-up of prepared keys (the floor);
- issuing 100k new codes in one batch (one append, one fsync).

Run: python bench/registry.py [--quick]   (--quick: 100k events, 20k new codes)
Targets (issue 3): open <= 2 s for 1M events, >= 200k look-ups/s, 100k new codes <= 2 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synth

from service_codes import Registry
from service_codes.registry import matter_identity


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k events, 20k new codes")
    events, batch = (100_000, 20_000) if parser.parse_args().quick else (1_000_000, 100_000)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reg = Registry.open(folder, create=True)
        built, start, took = 0, 0, 0.0
        while reg.size < events:
            chunk = list(synth.guides(10_000, start=start))
            start += len(chunk)
            took += seconds(lambda c=chunk: reg.assign_many(c))  # type: ignore[misc]
        built = reg.size
        print(f"ledger: {built:,} events built in {took:.1f} s ({built / took:,.0f} codes/s)")

        (folder / "codes.snapshot").unlink(missing_ok=True)
        cold = seconds(lambda: Registry.open(folder))
        warm = seconds(lambda: Registry.open(folder))
        print(f"open: cold {cold:.2f} s (no snapshot), warm {warm:.2f} s (snapshot)  target <= 2 s")

        reg = Registry.open(folder)
        rnd = random.Random(1)
        known = [g.matter for g in synth.guides(synth.MATTERS)]
        matters = [known[rnd.randrange(len(known))] for _ in range(200_000)]
        looked = seconds(lambda: [reg.catalog_code_of(m) for m in matters])
        keys = [matter_identity(m.origin, m.matter_type, m.name, m.sub_name) for m in matters]
        table = dict.fromkeys(keys, "000100001000")
        floor = seconds(lambda: [table.get(k) for k in keys])
        print(
            f"look-up: {len(matters) / looked:,.0f} look-ups/s of existing matters"
            f"  target >= 200,000  ({looked / floor:.0f}x a bare dict look-up of prepared keys)"
        )

        new, before = [], reg.size
        while sum(len(g.materials) + 1 for g in new) < batch:
            new += list(synth.guides(1_000, start=start))
            start += 1_000
        issued = seconds(lambda: reg.assign_many(new))
        count = reg.size - before
        print(
            f"issue: {count:,} new codes in one batch in {issued:.2f} s"
            f" ({count / issued:,.0f} codes/s)  target: 100k <= 2 s"
        )


if __name__ == "__main__":
    main()
