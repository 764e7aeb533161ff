"""JSON record exports: Socrata (`/resource/{id}.json`, `rows.json` is not supported) and OpenDataSoft
(`/api/explore/v2.1/catalog/datasets/{id}/exports/json`): a JSON array of flat-ish objects.

Nested objects are flattened with dots (`geo_point_2d.lat`, `location.latitude`); an object with a `results` or
`records` list (the paged APIs) is read too.
"""

from __future__ import annotations

import json

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot, flatten, table_from_records

__all__ = ["parse"]


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "json") -> RawTable:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableSnapshot(f"JSON non valido: {exc}", f"invalid JSON: {exc}") from exc
    if isinstance(document, dict):
        document = document.get("results", document.get("records", document.get("data")))
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise UnreadableSnapshot("il JSON non è un elenco di record", "the JSON is not a list of records")
    # OpenDataSoft v1 wraps each record's values in "fields"
    records = [flatten(item.get("fields", item) if isinstance(item.get("fields"), dict) else item)
               for item in document]
    return table_from_records(records, "record")
