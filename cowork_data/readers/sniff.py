"""What the bytes are: told by their content, the name's suffix only settling what the content leaves open.

Magic numbers first (PDF, zip, OLE compound file; gzip and images are named as not tables); then the text: JSON,
KML, web pages, other XML, JavaScript, and delimited text for everything else. A zip is a spreadsheet when it holds
a workbook (or is named like one), else an archive of tables.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from cowork_data.errors import NotATableError
from cowork_data.readers.decoding import BOMS, utf16_variant
from cowork_data.readers.model import subject
from cowork_data.readers.records import describe_json

__all__ = ["FORMATS", "SUFFIXES", "refuse_script", "sniff"]

#: Formats :func:`cowork_data.readers.read` reads (the ``format`` a caller may give).
FORMATS = ("csv", "geojson", "html", "json", "kml", "ods", "pdf", "xls", "xlsx", "zip")
#: File name endings of the formats (for upload forms and for choosing a table in a ZIP).
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".pdf", ".kml", ".geojson", ".json", ".html", ".htm",
            ".zip")
SIGNATURES: dict[bytes, tuple[str, str]] = {
    b"\x1f\x8b": ("un file compresso gzip", "a gzip-compressed file"),
    b"\x89PNG": ("un'immagine PNG", "a PNG image"),
    b"\xff\xd8\xff": ("un'immagine JPEG", "a JPEG image"),
    b"GIF8": ("un'immagine GIF", "a GIF image"),
    b"7z\xbc\xaf\x27\x1c": ("un archivio 7-Zip", "a 7-Zip archive"),
    b"Rar!\x1a\x07": ("un archivio RAR", "a RAR archive"),
}
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body|table|meta|title|div|p|h[1-6])\b")
_SCRIPT = re.compile(
    r"^(?:(?://[^\n]*\n|/\*.*?\*/)\s*)*"
    r"(?:(?:var|let|const)\s+[\w$]+\s*=|(?:window|self|globalThis|module|exports|this)(?:\.[\w$]+)+\s*=|"
    r"export\s+(?:default|const|let|var|function)\b|(?:async\s+)?function\b|\(\s*function\b|"
    r"[\w$.]+\s*\(\s*[\[{])", re.S)


def sniff(data: bytes, *, name: str = "", suffix: str = "", hint: str | None = None) -> str:
    """The format of ``data``: one of :data:`FORMATS`, ``xml`` (XML that is neither KML nor a page) or ``script``.

    Raises :class:`NotATableError` for images and compressed files.
    """
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, suffix, hint)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    for magic, (what_it, what_en) in SIGNATURES.items():
        if data.startswith(magic):
            it, en = subject(name)
            raise NotATableError(f"{it} non è una tabella: sembra {what_it}.",
                                 f"{en} is not a table: it looks like {what_en}.",
                                 hint_it="Salva il foglio come XLSX, ODS o CSV (UTF-8) e riprova.",
                                 hint_en="Save the sheet as XLSX, ODS or CSV (UTF-8) and try again.")
    head = _head(data)
    if head.startswith(("{", "[")):
        return "geojson" if hint == "geojson" or suffix == ".geojson" else "json"
    if head.startswith("<"):
        if "<kml" in head or hint == "kml" or suffix == ".kml":
            return "kml"
        if _HTML.search(head[:1024]) or hint == "html":
            return "html"
        return "xml"
    if _SCRIPT.match(head):
        return "script"
    return "csv"


def _head(data: bytes) -> str:
    """The first 4 KB as lower-case text, enough to tell markup and JSON apart (BOM and UTF-16 handled)."""
    bom, encoding = next(((b, e) for b, e in BOMS if data.startswith(b)), (b"", utf16_variant(data)))
    sample = data[len(bom):len(bom) + 4096]
    return sample.decode(encoding or "latin-1", "ignore").lstrip("\ufeff \t\r\n").lower()


def _zip_kind(data: bytes, suffix: str, hint: str | None) -> str:
    if b"opendocument.spreadsheet" in data[:200] or suffix in SPREADSHEET_SUFFIXES or hint in ("xlsx", "ods"):
        return "ods" if b"opendocument.spreadsheet" in data[:200] or suffix == ".ods" or hint == "ods" else "xlsx"
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "zip" if suffix == ".zip" else "xlsx"
    return "xlsx" if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names) else "zip"


def refuse_script(text: str, name: str) -> None:
    """Raise "this is not a table" for JavaScript, naming the data it wraps (``var data = {…GeoJSON…};``)."""
    it, en = subject(name)
    inner_it, inner_en = "", ""
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    ends = max(text.rfind("}"), text.rfind("]"))
    if starts and ends > min(starts):
        try:
            document = json.loads(text[min(starts):ends + 1])
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, dict) and document.get("type") == "FeatureCollection":
            count = len(document.get("features") or [])
            inner_it = f" che contiene un GeoJSON ({count} elementi)"
            inner_en = f" that wraps GeoJSON ({count} features)"
        elif isinstance(document, list | dict):
            what_it, what_en = describe_json(document)
            inner_it, inner_en = f" che contiene dati JSON ({what_it})", f" that wraps JSON data ({what_en})"
    raise NotATableError(
        f"{it} non è una tabella: è un programma JavaScript{inner_it}.",
        f"{en} is not a table: it is a JavaScript program{inner_en}.",
        hint_it="Scarica dal portale il file dei dati (GeoJSON, CSV, XLSX) invece dello script; se lo script "
                "contiene i dati, togli l'assegnazione iniziale (per esempio «var dati =») e il «;» finale e salva il "
                "resto come file .geojson.",
        hint_en="Download the data file (GeoJSON, CSV, XLSX) from the portal instead of the script; if the script "
                "holds the data, remove the assignment at the start (for example “var data =”) and the final “;” "
                "and save the rest as a .geojson file.")
