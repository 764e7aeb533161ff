"""The one entry from bytes to sheets: :func:`read` sniffs the format and hands the bytes to its reader."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from cowork_data.errors import NotATableError, UnreadableFileError, UsageError
from cowork_data.readers.decoding import BOMS, decode
from cowork_data.readers.delimited import parse, sniff_delimiter
from cowork_data.readers.guards import ARCHIVE, check_width, inflate, zip_members
from cowork_data.readers.kml import read_kml, refuse_dtd
from cowork_data.readers.markup import read_html
from cowork_data.readers.model import Sheet, Workbook, find_header, subject, trim
from cowork_data.readers.pdf import read_pdf
from cowork_data.readers.records import read_json
from cowork_data.readers.sniff import FORMATS, refuse_script, sniff
from cowork_data.readers.spreadsheet import read_spreadsheet

__all__ = ["parse_csv", "read", "read_file"]

DOUBLE_ENCODED = "utf-8 (double-encoded)"
_JSON = (".json", ".geojson")
#: Members of a ZIP archive taken as its tables; pages and PDFs only when it has no data file.
DATA_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xls", ".ods", ".geojson", ".json", ".kml", ".zip")
PAGE_SUFFIXES = (".pdf", ".html", ".htm")


def read(data: bytes, *, name: str = "", format: str | None = None, member: str | None = None) -> Workbook:
    """Every table in ``data``, as sheets of text cells, however the file was written.

    ``name`` is the file's name, for messages and to settle what the content leaves open (``.geojson``, ``.kml``);
    ``format`` is what the caller expects (``csv``, ``xlsx``, ``geojson``, …), a hint in the same way: the content
    decides. ``member`` picks a table in a ZIP archive that holds several. Raises
    :class:`~cowork_data.errors.UnreadableFileError` (exit code 2) for what cannot be read, and its subclass
    :class:`~cowork_data.errors.NotATableError` for bytes that hold no table at all (a script, a page without a
    table, JSON that is not records, an image), each with the reason and the fix in Italian and English.
    """
    if format is not None and format not in FORMATS:
        raise UsageError(f"Formato sconosciuto: {format!r} (formati letti: {', '.join(FORMATS)}).",
                         f"Unknown format: {format!r} (formats read: {', '.join(FORMATS)}).")
    book = _read(data, name, format, member, nested=False)
    for sheet in book.sheets:
        check_width(sheet.rows, name)
    return book


def read_file(path: Path | str, *, format: str | None = None, member: str | None = None) -> Workbook:
    """:func:`read` on a file; a missing or unreadable file is a :class:`~cowork_data.errors.UsageError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"File non trovato: {path}", f"File not found: {path}") from exc
    except OSError as exc:
        reason = exc.strerror
        raise UsageError(f"File non leggibile: {path} ({reason})", f"Cannot read {path} ({reason})") from exc
    return read(data, name=str(path), format=format, member=member)


def parse_csv(text: str, *, delimiter: str | None = None) -> list[list[str]]:
    """The records of a delimited text, the separator sniffed when not given (see :mod:`.delimited`)."""
    return parse(text, delimiter or sniff_delimiter(text))


def _read(data: bytes, name: str, hint: str | None, member: str | None, *, nested: bool) -> Workbook:
    body = next((data[len(bom):] for bom, _ in BOMS if data.startswith(bom)), data)
    if not body.strip() or not body.replace(b"\x00", b"").strip():
        it, en = subject(name)
        raise UnreadableFileError(f"{it} è vuoto.", f"{en} is empty.",
                                  hint_it="Esporta di nuovo la tabella con l'intestazione e le righe.",
                                  hint_en="Export the table again with its header and rows.")
    suffix = PurePosixPath(name).suffix.lower()
    fmt = sniff(data, name=name, suffix=suffix, hint=hint)
    if fmt == "zip":
        return _archive(data, name, member, nested=nested)
    if fmt in ("xlsx", "ods", "xls"):
        return read_spreadsheet(data, name)
    if fmt == "pdf":
        return Workbook(name=name, format="pdf", sheets=[read_pdf(data, name)])
    if fmt == "kml":
        return Workbook(name=name, format="kml", sheets=[read_kml(data, name)])
    if fmt == "xml":
        refuse_dtd(data, name, "XML")
        it, en = subject(name)
        raise NotATableError(f"{it} non è una tabella: è un documento XML che non è KML.",
                             f"{en} is not a table: it is an XML document that is not KML.",
                             hint_it="Usa CSV, XLSX, ODS, GeoJSON o KML.",
                             hint_en="Use CSV, XLSX, ODS, GeoJSON or KML.")
    text, encoding = decode(data, name=name)
    notes = ["double-encoded UTF-8 decoded twice"] if encoding == DOUBLE_ENCODED else []
    if fmt in ("json", "geojson"):
        try:
            kind, sheet = read_json(text, name, sure=hint in ("json", "geojson") or suffix in _JSON)
        except ValueError:  # it only looked like JSON: a delimited text starting with "[" or "{"
            pass
        else:
            return Workbook(name=name, format=kind, sheets=[sheet], encoding=encoding, notes=notes)
    if fmt == "html":
        return Workbook(name=name, format="html", sheets=read_html(text, name), encoding=encoding, notes=notes)
    if fmt == "script":
        refuse_script(text, name)
    delimiter = sniff_delimiter(text)
    rows = trim(parse(text, delimiter))
    if not rows or max(len(r) for r in rows[:30]) < 2:
        it, en = subject(name)
        raise NotATableError(
            f"{it} non sembra una tabella: nessun separatore (; , tab) nell'intestazione.",
            f"{en} does not look like a table: no separator (; , tab) in the header.",
            hint_it="Controlla che la prima riga contenga i nomi delle colonne separati da ; o ,.",
            hint_en="Check that the first row holds the column names separated by ; or ,.")
    sheet = Sheet(name="", rows=rows, locators=[f"row={n}" for n in range(1, len(rows) + 1)], header=find_header(rows))
    return Workbook(name=name, format="csv", sheets=[sheet], encoding=encoding, delimiter=delimiter, notes=notes)


def _archive(data: bytes, name: str, member: str | None, *, nested: bool) -> Workbook:
    """The one table in a ZIP archive (or ``member``); an archive with several tables names them."""
    it, en = subject(name)
    if nested:
        raise UnreadableFileError(f"{it} è un archivio ZIP dentro un altro archivio.",
                                  f"{en} is a ZIP archive inside another archive.",
                                  hint_it=ARCHIVE[2], hint_en=ARCHIVE[3])
    files = [m for m in zip_members(data, name, ARCHIVE) if not m.is_dir() and not _hidden(m)]
    # Data files first: a PDF or a page beside a CSV documents it
    tables = [m for m in files if _suffix(m) in DATA_SUFFIXES] or [m for m in files if _suffix(m) in PAGE_SUFFIXES]
    names = [m.filename for m in tables]
    if member is not None:
        chosen = [m for m in tables if member in (m.filename, PurePosixPath(m.filename).name)]
        if not chosen:
            listed = ", ".join(names)
            raise UsageError(f"{it} non contiene la tabella {member}: contiene {listed or 'nessuna tabella'}.",
                             f"{en} holds no table {member}: it holds {listed or 'no table'}.")
    elif not tables:
        listed = ", ".join(m.filename for m in files[:10]) or "-"
        raise NotATableError(f"{it} è un archivio ZIP senza tabelle (contiene: {listed}).",
                             f"{en} is a ZIP archive with no table in it (it holds: {listed}).",
                             hint_it=ARCHIVE[2], hint_en=ARCHIVE[3])
    elif len(tables) > 1:
        shown = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
        raise UnreadableFileError(
            f"{it} è un archivio ZIP con {len(tables)} tabelle: {shown}.",
            f"{en} is a ZIP archive holding {len(tables)} tables: {shown}.",
            hint_it="Estrai dall'archivio la tabella da leggere e caricala da sola.",
            hint_en="Extract the table to read from the archive and load it on its own.")
    else:
        chosen = tables
    inner = inflate(data, chosen[0], name)
    book = _read(inner, f"{chosen[0].filename} in {name}" if name else chosen[0].filename, None, None, nested=True)
    book.name, book.container, book.member = name, "zip", chosen[0].filename
    return book


def _hidden(member: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(member.filename)
    return path.name.startswith(".") or path.parts[0] == "__MACOSX"


def _suffix(member: zipfile.ZipInfo) -> str:
    return PurePosixPath(member.filename).suffix.lower()
