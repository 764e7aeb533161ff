"""The boundaries of the comuni: which comune a point is in, and whether it is in the comune a row names.

Shipped as ``reference/istat-boundaries/comuni.bin.gz`` (ISTAT's boundaries as simplified by openpolis, CC BY 4.0;
SOURCE.md beside it), derived from openpolis' TopoJSON per province by :func:`write_boundaries`: one gzip file of
897 kB holding a JSON header line (the comuni: ISTAT code, name, Belfiore code, province sigla) and the rings of
every comune as little-endian int32 arrays (polygons per comune, rings per polygon, points per ring, then the
points as 1e-5 degree steps, each ring's first point absolute). Read with numpy and turned into shapely geometries
in one vectorised call (``shapely.from_ragged_array``) with an STRtree over them: about 0.06 s, once per process,
on first use (:func:`boundaries`).

The rings are simplified (openpolis keeps about a fifth of the vertices; consecutive vertices are a median 0.96 km
apart), so a point a little inside a comune's real border can fall outside its simplified one: a point within
:data:`TOLERANCE_M` of the comune it is said to be in counts as inside it (docs/decisions.md §20.2).
"""

from __future__ import annotations

import gzip
import io
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["BOUNDARIES_FILE", "SOURCE", "TOLERANCE_M", "Boundaries", "Place", "boundaries", "distance_m",
           "write_boundaries"]

BOUNDARIES_FILE = Path(__file__).resolve().parents[2] / "reference" / "istat-boundaries" / "comuni.bin.gz"
#: Distance from the named comune's simplified boundary within which a point still counts as inside it.
TOLERANCE_M = 250.0
SCALE = 100_000
FORMAT = "cowork-data boundaries 1"
#: The attribution of the shipped boundaries, for the sources of ``datapackage.json``.
SOURCE = {
    "title": "Confini amministrativi dei comuni: ISTAT, elaborazione openpolis (CC BY 4.0), giugno 2023",
    "url": "https://github.com/openpolis/geojson-italy",
}
_EARTH_M = 6_371_008.8


@dataclass(frozen=True)
class Place:
    """A comune of the boundaries file: ISTAT code, name, Belfiore code and province sigla (June 2023)."""

    istat: str
    name: str
    belfiore: str
    province: str


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * _EARTH_M * math.asin(min(1.0, math.sqrt(a)))


class Boundaries:
    """The comuni's geometries with an STRtree; lookups by point, vectorised over many points."""

    def __init__(self, places: Sequence[Place], geometries: Any) -> None:
        import shapely

        self.places = list(places)
        self.geometries = geometries
        self.tree = shapely.STRtree(geometries)
        self.by_istat = {p.istat: i for i, p in enumerate(self.places)}
        self._nearest: dict[tuple[float, float], tuple[Place, float]] = {}

    @classmethod
    def read(cls, path: Path = BOUNDARIES_FILE) -> Boundaries:
        import numpy as np
        import shapely

        raw = gzip.decompress(path.read_bytes())
        end = raw.index(b"\n")
        header = json.loads(raw[:end])
        if header.get("format") != FORMAT:
            from cowork_data.errors import ConfigError

            raise ConfigError("error.boundaries-format", file=str(path), format=FORMAT)
        offset = end + 1

        def take(count: int) -> Any:
            nonlocal offset
            array = np.frombuffer(raw, dtype="<i4", count=count, offset=offset)
            offset += 4 * count
            return array

        places = [Place(*c) for c in header["comuni"]]
        polygons, rings = take(len(places)), take(header["polygons"])
        points, steps = take(header["rings"]), take(2 * header["points"]).reshape(-1, 2).astype(np.int64)
        total = np.cumsum(steps, axis=0)
        ends = np.cumsum(points)
        base = np.zeros((len(points), 2), dtype=np.int64)
        base[1:] = total[ends[:-1] - 1]
        coords = (total - np.repeat(base, points, axis=0)) / SCALE
        offsets = (np.r_[0, ends], np.r_[0, np.cumsum(rings)], np.r_[0, np.cumsum(polygons)])
        return cls(places, shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets))

    def locate(self, lons: Sequence[float], lats: Sequence[float]) -> list[int | None]:
        """For each point, the index of the comune it is in (None: in no comune — at sea or abroad)."""
        import numpy as np
        import shapely

        found: list[int | None] = [None] * len(lons)
        if not len(lons):
            return found
        points, comuni = self.tree.query(shapely.points(np.asarray(lons, float), np.asarray(lats, float)),
                                         predicate="within")
        for p, c in zip(points.tolist(), comuni.tolist(), strict=True):
            if found[p] is None or c < found[p]:  # a point on a shared border: the first code, every time
                found[p] = c
        return found

    def place(self, index: int | None) -> Place | None:
        return None if index is None else self.places[index]

    def distance_to(self, istat: str, lon: float, lat: float) -> float | None:
        """Metres from the point to the comune ``istat`` (0 inside it); None when the file lacks the comune."""
        import shapely
        from shapely.ops import nearest_points

        index = self.by_istat.get(istat)
        if index is None:
            return None
        point = shapely.Point(lon, lat)
        geometry = self.geometries[index]
        if geometry.covers(point):
            return 0.0
        near = nearest_points(geometry, point)[0]
        return distance_m(lon, lat, near.x, near.y)

    def nearest(self, lon: float, lat: float) -> tuple[Place, float]:
        """The comune nearest to a point in none, and its distance in metres (remembered: a point abroad is asked
        about by more than one check)."""
        import shapely
        from shapely.ops import nearest_points

        key = (lon, lat)
        if key not in self._nearest:
            point = shapely.Point(lon, lat)
            index = int(self.tree.nearest(point))
            near = nearest_points(self.geometries[index], point)[0]
            if len(self._nearest) > 100_000:
                self._nearest.clear()
            self._nearest[key] = (self.places[index], distance_m(lon, lat, near.x, near.y))
        return self._nearest[key]

    def alone(self, index: int, lon: float, lat: float, tolerance_m: float = TOLERANCE_M) -> bool:
        """Whether no comune but ``index`` lies within the tolerance of the point (a point that names its comune
        without doubt)."""
        import shapely

        # degrees of longitude are the shorter ones: this radius covers at least the tolerance in every direction
        radius = tolerance_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
        near = self.tree.query(shapely.Point(lon, lat), predicate="dwithin", distance=radius)
        return {int(n) for n in near} <= {index}

    def contains(self, istat: str, lon: float, lat: float, tolerance_m: float = TOLERANCE_M) -> bool | None:
        """Whether the point is in comune ``istat`` or within the tolerance of it; None when the file lacks it."""
        distance = self.distance_to(istat, lon, lat)
        return None if distance is None else distance <= tolerance_m


