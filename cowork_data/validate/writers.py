"""Writing grids of text back as CSV, XLSX (openpyxl) or ODS (odfpy), keeping the layout cell for cell.

Cells are written as text (so CAP `00184` and ISTAT `015146` keep their zeros), except the columns a caller names
as numeric, whose data cells are written as numbers when they parse as one.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cowork_data.errors import UsageError
from cowork_data.safety import safe_cell

__all__ = ["GridSheet", "write_grid"]

FORMATS = (".csv", ".xlsx", ".ods")


@dataclass
class GridSheet:
    """One sheet to write: its name, its rows of text, the header row (1-based) and the numeric columns (0-based)."""

    name: str
    records: list[list[str]]
    header_row: int = 1
    numeric_columns: set[int] = field(default_factory=set)

    def number(self, row: int, column: int, value: str) -> float | int | None:
        """The number to write at the 1-based ``row`` and 0-based ``column``, or None to write text."""
        if row <= self.header_row or column not in self.numeric_columns or not value.strip():
            return None
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() and "." not in value else number


def write_grid(path: Path | str, sheets: Sequence[GridSheet], *, delimiter: str = ";") -> Path:
    """Write ``sheets`` to ``path`` in the format of its suffix (.csv takes a single sheet).

    Text a spreadsheet would run as a formula is written neutralised (:mod:`cowork_data.safety`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError("error.output-format", name=path.name)
    if suffix == ".csv":
        if len(sheets) != 1:
            raise UsageError("error.csv-one-sheet")
        width = max((len(r) for r in sheets[0].records), default=0)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
            writer.writerows([[safe_cell(v) for v in r] + [""] * (width - len(r)) for r in sheets[0].records])
    elif suffix == ".xlsx":
        _write_xlsx(path, sheets)
    else:
        _write_ods(path, sheets)
    return path


def _write_xlsx(path: Path, sheets: Sequence[GridSheet]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name[:31] or "Foglio1")
        for r, record in enumerate(sheet.records):
            for c, value in enumerate(record):
                if value == "":
                    continue
                number = sheet.number(r + 1, c, value)
                cell = ws.cell(row=r + 1, column=c + 1, value=safe_cell(value) if number is None else number)
                if number is None:
                    cell.number_format = "@"
    workbook.save(path)


def _write_ods(path: Path, sheets: Sequence[GridSheet]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for sheet in sheets:
        table = Table(name=sheet.name or "Foglio1")
        for r, record in enumerate(sheet.records):
            row = TableRow()
            for c, value in enumerate(record):
                number = sheet.number(r + 1, c, value)
                if value == "":
                    cell = TableCell()
                elif number is None:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=safe_cell(value)))
                else:
                    cell = TableCell(valuetype="float", value=str(number))
                    cell.addElement(P(text=value))
                row.addElement(cell)
            table.addElement(row)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
