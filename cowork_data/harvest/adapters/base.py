"""Shared types of the adapters."""

from __future__ import annotations

from dataclasses import dataclass, field

from cowork_data.errors import UnreadableSnapshot
from cowork_data.readers import cell_value as cell_text
from cowork_data.readers import sheet_from_records

__all__ = ["Distribution", "RawTable", "UnreadableSnapshot", "cell_text", "table_from_records"]


@dataclass
class RawTable:
    """Records as published: a header, rows of text, and where each row is in the file (`row=5`, `feature=2`)."""

    header: list[str]
    rows: list[list[str]]
    locators: list[str]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


@dataclass(frozen=True)
class Distribution:
    """A downloadable file found in a catalogue, with the licence the catalogue gives it."""

    url: str
    format: str
    title: str = ""
    licence: dict[str, str] = field(default_factory=dict, hash=False)
    modified: str = ""


def table_from_records(records: list[dict[str, str]], locator: str) -> RawTable:
    """A table with the union of the records' keys as header, in order of first appearance (the readers' rule)."""
    sheet = sheet_from_records(records, locator)
    return RawTable(header=sheet.header_cells, rows=sheet.data_rows, locators=sheet.data_locators)
