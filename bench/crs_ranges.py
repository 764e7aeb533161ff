"""How well coordinate ranges tell Italian reference systems apart, measured on the real comuni.

For every comune of the boundaries (its centre: the mean of its boundary's vertices), the point is projected into
each system that undeclared coordinates are tried against, and :func:`cowork_data.geo.crs.detect` is asked which
system a file holding only that point is in: right, ambiguous (a finding), unknown (a finding) or wrong.

    .venv/bin/python bench/crs_ranges.py [../shared/reference/istat-boundaries] [--points N] [--comune|--boundaries]

Without a folder, the points are one inside each comune of the shipped boundaries (``point_on_surface``).

``--points N`` groups N neighbouring comuni into one file (a province's data set) instead of one point per file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from pyproj import Transformer

from cowork_data.geo.crs import FAMILIES, UNDECLARED, detect, in_comune


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    transform = topology.get("transform")
    out = []
    for arc in topology.get("arcs", []):
        if transform is None:
            out.append([(p[0], p[1]) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        line = []
        for position in arc:
            x, y = x + position[0], y + position[1]
            line.append((x * sx + tx, y * sy + ty))
        out.append(line)
    return out


def _indices(arcs: list) -> list[int]:
    out = []
    for item in arcs:
        if isinstance(item, list):
            out.extend(_indices(item))
        else:
            out.append(item if item >= 0 else ~item)
    return out


def centres(folder: Path) -> list[tuple[str, float, float]]:
    """(ISTAT code, lon, lat) of every comune, in file order."""
    out = []
    for path in sorted(folder.glob("limits_P_*_municipalities.topo.json")):
        topology = json.loads(path.read_text(encoding="utf-8"))
        arcs = _arcs(topology)
        for layer in topology.get("objects", {}).values():
            for geometry in layer.get("geometries", []):
                points = [p for i in _indices(geometry.get("arcs", [])) for p in arcs[i]]
                if points:
                    code = str((geometry.get("properties") or {}).get("com_istat_code", ""))
                    box = (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
                           max(p[1] for p in points))
                    out.append((code, sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points),
                                box))
    return out


#: The longitudes each projected system is used for (its zone): Gauss-Boaga and UTM zones split at 12° E.
SPANS = {3003: (6.0, 12.0), 32632: (6.0, 12.0), 3004: (12.0, 19.0), 32633: (12.0, 19.0)}


def _box_test(group: list) -> object:
    boxes = [c[3] for c in group]

    def inside(lon: float, lat: float) -> bool:
        return any(b[0] - 0.01 <= lon <= b[2] + 0.01 and b[1] - 0.01 <= lat <= b[3] + 0.01 for b in boxes)
    return inside


def surface_points() -> list[tuple[str, float, float, tuple[float, float, float, float]]]:
    """(ISTAT code, lon, lat, bounding box) of a point inside every comune of the shipped boundaries."""
    import shapely

    from cowork_data.geo.boundaries import boundaries

    shapes = boundaries()
    inner = shapely.point_on_surface(shapes.geometries)
    boxes = shapely.bounds(shapes.geometries)
    return [(place.istat, float(p.x), float(p.y), tuple(float(b) for b in box))
            for place, p, box in zip(shapes.places, inner, boxes, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="the openpolis TopoJSON files (default: a point inside "
                        "each comune of the shipped boundaries)")
    parser.add_argument("--points", type=int, default=1)
    parser.add_argument("--comune", action="store_true", help="tell detect the comune's bounding box (a source's "
                        "or a row's comune)")
    parser.add_argument("--boundaries", action="store_true", help="tell detect the comune by its shipped boundary "
                        "(cowork_data.geo.boundaries, what the harvest and describe --comune use)")
    args = parser.parse_args()
    comuni = centres(args.folder) if args.folder else surface_points()
    print(f"comuni: {len(comuni)}; points per file: {args.points}; comune known: "
          f"{'boundary' if args.boundaries else 'bounding box' if args.comune else 'no'}")
    for family in UNDECLARED:
        epsg = FAMILIES[family][0]
        to = Transformer.from_crs(4326, epsg, always_xy=True)
        low, high = SPANS.get(epsg, (-180.0, 180.0))
        comuni_in_zone = [c for c in comuni if low <= c[1] < high]
        tally: Counter[str] = Counter()
        confused: Counter[str] = Counter()
        for start in range(0, len(comuni_in_zone), args.points):
            group = comuni_in_zone[start:start + args.points]
            xs, ys = to.transform([c[1] for c in group], [c[2] for c in group])
            inside = _box_test(group) if args.comune else None
            if args.boundaries and len(group) == 1:
                inside = in_comune(group[0][0])
            found = detect(list(xs), list(ys), inside=inside)
            if found.epsg == epsg and not found.swapped:
                tally["right"] += 1
            elif found.epsg is None and found.candidates:
                tally["ambiguous"] += 1
                confused["+".join(str(c) for c in found.candidates)] += 1
            elif found.epsg is None:
                tally["unknown"] += 1
            else:
                tally["wrong"] += 1
                confused[f"as {found.epsg}"] += 1
        total = sum(tally.values())
        print(f"EPSG:{epsg:<6} " + "  ".join(f"{k} {tally[k]} ({tally[k] / total:.1%})"
                                           for k in ("right", "ambiguous", "unknown", "wrong"))
              + (f"  [{', '.join(f'{k}: {v}' for k, v in confused.most_common(4))}]" if confused else ""))


if __name__ == "__main__":
    sys.exit(main())
