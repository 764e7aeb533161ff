"""Checks beyond the Table Schema: check digits and coordinate order.

Each check takes the table name, the validated rows (field name → text, with their row numbers) and yields
``(row_index, field, code, params)`` tuples; ``table.py`` turns them into findings at the user's cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from stdnum.it import iva

#: Fields holding an organisation's 11-digit fiscal code or partita IVA.
FISCAL_FIELDS = frozenset(
    {"operator_id", "vat_number", "tax_code", "funder_id", "publisher_id", "beneficiary_id"}
)
ELEVEN_DIGITS = re.compile(r"^[0-9]{11}$")
LAT_RANGE = (35.0, 47.2)
LON_RANGE = (6.5, 18.6)

Hit = tuple[int, str, str, dict[str, str]]


def vat_check_digits(table: str, rows: Sequence[Mapping[str, str]]) -> Iterator[Hit]:
    fields = set(FISCAL_FIELDS)
    if table == "organisations":
        fields.add("id")
    for i, row in enumerate(rows):
        for name in sorted(fields & row.keys()):
            value = (row.get(name) or "").strip()
            if ELEVEN_DIGITS.match(value) and not iva.is_valid(value):
                yield i, name, "vat-check-digit", {}


def _float(text: str) -> float | None:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return None


def _inside(value: float | None, bounds: tuple[float, float]) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


def swapped_coordinates(table: str, rows: Sequence[Mapping[str, str]]) -> Iterator[Hit]:
    if "latitude" not in (rows[0].keys() if rows else ()) or "longitude" not in rows[0].keys():
        return
    for i, row in enumerate(rows):
        lat, lon = _float(row.get("latitude", "")), _float(row.get("longitude", ""))
        if not _inside(lat, LAT_RANGE) and not _inside(lon, LON_RANGE):
            if _inside(lat, LON_RANGE) and _inside(lon, LAT_RANGE):
                yield i, "latitude", "coordinates-swapped", {"other": row.get("longitude", "")}


CHECKS = (vat_check_digits, swapped_coordinates)

#: Schema findings a check replaces: a swapped pair also breaks both range constraints.
SUPERSEDES: dict[str, tuple[str, ...]] = {"coordinates-swapped": ("latitude", "longitude")}
