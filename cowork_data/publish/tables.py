"""Deterministic CSV output of the canonical tables: schema field order, rows sorted by primary key."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cowork_data.safety import safe_cell


def sort_key(descriptor: Mapping[str, Any]) -> Callable[[Mapping[str, str]], tuple]:
    pk = descriptor.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    types = {f["name"]: f.get("type") for f in descriptor["fields"]}

    def key(row: Mapping[str, str]) -> tuple:
        parts = []
        for name in pk:
            value = row.get(name, "")
            if types.get(name) == "integer" and value.strip().lstrip("-").isdigit():
                parts.append((0, int(value), ""))
            else:
                parts.append((1, 0, value))
        return tuple(parts)

    return key


def write_table(path: Path, descriptor: Mapping[str, Any], rows: Sequence[Mapping[str, str]]) -> None:
    """Write ``rows`` as UTF-8 CSV with ``\\n`` line ends, columns in schema order, sorted by primary key.

    Text that a spreadsheet would run as a formula is neutralised (:mod:`cowork_data.safety`); line breaks
    inside values are written as ``\\n``.
    """
    names = [f["name"] for f in descriptor["fields"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(names)
        for row in sorted(rows, key=sort_key(descriptor)):
            writer.writerow([safe_cell(row.get(n, "")) for n in names])
