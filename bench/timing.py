"""What the benchmark scripts share: timing a loop, and the guide size of issue 4's targets."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

# Issue 4 sets its targets on guides of about 2.5 KB: fewer materials than synth's default.
SMALL = (3, 7)


def rate(action: Callable[[Any], object], items: Sequence[Any], rounds: int = 3) -> float:
    """Items per second through ``action``, best of a few rounds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for item in items:
            action(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best
