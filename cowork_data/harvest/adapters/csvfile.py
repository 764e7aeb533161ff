"""Delimited text (CSV with `,` `;` tab or `|`), any common encoding, BOM or not; RFC 7111 row locators."""

from __future__ import annotations

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot
from cowork_data.normalise.text import decode, read_rows

__all__ = ["parse"]


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "csv") -> RawTable:
    try:
        records = read_rows(decode(data))
    except Exception as exc:  # csv.Error and decoding errors alike: the file is not readable CSV
        raise UnreadableSnapshot(f"CSV illeggibile: {exc}", f"unreadable CSV: {exc}") from exc
    if not records:
        return RawTable(header=[], rows=[], locators=[])
    rows = records[1:]
    # RFC 7111: the header is row 1
    return RawTable(header=records[0], rows=rows, locators=[f"row={n}" for n in range(2, len(rows) + 2)])
