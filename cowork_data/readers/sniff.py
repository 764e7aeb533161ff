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

from cowork_data import i18n
from cowork_data.errors import NotATableError
from cowork_data.readers.decoding import BOMS, utf16_variant
from cowork_data.readers.model import container_fix, subject_text
from cowork_data.readers.records import describe_json

__all__ = ["FORMATS", "SUFFIXES", "refuse_script", "sniff"]

#: Formats :func:`cowork_data.readers.read` reads (the ``format`` a caller may give).
FORMATS = ("csv", "geojson", "html", "json", "kml", "ods", "pdf", "xls", "xlsx", "zip")
#: File name endings of the formats (for upload forms and for choosing a table in a ZIP).
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".pdf", ".kml", ".geojson", ".json", ".html", ".htm",
            ".zip")
SIGNATURES: dict[bytes, str] = {
    b"\x1f\x8b": "gzip",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF8": "gif",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"Rar!\x1a\x07": "rar",
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
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            raise NotATableError("error.read-signature", subject=subject_text(name),
                                 what=i18n.Text.of(f"label.signature.{kind}"), fix=container_fix("save-as"))
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
    inner: i18n.Text | str = ""
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    ends = max(text.rfind("}"), text.rfind("]"))
    if starts and ends > min(starts):
        try:
            document = json.loads(text[min(starts):ends + 1])
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, dict) and document.get("type") == "FeatureCollection":
            inner = i18n.Text.of("label.script-wraps.geojson", count=len(document.get("features") or []))
        elif isinstance(document, list | dict):
            inner = i18n.Text.of("label.script-wraps.json", what=describe_json(document))
    raise NotATableError("error.read-script", subject=subject_text(name), inner=inner)
