"""Points checked against the comuni's boundaries (:mod:`cowork_data.geo.boundaries`): a point in another comune
than the one its row names, a point in no Italian comune (at sea or abroad), and an empty comune a point names
without doubt (which ``fix`` fills in); and rows of spaces outside Italy, each one finding instead of the five
an Italian row's rules would give it (comune, CAP, phone, latitude, longitude).

The comune a row names is its ISTAT code when the code is one of the ISTAT list, else its name as people write it
(:func:`cowork_data.comune_names.resolve`). A point within :data:`~cowork_data.geo.boundaries.TOLERANCE_M` of the
named comune's simplified boundary counts as inside it. Rows without a number in both coordinates and swapped
pairs (:class:`~cowork_data.validate.checks.rows.SwappedCoordinates` reports those) are not placed.

A row is outside Italy when its comune is no Italian comune's name (nor an ISTAT code) and something in it says
so: a ``country`` that is not Italy, a phone with another country's prefix, a point far from every comune, or a
postcode with letters (``SW1A 1AA``). :func:`settle` then drops the Italian checks' findings on its cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from cowork_data.validate.checks.base import Check, Columns, Hit, Kind, Rows, row_text
from cowork_data.validate.checks.rows import parse_number, swapped

__all__ = ["ABROAD_FIELDS", "Places", "point_of", "settle"]

_FIELDS = ("latitude", "longitude", "comune_name", "comune_istat", "phone", "postcode", "country")
#: The cells an Italian row's rules check and a row outside Italy is not held to.
ABROAD_FIELDS = ("comune_name", "comune_istat", "comune_belfiore", "postcode", "phone", "latitude", "longitude")
_ITALY = ("", "it", "ita", "italia", "italy", "italie", "italien")
#: A row whose name and ISTAT code are of two comuni: which one the point should be in is for a person to say.
_CONFLICT = "conflict"


def point_of(latitude: str, longitude: str) -> tuple[float, float] | None:
    """The (longitude, latitude) of two cells, or None: not two numbers, out of range, or swapped."""
    lat, lon = parse_number(latitude), parse_number(longitude)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or swapped(latitude, longitude):
        return None
    return lon, lat


@cache
def _comuni():  # noqa: ANN202 - reference.Comuni
    from cowork_data.reference import load_comuni

    return load_comuni()


@cache
def _named(name: str, istat: str):  # noqa: ANN202 - reference.Comune | None
    """The comune of the ISTAT list a row names: its code, else its name when that names one comune."""
    from cowork_data.comune_names import resolve

    by_name = resolve(name).comune if name else None
    coded = _comuni().by_istat(istat) if len(istat) == 6 and istat.isdigit() else None
    if coded is not None and by_name is not None and coded != by_name:
        return _CONFLICT  # the comuni check reports a code of another comune than the name's
    return coded or by_name


def _italian(country: str) -> bool:
    return country.strip().lower() in _ITALY


def _where(lat: float, lon: float) -> str:
    """Latitude, longitude, as a map's search box takes them."""
    return f"{lat:.5f}, {lon:.5f}"


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f}".replace(".", ",")


def place_hits(cells: Sequence[Sequence[str]], has_name: bool) -> list[Hit]:
    """The hits of rows given as (row index, then the cells of :data:`_FIELDS`); ``has_name``: the table has a
    comune name column (so an empty one can be filled)."""
    from cowork_data.comune_names import resolve
    from cowork_data.geo.boundaries import boundaries
    from cowork_data.validate.checks.codes import foreign_phone

    todo = [(int(c[0]), point_of(c[1], c[2]), *c[3:]) for c in cells]
    if not todo:
        return []
    geo = boundaries()
    points = [row for row in todo if row[1] is not None]
    located = dict(zip((row[0] for row in points),
                       geo.locate([row[1][0] for row in points], [row[1][1] for row in points]), strict=True))
    hits: list[Hit] = []
    for i, point, name, istat, phone, postcode, country in todo:
        index = located.get(i)
        abroad = None if _named(name, istat) is not None or (name and resolve(name).kind != "unknown") else \
            _abroad(geo, point, index, phone, postcode, country, foreign_phone)
        if abroad is not None:
            hits.append((i, "comune_name" if has_name else "latitude", "row-outside-italy", {"why": abroad}))
            continue
        if point is None:
            continue
        hit = _point_hit(geo, *point, index, name, istat, has_name)
        if hit is not None:
            hits.append((i, *hit))
    return hits


