"""The shared Table Schemas in ``schemas/``: the table list and each table's descriptor.

Every stage reads them (normalise fills their fields, validate checks against them, publish describes them), so
they sit below the stages; matching a user's column headers to their fields is :mod:`cowork_data.validate.schemas`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from cowork_data.declaration import tables
from cowork_data.errors import ConfigError, UsageError

__all__ = ["DERIVED_FIELDS", "TABLES", "field_names", "forget", "schema_descriptor", "schemas_dir"]

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


def forget() -> None:
    """Forget the schemas read so far (they are read once per process): after editing a file in ``schemas/``."""
    _load.cache_clear()


def schema_descriptor(table: str, root: Path | None = None) -> dict[str, Any]:
    """The Table Schema of ``table`` as a dict (a fresh copy the caller may change)."""
    if table not in TABLES:
        raise UsageError("error.table-unknown", table=table, tables=", ".join(TABLES))
    return json.loads(json.dumps(_load(str(schemas_dir(root) / f"{table}.json"))))


def field_names(table: str, root: Path | None = None) -> list[str]:
    return [f["name"] for f in schema_descriptor(table, root)["fields"]]
