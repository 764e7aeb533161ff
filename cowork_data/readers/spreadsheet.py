"""Spreadsheets (XLSX, ODS, old XLS) through python-calamine: every visible sheet as a grid of text.

A cell is the text a CSV export would hold: integers without ``.0``, dates in ISO 8601, booleans as ``true`` /
``false``; a cell of a range merged over several rows holds the range's value. Hidden sheets are not read (they
hold lookup lists, not the table). A zip container is bounded first
(:func:`cowork_data.readers.guards.check_spreadsheet`).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from cowork_data.errors import UnreadableFileError
from cowork_data.readers.guards import SPREADSHEET, check_spreadsheet
from cowork_data.readers.model import Sheet, Workbook, container, container_fix, find_header, subject_text, trim

__all__ = ["cell_text", "read_spreadsheet"]

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def spreadsheet_kind(data: bytes) -> str:
    if data.startswith(b"\xd0\xcf"):
        return "xls"
    return "ods" if b"opendocument.spreadsheet" in data[:200] else "xlsx"


def read_spreadsheet(data: bytes, name: str) -> Workbook:
    """Every visible sheet of a spreadsheet; raises :class:`UnreadableFileError` for a broken or locked file."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    if data.startswith(CFB_MAGIC) and ENCRYPTED_PACKAGE in data:
        raise UnreadableFileError("error.read-encrypted", subject=subject_text(name))
    if data.startswith(b"PK"):
        check_spreadsheet(data, name)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
        grids = {sheet: _filled_down(book.get_sheet_by_name(sheet)) for sheet in visible}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own errors, zip and XML errors, and pyo3 panics (a BaseException)
        detail = " ".join(str(exc).split())[:300]
        raise UnreadableFileError("error.read-spreadsheet", subject=subject_text(name), what=container(SPREADSHEET),
                                  detail=detail, fix=container_fix(SPREADSHEET)) from exc
    sheets = []
    for sheet, grid in grids.items():
        rows = trim([[cell_text(v) for v in row] for row in grid])
        sheets.append(Sheet(name=sheet, rows=rows, locators=[f"sheet={sheet}&row={n}" for n in range(1, len(rows) + 1)],
                            header=find_header(rows)))
    return Workbook(name=name, format=spreadsheet_kind(data), sheets=sheets)


def _filled_down(sheet: Any) -> list[list[Any]]:
    """The sheet's grid (from A1), each cell of a range merged over several rows holding the range's value in its
    first column, as the spreadsheet shows it beside each of those rows (a comune written once for two spaces); a
    range merged across one row only (a title) keeps its value in its first cell."""
    grid = sheet.to_python(skip_empty_area=False)
    for (top, left), (bottom, _right) in getattr(sheet, "merged_cell_ranges", None) or ():
        if bottom > top and top < len(grid) and left < len(grid[top]):
            for row in grid[top + 1:bottom + 1]:
                if left < len(row) and row[left] in ("", None):
                    row[left] = grid[top][left]
    return grid


def cell_text(value: Any) -> str:
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
