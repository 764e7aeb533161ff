"""Access to the shared Table Schemas in ``schemas/`` and matching of users' column headers to their fields."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from cowork_data.errors import ConfigError, UsageError
from cowork_data.graph.declaration import tables

#: Tables in dependency order: a table only refers to tables before it (calls also to itself); from the declaration
#: ``mapping/tables.toml``.
TABLES: tuple[str, ...] = tables()

#: Fields the toolkit derives itself; a municipality's list need not carry them (a list without ``country`` is
#: Italian; the municipality codes come from its name).
DERIVED_FIELDS = frozenset({"id", "source_id", "source_record", "source_url", "comune_istat", "comune_belfiore",
                            "commune_insee", "country"})


def schemas_dir(root: Path | None = None) -> Path:
    from cowork_data.config import project_root

    return (root or project_root()) / "schemas"


@cache
def _load(path: str) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError("error.schema-unreadable", path=path, detail=exc) from exc


def schema_descriptor(table: str, root: Path | None = None) -> dict[str, Any]:
    """The Table Schema of ``table`` as a dict (a fresh copy the caller may change)."""
    if table not in TABLES:
        raise UsageError("error.table-unknown", table=table, tables=", ".join(TABLES))
    return json.loads(json.dumps(_load(str(schemas_dir(root) / f"{table}.json"))))


def field_names(table: str, root: Path | None = None) -> list[str]:
    return [f["name"] for f in schema_descriptor(table, root)["fields"]]


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
