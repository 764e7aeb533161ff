"""XLSX and ODS through python-calamine: the first sheet with a table; the header is the first row with at least
two filled cells (title rows above it are skipped). Locators are `sheet=NAME&row=N` (1-based rows)."""

from __future__ import annotations

import datetime as dt
import io

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot, cell_text

__all__ = ["parse"]


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return cell_text(value)


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "xlsx") -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for every kind of broken file
        raise UnreadableSnapshot(f"foglio di calcolo illeggibile: {exc}", f"unreadable spreadsheet: {exc}") from exc
    for name in book.sheet_names:
        grid = [[_text(v) for v in row] for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        start = next((i for i, row in enumerate(grid) if sum(1 for v in row if v) >= 2), None)
        if start is None:
            continue
        rows = grid[start + 1:]
        return RawTable(header=grid[start], rows=rows,
                        locators=[f"sheet={name}&row={n}" for n in range(start + 2, start + 2 + len(rows))])
    return RawTable(header=[], rows=[], locators=[])
