"""The one entry from bytes to sheets: :func:`read` sniffs the format and hands the bytes to its reader."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from cowork_data import i18n
from cowork_data.errors import NotATableError, UnreadableFileError, UsageError
from cowork_data.readers.decoding import BOMS, decode
from cowork_data.readers.delimited import parse, sniff_delimiter
from cowork_data.readers.guards import ARCHIVE, check_width, inflate, zip_members
from cowork_data.readers.kml import read_kml, refuse_dtd
from cowork_data.readers.markup import read_html
from cowork_data.readers.model import Sheet, Workbook, container_fix, find_header, subject_text, trim
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
        raise UsageError("error.read-format-unknown", format=repr(format), formats=", ".join(FORMATS))
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
        raise UsageError("error.read-not-found", path=path) from exc
    except OSError as exc:
        raise UsageError("error.read-unreadable", path=path, reason=exc.strerror) from exc
    return read(data, name=str(path), format=format, member=member)


def parse_csv(text: str, *, delimiter: str | None = None) -> list[list[str]]:
    """The records of a delimited text, the separator sniffed when not given (see :mod:`.delimited`)."""
    return parse(text, delimiter or sniff_delimiter(text))


def _read(data: bytes, name: str, hint: str | None, member: str | None, *, nested: bool) -> Workbook:
    body = next((data[len(bom):] for bom, _ in BOMS if data.startswith(bom)), data)
    if not body.strip() or not body.replace(b"\x00", b"").strip():
        raise UnreadableFileError("error.read-empty", subject=subject_text(name))
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
        raise NotATableError("error.read-xml-not-kml", subject=subject_text(name))
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
        raise NotATableError("error.read-no-separator", subject=subject_text(name))
    sheet = Sheet(name="", rows=rows, locators=[f"row={n}" for n in range(1, len(rows) + 1)], header=find_header(rows))
    return Workbook(name=name, format="csv", sheets=[sheet], encoding=encoding, delimiter=delimiter, notes=notes)


def _archive(data: bytes, name: str, member: str | None, *, nested: bool) -> Workbook:
    """The one table in a ZIP archive (or ``member``); an archive with several tables names them."""
    if nested:
        raise UnreadableFileError("error.read-nested-zip", subject=subject_text(name), fix=container_fix(ARCHIVE))
    files = [m for m in zip_members(data, name, ARCHIVE) if not m.is_dir() and not _hidden(m)]
    # Data files first: a PDF or a page beside a CSV documents it
    tables = [m for m in files if _suffix(m) in DATA_SUFFIXES] or [m for m in files if _suffix(m) in PAGE_SUFFIXES]
    names = [m.filename for m in tables]
    if member is not None:
        chosen = [m for m in tables if member in (m.filename, PurePosixPath(m.filename).name)]
        if not chosen:
            listed = ", ".join(names) or i18n.Text.of("label.tables.none")
            raise UsageError("error.read-no-member", subject=subject_text(name), member=member, listed=listed)
    elif not tables:
        listed = ", ".join(m.filename for m in files[:10]) or "-"
        raise NotATableError("error.read-zip-no-table", subject=subject_text(name), listed=listed,
                             fix=container_fix(ARCHIVE))
    elif len(tables) > 1:
        shown = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
        raise UnreadableFileError("error.read-many-tables", subject=subject_text(name), count=len(tables), shown=shown)
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
