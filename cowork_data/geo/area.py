"""Where Italian land is, to 0.1° of longitude and latitude: the test a candidate coordinate system must pass.

The cells are ``reference/geo/italy-cells.txt``, built by ``reference/geo/extract.py`` from every comune boundary
(ISTAT, elaborazione openpolis, CC BY 4.0), each cell grown by one cell around it (a margin of about 10 km on the
coast and the borders). A point there is in Italy or within about 10 km of it; the comune a point is in is the
boundaries' business (:mod:`cowork_data.geo.boundaries`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["CELLS_FILE", "on_land"]

CELLS_FILE = Path(__file__).resolve().parent.parent.parent / "reference" / "geo" / "italy-cells.txt"
STEP, LON0, LAT0 = 0.1, 6.0, 35.0


@lru_cache(maxsize=1)
def _cells() -> frozenset[tuple[int, int]]:
    cells = set()
    for line in CELLS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        row, *runs = line.split()
        for run in runs:
            start, _, end = run.partition("-")
            cells.update((int(row), col) for col in range(int(start), int(end or start) + 1))
    return frozenset(cells)


def on_land(lon: float, lat: float) -> bool:
    """True when ``(lon, lat)`` (WGS 84) is in Italy or within about 10 km of it."""
    return (int((lat - LAT0) // STEP), int((lon - LON0) // STEP)) in _cells()
