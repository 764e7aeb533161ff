"""What a file or a URL is, the step before a new source (like ``frictionless describe``), and the source it makes.

:func:`describe` reads a local file (always) or a URL (only with ``live=True``, as the harvest) and says what it
is: a DCAT catalogue (``catalogue``: RDF/XML, Turtle, JSON-LD), a CKAN answer (``ckan-package``, ``ckan-search``,
``ckan-datastore``) or a ``table`` (CSV, spreadsheets, GeoJSON, KML, JSON records, a ZIP holding one table). A
table is described by its encoding, delimiter, header row, rows, columns, coordinate system (detected by
:mod:`cowork_data.geo`), a suggested ``[columns]`` mapping and its first five points in WGS 84.
:func:`write_source` turns a description into ``sources/NAME.toml`` (and, for a table, its snapshot with
provenance) that ``cowork-data harvest NAME`` accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cowork_data.errors import UnreadableFileError, UsageError
from cowork_data.geo.crs import FAMILIES, Detection, Inside
from cowork_data.geo.points import Columns, table_points
from cowork_data.harvest.adapters.base import Dataset, RawTable, UnreadableSnapshot, header_key
from cowork_data.readers import read

if TYPE_CHECKING:
    from cowork_data.harvest.http import FetchResult, HttpPolicy

__all__ = ["KINDS", "Description", "describe", "suggest_mapping"]

KINDS = ("catalogue", "ckan-package", "ckan-search", "ckan-datastore", "table")
#: Points shown in a description.
POINTS = 5
#: A column's name (folded by :func:`header_key`) → the canonical field (or reader input) it usually holds.
_SYNONYMS = {
    "name": ("denominazione", "nome", "name", "spazio", "nome_spazio", "titolo", "insegna", "ragione_sociale",
             "denominazione_spazio", "nome_struttura"),
    "type": ("tipologia", "tipo", "type", "categoria", "tipologia_spazio"),
    "address": ("indirizzo", "sede", "address", "ubicazione", "indirizzo_sede", "via"),
    "postcode": ("cap", "postcode", "codice_postale", "zip", "postal_code"),
    "email": ("email", "e_mail", "mail", "posta_elettronica", "indirizzo_email"),
    "phone": ("telefono", "tel", "phone", "telefono_1", "recapito_telefonico"),
    "phone_alt": ("telefono_2", "cellulare"),
    "website": ("web", "sito", "website", "sito_web", "sito_internet", "url"),
    "description": ("descrizione", "description", "descrizione_breve"),
    "workstations": ("numero_postazioni", "postazioni", "posti", "workstations"),
    "services": ("servizi", "services"),
    "opening_hours_note": ("orario", "orari", "orario_di_apertura", "opening_hours"),
    "record_id": ("id", "codice", "identificativo", "objectid", "record_id"),
    "open_since": ("aperto_da", "data_apertura", "anno_apertura"),
    "wheelchair": ("accessibilita", "accessibile", "wheelchair"),
}
_FIELD_OF = {synonym: target for target, names in _SYNONYMS.items() for synonym in names}


@dataclass
class Description:
    """What :func:`describe` found. ``table`` is None for catalogues and packages; ``detection`` the coordinate
    system of a table (None when it has no coordinates); ``data`` the bytes read."""

    kind: str
    target: str
    datasets: list[Dataset] = field(default_factory=list)
    table: dict[str, Any] | None = None
    detection: Detection | None = None
    columns: Columns | None = None
    format: str = ""
    data: bytes = field(default=b"", repr=False)
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "datasets": [{"title", "distributions": [{"url", "format", "licence"}]}], "table"}``."""
        return {"kind": self.kind,
                "datasets": [{"title": d.title, "distributions": [
                    {"url": x.url, "format": x.format, "licence": x.licence.get("id", "")} for x in d.distributions]}
                    for d in self.datasets],
                "table": self.table}


def _fetch(target: str, policy: HttpPolicy | None) -> FetchResult:
    from cowork_data.harvest.http import HttpClient

    client = HttpClient(policy)
    try:
        return client.get(target)
    finally:
        client.close()


