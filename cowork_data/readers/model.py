"""What a reader returns: a workbook of sheets, each a grid of text cells with where each row is in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cowork_data import i18n

__all__ = ["CONTAINERS", "FIXES", "Sheet", "Workbook", "container", "container_fix", "find_header", "subject",
           "subject_text", "trim"]

#: Rows searched for a header (title rows above it are skipped).
HEADER_SCAN_ROWS = 30


@dataclass
class Sheet:
    """One table of a file: its grid of text, header row included, as the file holds it.

    ``rows`` keeps the layout (title rows, blank rows inside the table), trimmed of trailing blank rows and of blank
    cells beyond the widest filled column. ``header`` is the 0-based row a reader without a schema takes as the
    header (see :func:`find_header`; record formats such as GeoJSON have a made-up header row 0). ``locators`` has
    one entry per row, where the row is in the file (``row=5``, ``sheet=Spazi&row=3``, ``feature=2``,
    ``page=1&row=4``), empty for a made-up header. ``meta`` holds what a format says beyond cells: for GeoJSON and
    KML ``crs`` (the declared coordinate reference system, ``""`` when none is declared) and ``geometry``, one
    GeoJSON geometry (or None) per row of ``rows``.
    """

    name: str
    rows: list[list[str]]
    locators: list[str]
    header: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def header_cells(self) -> list[str]:
        return self.rows[self.header] if self.header < len(self.rows) else []

    @property
    def data_rows(self) -> list[list[str]]:
        return self.rows[self.header + 1:]

    @property
    def data_locators(self) -> list[str]:
        return self.locators[self.header + 1:]


@dataclass
class Workbook:
    """The tables read from one file, and how the bytes were read.

    ``format`` is what the bytes are (``csv``, ``xlsx``, ``xls``, ``ods``, ``geojson``, ``json``, ``kml``, ``html``,
    ``pdf``); ``container`` is ``zip`` when the table came out of a ZIP archive (``member`` names it). ``encoding`` and
    ``delimiter`` are those of a text format (empty otherwise); ``notes`` say what the reader repaired on the way
    (double-encoded UTF-8, for example).
    """

    name: str
    format: str
    sheets: list[Sheet]
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)
    container: str = ""
    member: str = ""


def trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing blank rows, and trailing blank cells beyond the widest non-blank part."""
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = 0
    for row in rows:
        filled = len(row)
        while filled > width and not row[filled - 1].strip():
            filled -= 1
        width = max(width, filled)
    return [row[:width] if len(row) > width else row for row in rows]


def find_header(rows: list[list[str]]) -> int:
    """0-based index of the first row with at least two filled cells (a title row above it is skipped), else 0."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for c in row if c.strip()) >= 2:
            return i
    return 0


def subject_text(name: str) -> i18n.Text:
    """:func:`subject` as a parameter of a catalogue message (``{subject} è vuoto.``)."""
    return i18n.Text.of("label.file.named", name=name) if name else i18n.Text.of("label.file.unnamed")


#: What a refused file was expected to be (``label.container.<what>``), and the fixes a message of the reader points
#: to (``label.container-fix.<fix>``).
CONTAINERS = ("spreadsheet", "archive")
FIXES = (*CONTAINERS, "dtd", "save-as", "export", "records")


def container(what: str) -> i18n.Text:
    """What a container was expected to be (``un foglio di calcolo leggibile (XLSX, ODS)``)."""
    return i18n.Text.of(f"label.container.{what}")


def container_fix(what: str) -> i18n.Text:
    """How to fix a file that was refused (``label.container-fix.<what>``: ``Estrai la tabella dall'archivio …``)."""
    return i18n.Text.of(f"label.container-fix.{what}")


def subject(name: str) -> tuple[str, str]:
    """"Il file NAME" / "The file NAME" for messages (without a name: "Il file" / "The file")."""
    return (f"Il file {name}", f"The file {name}") if name else ("Il file", "The file")
