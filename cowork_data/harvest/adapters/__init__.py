"""Adapters: pure functions from the bytes of one response to raw records; none of them does I/O.

Two kinds:

- *table readers* (`parse_table(fmt, data)`): a data file → :class:`RawTable` (header, rows of text, and each
  row's locator in the file): `csv`, `json` (Socrata / OpenDataSoft record exports), `geojson`, `kml`, `xlsx`,
  `ods`, `html` (a page with a table), `pdf` (a PDF with a table), `overpass-json` (OpenStreetMap through the
  Overpass API), `sparql-json` (SPARQL results, the Wikidata Query Service), `fablabs-json` (fablabs.io labs);
- *catalogue readers* (`locate(kind, data, ...)`): a portal's metadata → the :class:`Distribution` to download:
  `ckan` (`package_show` JSON), `dcat` (a DCAT-AP JSON-LD catalogue).
"""

from __future__ import annotations

import importlib

from cowork_data.harvest.adapters.base import Distribution, RawTable, UnreadableSnapshot

__all__ = ["CATALOGUES", "Distribution", "FORMATS", "RawTable", "UnreadableSnapshot", "locate", "parse_table"]

#: table format → module implementing `parse(data, *, expected=()) -> RawTable`
FORMATS: dict[str, str] = {
    "csv": "csvfile", "json": "records", "geojson": "geojson", "kml": "kml", "xlsx": "spreadsheet",
    "ods": "spreadsheet", "html": "html", "pdf": "pdf", "overpass-json": "overpass", "sparql-json": "sparql",
    "fablabs-json": "fablabs",
}
#: catalogue kind → module implementing `locate(data, **options) -> Distribution`
CATALOGUES: dict[str, str] = {"ckan": "ckan", "dcat": "dcat"}


def parse_table(fmt: str, data: bytes, *, expected: tuple[str, ...] = ()) -> RawTable:
    """The raw records of a data file of format `fmt`; `expected` headers help pick the table in a page."""
    if fmt not in FORMATS:
        raise UnreadableSnapshot(f"formato {fmt!r} sconosciuto", f"unknown format {fmt!r}")
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    return module.parse(data, expected=expected, fmt=fmt)


def locate(kind: str, data: bytes, **options: object) -> Distribution:
    """The distribution a catalogue response points to (see each module for `options`)."""
    module = importlib.import_module(f"{__name__}.{CATALOGUES[kind]}")
    return module.locate(data, **options)