def _what(data: bytes) -> str:
    """``ckan``, ``catalogue`` or ``table``, from the content."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:65536]
    if head[:1] in (b"{", b"["):  # told from the head: a 16,000-point GeoJSON is not parsed twice
        if head[:1] == b"{" and re.search(rb'"success"\s*:\s*(true|false)', head) and \
                re.search(rb'"(result|error)"\s*:', head):
            return "ckan"
        if re.search(rb'"@(context|graph)"', head) and b"dcat" in head:
            return "catalogue"
        return "table"
    if head[:1] == b"<" and (b"rdf:RDF" in head or b"<rdf:RDF" in head) and b"dcat" in head:
        return "catalogue"
    if re.search(rb"^\s*(@prefix|PREFIX|@base|BASE)\b", head, re.M) and b"dcat" in head:
        return "catalogue"
    return "table"


def suggest_mapping(header: list[str], columns: Columns | None, detection: Detection | None) -> dict[str, str]:
    """A ``[columns]`` mapping for the ``milano-csv`` reader: known names to canonical fields, degrees to
    ``latitude`` / ``longitude`` (a ``lat, lon`` cell to ``location``); projected X/Y stay out (the reader converts
    them through :mod:`cowork_data.geo`)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name in header:
        target = _FIELD_OF.get(header_key(name))
        if target and target not in used:
            mapping[name] = target
            used.add(target)
    geographic = detection is not None and detection.epsg in FAMILIES["geographic"]
    if columns is not None and geographic and columns.x is not None and columns.y is not None:
        x, y = header[columns.x], header[columns.y]
        mapping[x], mapping[y] = ("latitude", "longitude") if detection.swapped else ("longitude", "latitude")
    elif columns is not None and geographic and columns.combined is not None:
        mapping[header[columns.combined]] = "location"
    elif columns is not None and geographic and "geometry.lon" in header and "geometry.lat" in header:
        mapping["geometry.lon"], mapping["geometry.lat"] = "longitude", "latitude"  # GeoJSON / KML points
    return mapping


def _table(raw: RawTable, fmt: str, *, encoding: str = "", delimiter: str = "", header_row: int | None = None,
           crs: str = "", inside: Inside | None = None) -> tuple[dict[str, Any], Detection, Columns | None]:
    detection, columns = table_points(raw.header, raw.rows, raw.meta, fmt=fmt, crs=crs, inside=inside)
    points = [[round(p[0], 7), round(p[1], 7)] for p in detection.points if p is not None][:POINTS]
    table = {"encoding": encoding, "delimiter": delimiter, "header_row": header_row, "rows": len(raw.rows),
             "columns": list(raw.header), "crs": detection.crs, "mapping": suggest_mapping(raw.header, columns,
                                                                                         detection),
             "points": points, "format": fmt,
             "crs_name": detection.label("it") if columns is not None else "",
             "crs_reason": {lang: detection.reason.render(lang) for lang in ("it", "en")} if columns else {},
             "findings": [{"code": f.code, "it": f.message("it"), "en": f.message("en")}
                          for f in detection.findings]}
    return table, detection, columns


def describe(target: str | Path, *, live: bool = False, policy: HttpPolicy | None = None, crs: str = "",
             inside: Inside | None = None) -> Description:
    """Describe a local file, or a URL when ``live`` (else a URL is refused, as in the harvest).

    ``crs`` declares the coordinates' system when the file does not; ``inside(lon, lat)`` narrows where the points
    must be (the comune's boundary), which settles systems that ranges alone leave open.
    """
    text = str(target)
    url = ""
    if re.match(r"^https?://", text, re.I):
        if not live:
            raise UsageError("error.describe-url-offline", url=text)
        fetched = _fetch(text, policy)
        data, url = fetched.data, fetched.final_url
        name = PurePosixPath(urlsplit(fetched.final_url).path).name or "download"
    else:
        path = Path(text)
        if not path.is_file():
            raise UsageError("error.describe-no-file", path=text)
        data, name = path.read_bytes(), path.name
    what = _what(data)
    try:
        if what == "catalogue":
            from cowork_data.harvest.adapters import dcat  # rdflib only for what needs it

            return Description("catalogue", text, datasets=dcat.catalogue(data, base=url), data=data, url=url,
                               format="dcat")
        if what == "ckan":
            from cowork_data.harvest.adapters import ckan

            kind = ckan.answer_kind(ckan.answer(data))
            if kind == "ckan-datastore":
                raw = ckan.parse(data)
                table, detection, columns = _table(raw, "ckan-datastore", encoding="utf-8", crs=crs, inside=inside)
                return Description(kind, text, table=table, detection=detection, columns=columns, data=data,
                                   url=url, format="ckan-datastore")
            return Description(kind, text, datasets=ckan.packages(data, base=url), data=data, url=url, format="ckan")
    except UnreadableSnapshot as exc:
        raise UnreadableFileError("error.describe-unreadable", target=text, reason=exc.texts()) from exc
    book = read(data, name=name)
    sheets = [s for s in book.sheets if s.rows]
    if not sheets:
        raise UnreadableFileError("error.describe-empty", target=text)
    sheet = max(sheets, key=lambda s: len(s.rows))
    raw = RawTable(header=sheet.header_cells, rows=sheet.data_rows, locators=sheet.data_locators, meta=sheet.meta)
    grid = book.format not in ("geojson", "json", "kml")
    table, detection, columns = _table(raw, book.format, encoding=book.encoding, delimiter=book.delimiter,
                                       header_row=sheet.header + 1 if grid else None, crs=crs, inside=inside)
    if book.container:
        table["member"] = book.member
    return Description("table", text, table=table, detection=detection, columns=columns, data=data, url=url,
                       format=book.format)


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
