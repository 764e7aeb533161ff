"""Adapters: pure functions from the bytes of one response to raw records; none of them does I/O.

Three kinds:

- *table readers* (`parse_table(fmt, data)`): a data file → :class:`RawTable` (header, rows of text, and each
  row's locator in the file), read by :func:`cowork_data.readers.read` for every data format: `csv`, `json`
  (Socrata / OpenDataSoft record exports), `geojson`, `kml`, `xlsx`, `ods`, `html` (a page with a table), `pdf`
  (a PDF with a table);
- *service readers*, through the same `parse_table`: the answers of a service's API, `overpass-json`
  (OpenStreetMap through the Overpass API), `sparql-json` (SPARQL results, the Wikidata Query Service),
  `fablabs-json` (fablabs.io labs), `ckan-datastore` (CKAN `datastore_search` records, every page joined);
- *catalogue readers* (`locate(kind, data, ...)`): a portal's metadata → the :class:`Distribution` to download:
  `ckan` (`package_show` or `package_search` JSON), `dcat` (a DCAT-AP catalogue in RDF/XML, Turtle or JSON-LD).
"""

from __future__ import annotations

import importlib

from cowork_data.errors import UnreadableFileError
from cowork_data.harvest.adapters.base import Distribution, RawTable, UnreadableSnapshot
from cowork_data.readers import Sheet, read

__all__ = ["CATALOGUES", "Distribution", "FORMATS", "RawTable", "SERVICES", "TABLE_FORMATS", "UnreadableSnapshot",
           "locate", "parse_table"]

#: data formats a source may declare, read by the shared readers (the content of the file decides how)
TABLE_FORMATS = frozenset({"csv", "json", "geojson", "kml", "xlsx", "ods", "html", "pdf"})
#: service answer → module implementing `parse(data, *, expected=(), fmt=...) -> RawTable`
SERVICES: dict[str, str] = {"overpass-json": "overpass", "sparql-json": "sparql", "fablabs-json": "fablabs",
                            "ckan-datastore": "ckan"}
FORMATS = TABLE_FORMATS | SERVICES.keys()
#: catalogue kind → module implementing `locate(data, **options) -> Distribution`
CATALOGUES: dict[str, str] = {"ckan": "ckan", "dcat": "dcat"}


def parse_table(fmt: str, data: bytes, *, expected: tuple[str, ...] = ()) -> RawTable:
    """The raw records of a data file of format `fmt`: of its tables (sheets, tables of a page), the one whose header
    names most of the `expected` columns, then the longest, then the first."""
    if fmt in SERVICES:
        module = importlib.import_module(f"{__name__}.{SERVICES[fmt]}")
        return module.parse(data, expected=expected, fmt=fmt)
    if fmt not in TABLE_FORMATS:
        raise UnreadableSnapshot("error.snapshot-format-unknown", format=repr(fmt))
    try:
        book = read(data, format=fmt)
    except UnreadableFileError as exc:
        raise UnreadableSnapshot(exc.message_it, exc.message_en) from exc
    wanted = {e.casefold() for e in expected}

    def score(sheet: Sheet) -> tuple[int, int]:
        return sum(1 for h in sheet.header_cells if h.strip().casefold() in wanted), len(sheet.rows)

    tables = [s for s in book.sheets if s.rows]
    if not tables:
        return RawTable(header=[], rows=[], locators=[])
    sheet = max(tables, key=score)
    return RawTable(header=sheet.header_cells, rows=sheet.data_rows, locators=sheet.data_locators, meta=sheet.meta)


def locate(kind: str, data: bytes, **options: object) -> Distribution:
    """The distribution a catalogue response points to (see each module for `options`)."""
    module = importlib.import_module(f"{__name__}.{CATALOGUES[kind]}")
    return module.locate(data, **options)
