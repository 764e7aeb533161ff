"""Checks across the cells of a row or the rows of a table: latitude and longitude swapped, and a space entered
twice (same name at the same address)."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from cowork_data.validate.checks.base import Check, Columns, Hit, Kind, Rows, hits_where, row_text, stripped

__all__ = ["LAT_RANGE", "LON_RANGE", "Duplicates", "SwappedCoordinates", "parse_number", "swapped"]

LAT_RANGE = (35.0, 47.2)
LON_RANGE = (6.5, 18.6)
_PLAIN = r"^-?[0-9]{1,6}(\.[0-9]{1,12})?$"


def parse_number(text: str) -> float | None:
    """A number as written in a cell, with a decimal point or an Italian decimal comma; None when it is not one."""
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return None


def _inside(value: float | None, bounds: tuple[float, float]) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


def swapped(latitude: str, longitude: str) -> bool:
    lat, lon = parse_number(latitude), parse_number(longitude)
    return (not _inside(lat, LAT_RANGE) and not _inside(lon, LON_RANGE)
            and _inside(lat, LON_RANGE) and _inside(lon, LAT_RANGE))


class SwappedCoordinates(Check):
    """A point outside Italy that falls inside it once latitude and longitude are swapped; the swap also breaks
    both range constraints, whose findings it replaces."""

    name = "swapped-coordinates"
    kinds = (Kind("coordinates-swapped", replaces=("latitude", "longitude")),)
    build = True

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        if "latitude" not in (rows[0].keys() if rows else ()) or "longitude" not in rows[0].keys():
            return
        for i, row in enumerate(rows):
            if swapped(row.get("latitude", ""), row.get("longitude", "")):
                yield i, "latitude", "coordinates-swapped", {"other": row.get("longitude", "")}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        """Plain decimals in polars; any other text (``45,5``, ``1e1``, digits of other scripts) as Python reads it."""
        if "latitude" not in columns or "longitude" not in columns:
            return
        frame = columns.frame(["latitude", "longitude"])
        lat = pl.col("latitude").cast(pl.Float64, strict=False)
        lon = pl.col("longitude").cast(pl.Float64, strict=False)
        flags = frame.select(
            plain=pl.col("latitude").str.contains(_PLAIN) & pl.col("longitude").str.contains(_PLAIN),
            hit=(~lat.is_between(*LAT_RANGE) & ~lon.is_between(*LON_RANGE)
                 & lat.is_between(*LON_RANGE) & lon.is_between(*LAT_RANGE)),
        )
        plain, hit = flags["plain"].fill_null(False), flags["hit"].fill_null(False)
        found = set(hits_where(plain & hit))
        other = hits_where(~plain)
        pairs = frame[other].iter_rows() if other else iter(())
        found.update(i for i, (la, lo) in zip(other, pairs, strict=True) if swapped(la, lo))
        longitude = columns.series("longitude")
        for i in sorted(found):
            yield i, "latitude", "coordinates-swapped", {"other": longitude[i]}


def _fold(text: str) -> str:
    from cowork_data.validate.schemas import fold

    return fold(text.strip())


class Duplicates(Check):
    """Two spaces with the same name at the same address are most likely one space entered twice."""

    name = "duplicates"
    kinds = (Kind("duplicate-row", "warning"),)
    _KEY = ("name", "street_address", "house_number")

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        if table != "spaces":
            return
        seen: dict[tuple[str, str, str], int] = {}
        for i, row in enumerate(rows):
            name = _fold(row_text(row, "name"))
            if not name:
                continue
            key = (name, _fold(row_text(row, "street_address")), _fold(row_text(row, "house_number")))
            if key in seen:
                yield i, "name", "duplicate-row", {"other_row": seen[key]}
            else:
                seen[key] = i

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        if table != "spaces":
            return
        folded = []
        for name in self._KEY:
            series = stripped(columns.series(name))
            distinct = series.unique().to_list()
            folded.append(series.replace_strict(distinct, [_fold(v) for v in distinct], return_dtype=pl.String))
        frame = pl.DataFrame(folded).with_row_index("i").filter(pl.col("name") != "")
        repeated = (frame.with_columns(first=pl.col("i").first().over(list(self._KEY)))
                    .filter(pl.col("i") != pl.col("first")))
        for i, other in repeated.select("i", "first").iter_rows():
            yield i, "name", "duplicate-row", {"other_row": other}
