"""The points of a table, whatever the file calls its coordinates, in WGS 84 with the system they were in.

- GeoJSON and KML: each feature's Point geometry (the readers keep it in ``meta["geometry"]``) in the ``crs`` the
  document declares, else the format's WGS 84 (RFC 7946: a GeoJSON in metres without ``crs`` is then told by its
  ranges, with a reason that says so);
- other tables: a pair of columns named as X and Y (``X``/``Y``, ``CoordX``/``CoordY``, ``EST``/``NORD``,
  ``LONG_X_4326``/``LAT_Y_4326``, ``lon``/``lat``, ``geo_point_2d.lon``/``.lat``…), a code in their names declaring
  the system (``X_3003``), or one column holding both (OpenDataSoft's ``Geo Point`` and ``geo_point_2d``
  ``"lat, lon"``, ``(lat, lon)``, WKT ``POINT (x y)``), or a JSON array flattened by the readers
  (Socrata's ``location.coordinates.0`` / ``.1``, OpenDataSoft's ``geo_point_2d.0`` / ``.1``: their order is told
  by Italy's ranges); numbers with a decimal comma are read.

:func:`table_points` returns a :class:`~cowork_data.geo.crs.Detection` and the columns it read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cowork_data.geo.crs import FAMILIES, Detection, Inside, detect

__all__ = ["Columns", "find_columns", "number", "table_points"]

_X_WORDS = {"x", "coordx", "xcoord", "est", "east", "easting", "lon", "lng", "long", "longitude", "longitudine",
            "longit", "utmx", "xutm", "gbx", "xgb"}
_Y_WORDS = {"y", "coordy", "ycoord", "nord", "north", "northing", "lat", "latitude", "latitudine", "latit", "utmy",
            "yutm", "gby", "ygb"}
_WHOLE_X, _WHOLE_Y = {"e"}, {"n"}
_COMBINED = {"geo point", "geo_point_2d", "geopoint", "geo_point", "location", "coordinate", "coordinates",
             "coordinate geografiche", "posizione", "geolocalizzazione", "geolocation", "point", "punto", "wkt",
             "geometry", "geom", "the_geom", "latlon", "lat_lon", "lat lon", "latlng"}
_KNOWN_CODES = {code for codes in FAMILIES.values() for code in codes}
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_PAIR = re.compile(r"^\(?\s*([+-]?\d+(?:[.,]\d+)?)\s*[,;\s]\s*([+-]?\d+(?:[.,]\d+)?)\s*\)?$")
_WKT = re.compile(r"^(?:SRID=(\d+);)?\s*POINT\s*Z?\s*\(\s*([+-]?[\d.eE+-]+)\s+([+-]?[\d.eE+-]+)", re.I)


@dataclass(frozen=True)
class Columns:
    """Where the coordinates are: ``x`` and ``y`` (0-based columns), or ``combined`` (one column, ``lat, lon``
    unless WKT); ``declared`` is a system their names carry (``EPSG:3003`` from ``X_3003``)."""

    x: int | None = None
    y: int | None = None
    combined: int | None = None
    declared: str = ""
    names: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return "/".join(self.names)


@lru_cache(maxsize=4096)  # the sources of a catalogue share their headers: each is read once
def _tokens(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name.strip())
    return tuple(t for t in re.split(r"[^0-9a-z]+", spaced.casefold()) if t)


@lru_cache(maxsize=4096)
def _axis(name: str) -> str:
    tokens = _tokens(name)
    whole = "".join(tokens)
    words = set(tokens) | {whole}
    is_x = bool(words & _X_WORDS) or whole in _WHOLE_X
    is_y = bool(words & _Y_WORDS) or whole in _WHOLE_Y
    if is_x == is_y:
        return ""
    return "x" if is_x else "y"


def _stem(name: str) -> tuple[str, ...]:
    return tuple(t for t in _tokens(name) if t not in _X_WORDS | _Y_WORDS | {"coord", "coordinata", "coordinate"})


def _code(names: Sequence[str]) -> str:
    for name in names:
        for token in _tokens(name):
            if token.isdigit() and int(token) in _KNOWN_CODES:
                return f"EPSG:{token}"
    return ""


def number(text: str) -> float | None:
    """``1514000,50`` → 1514000.5; ``1.514.000,5`` → 1514000.5; ``45.46`` → 45.46; None when not a number."""
    value = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    if "," in value and "." in value:
        value = value.replace(".", "").replace(",", ".") if value.rfind(",") > value.rfind(".") else \
            value.replace(",", "")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    elif value.count(".") > 1:
        value = value.replace(".", "")
    if not _NUMBER.match(value):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _filled(rows: Sequence[Sequence[str]], column: int) -> int:
    return sum(1 for row in rows if column < len(row) and number(row[column]) is not None)


def find_columns(header: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> Columns | None:
    """The coordinate columns of a table (see the module), None when it has none. Of several pairs, the one with
    the same words around X and Y, then the one with most numbers in ``rows``, then the first."""
    xs = [i for i, h in enumerate(header) if _axis(h) == "x"]
    ys = [i for i, h in enumerate(header) if _axis(h) == "y"]
    pairs = [(x, y) for x in xs for y in ys if _stem(header[x]) == _stem(header[y])]
    if not pairs and len(xs) == 1 and len(ys) == 1:
        pairs = [(xs[0], ys[0])]
    if pairs:
        x, y = max(pairs, key=lambda p: (min(_filled(rows, p[0]), _filled(rows, p[1])), -p[0]))
        if not rows or min(_filled(rows, x), _filled(rows, y)):
            names = (header[x], header[y])
            return Columns(x=x, y=y, declared=_code(names), names=names)
    for i, name in enumerate(header):  # a point as a JSON array, flattened: location.coordinates.0 / .1
        base, _, index = name.rpartition(".")
        if index == "0" and f"{base}.1" in header and (base.rpartition(".")[2].casefold() in _COMBINED | {
                "coordinates"} or " ".join(_tokens(base)) in _COMBINED):
            second = list(header).index(f"{base}.1")
            return Columns(x=i, y=second, declared=_code([base]), names=(name, f"{base}.1"))
    for i, name in enumerate(header):
        if name.strip().casefold() in _COMBINED or " ".join(_tokens(name)) in _COMBINED:
            if not rows or any(_pair(row[i]) for row in rows[:200] if i < len(row)):
                return Columns(combined=i, declared=_code([name]), names=(name,))
    return None


def _pair(cell: str) -> tuple[float, float, str] | None:
    """(x, y, srid) of a cell holding a point: ``lat, lon`` gives (lon, lat); WKT ``POINT (x y)`` gives (x, y)."""
    text = (cell or "").strip()
    wkt = _WKT.match(text)
    if wkt:
        x, y = number(wkt.group(2)), number(wkt.group(3))
        return (x, y, wkt.group(1) or "") if x is not None and y is not None else None
    match = _PAIR.match(text)
    if match:
        first, second = number(match.group(1)), number(match.group(2))
        if first is not None and second is not None:
            return second, first, ""
    return None


def table_points(header: Sequence[str], rows: Sequence[Sequence[str]], meta: dict[str, Any] | None = None, *,
                 fmt: str = "", crs: str = "", inside: Inside | None = None) -> tuple[Detection, Columns | None]:
    """The points of every row of a table (``rows`` without the header) in WGS 84, with the system detected.

    ``meta`` is the readers' (GeoJSON / KML geometries and ``crs``); ``fmt`` the format read; ``crs`` a system the
    caller declares (a source's ``harvest.crs``), which wins over the file's; ``inside`` see
    :func:`~cowork_data.geo.crs.detect`.
    """
    meta = meta or {}
    geometries = meta.get("geometry") or []
    if geometries and any(g for g in geometries[1:]):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for geometry in geometries[1:len(rows) + 1]:
            position = geometry.get("coordinates") if isinstance(geometry, dict) and \
                geometry.get("type") == "Point" else None
            ok = isinstance(position, list) and len(position) >= 2 and all(
                isinstance(c, int | float) and not isinstance(c, bool) for c in position[:2])
            xs.append(float(position[0]) if ok else None)
            ys.append(float(position[1]) if ok else None)
        xs += [None] * (len(rows) - len(xs))
        ys += [None] * (len(rows) - len(ys))
        declared = crs or str(meta.get("crs") or "")
        where = "geometry"
        default = 4326 if fmt in ("geojson", "kml", "") else None
        return detect(xs, ys, declared=declared, default=default, where=where, inside=inside), \
            Columns(names=("geometry",), declared=declared)
    columns = find_columns(header, rows)
    if columns is None:
        return detect([None] * len(rows), [None] * len(rows), where="-"), None
    if columns.combined is not None:
        cells = [_pair(row[columns.combined]) if columns.combined < len(row) else None for row in rows]
        srid = next((c[2] for c in cells if c and c[2]), "")
        xs = [c[0] if c else None for c in cells]
        ys = [c[1] if c else None for c in cells]
        declared = crs or columns.declared or (f"EPSG:{srid}" if srid else "")
    else:
        assert columns.x is not None and columns.y is not None
        xs = [number(row[columns.x]) if columns.x < len(row) else None for row in rows]
        ys = [number(row[columns.y]) if columns.y < len(row) else None for row in rows]
        declared = crs or columns.declared
    return detect(xs, ys, declared=declared, where=columns.where, inside=inside), columns
