"""Records as data formats publish them: GeoJSON (RFC 7946), JSON record exports (Socrata, OpenDataSoft) and the
shared step from records to a grid (the union of the keys as header).

GeoJSON: properties flattened with dots, a Point's position as ``geometry.lon`` / ``geometry.lat`` (GeoJSON order
is longitude, latitude); the sheet's ``meta`` keeps each row's geometry and the declared ``crs`` member (RFC 7946
dropped it, older files still carry one). JSON: an array of objects, or an object whose ``results``, ``records`` or
``data`` is one (the paged APIs); OpenDataSoft v1 wraps values in ``fields``. Anything else is no table.
"""

from __future__ import annotations

import json
from typing import Any

from cowork_data import i18n
from cowork_data.errors import NotATableError, UnreadableFileError
from cowork_data.readers.model import Sheet, container_fix, subject_text

__all__ = ["cell_value", "flatten", "read_json", "sheet_from_records"]



def cell_value(value: object) -> str:
    """Text of a parsed value: integral floats without ``.0``, None as empty, booleans ``true`` / ``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def flatten(value: object, prefix: str = "") -> dict[str, str]:
    """``{"geo": {"lat": 1}}`` → ``{"geo.lat": "1"}``; lists of scalars are indexed (``coordinates.0``)."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix] = cell_value(value)
    return out


def sheet_from_records(records: list[dict[str, str]], locator: str, *, name: str = "",
                       meta: dict[str, Any] | None = None) -> Sheet:
    """A sheet with the union of the records' keys as header (row 0), in order of first appearance."""
    header: list[str] = []
    seen: set[str] = set()
    for record in records:
        for key in record:
            if key not in seen:
                seen.add(key)
                header.append(key)
    rows = [header, *([record.get(key, "") for key in header] for record in records)] if records else []
    locators = ["", *(f"{locator}={i}" for i in range(1, len(records) + 1))] if records else []
    return Sheet(name=name, rows=rows, locators=locators, header=0, meta=meta or {})


def read_json(text: str, name: str, *, sure: bool = True) -> tuple[str, Sheet]:
    """``("geojson" | "json", sheet)`` of a JSON text; raises :class:`NotATableError` for JSON that is no table.

    With ``sure=False`` (the bytes only look like JSON) a text that is not JSON raises ValueError, so the caller can
    read it as CSV instead.
    """
    try:
        document = json.loads(text)
    except RecursionError as exc:
        raise UnreadableFileError("error.read-json-deep", subject=subject_text(name),
                                  fix=container_fix("records")) from exc
    except ValueError as exc:
        if not sure:
            raise
        raise UnreadableFileError("error.read-json-invalid", subject=subject_text(name), detail=exc,
                                  fix=container_fix("records")) from exc
    if isinstance(document, dict) and document.get("type") in ("FeatureCollection", "Feature"):
        return "geojson", _geojson(document)
    records = document
    if isinstance(records, dict):
        records = next((records[k] for k in ("results", "records", "data") if isinstance(records.get(k), list)), None)
    if isinstance(records, list) and all(isinstance(item, dict) for item in records):
        # OpenDataSoft v1 wraps each record's values in "fields"
        flat = [flatten(item["fields"] if isinstance(item.get("fields"), dict) else item) for item in records]
        return "json", sheet_from_records(flat, "record")
    raise NotATableError("error.read-json-not-records", subject=subject_text(name), what=describe_json(document),
                         fix=container_fix("records"))


def describe_json(document: object) -> i18n.Text:
    """What a JSON document is, in a few words (for "this is not a table"): a ``label.json.*`` text."""
    if isinstance(document, dict):
        keys = ", ".join(list(map(str, document))[:5]) + (", …" if len(document) > 5 else "")
        return i18n.Text.of("label.json.object", keys=keys) if document else i18n.Text.of("label.json.empty-object")
    if isinstance(document, list):
        return i18n.Text.of("label.json.list", count=len(document)) if document else \
            i18n.Text.of("label.json.empty-list")
    return i18n.Text.of("label.json.value", type=type(document).__name__)


def _geojson(document: dict) -> Sheet:
    features = document.get("features") if document.get("type") == "FeatureCollection" else [document]
    records, geometries = [], []
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict):
            continue
        record = flatten(feature.get("properties") or {})
        geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else None
        position = geometry.get("coordinates") if geometry and geometry.get("type") == "Point" else None
        if isinstance(position, list) and len(position) >= 2:
            record["geometry.lon"], record["geometry.lat"] = (cell_value(c) for c in position[:2])
        records.append(record)
        geometries.append(geometry)
    return sheet_from_records(records, "feature", meta={"crs": declared_crs(document),
                                                        "geometry": [None, *geometries] if records else []})


def declared_crs(document: dict) -> str:
    """The name of a GeoJSON 2008 ``crs`` member (``urn:ogc:def:crs:EPSG::3003``), ``""`` when none is declared."""
    crs = document.get("crs")
    if not isinstance(crs, dict):
        return ""
    properties = crs.get("properties") if isinstance(crs.get("properties"), dict) else {}
    return str(properties.get("name") or properties.get("href") or "")
