"""KML 2.2 (OGC 07-147r2): one record per `Placemark` with `name`, `description`, `ExtendedData` (`Data` and
`SchemaData/SimpleData`) and a Point's `coordinates` (`lon,lat[,alt]`) as `geometry.lon` / `geometry.lat`.

The standard library parser is used; expat refuses entity-expansion attacks."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot, table_from_records

__all__ = ["parse"]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "kml") -> RawTable:
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data:
        raise UnreadableSnapshot("KML con DTD o entità: rifiutato", "KML with a DTD or entities: refused")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UnreadableSnapshot(f"KML non valido: {exc}", f"invalid KML: {exc}") from exc
    records = []
    for placemark in (el for el in root.iter() if _local(el.tag) == "Placemark"):
        record: dict[str, str] = {}
        for child in placemark.iter():
            name = _local(child.tag)
            if name in {"name", "description"} and child in list(placemark):
                record[name] = _text(child)
            elif name == "Data" and child.get("name"):
                value = next((v for v in child if _local(v.tag) == "value"), None)
                record[child.get("name", "")] = _text(value)
            elif name == "SimpleData" and child.get("name"):
                record[child.get("name", "")] = _text(child)
            elif name == "coordinates" and "geometry.lon" not in record:
                parts = _text(child).split()[0].split(",") if _text(child) else []
                if len(parts) >= 2:
                    record["geometry.lon"], record["geometry.lat"] = parts[0], parts[1]
        records.append(record)
    return table_from_records(records, "placemark")
