"""Reader of the Comune di Milano open-data CSVs (coworking registry, FabLab list) and files in the same style.

Conventions handled: UTF-8 or other encodings, BOM, `;` with unquoted commas inside fields, double-encoded
UTF-8 next to correct text, headers in any case mapped through the source's `[columns]`, the geo block
`LONG_X_4326;LAT_Y_4326;Location` where Location is `(lat, lon)` (the opposite order), rows without geocode,
phones stored as numbers.
"""

from __future__ import annotations

import re

from cowork_data.config import Source
from cowork_data.errors import ConfigError, HarvestError
from cowork_data.geo.crs import FAMILIES, in_comune
from cowork_data.geo.points import table_points
from cowork_data.harvest import Snapshot
from cowork_data.harvest.adapters import RawTable, UnreadableSnapshot, parse_table
from cowork_data.harvest.adapters.base import header_key
from cowork_data.harvest.spec import harvest_spec
from cowork_data.normalise import fields
from cowork_data.normalise.hours import opening_hours
from cowork_data.normalise.ids import Crosswalk, slugify
from cowork_data.normalise.tables import blank_row, project_of
from cowork_data.normalise.tables import fields as table_fields
from cowork_data.readers import repair
from cowork_data.reference import Comune, Comuni

__all__ = ["INPUTS", "normalise_milano"]

# Targets of `[columns]` that are inputs of this reader rather than canonical fields.
INPUTS = frozenset({"address", "record_id", "phone_alt", "location", "meeting_rooms"})
_LOCATION = re.compile(r"^\(?\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)?$")


def _column_map(source: Source, header: list[str]) -> dict[int, str]:
    targets = {header_key(name): target for name, target in source.columns.items()}
    known = table_fields("spaces", project_of(source.path))
    for name, target in source.columns.items():
        if target not in INPUTS and target not in known:
            raise ConfigError("error.column-map-field", source=source.path.name, name=name, target=target)
    return {i: targets[header_key(h)] for i, h in enumerate(header) if header_key(h) in targets}


def _position(values: dict[str, str]) -> tuple[str, str]:
    lat, lon = fields.coordinate(values.get("latitude", "")), fields.coordinate(values.get("longitude", ""))
    if (lat is None or lon is None) and (match := _LOCATION.match(values.get("location", ""))):
        lat, lon = float(match[1]), float(match[2])
    if lat is None or lon is None:
        return "", ""
    if 6.5 <= lat <= 18.6 and 35.0 <= lon <= 47.2:  # x/y given the other way round
        lat, lon = lon, lat
    return _decimal(lat), _decimal(lon)


def _decimal(value: float) -> str:
    # 7 decimals (about 1 cm) drop the float noise of the source (9.142164000000037 → 9.142164).
    return f"{value:.7f}".rstrip("0").rstrip(".")


def _read(source: Source, snapshot: Snapshot) -> RawTable:
    """The raw records of the snapshot, read by the adapter of the source's format (CSV, XLSX, GeoJSON, …)."""
    fmt = harvest_spec(source).format
    try:
        return parse_table(fmt, snapshot.data, expected=tuple(source.columns))
    except UnreadableSnapshot as exc:
        raise HarvestError("error.snapshot-unreadable", source=source.id, reason=exc.texts()) from exc


def _projected(source: Source, table: RawTable) -> list[tuple[float, float] | None]:
    """The rows' points in WGS 84 when the table's coordinates are projected (Gauss-Boaga, UTM…, declared by the
    file or `harvest.crs`, or told by their ranges and the source's comune: :mod:`cowork_data.geo`); empty for
    degrees or no system."""
    found, columns = table_points(table.header, table.rows, table.meta, fmt=harvest_spec(source).format,
                                  crs=harvest_spec(source).crs, inside=in_comune(source.comune))
    if columns is None or not found.ok or found.epsg in FAMILIES["geographic"]:
        return []
    return found.points


def _space(source: Source, values: dict[str, str], comune: Comune, crosswalk: Crosswalk,
           record: str) -> dict[str, str]:
    row = blank_row("spaces", project_of(source.path))
    row.update({k: v for k, v in values.items() if k in row})
    street, number = fields.address(values.get("address", ""))
    row["street_address"] = street or values.get("street_address", "")
    row["house_number"] = number or values.get("house_number", "")
    record_id = values.get("record_id", "")
    key = record_id or f"{slugify(row['name'])}@{slugify(values.get('address', ''))}"
    row["id"] = crosswalk.assign("spaces", source.id, key, row["name"], comune.belfiore)
    row["type"] = fields.space_type(row["type"]) or source.space_type
    row["postcode"] = fields.postcode(row["postcode"])
    row["comune_istat"], row["comune_belfiore"], row["comune_name"] = comune.istat, comune.belfiore, comune.name
    row["country"] = "IT"
    row["latitude"], row["longitude"] = _position(values)
    row["workstations"] = fields.workstations(row["workstations"])
    row["features"] = fields.features(row["services"], workstations=row["workstations"],
                                      meeting_rooms=values.get("meeting_rooms", ""))
    row["opening_hours"] = opening_hours(row["opening_hours_note"])
    row["website"] = fields.website(row["website"])
    row["email"] = fields.email(row["email"])
    row["phone"] = fields.phone(row["phone"]) or fields.phone(values.get("phone_alt", ""))
    row["open_since"] = fields.open_since(row["open_since"])
    row["wheelchair"] = fields.wheelchair(row["wheelchair"])
    row["source_id"], row["source_record"], row["source_url"] = source.id, record, source.url
    return row


def normalise_milano(source: Source, snapshot: Snapshot, *, comuni: Comuni,
                     crosswalk: Crosswalk) -> dict[str, list[dict[str, str]]]:
    """Spaces (and, for a registry, their admissions) from one Milan-style CSV."""
    comune = comuni.by_istat(source.comune)
    if comune is None:
        raise ConfigError("error.source-comune", source=source.path.name, comune=repr(source.comune))
    table = _read(source, snapshot)
    if not table.header:
        return {name: [] for name in source.tables}
    columns = _column_map(source, [repair(h) for h in table.header])
    projected = _projected(source, table)
    spaces, admissions = [], []
    for index, (locator, record) in enumerate(zip(table.locators, table.rows, strict=True)):
        values = {columns[i]: repair(cell) for i, cell in enumerate(record) if i in columns}
        if not any(values.values()):
            continue
        space = _space(source, values, comune, crosswalk, locator)
        if projected and projected[index] is not None:
            lon, lat = projected[index]
            space["latitude"], space["longitude"] = _decimal(lat), _decimal(lon)
        spaces.append(space)
        if source.admissions_call:
            admission = blank_row("admissions", project_of(source.path))
            admission.update(call_id=source.admissions_call, space_id=space["id"], status="admitted",
                             source_id=source.id, source_record=space["source_record"], source_url=source.url)
            admissions.append(admission)
    result = {"spaces": spaces, "admissions": admissions}
    return {table: result.get(table, []) for table in source.tables}
