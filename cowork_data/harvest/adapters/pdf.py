"""A PDF with a table (lists published as PDF), read with pdfplumber: the first table's first row is the header;
on later pages a repeated header is dropped. Locators are `page=N&row=M`."""

from __future__ import annotations

import io

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot

__all__ = ["parse"]


def _clean(cell: object) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "pdf") -> RawTable:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if not data.startswith(b"%PDF"):
        raise UnreadableSnapshot("non è un PDF", "not a PDF")
    header: list[str] = []
    rows: list[list[str]] = []
    locators: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as document:
            for page_number, page in enumerate(document.pages, start=1):
                for table in page.extract_tables():
                    for row_number, raw in enumerate(table, start=1):
                        row = [_clean(c) for c in raw]
                        if not any(row):
                            continue
                        if not header:
                            header = row
                        elif row != header:
                            rows.append(row)
                            locators.append(f"page={page_number}&row={row_number}")
    except (PDFSyntaxError, ValueError, KeyError) as exc:
        raise UnreadableSnapshot(f"PDF illeggibile: {exc}", f"unreadable PDF: {exc}") from exc
    return RawTable(header=header, rows=rows, locators=locators)
