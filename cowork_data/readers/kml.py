"""KML 2.2 (OGC 07-147r2): one row per ``Placemark`` with ``name``, ``description``, ``ExtendedData`` (``Data`` and
``SchemaData/SimpleData``) and a Point's ``coordinates`` (``lon,lat[,alt]``) as ``geometry.lon`` / ``geometry.lat``.

KML coordinates are always WGS 84 longitude, latitude (the sheet's ``meta`` says ``crs`` ``EPSG:4326`` and keeps
each Point as a GeoJSON geometry). A DTD is refused before the standard library parser sees the bytes (XXE, entity
expansion), in UTF-16 too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cowork_data.errors import UnreadableFileError
from cowork_data.readers.guards import has_dtd
from cowork_data.readers.model import Sheet, container_fix, subject_text
from cowork_data.readers.records import sheet_from_records

__all__ = ["read_kml", "refuse_dtd"]

def refuse_dtd(data: bytes, name: str, label: str) -> None:
    """Refuse XML with a DTD (``<!DOCTYPE`` / ``<!ENTITY``): the door to XXE and entity expansion."""
    if has_dtd(data):
        raise UnreadableFileError("error.read-dtd", subject=subject_text(name), label=label,
                                  fix=container_fix("export"))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def read_kml(data: bytes, name: str) -> Sheet:
    refuse_dtd(data, name, "KML")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UnreadableFileError("error.read-kml", subject=subject_text(name), detail=exc,
                                  fix=container_fix("export")) from exc
    records, geometries = [], []
    for placemark in (el for el in root.iter() if _local(el.tag) == "Placemark"):
        record: dict[str, str] = {}
        children = list(placemark)
        for child in placemark.iter():
            tag = _local(child.tag)
            if tag in {"name", "description"} and child in children:
                record[tag] = _text(child)
            elif tag == "Data" and child.get("name"):
                value = next((v for v in child if _local(v.tag) == "value"), None)
                record[child.get("name", "")] = _text(value)
            elif tag == "SimpleData" and child.get("name"):
                record[child.get("name", "")] = _text(child)
            elif tag == "coordinates" and "geometry.lon" not in record:
                parts = _text(child).split()[0].split(",") if _text(child) else []
                if len(parts) >= 2:
                    record["geometry.lon"], record["geometry.lat"] = parts[0], parts[1]
        records.append(record)
        geometries.append(_point(placemark))
    return sheet_from_records(records, "placemark",
                              meta={"crs": "EPSG:4326", "geometry": [None, *geometries] if records else []})


def _point(placemark: ET.Element) -> dict | None:
    """The placemark's first Point as a GeoJSON geometry, None when it has none (or a line, a polygon)."""
    point = next((el for el in placemark.iter() if _local(el.tag) == "Point"), None)
    found = next((el for el in point.iter() if _local(el.tag) == "coordinates"), None) if point is not None else None
    parts = _text(found).split()[0].split(",") if _text(found) else []
    try:
        return {"type": "Point", "coordinates": [float(p) for p in parts[:3]]} if len(parts) >= 2 else None
    except ValueError:
        return None
