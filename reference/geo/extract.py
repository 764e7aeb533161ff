"""Rebuild italy-cells.txt: the 0.1° cells of longitude × latitude that hold Italian land, from the comune boundaries.

Run from the repository root with the openpolis TopoJSON files (see SOURCE.md):
    python reference/geo/extract.py /path/to/istat-boundaries > reference/geo/italy-cells.txt
Every vertex of every comune boundary marks its cell, then each marked cell marks its eight neighbours (a comune is
smaller than a few cells, so the land inside boundaries is covered, and the coast gets a margin of one cell).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

STEP = 0.1
LON0, LAT0 = 6.0, 35.0


def vertices(topology: dict) -> list[tuple[float, float]]:
    transform = topology.get("transform")
    out = []
    for arc in topology.get("arcs", []):
        if transform is None:  # not quantised: absolute positions
            out.extend((p[0], p[1]) for p in arc)
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        for position in arc:
            x, y = x + position[0], y + position[1]
            out.append((x * sx + tx, y * sy + ty))
    return out


def main(folder: str) -> None:
    cells: set[tuple[int, int]] = set()
    for path in sorted(Path(folder).glob("limits_P_*_municipalities.topo.json")):
        for lon, lat in vertices(json.loads(path.read_text(encoding="utf-8"))):
            cells.add((int((lat - LAT0) // STEP), int((lon - LON0) // STEP)))
    grown = {(r + dr, c + dc) for r, c in cells for dr in (-1, 0, 1) for dc in (-1, 0, 1)}
    print(f"# 0.1-degree cells holding Italian land: row = floor((lat - {LAT0}) / {STEP}), then runs of "
          f"col = floor((lon - {LON0}) / {STEP}); built by reference/geo/extract.py from the openpolis boundaries")
    for row in sorted({r for r, _ in grown}):
        cols = sorted(c for r, c in grown if r == row)
        runs, start = [], cols[0]
        for prev, col in zip(cols, cols[1:] + [None], strict=False):
            if col != prev + 1 if col is not None else True:
                runs.append(f"{start}-{prev}" if prev != start else str(start))
                start = col
        print(f"{row} {' '.join(runs)}")


if __name__ == "__main__":
    main(sys.argv[1])
