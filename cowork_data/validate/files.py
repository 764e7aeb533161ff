"""Reading a user's table file (CSV, XLSX, ODS) into header and rows of text, with clear errors for what it cannot read.

CSV: the encoding is detected (UTF-8 first, UTF-16 with or without BOM, then charset-normalizer; a file mixing UTF-8
with another encoding is refused) and the separator is the candidate that splits the first records into the most
consistent number of cells. Spreadsheets are read with python-calamine; every sheet that looks like a table is kept.
In both, the header row is the first row that names at least two fields of a schema (so title rows above the header
are skipped), else the first row with two filled cells.

Files come from strangers, so the reader bounds what it does before a parser sees the bytes (issue 9, the corpus in
``tests/corpus``): a zip container (XLSX, ODS) is inflated once as a stream and refused when it inflates beyond
:data:`MAX_INFLATED_BYTES` (a zip bomb, whatever its headers declare), holds a DTD (XXE, entity expansion), or
places cells so far apart that the grid would exceed :data:`MAX_COLUMNS` columns or :data:`MAX_CELLS` cells; an
encrypted OOXML package is named as password-protected; XML published formats with a DTD are refused; cells longer
than :data:`MAX_CELL_CHARS` are cut (the check ``cell-too-long`` reports them) so that no report echoes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from charset_normalizer import from_bytes

from cowork_data.errors import UnreadableFileError, UsageError

__all__ = ["MAX_CELL_CHARS", "MAX_CELLS", "MAX_COLUMNS", "MAX_INFLATED_BYTES", "READABLE_SUFFIXES", "TableFile",
           "detect_header", "read_table_file", "read_tables"]

SIGNATURES: dict[bytes, tuple[str, str]] = {
    b"\x1f\x8b": ("un file compresso gzip", "a gzip-compressed file"),
    b"\x89PNG": ("un'immagine PNG", "a PNG image"),
    b"\xff\xd8\xff": ("un'immagine JPEG", "a JPEG image"),
}
#: File name endings the readers below accept (the content decides the reader; these are for upload forms).
READABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".pdf", ".kml", ".geojson", ".json", ".html",
                     ".htm")
SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
DELIMITERS = ";,\t|"
HEADER_SCAN_ROWS = 30
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

#: Widest table read: a list of spaces has a few dozen columns; 20,000 columns is an attack or an accident.
MAX_COLUMNS = 2_000
#: Largest grid of a sheet (rows × columns up to the farthest cell), checked before calamine allocates it.
MAX_CELLS = 2_000_000
#: Most bytes a spreadsheet's zip may inflate to (all members together), measured while inflating.
MAX_INFLATED_BYTES = 128 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
#: Longest cell kept: longer text is cut to this length plus "…" and reported by the ``cell-too-long`` check.
MAX_CELL_CHARS = 10_000
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
CELL_REF = re.compile(rb"<c\b[^>]{0,200}?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
ROW_REF = re.compile(rb"<row\b[^>]{0,200}?\br=\"([0-9]{1,7})\"")
SPREADSHEET_HINT = ("Aprilo e salvalo di nuovo come XLSX, oppure esporta il foglio come CSV (UTF-8).",
                    "Open it and save it again as XLSX, or export the sheet as CSV (UTF-8).")


@dataclass
class TableFile:
    """A table read from a file: its header, its data rows (text) and how it was read.

    ``records`` is the whole grid of the sheet (or CSV) as text, header and title rows included, so that a fixer can
    write it back with the same layout; ``header_row`` is the 1-based row of the header in that grid.
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    sheet: str = ""
    header_row: int = 1
    notes: list[str] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)
    format: str = "csv"


def read_table_file(path: Path | str) -> TableFile:
    """The first table of a CSV, XLSX or ODS file (see :func:`read_tables`)."""
    return read_tables(path)[0]


