"""GeoJSON FeatureCollection (RFC 7946): properties flattened, a Point's position as `geometry.lon` /
`geometry.lat` (GeoJSON order is longitude, latitude)."""

from __future__ import annotations

import json

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot, cell_text, flatten, table_from_records

__all__ = ["parse"]


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "geojson") -> RawTable:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableSnapshot(f"GeoJSON non valido: {exc}", f"invalid GeoJSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise UnreadableSnapshot("manca la FeatureCollection", "no FeatureCollection")
    records = []
    for feature in document.get("features") or []:
        record = flatten(feature.get("properties") or {})
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point" and len(geometry.get("coordinates") or []) >= 2:
            record["geometry.lon"], record["geometry.lat"] = (cell_text(c) for c in geometry["coordinates"][:2])
        records.append(record)
    return table_from_records(records, "feature")
