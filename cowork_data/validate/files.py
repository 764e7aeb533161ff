"""Reading a user's table file into a header and rows of text, with clear errors for what it cannot read."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from cowork_data.errors import UnreadableFileError, UsageError

SIGNATURES: dict[bytes, tuple[str, str]] = {
    b"PK\x03\x04": ("un foglio di calcolo o un archivio ZIP (XLSX, ODS)", "a spreadsheet or ZIP archive (XLSX, ODS)"),
    b"%PDF": ("un PDF", "a PDF"),
    b"\xd0\xcf\x11\xe0": ("un vecchio file Excel (XLS)", "an old Excel file (XLS)"),
    b"\x1f\x8b": ("un file compresso gzip", "a gzip-compressed file"),
    b"\x89PNG": ("un'immagine PNG", "a PNG image"),
    b"\xff\xd8\xff": ("un'immagine JPEG", "a JPEG image"),
}


@dataclass
class TableFile:
    """A table read from a file: its header, its data rows (text) and how it was read."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    sheet: str = ""
    header_row: int = 1
    notes: list[str] = field(default_factory=list)


def read_table_file(path: Path | str) -> TableFile:
    """Read a CSV file of unknown encoding and separator.

    Raises :class:`UnreadableFileError` (exit code 2) for binary files and files that are not text tables.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"File non trovato: {path}", f"File not found: {path}") from exc
    except OSError as exc:
        reason = exc.strerror
        raise UsageError(f"File non leggibile: {path} ({reason})", f"Cannot read {path} ({reason})") from exc
    if not data.strip():
        raise UnreadableFileError(
            f"Il file {path} è vuoto.", f"The file {path} is empty.",
            hint_it="Esporta di nuovo la tabella con l'intestazione e le righe.",
            hint_en="Export the table again with its header and rows.",
        )
    for magic, (what_it, what_en) in SIGNATURES.items():
        if data.startswith(magic):
            raise UnreadableFileError(
                f"Il file {path} non è un CSV: sembra {what_it}.",
                f"The file {path} is not a CSV: it looks like {what_en}.",
                hint_it="Salva il foglio come CSV (UTF-8) e riprova.",
                hint_en="Save the sheet as CSV (UTF-8) and try again.",
            )
    text, encoding = _decode(data, path)
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(";,\t|", key=lambda d: sample.split("\n", 1)[0].count(d))
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records or len(records[0]) < 2:
        raise UnreadableFileError(
            f"Il file {path} non sembra una tabella: nessun separatore (; , tab) nell'intestazione.",
            f"The file {path} does not look like a table: no separator (; , tab) in the header.",
            hint_it="Controlla che la prima riga contenga i nomi delle colonne separati da ; o ,.",
            hint_en="Check that the first row holds the column names separated by ; or ,.",
        )
    return TableFile(path=path, header=[h.strip() for h in records[0]], rows=records[1:], encoding=encoding,
                     delimiter=delimiter)


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    binary = sum(1 for b in data[:8192] if b < 9 or 13 < b < 32)
    if b"\x00" in data[:8192] and not (data.startswith((b"\xff\xfe", b"\xfe\xff"))):
        binary = max(binary, 1)
    if binary:
        raise UnreadableFileError(
            f"Il file {path} è binario, non un CSV di testo.",
            f"The file {path} is binary, not a text CSV.",
            hint_it="Salva il foglio come CSV (UTF-8) e riprova.",
            hint_en="Save the sheet as CSV (UTF-8) and try again.",
        )
    for encoding in ("utf-8-sig",):
        try:
            return data.decode(encoding), "utf-8"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFileError(
            f"Impossibile riconoscere la codifica dei caratteri di {path}.",
            f"Cannot tell the character encoding of {path}.",
            hint_it="Salva il file come CSV UTF-8.", hint_en="Save the file as CSV UTF-8.",
        )
    return str(best), best.encoding