def read_tables(path: Path | str) -> list[TableFile]:
    """Every table in a file: one for a CSV, one per table-like visible sheet for a spreadsheet.

    Raises :class:`UsageError` for a missing file and :class:`UnreadableFileError` (exit code 2) for files that are
    not tables (binary, PDF, a broken spreadsheet, no separator).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"File non trovato: {path}", f"File not found: {path}") from exc
    except OSError as exc:
        reason = exc.strerror
        raise UsageError(f"File non leggibile: {path} ({reason})", f"Cannot read {path} ({reason})") from exc
    body = next((data[len(bom):] for bom in BOMS if data.startswith(bom)), data)
    if not body.strip() or not body.replace(b"\x00", b"").strip():
        raise UnreadableFileError(
            f"Il file {path} è vuoto.", f"The file {path} is empty.",
            hint_it="Esporta di nuovo la tabella con l'intestazione e le righe.",
            hint_en="Export the table again with its header and rows.",
        )
    for magic, (what_it, what_en) in SIGNATURES.items():
        if data.startswith(magic):
            raise UnreadableFileError(
                f"Il file {path} non è una tabella: sembra {what_it}.",
                f"The file {path} is not a table: it looks like {what_en}.",
                hint_it="Salva il foglio come XLSX, ODS o CSV (UTF-8) e riprova.",
                hint_en="Save the sheet as XLSX, ODS or CSV (UTF-8) and try again.",
            )
    if data.startswith(CFB_MAGIC) and ENCRYPTED_PACKAGE in data:
        raise UnreadableFileError(
            f"Il file {path} è protetto da password (un pacchetto Office cifrato): non si può leggere.",
            f"The file {path} is password-protected (an encrypted Office package): it cannot be read.",
            hint_it="Aprilo, togli la password (File → Informazioni → Proteggi cartella di lavoro) e salvalo di nuovo.",
            hint_en="Open it, remove the password (File → Info → Protect Workbook) and save it again.",
        )
    if data.startswith(SPREADSHEET_MAGIC):
        if data.startswith(b"PK"):
            _check_container(path, data)
        tables = _read_spreadsheet(path, data)
    elif fmt := _published_format(path, data):
        tables = [_read_published(path, data, fmt)]
    else:
        tables = [_read_csv(path, data)]
    if not any(any(c.strip() for c in row) for t in tables for row in t.rows):
        raise UnreadableFileError(
            f"Il file {path} ha l'intestazione ma nessuna riga di dati.",
            f"The file {path} has a header but no data rows.",
            hint_it="Aggiungi sotto l'intestazione una riga per ogni spazio.",
            hint_en="Add one row per space below the header.",
        )
    return tables


# Zip containers (XLSX, ODS): bounded before calamine sees them


def _refuse(path: Path, reason_it: str, reason_en: str, hint: tuple[str, str] = SPREADSHEET_HINT) -> NoReturn:
    raise UnreadableFileError(
        f"Il file {path} non è un foglio di calcolo leggibile (XLSX, ODS): {reason_it}.",
        f"The file {path} is not a readable spreadsheet (XLSX, ODS): {reason_en}.",
        hint_it=hint[0], hint_en=hint[1],
    )


def _check_container(path: Path, data: bytes) -> None:
    """Inflate every member once, as a stream, and refuse bombs, DTDs and sheets whose grid would be huge.

    The inflated size is counted on the deflate stream itself, so a member that declares a small size in its zip
    headers and inflates to hundreds of MB is caught too. Nothing inflated is kept.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        _refuse(path, f"archivio zip danneggiato o troncato ({exc})", f"damaged or truncated zip archive ({exc})")
    if len(members) > MAX_ZIP_MEMBERS:
        _refuse(path, f"{len(members)} file nell'archivio", f"{len(members)} files in the archive")
    declared = sum(m.file_size for m in members)
    if declared > MAX_INFLATED_BYTES:
        _zip_bomb(path, declared, len(data))
    inflated = 0
    for member in members:
        sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        ods_grid = _OdsGrid() if member.filename == "content.xml" else None
        max_row = max_col = 0
        tail = b""
        for chunk in _inflate(path, data, member):
            inflated += len(chunk)
            if inflated > MAX_INFLATED_BYTES:
                _zip_bomb(path, inflated, len(data), at_least=True)
            window = tail + chunk
            if any(marker in window for marker in DTD_MARKERS):
                _refuse(path, f"XML con una DTD (<!DOCTYPE/<!ENTITY>) in {member.filename}, rifiutato per "
                              "sicurezza (XXE, espansione di entità)",
                        f"XML with a DTD (<!DOCTYPE/<!ENTITY>) in {member.filename}, refused for safety (XXE, "
                        "entity expansion)",
                        ("Aprilo con Excel o LibreOffice e salvalo di nuovo come XLSX.",
                         "Open it in Excel or LibreOffice and save it again as XLSX."))
            if sheet:
                for match in CELL_REF.finditer(window):
                    max_col = max(max_col, _column_number(match.group(1)))
                    max_row = max(max_row, int(match.group(2)))
                for match in ROW_REF.finditer(window):
                    max_row = max(max_row, int(match.group(1)))
            if ods_grid is not None and ods_grid.feed(chunk) > MAX_CELLS:
                _too_many_cells(path, member.filename, f"si espande ad almeno {ods_grid.cells} celle ripetute",
                                f"expands to at least {ods_grid.cells} repeated cells")
            tail = chunk[-256:]
        if max_col > MAX_COLUMNS:
            _too_wide(path, max_col)
        if max_row * max_col > MAX_CELLS:
            _too_many_cells(path, member.filename, f"va fino alla riga {max_row} e alla colonna {max_col}",
                            f"reaches row {max_row} and column {max_col}", cells=max_row * max_col)


