"""Checks across the cells of a row or the rows of a table: numbers written the Italian way, latitude and
longitude swapped, and a space entered twice (same name at the same address)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from cowork_data.profiles import ITALY, PROFILES, Profile
from cowork_data.validate.checks.base import Check, Columns, Hit, Kind, Rows, hits_where, row_text, stripped

__all__ = ["LAT_RANGE", "LON_RANGE", "Duplicates", "ItalianNumbers", "SwappedCoordinates", "italian_number",
           "parse_number", "swapped"]

#: Italy's latitude and longitude range (its profile's one box).
LAT_RANGE = (ITALY.bounds[0].south, ITALY.bounds[0].north)
LON_RANGE = (ITALY.bounds[0].west, ITALY.bounds[0].east)
_PLAIN = r"^-?[0-9]{1,6}(\.[0-9]{1,12})?$"


def parse_number(text: str) -> float | None:
    """A number as written in a cell, with a decimal point or an Italian decimal comma; None when it is not one."""
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return None


#: A decimal comma, with or without dots between thousands (``45,4642``, ``1.234,50``).
_DECIMAL_COMMA = r"^[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),[0-9]+$"
#: Dots between thousands: an integer (``1.200``), or a number with more than one dot (``1.234.567``).
_THOUSANDS = r"^[+-]?[0-9]{1,3}(?:\.[0-9]{3})+$"
_MANY_THOUSANDS = r"^[+-]?[0-9]{1,3}(?:\.[0-9]{3}){2,}$"


def italian_number(text: str, kind: str) -> str | None:
    """The number as the table publishes it when ``text`` is written the Italian way for a field of type ``kind``
    (``number`` or ``integer``): ``45,4642`` → ``45.4642``, ``1.234,50`` → ``1234.50``, an integer ``1.200`` →
    ``1200``; None for anything else (a plain number, or text that is no number)."""
    value = text.strip()
    if kind == "number" and re.match(_DECIMAL_COMMA, value):
        return value.replace(".", "").replace(",", ".")
    if (kind == "integer" and re.match(_THOUSANDS, value)) or (kind == "number" and re.match(_MANY_THOUSANDS, value)):
        return value.replace(".", "")
    return None


def _number_fields(table: str) -> dict[str, str]:
    from cowork_data.validate.schemas import schema_descriptor

    return {f["name"]: f["type"] for f in schema_descriptor(table)["fields"] if f.get("type") in ("number", "integer")}


class ItalianNumbers(Check):
    """A number written as Italian spreadsheets write it (a decimal comma, dots between thousands): a warning that
    says the number it will be published as, instead of a type error; ``fix`` writes it so."""

    name = "italian-numbers"
    kinds = (Kind("decimal-comma", "warning", replaces_cell=True),)

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        fields = _number_fields(table)
        for i, row in enumerate(rows):
            for name in sorted(fields.keys() & row.keys()):
                number = italian_number(row.get(name) or "", fields[name])
                if number is not None:
                    yield i, name, "decimal-comma", {"other": number}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        for name, kind in _number_fields(table).items():
            if name not in columns:
                continue
            series = stripped(columns.series(name))
            rows = hits_where(series.str.contains(_DECIMAL_COMMA if kind == "number" else _THOUSANDS)
                              | series.str.contains(_MANY_THOUSANDS))
            for i, value in zip(rows, series.gather(rows).to_list(), strict=True):
                number = italian_number(value, kind)
                if number is not None:
                    yield i, name, "decimal-comma", {"other": number}


def _profile(country: str) -> Profile | None:
    """The profile of a row's ``country`` (empty: Italy); None for a country without one (the schema reports it)."""
    return PROFILES.get((country or "IT").strip().upper())


def swapped(latitude: str, longitude: str, country: str = "") -> bool:
    """Outside the country's boxes, inside them once swapped (in Italy: both values out of range, each in the
    other's range, as the boxes of latitude and longitude do not overlap)."""
    lat, lon, profile = parse_number(latitude), parse_number(longitude), _profile(country)
    if lat is None or lon is None or profile is None:
        return False
    return not profile.inside(lat, lon) and profile.inside(lon, lat)


def _inside_expr(y: pl.Expr, x: pl.Expr, profile: Profile) -> pl.Expr:
    return pl.any_horizontal([y.is_between(b.south, b.north) & x.is_between(b.west, b.east) for b in profile.bounds])


class SwappedCoordinates(Check):
    """A point outside the row's country (its profile's boxes; a row without ``country`` is Italian) that falls
    inside it once latitude and longitude are swapped; the swap also breaks both range constraints, whose
    findings it replaces."""

    name = "swapped-coordinates"
    kinds = (Kind("coordinates-swapped", replaces=("latitude", "longitude")),)
    build = True

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        if "latitude" not in (rows[0].keys() if rows else ()) or "longitude" not in rows[0].keys():
            return
        for i, row in enumerate(rows):
            if swapped(row.get("latitude", ""), row.get("longitude", ""), row.get("country", "")):
                yield i, "latitude", "coordinates-swapped", {"other": row.get("longitude", "")}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        """Plain decimals in polars; any other text (``45,5``, ``1e1``, digits of other scripts) as Python reads it."""
        if "latitude" not in columns or "longitude" not in columns:
            return
        frame = columns.frame(["latitude", "longitude", "country"])
        lat = pl.col("latitude").cast(pl.Float64, strict=False)
        lon = pl.col("longitude").cast(pl.Float64, strict=False)
        country = pl.col("country").str.strip_chars().str.to_uppercase().replace("", ITALY.country)
        hit = pl.lit(False)
        for profile in PROFILES.values():
            hit = hit | ((country == profile.country) & ~_inside_expr(lat, lon, profile)
                         & _inside_expr(lon, lat, profile))
        flags = frame.select(
            plain=pl.col("latitude").str.contains(_PLAIN) & pl.col("longitude").str.contains(_PLAIN), hit=hit)
        plain, hit = flags["plain"].fill_null(False), flags["hit"].fill_null(False)
        found = set(hits_where(plain & hit))
        other = hits_where(~plain)
        triples = frame[other].iter_rows() if other else iter(())
        found.update(i for i, (la, lo, co) in zip(other, triples, strict=True) if swapped(la, lo, co))
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