@cache
def boundaries() -> Boundaries:
    """The shipped boundaries, read once per process."""
    return Boundaries.read()


def write_boundaries(source: Path, dest: Path = BOUNDARIES_FILE) -> int:
    """Write the shipped file from openpolis' ``limits_P_*_municipalities.topo.json`` in ``source``; the number of
    comuni written (a comune with no geometry in the source is left out)."""
    import numpy as np

    comuni: list[tuple[list[str], list[list[Any]]]] = []
    files = sorted(source.glob("limits_P_*_municipalities.topo.json"),
                   key=lambda p: int(re.search(r"_P_([0-9]+)_", p.name).group(1)))  # type: ignore[union-attr]
    for path in files:
        topology = json.loads(path.read_text(encoding="utf-8"))
        if "transform" not in topology:  # the abolished Sardinian provinces: empty files
            continue
        (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
        arcs = []
        for arc in topology["arcs"]:
            q = np.cumsum(np.array(arc, dtype=np.int64), axis=0)
            arcs.append(np.c_[np.round((q[:, 0] * sx + tx) * SCALE), np.round((q[:, 1] * sy + ty) * SCALE)]
                        .astype(np.int64))

        def ring(ids: list[int], arcs: list[Any] = arcs) -> Any:
            parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in ids]
            return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])

        for geometry in topology["objects"]["municipalities"]["geometries"]:
            kind, p = geometry.get("type"), geometry["properties"]
            if kind not in ("Polygon", "MultiPolygon"):
                continue
            polygons = [geometry["arcs"]] if kind == "Polygon" else geometry["arcs"]
            comuni.append(([p["com_istat_code"], p["name"], p["com_catasto_code"], p["prov_acr"]],
                           [[ring(r) for r in polygon] for polygon in polygons]))
    comuni.sort(key=lambda c: c[0][0])
    steps, points, rings, polygons = [], [], [], []
    for _meta, shapes in comuni:
        polygons.append(len(shapes))
        for shape in shapes:
            rings.append(len(shape))
            for r in shape:
                points.append(len(r))
                steps.append(np.diff(r, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)))
    all_steps = np.concatenate(steps).astype("<i4")
    header = {"format": FORMAT, "scale": 1 / SCALE, "comuni": [meta for meta, _ in comuni],
              "points": int(len(all_steps)), "rings": len(points), "polygons": len(rings)}
    body = (json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"
            + b"".join(np.array(a, dtype="<i4").tobytes() for a in (polygons, rings, points)) + all_steps.tobytes())
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9, filename="") as f:
        f.write(body)
    dest.write_bytes(buffer.getvalue())
    return len(comuni)