def _too_many_cells(path: Path, member: str, what_it: str, what_en: str, *, cells: int = 0) -> NoReturn:
    count_it = f": {cells} celle" if cells else ""
    count_en = f": {cells} cells" if cells else ""
    raise UnreadableFileError(
        f"Il foglio {member} di {path} {what_it}{count_it}, più di {MAX_CELLS}.",
        f"The sheet {member} of {path} {what_en}{count_en}, more than {MAX_CELLS} cells.",
        hint_it="Cancella le righe e le colonne vuote oltre la tabella (anche quelle solo formattate) e salva.",
        hint_en="Delete the empty rows and columns beyond the table (even formatted-only ones) and save.",
    )


class _OdsGrid:
    """Counts the cells an ODS ``content.xml`` expands to: rows-repeated × columns-repeated of cells with content.

    Empty cells are written self-closing (``<table:table-cell table:number-columns-repeated="16384"/>``, as
    LibreOffice pads every sheet) and calamine skips them, so only cells with content count.
    """

    TAG = re.compile(rb"<table:table-(row|cell)\b([^>]*?)(/?)>")
    REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]{1,10})"')

    def __init__(self) -> None:
        self.cells = 0
        self._repeat = 1
        self._carry = b""

    def feed(self, chunk: bytes) -> int:
        buffer = self._carry + chunk
        cut = buffer.rfind(b">") + 1
        self._carry = buffer[cut:][-65536:]
        for kind, attributes, closed in self.TAG.findall(buffer[:cut]):
            repeat = self.REPEAT.search(attributes)
            count = int(repeat.group(1)) if repeat else 1
            if kind == b"row":
                self._repeat = count
            elif not closed:
                self.cells += self._repeat * count
        return self.cells


def _inflate(path: Path, data: bytes, member: zipfile.ZipInfo):  # noqa: ANN202 - a generator of bytes
    """The member's bytes in chunks of at most 1 MB, read from its local header on (declared sizes not trusted)."""
    start = member.header_offset
    if data[start:start + 4] != b"PK\x03\x04":
        _refuse(path, f"intestazione zip danneggiata ({member.filename})", f"damaged zip header ({member.filename})")
    name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
    offset = start + 30 + name_length + extra_length
    raw = data[offset:offset + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), 1 << 20):
            yield raw[i:i + (1 << 20)]
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        _refuse(path, f"compressione non supportata ({member.filename})",
                f"unsupported compression ({member.filename})")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for i in range(0, len(raw), 1 << 16):
            chunk = inflater.decompress(raw[i:i + (1 << 16)], 1 << 20)
            yield chunk
            while inflater.unconsumed_tail:
                yield inflater.decompress(inflater.unconsumed_tail, 1 << 20)
    except zlib.error as exc:
        _refuse(path, f"dati compressi danneggiati in {member.filename} ({exc})",
                f"damaged compressed data in {member.filename} ({exc})")


def _zip_bomb(path: Path, size: int, compressed: int, *, at_least: bool = False) -> NoReturn:
    more = "ad almeno " if at_least else "a "
    mb, ratio = size // (1024 * 1024), size // max(compressed, 1)
    raise UnreadableFileError(
        f"Il file {path} si espande {more}{mb} MB ({ratio}:1 rispetto ai {compressed} byte del file): è una "
        f"bomba zip o un foglio enorme, non viene letto (limite {MAX_INFLATED_BYTES // (1024 * 1024)} MB).",
        f"The file {path} inflates to {'at least ' if at_least else ''}{mb} MB ({ratio}:1 against its "
        f"{compressed} bytes): a zip bomb or a huge sheet, not read (limit {MAX_INFLATED_BYTES // (1024 * 1024)} MB).",
        hint_it="Se è davvero il vostro elenco, dividilo in più file o esportalo come CSV (UTF-8).",
        hint_en="If it really is your list, split it into several files or export it as CSV (UTF-8).",
    )


