"""Shared types of the adapters."""

from __future__ import annotations

from dataclasses import dataclass, field

from cowork_data.errors import UnreadableSnapshot

__all__ = ["Distribution", "RawTable", "UnreadableSnapshot", "cell_text", "flatten"]


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


def cell_text(value: object) -> str:
    """Text of a parsed value: integral floats without `.0`, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def flatten(value: object, prefix: str = "") -> dict[str, str]:
    """`{"geo": {"lat": 1}}` → `{"geo.lat": "1"}`; lists of scalars are indexed (`coordinates.0`)."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix] = cell_text(value)
    return out


def table_from_records(records: list[dict[str, str]], locator: str) -> RawTable:
    """A table with the union of the records' keys as header, in order of first appearance."""
    header: list[str] = []
    seen: set[str] = set()
    for record in records:
        for key in record:
            if key not in seen:
                seen.add(key)
                header.append(key)
    rows = [[record.get(key, "") for key in header] for record in records]
    return RawTable(header=header, rows=rows, locators=[f"{locator}={i}" for i in range(1, len(rows) + 1)])