def _abroad(geo, point: tuple[float, float] | None, index: int | None, phone: str, postcode: str,  # noqa: ANN001
            country: str, foreign_phone) -> object | None:  # noqa: ANN001 - checks.codes.foreign_phone
    """What says a row that names no Italian comune is outside Italy (an :class:`~cowork_data.i18n.Text`), or None
    (a row naming an Italian comune is Italian, whatever else is wrong in it: the caller does not ask)."""
    from cowork_data import i18n
    from cowork_data.geo.boundaries import TOLERANCE_M

    if not _italian(country):
        return i18n.Text.of("label.abroad.country", value=country)
    foreign = foreign_phone(phone) if phone else None
    if foreign:
        return i18n.Text.of("label.abroad.phone", value=foreign[2])
    if point is not None and index is None:
        nearest, distance = geo.nearest(*point)
        if distance > TOLERANCE_M:
            return i18n.Text.of("label.abroad.point", km=_km(distance), other=nearest.name)
    if postcode and any(ch.isalpha() for ch in postcode):
        return i18n.Text.of("label.abroad.postcode", value=postcode)
    return None


def settle(hits: Sequence[Hit]) -> list[Hit]:
    """The hits once each row outside Italy keeps its one finding: the Italian rules' findings on its
    :data:`ABROAD_FIELDS` are dropped (the schema's are replaced through the kind's ``replaces``)."""
    abroad = {i for i, _, code, _ in hits if code == "row-outside-italy"}
    if not abroad:
        return list(hits)
    return [h for h in hits if h[2] == "row-outside-italy" or h[0] not in abroad or h[1] not in ABROAD_FIELDS]


def _point_hit(geo, lon: float, lat: float, index: int | None, name: str, istat: str,  # noqa: ANN001 - Boundaries
               has_name: bool) -> tuple[str, str, dict[str, object]] | None:
    """The finding of one point: (field, code, params), or None."""
    from cowork_data.geo.boundaries import TOLERANCE_M

    snapped = False
    if index is None:  # at sea or abroad, unless within the tolerance of a coast or a border
        nearest, distance = geo.nearest(lon, lat)
        if distance > TOLERANCE_M:
            return "latitude", "point-outside-italy", {"other": nearest.name, "km": _km(distance),
                                                       "point": _where(lat, lon)}
        index, snapped = geo.by_istat[nearest.istat], True
    place = geo.place(index)
    named = _named(name, istat)
    if named == _CONFLICT:
        return None
    if named is None:
        comune = _comuni().by_istat(place.istat)
        if has_name and not name and not istat and comune is not None and not snapped and geo.alone(index, lon, lat):
            return "comune_name", "comune-from-point", {"official": comune.name, "istat": comune.istat,
                                                        "province": comune.province_code, "point": _where(lat, lon)}
        return None
    if place.istat == named.istat:
        return None
    distance = geo.distance_to(named.istat, lon, lat)
    if distance is None or distance <= TOLERANCE_M:
        return None  # a comune the boundaries (June 2023) do not have, or a point on its border
    return "latitude", "point-other-comune", {"other": place.name, "official": named.name, "istat": place.istat,
                                              "named_istat": named.istat, "km": _km(distance),
                                              "point": _where(lat, lon)}


class Places(Check):
    """Each point in the comune its row names (within the tolerance of the simplified boundaries), in Italy, the
    comune of a row that names none when its point is in one comune and near no other, and rows outside Italy."""

    name = "places"
    kinds = (Kind("point-other-comune"), Kind("point-outside-italy", replaces=("latitude", "longitude")),
             Kind("comune-from-point", "warning", replaces_cell=True),
             Kind("row-outside-italy", replaces=ABROAD_FIELDS),
             Kind("list-outside-italy", "warning"))

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        if table != "spaces" or not rows:
            return
        cells = [(str(i), *(row_text(row, f) for f in _FIELDS)) for i, row in enumerate(rows)]
        yield from place_hits(cells, "comune_name" in rows[0].keys())

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        if table != "spaces" or not columns.height:
            return
        import polars as pl

        from cowork_data.validate.checks.base import stripped

        frame = pl.DataFrame([stripped(columns.series(f)) for f in _FIELDS]).with_row_index("i")
        # rows with something in both coordinates, or with a phone, postcode or country that may say "abroad"
        frame = frame.filter(((pl.col("latitude") != "") & (pl.col("longitude") != ""))
                             | pl.col("phone").str.starts_with("+") | pl.col("phone").str.starts_with("00")
                             | pl.col("postcode").str.contains(r"\p{L}") | (pl.col("country") != ""))
        cells = [(str(i), *rest) for i, *rest in frame.rows()]
        yield from place_hits(cells, "comune_name" in columns)
