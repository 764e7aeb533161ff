"""The cyclic garbage collector paused around work that makes millions of short-lived objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, and back on after it if it was on before.

    Validating a table makes hundreds of thousands of cells, hits and findings and no reference cycles to speak of;
    the collector's full passes were a tenth of a 10,000-row validation (docs/decisions.md §20.5)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
