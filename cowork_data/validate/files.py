"""A user's file as the validator sees it: the tables :mod:`cowork_data.readers` reads, each with its header row.

The readers decode, sniff and bound the bytes (CSV, XLSX, ODS, XLS, PDF, KML, GeoJSON, JSON, HTML tables, a ZIP
holding one of them). Here the header row is the first row that names at least two fields of a schema (so title
rows above the header are skipped), else the first row with two filled cells; notes below the table (a blank row,
then rows of at most one filled cell: a total, the source, the day of the update) are not data rows. Of a file with
several sheets (or a page with several tables) every table-like sheet whose header names two fields of a schema is
kept, else the largest table-like one. Cells longer than :data:`MAX_CELL_CHARS` are cut (the check
``cell-too-long`` reports them) so that no report echoes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cowork_data.errors import UnreadableFileError
from cowork_data.i18n import Text
from cowork_data.readers import Sheet, Workbook, read, read_file

__all__ = ["MAX_CELL_CHARS", "TableFile", "detect_footer", "detect_header", "read_table_bytes", "read_table_file",
           "read_tables"]

#: Longest cell kept: longer text is cut to this length plus "…" and reported by the ``cell-too-long`` check.
MAX_CELL_CHARS = 10_000
HEADER_SCAN_ROWS = 30
SPREADSHEETS = ("xlsx", "xls", "ods")
LABELS = {"pdf": "PDF", "kml": "KML", "html": "HTML", "geojson": "GeoJSON", "json": "JSON"}


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
    #: The coordinate reference system the file declares (a GeoJSON ``crs`` member), ``""`` when it declares none.
    crs: str = ""
    #: The 1-based rows of ``records`` below the table that hold notes (:func:`detect_footer`), not in ``rows``.
    footer: list[int] = field(default_factory=list)


def read_table_file(path: Path | str) -> TableFile:
    """The first table of a file (see :func:`read_tables`)."""
    return read_tables(path)[0]


def read_tables(path: Path | str) -> list[TableFile]:
    """Every table in a file: one for a CSV, one per table-like visible sheet for a spreadsheet.

    Raises :class:`UsageError` for a missing file and :class:`UnreadableFileError` (exit code 2) for files that are
    not tables (binary, an image, a script, a broken spreadsheet, no separator, no data rows).
    """
    return _tables(read_file(path), Path(path))


def read_table_bytes(data: bytes, name: str) -> list[TableFile]:
    """:func:`read_tables` of bytes received without a file (an upload), ``name`` being the file's name."""
    return _tables(read(data, name=name), Path(name))


def _tables(book: Workbook, path: Path) -> list[TableFile]:
    if book.format == "csv":
        tables = [_table(path, book, book.sheets[0])]
    else:
        if book.format not in SPREADSHEETS and not any(len(s.rows) >= 2 for s in book.sheets):
            raise _no_rows(path, book.format)
        tables = _chosen(path, book)
    if not any(any(c.strip() for c in row) for t in tables for row in t.rows):
        raise UnreadableFileError("error.file-header-only", path=path)
    return tables


def _chosen(path: Path, book: Workbook) -> list[TableFile]:
    """The sheets whose header names two schema fields, else the largest table-like one."""
    matching: list[TableFile] = []
    fallback: list[TableFile] = []
    for sheet in book.sheets:
        if not sheet.rows or max(sum(1 for c in r if c.strip()) for r in sheet.rows) < 2:
            continue
        table = _table(path, book, sheet)
        (matching if _schema_matches(table.header) >= 2 else fallback).append(table)
    if matching or fallback:
        return matching or [max(fallback, key=lambda t: len(t.records))]
    raise UnreadableFileError("error.sheet-no-header", path=path)


def _no_rows(path: Path, fmt: str) -> UnreadableFileError:
    advice = "scanned-pdf" if fmt == "pdf" else "header-and-row"
    return UnreadableFileError("error.file-no-rows", path=path, label=LABELS.get(fmt, fmt.upper()),
                               advice=Text.of(f"error.file-no-rows.advice.{advice}"))


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


def detect_footer(rows: list[list[str]]) -> int:
    """How many rows at the end of ``rows`` (the rows below the header) are notes, not data: a blank row after the
    last row with two filled cells, then only rows with at most one filled cell, one of them filled (a total, the
    source, the day of the update); 0 when the table ends otherwise."""
    filled = [sum(1 for c in r if c.strip()) for r in rows]
    start = len(rows)
    while start > 0 and filled[start - 1] <= 1:
        start -= 1
    notes = filled[start:]
    if not notes or notes[0] or not any(notes) or not any(n >= 2 for n in filled[:start]):
        return 0
    return len(notes)


def _clip(value: str) -> str:
    return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS] + "…"


def _table(path: Path, book: Workbook, sheet: Sheet) -> TableFile:
    records = sheet.rows
    if any(len(c) > MAX_CELL_CHARS for r in records for c in r):
        records = [[_clip(c) for c in r] for r in records]
    start = detect_header(records)
    header = [" ".join(h.split()) for h in records[start]] if records else []
    notes = [*book.notes, *([f"header on row {start + 1}"] if start else [])]
    rows = records[start + 1:]
    end = len(rows) - detect_footer(rows)
    footer = [start + 2 + i for i in range(end, len(rows)) if any(c.strip() for c in rows[i])]
    return TableFile(path=path, header=header, rows=rows[:end], encoding=book.encoding or book.format,
                     delimiter=book.delimiter, sheet=sheet.name, header_row=start + 1, notes=notes, records=records,
                     format=book.format, crs=str(sheet.meta.get("crs") or ""), footer=footer)
