"""Points checked against the comuni's boundaries (:mod:`cowork_data.geo.boundaries`): a point in another comune
than the one its row names, a point in no Italian comune (at sea or abroad), and an empty comune a point names
without doubt (which ``fix`` fills in).

The comune a row names is its ISTAT code when the code is one of the ISTAT list, else its name as people write it
(:func:`cowork_data.comune_names.resolve`). A point within :data:`~cowork_data.geo.boundaries.TOLERANCE_M` of the
named comune's simplified boundary counts as inside it. Rows whose ``country`` is not Italy, rows without a number
in both coordinates and swapped pairs (:class:`~cowork_data.validate.checks.rows.SwappedCoordinates` reports
those) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from cowork_data.validate.checks.base import Check, Columns, Hit, Kind, Rows, row_text
from cowork_data.validate.checks.rows import parse_number, swapped

__all__ = ["Places", "point_of"]

_FIELDS = ("latitude", "longitude", "comune_name", "comune_istat", "country")
_ITALY = ("", "it", "ita", "italia", "italy")
#: A row whose name and ISTAT code are of two comuni: which one the point should be in is for a person to say.
_CONFLICT = "conflict"


def point_of(latitude: str, longitude: str) -> tuple[float, float] | None:
    """The (longitude, latitude) of two cells, or None: not two numbers, out of range, or swapped."""
    lat, lon = parse_number(latitude), parse_number(longitude)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or swapped(latitude, longitude):
        return None
    return lon, lat


@cache
def _named(name: str, istat: str):  # noqa: ANN202 - reference.Comune | None
    """The comune of the ISTAT list a row names: its code, else its name when that names one comune."""
    from cowork_data.comune_names import resolve
    from cowork_data.reference import load_comuni

    by_name = resolve(name).comune if name else None
    coded = load_comuni().by_istat(istat) if len(istat) == 6 and istat.isdigit() else None
    if coded is not None and by_name is not None and coded != by_name:
        return _CONFLICT  # the comuni check reports a code of another comune than the name's
    return coded or by_name


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f}".replace(".", ",")


def place_hits(cells: Sequence[tuple[int, str, str, str, str]], has_name: bool) -> list[Hit]:
    """The hits of rows given as (row index, latitude, longitude, comune name, ISTAT code), Italian rows only;
    ``has_name``: the table has a comune name column (so an empty one can be filled)."""
    from cowork_data.geo.boundaries import boundaries

    points = [(i, point_of(lat, lon), name, istat) for i, lat, lon, name, istat in cells]
    points = [(i, p, name, istat) for i, p, name, istat in points if p is not None]
    if not points:
        return []
    geo = boundaries()
    located = geo.locate([p[0] for _, p, _, _ in points], [p[1] for _, p, _, _ in points])
    hits: list[Hit] = []
    for (i, (lon, lat), name, istat), index in zip(points, located, strict=True):
        hit = _point_hit(geo, lon, lat, index, name, istat, has_name)
        if hit is not None:
            hits.append((i, *hit))
    return hits


def _point_hit(geo, lon: float, lat: float, index: int | None, name: str, istat: str,  # noqa: ANN001 - Boundaries
               has_name: bool) -> tuple[str, str, dict[str, object]] | None:
    """The finding of one point: (field, code, params), or None."""
    from cowork_data.geo.boundaries import TOLERANCE_M
    from cowork_data.reference import load_comuni

    where = f"{lat:.5f}, {lon:.5f}"  # latitude, longitude, as a map's search box takes them
    snapped = False
    if index is None:  # at sea or abroad, unless within the tolerance of a coast or a border
        nearest, distance = geo.nearest(lon, lat)
        if distance > TOLERANCE_M:
            return "latitude", "point-outside-italy", {"other": nearest.name, "km": _km(distance), "point": where}
        index, snapped = geo.by_istat[nearest.istat], True
    place = geo.place(index)
    named = _named(name, istat)
    if named == _CONFLICT:
        return None
    if named is None:
        comune = load_comuni().by_istat(place.istat)
        if has_name and not name and not istat and comune is not None and not snapped and geo.alone(index, lon, lat):
            return "comune_name", "comune-from-point", {"official": comune.name, "istat": comune.istat,
                                                        "province": comune.province_code, "point": where}
        return None
    if place.istat == named.istat:
        return None
    distance = geo.distance_to(named.istat, lon, lat)
    if distance is None or distance <= TOLERANCE_M:
        return None  # a comune the boundaries (June 2023) do not have, or a point on its border
    return "latitude", "point-other-comune", {"other": place.name, "official": named.name, "istat": place.istat,
                                              "km": _km(distance), "point": where}


def _italian(country: str) -> bool:
    return country.strip().lower() in _ITALY


class Places(Check):
    """Each point in the comune its row names (within the tolerance of the simplified boundaries), in Italy, and
    the comune of a row that names none when its point is in one comune and near no other."""

    name = "places"
    kinds = (Kind("point-other-comune"), Kind("point-outside-italy", replaces=("latitude", "longitude")),
             Kind("comune-from-point", "warning"))

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        if not rows or "latitude" not in rows[0].keys() or "longitude" not in rows[0].keys():
            return
        cells = [(i, *(row_text(row, f) for f in _FIELDS[:4])) for i, row in enumerate(rows)
                 if _italian(row_text(row, "country"))]
        yield from place_hits(cells, "comune_name" in rows[0].keys())  # type: ignore[arg-type]

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        if "latitude" not in columns or "longitude" not in columns:
            return
        import polars as pl

        from cowork_data.validate.checks.base import stripped

        frame = pl.DataFrame([stripped(columns.series(f)) for f in _FIELDS]).with_row_index("i")
        # only rows with something in both coordinates, of Italy (no country, or IT / Italia)
        frame = frame.filter((pl.col("latitude") != "") & (pl.col("longitude") != "")
                             & pl.col("country").str.to_lowercase().is_in(list(_ITALY)))
        cells = frame.select("i", *_FIELDS[:4]).rows()
        yield from place_hits(cells, "comune_name" in columns)