def _too_wide(path: Path, columns: int) -> NoReturn:
    raise UnreadableFileError(
        f"Il file {path} ha {columns} colonne: più di {MAX_COLUMNS}, non sembra un elenco di spazi.",
        f"The file {path} has {columns} columns: more than {MAX_COLUMNS}, it does not look like a list of spaces.",
        hint_it="Tieni solo le colonne dell'elenco (nome, tipologia, indirizzo, …) e cancella le altre.",
        hint_en="Keep only the list's columns (name, type, address, …) and delete the others.",
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


# Lists published as PDF, web pages, maps and JSON exports, read by the harvest adapters


def _published_format(path: Path, data: bytes) -> str:
    head = data[:2048].lstrip().lower()
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if suffix == ".kml" or b"<kml" in head:
        return "kml"
    if suffix in (".html", ".htm") or head.startswith((b"<!doctype html", b"<html", b"<table")):
        return "html"
    if suffix in (".geojson", ".json") or head.startswith((b"{", b"[")):
        return "geojson" if b"featurecollection" in data[:4096].lower() else "json"
    if head.startswith(b"<?xml") or suffix == ".xml":
        return "xml"
    return ""


def _read_published(path: Path, data: bytes, fmt: str) -> TableFile:
    from cowork_data.harvest.adapters import UnreadableSnapshot, parse_table

    names = {"pdf": "PDF", "kml": "KML", "html": "HTML", "geojson": "GeoJSON", "json": "JSON", "xml": "XML"}
    export = ("Esporta l'elenco come XLSX, ODS o CSV (UTF-8) e riprova.",
              "Export the list as XLSX, ODS or CSV (UTF-8) and try again.")
    empty = ("Controlla che l'elenco abbia un'intestazione e almeno una riga.",
             "Check that the list has a header and at least one row.")
    if fmt == "pdf":
        empty = ("Un PDF acquisito da scanner non ha testo da leggere: chiedi l'elenco come XLSX, ODS o CSV.",
                 "A scanned PDF has no text to read: ask for the list as XLSX, ODS or CSV.")
    try:
        if fmt in ("kml", "xml") and _has_dtd(data):
            raise UnreadableSnapshot(
                "contiene una DTD (<!DOCTYPE/<!ENTITY>), rifiutata per sicurezza (XXE, espansione di entità)",
                "it holds a DTD (<!DOCTYPE/<!ENTITY>), refused for safety (XXE, entity expansion)")
        if fmt == "xml":
            raise UnreadableSnapshot("XML generico: usa CSV, XLSX, ODS o KML", "generic XML: use CSV, XLSX, ODS or KML")
        raw = parse_table(fmt, data)
    except UnreadableSnapshot as exc:
        raise UnreadableFileError(
            f"Il file {path} ({names[fmt]}) non contiene una tabella leggibile: {exc.reason_it}.",
            f"The file {path} ({names[fmt]}) holds no readable table: {exc.reason_en}.",
            hint_it=export[0], hint_en=export[1],
        ) from exc
    except Exception as exc:  # noqa: BLE001 - PDF, XML and JSON parsers raise many error types on broken input
        detail = " ".join(str(exc).split())[:200]
        raise UnreadableFileError(
            f"Il file {path} ({names[fmt]}) non è leggibile: {type(exc).__name__} {detail}.",
            f"The file {path} ({names[fmt]}) cannot be read: {type(exc).__name__} {detail}.",
            hint_it=export[0], hint_en=export[1],
        ) from exc
    if not raw.header or not raw.rows:
        raise UnreadableFileError(
            f"Il file {path} ({names[fmt]}) non contiene righe di dati.",
            f"The file {path} ({names[fmt]}) holds no data rows.",
            hint_it=empty[0], hint_en=empty[1],
        )
    records = [list(raw.header), *raw.rows]
    return _table(path, records, encoding="utf-8", delimiter="", sheet="", fmt=fmt)


def _has_dtd(data: bytes) -> bool:
    """A DTD in an XML file, in UTF-8 or UTF-16 (where a byte search for ``<!ENTITY`` would miss it)."""
    if any(marker in data for marker in DTD_MARKERS):
        return True
    encoding = _utf16(data)
    return bool(encoding) and any(m.decode() in data.decode(encoding, "ignore") for m in DTD_MARKERS)


# CSV


def _read_csv(path: Path, data: bytes) -> TableFile:
    text, encoding = _decode(data, path)
    delimiter = _delimiter(text)
    # A field may be as long as the file (a cell of 200,000 characters is reported, not a crash)
    limit = csv.field_size_limit(max(len(text) + 1, 131_072))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFileError(
            f"Il file {path} non è un CSV leggibile: {exc}.", f"The file {path} is not a readable CSV: {exc}.",
            hint_it="Salva di nuovo il foglio come CSV UTF-8.", hint_en="Save the sheet again as CSV UTF-8.",
        ) from exc
    finally:
        csv.field_size_limit(limit)
    records = _trim(records)
    if not records or max(len(r) for r in records[:HEADER_SCAN_ROWS]) < 2:
        raise UnreadableFileError(
            f"Il file {path} non sembra una tabella: nessun separatore (; , tab) nell'intestazione.",
            f"The file {path} does not look like a table: no separator (; , tab) in the header.",
            hint_it="Controlla che la prima riga contenga i nomi delle colonne separati da ; o ,.",
            hint_en="Check that the first row holds the column names separated by ; or ,.",
        )
    return _table(path, records, encoding=encoding, delimiter=delimiter, sheet="", fmt="csv")


def _delimiter(text: str) -> str:
    """The separator giving the most records with the same number (≥ 2) of cells among the first records."""
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for candidate in DELIMITERS:
        try:
            records = []
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate):
                records.append(len(record))
                if len(records) >= 50:
                    break
        except csv.Error:
            continue
        widths = Counter(w for w in records[:-1] or records if w >= 2)
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        score = (count, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _utf16(data: bytes) -> str:
    """``utf-16`` with a BOM, ``utf-16-le`` / ``-be`` when every other byte is NUL (Latin text without a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:8192]
    sample = sample[:len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 2:
        return ""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.7 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.7 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return ""


def _binary(path: Path, nuls: int) -> NoReturn:
    what_it = f": contiene {nuls} byte NUL (0x00)" if nuls else ""
    what_en = f": it holds {nuls} NUL bytes (0x00)" if nuls else ""
    raise UnreadableFileError(
        f"Il file {path} è binario{what_it}, non un CSV di testo.",
        f"The file {path} is binary{what_en}, not a text CSV.",
        hint_it="Salva il foglio come XLSX, ODS o CSV (UTF-8) e riprova.",
        hint_en="Save the sheet as XLSX, ODS or CSV (UTF-8) and try again.",
    )


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    wide = _utf16(data)
    if wide:
        try:
            text = data.decode(wide).lstrip("\ufeff")
        except UnicodeDecodeError:
            _binary(path, data.count(0))
        if any(ord(c) < 9 or 13 < ord(c) < 32 for c in text[:8192]):
            _binary(path, text.count("\x00"))
        return text, wide
    if any(b < 9 or 13 < b < 32 for b in data[:8192]) or b"\x00" in data:
        _binary(path, data.count(0))
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    _refuse_mixed(path, data)
    best = from_bytes(data[:262144]).best()
    if best is None:
        raise UnreadableFileError(
            f"Impossibile riconoscere la codifica dei caratteri di {path}.",
            f"Cannot tell the character encoding of {path}.",
            hint_it="Salva il file come CSV UTF-8.", hint_en="Save the file as CSV UTF-8.",
        )
    # Single-byte Western files are the common case (Excel "CSV" on Windows); cp1252 is a superset of latin-1's
    # printable range, and latin-1 decodes any byte, so a wrong guess never loses the file.
    for encoding in (best.encoding, "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("latin-1 decodes every byte")


def _refuse_mixed(path: Path, data: bytes) -> None:
    """Refuse a file where some lines are UTF-8 with accents and others are not UTF-8 (two files pasted together)."""
    utf8, other = [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.append(number)
        except UnicodeDecodeError:
            other.append(number)
    if utf8 and other:
        lines_u, lines_o = ", ".join(map(str, utf8[:5])), ", ".join(map(str, other[:5]))
        raise UnreadableFileError(
            f"Il file {path} mescola due codifiche dei caratteri: UTF-8 (righe {lines_u}) e un'altra, "
            f"probabilmente Latin-1/Windows-1252 (righe {lines_o}).",
            f"The file {path} mixes two character encodings: UTF-8 (lines {lines_u}) and another, probably "
            f"Latin-1/Windows-1252 (lines {lines_o}).",
            hint_it="Probabilmente sono stati uniti due file: apri ciascuno, salvalo come CSV UTF-8 e uniscili "
                    "di nuovo.",
            hint_en="Two files were probably joined: open each, save it as CSV UTF-8 and join them again.",
        )


# Spreadsheets


def _read_spreadsheet(path: Path, data: bytes) -> list[TableFile]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    kind = "ods" if b"opendocument.spreadsheet" in data[:200] else ("xls" if data.startswith(b"\xd0") else "xlsx")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(m.name, m.visible == SheetVisibleEnum.Visible) for m in workbook.sheets_metadata]
        grids = {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                 for name, visible in sheets if visible}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own errors, zip and XML errors, and pyo3 panics (a BaseException)
        detail = " ".join(str(exc).split())[:300]
        raise UnreadableFileError(
            f"Il file {path} non è un foglio di calcolo leggibile (XLSX, ODS): {detail}",
            f"The file {path} is not a readable spreadsheet (XLSX, ODS): {detail}",
            hint_it=SPREADSHEET_HINT[0], hint_en=SPREADSHEET_HINT[1],
        ) from exc
    tables: list[TableFile] = []
    fallback: list[TableFile] = []
    for name, grid in grids.items():
        records = _trim([[_text(v) for v in row] for row in grid])
        if not records or max(len([c for c in r if c.strip()]) for r in records) < 2:
            continue
        table = _table(path, records, encoding=kind, delimiter="", sheet=name, fmt=kind)
        (tables if _schema_matches(table.header) >= 2 else fallback).append(table)
    tables = tables or fallback[:1]
    if not tables:
        raise UnreadableFileError(
            f"Nessun foglio di {path} contiene una tabella con intestazione.",
            f"No sheet of {path} holds a table with a header.",
            hint_it="Metti i nomi delle colonne nella prima riga del foglio e i dati sotto.",
            hint_en="Put the column names in the first row of the sheet and the data below.",
        )
    return tables


def _text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold (integers without ``.0``, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# Shared


def _trim(records: list[list[str]]) -> list[list[str]]:
    """Drop trailing blank rows, and trailing blank cells beyond the widest non-blank part."""
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    width = max((max((i + 1 for i, c in enumerate(r) if c.strip()), default=0) for r in records), default=0)
    return [r[:width] for r in records]


@cache
def _indexes() -> tuple[dict[str, str], ...]:
    from cowork_data.validate.schemas import TABLES, header_index

    return tuple(header_index(t) for t in TABLES)


def _schema_matches(header: list[str]) -> int:
    from cowork_data.validate.schemas import fold

    keys = {fold(h) for h in header if h.strip()}
    return max(len({index[k] for k in keys if k in index}) for index in _indexes())


def detect_header(records: list[list[str]]) -> int:
    """0-based index of the header: the first row naming ≥ 2 schema fields, else the first with 2 filled cells."""
    for i, record in enumerate(records[:HEADER_SCAN_ROWS]):
        if _schema_matches(record) >= 2:
            return i
    for i, record in enumerate(records):
        if sum(1 for c in record if c.strip()) >= 2:
            return i
    return 0


def _clip(value: str) -> str:
    return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS] + "…"


def _table(path: Path, records: list[list[str]], *, encoding: str, delimiter: str, sheet: str,
           fmt: str) -> TableFile:
    width = max((len(r) for r in records), default=0)
    if width > MAX_COLUMNS:
        _too_wide(path, width)
    if any(len(c) > MAX_CELL_CHARS for r in records for c in r):
        records = [[_clip(c) for c in r] for r in records]
    start = detect_header(records)
    header = [" ".join(h.split()) for h in records[start]]
    notes = [f"header on row {start + 1}"] if start else []
    return TableFile(path=path, header=header, rows=records[start + 1:], encoding=encoding, delimiter=delimiter,
                     sheet=sheet, header_row=start + 1, notes=notes, records=records, format=fmt)
