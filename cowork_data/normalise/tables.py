"""The canonical tables of docs/tables.md: field names in order and primary keys, read from the Table Schemas.

The tables are those of the declaration (``mapping/tables.toml``), their fields and keys those of
``schemas/{table}.json`` of the project: a project with a field added to a Table Schema reads and writes that field.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cowork_data.declaration import tables
from cowork_data.table_schemas import schema_descriptor

__all__ = ["FIELDS", "PRIMARY_KEYS", "blank_row", "fields", "primary_key", "project_of", "sort_rows"]


@cache
def project_of(source_path: Path) -> Path | None:
    """The project a source file (``{root}/sources/{id}.toml``) belongs to, when it has its own Table Schemas."""
    # the catalogue's directory resolved once for all its files (a file that is a link is resolved itself)
    return _project(source_path.resolve().parent if source_path.is_symlink() else source_path.parent)


@cache
def _project(directory: Path) -> Path | None:
    root = directory.resolve().parent
    return root if (root / "schemas").is_dir() else None


@cache
def fields(table: str, root: Path | None = None) -> tuple[str, ...]:
    """The fields of ``table`` in schema order (the project at ``root``, default the repository)."""
    return tuple(f["name"] for f in schema_descriptor(table, root)["fields"])


@cache
def primary_key(table: str, root: Path | None = None) -> tuple[str, ...]:
    key = schema_descriptor(table, root).get("primaryKey") or ()
    return (key,) if isinstance(key, str) else tuple(key)


FIELDS: dict[str, tuple[str, ...]] = {t: fields(t) for t in tables()}
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {t: primary_key(t) for t in tables()}


def blank_row(table: str, root: Path | None = None) -> dict[str, str]:
    """A row of `table` with every field present and empty."""
    return dict.fromkeys(fields(table, root) if root else FIELDS[table], "")


def sort_rows(table: str, rows: list[dict[str, str]], root: Path | None = None) -> list[dict[str, str]]:
    """Rows sorted by primary key (`awards.number` numerically)."""
    key_fields = primary_key(table, root) if root else PRIMARY_KEYS[table]

    def key(row: dict[str, str]) -> tuple[object, ...]:
        return tuple(int(row[k]) if k == "number" and row[k].isdigit() else row[k] for k in key_fields)

    return sorted(rows, key=key)
