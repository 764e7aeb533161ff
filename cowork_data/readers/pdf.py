"""PDF tables (lists published as PDF), read with pdfplumber into one sheet: the first table's first row is the
header, a header repeated on later pages is dropped, rows without text are dropped. Locators are
``page=N&row=M``. A scanned PDF has no text layer and gives an empty sheet.
"""

from __future__ import annotations

import io

from cowork_data.errors import UnreadableFileError
from cowork_data.readers.model import Sheet, container_fix, subject_text

__all__ = ["read_pdf"]


def _clean(cell: object) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def read_pdf(data: bytes, name: str) -> Sheet:
    import pdfplumber

    rows: list[list[str]] = []
    locators: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as document:
            for page_number, page in enumerate(document.pages, start=1):
                for table in page.extract_tables():
                    for row_number, raw in enumerate(table, start=1):
                        row = [_clean(c) for c in raw]
                        if any(row) and (not rows or row != rows[0]):
                            rows.append(row)
                            locators.append(f"page={page_number}&row={row_number}")
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many error types on broken input
        detail = " ".join(str(exc).split())[:200]
        raise UnreadableFileError("error.read-pdf", subject=subject_text(name), kind=type(exc).__name__,
                                  detail=detail, fix=container_fix("export")) from exc
    return Sheet(name="", rows=rows, locators=locators, header=0)
