"""Explicit column mappings: a file that says which of the user's headers holds which schema field.

JSON or YAML: an object ``{"Header in the file": "field_name"}``; CSV: two columns, header then field (a first row
``colonna,campo`` / ``header,field`` is skipped). Headers are compared folded (case, accents, punctuation).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from cowork_data.errors import UsageError
from cowork_data.readers import decode, parse_csv
from cowork_data.validate.schemas import field_names, fold, match_columns

__all__ = ["load_mapping_file", "resolve_mapping"]


def load_mapping_file(path: Path | str) -> dict[str, str]:
    """Header → field from a JSON, YAML or CSV file."""
    path = Path(path)
    try:
        text = decode(path.read_bytes(), name=str(path)).text
    except OSError as exc:
        raise UsageError("error.mapping-unreadable", path=path, detail=exc) from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            rows = [r for r in parse_csv(text) if len(r) >= 2 and r[0].strip()]
            if rows and fold(rows[0][1]) in ("campo", "field", "schema_field"):
                rows = rows[1:]
            data = {r[0].strip(): r[1].strip() for r in rows}
    except ValueError as exc:  # json and yaml errors derive from ValueError
        raise UsageError("error.mapping-invalid", path=path, detail=exc) from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise UsageError("error.mapping-shape", path=path)
    return {str(k): v for k, v in data.items()}


#: The columns the GeoJSON and KML readers make of a Point's position (:mod:`cowork_data.readers.records`).
POINT_COLUMNS = {"geometry.lon": "longitude", "geometry.lat": "latitude"}


def resolve_mapping(header: Sequence[str], table: str, explicit: Mapping[str, str] | None = None,
                    root: Path | None = None) -> dict[int, str]:
    """Column position → field: the explicit mapping first, then automatic matching for the other columns; a
    GeoJSON or KML point is the latitude and longitude when no column holds them."""
    return _with_point(_resolve(header, table, explicit, root), header, table, root)


def _with_point(mapping: dict[int, str], header: Sequence[str], table: str, root: Path | None) -> dict[int, str]:
    columns = {POINT_COLUMNS[h]: i for i, h in enumerate(header) if h in POINT_COLUMNS and i not in mapping}
    if len(columns) == 2 and not set(columns) & set(mapping.values()) and set(columns) <= set(
            field_names(table, root)):
        mapping = dict(sorted({**mapping, **{i: name for name, i in columns.items()}}.items()))
    return mapping


def _resolve(header: Sequence[str], table: str, explicit: Mapping[str, str] | None = None,
             root: Path | None = None) -> dict[int, str]:
    if not explicit:
        return match_columns(list(header), table, root)
    known = set(field_names(table, root))
    wrong = sorted(v for v in explicit.values() if v not in known)
    if wrong:
        raise UsageError("error.mapping-unknown-fields", table=table, fields=", ".join(wrong),
                         known=", ".join(sorted(known)))
    folded = {fold(k): v for k, v in explicit.items()}
    mapping = {i: folded[fold(h)] for i, h in enumerate(header) if fold(h) in folded}
    used = set(mapping.values())
    for i, name in match_columns(list(header), table, root).items():
        if i not in mapping and name not in used:
            mapping[i] = name
            used.add(name)
    return dict(sorted(mapping.items()))
