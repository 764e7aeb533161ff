"""Matching of users' column headers to the fields of the shared Table Schemas (:mod:`cowork_data.table_schemas`,
whose names this module also gives the validator)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from cowork_data.table_schemas import DERIVED_FIELDS, TABLES, field_names, schema_descriptor, schemas_dir

__all__ = ["DERIVED_FIELDS", "TABLES", "field_names", "fold", "guess_table", "header_index", "match_columns",
           "schema_descriptor", "schemas_dir"]


def fold(text: str) -> str:
    """Header folding for matching: lower case, no accents, punctuation and spaces collapsed to ``_``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def header_index(table: str, root: Path | None = None) -> dict[str, str]:
    """Folded header name → field name, from field names, titles (it, en) and ``x-aliases``."""
    index: dict[str, str] = {}
    for f in schema_descriptor(table, root)["fields"]:
        names = [f["name"], f.get("title", ""), f.get("title_en", ""), *f.get("x-aliases", [])]
        for name in names:
            key = fold(name)
            if key:
                index.setdefault(key, f["name"])
    return index


def match_columns(header: list[str], table: str, root: Path | None = None) -> dict[int, str]:
    """Map 0-based column positions of a user's header to schema field names (first match wins)."""
    index = header_index(table, root)
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for i, label in enumerate(header):
        name = index.get(fold(label or ""))
        if name and name not in used:
            mapping[i] = name
            used.add(name)
    return mapping


def guess_table(header: list[str], root: Path | None = None) -> str:
    """The table whose fields the header matches best (``spaces`` on a tie)."""
    scores = {t: len(match_columns(header, t, root)) for t in TABLES}
    best = max(scores.values())
    if scores["spaces"] == best:
        return "spaces"
    return max(TABLES, key=lambda t: scores[t])
