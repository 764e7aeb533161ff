"""Timing shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(runs: int, call: Callable[[], object]) -> float:
    """The fastest of ``runs`` calls of ``call``, in seconds (the least disturbed by the machine's other work)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)
