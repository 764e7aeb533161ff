"""The published tables: ``data/{table}.csv`` and ``data/{table}.parquet``, every source's rows sorted by key.

The CSV is byte for byte what Python's ``csv`` module writes (minimal quoting, ``\\n`` line ends) with the cells
made safe for spreadsheets (:mod:`cowork_data.safety`); the Parquet file holds the same cells, as text (the Table
Schema types them), zstd-compressed, without statistics, so the same rows give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.pipeline.cache import Entry
from cowork_data.publish.tables import sort_key

__all__ = ["sorted_table", "write_tables"]

#: ``safety.PLAIN_NUMBER`` as polars reads it (Python's ``$`` also matches before a final line break).
_PLAIN_NUMBER = r"^[+-]?[0-9][0-9 .,]*\n?$"
_TRIGGERS = r"^[=+\-@\t\r]"


def sorted_table(entries: Sequence[Entry], table: str, descriptor: Mapping[str, Any]) -> pl.DataFrame:
    """The rows of ``table`` from every source (in source order), sorted by the primary key like
    :func:`cowork_data.publish.tables.sort_key` (integer keys numerically, before other values), stably."""
    names = [f["name"] for f in descriptor["fields"]]
    frames = [e.tables[table] for e in entries if table in e.tables and len(e.tables[table])]
    if not frames:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    frame = pl.concat(frames, how="diagonal_relaxed")  # one concatenation: a column a source lacks is null
    frame = frame.select(pl.col(n).fill_null("") if n in frame.columns else pl.lit("").alias(n) for n in names)
    pk = descriptor.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    if not pk:
        return frame
    types = {f["name"]: f.get("type") for f in descriptor["fields"]}
    if any(types.get(name) == "integer" for name in pk):  # numbers sort numerically: the exact Python key
        key = sort_key(descriptor)
        rows = frame.select(pk).to_dicts()
        order = sorted(range(len(rows)), key=lambda i: key(rows[i]))
        return frame[order]
    return frame.sort(pk, maintain_order=True)


def safe(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`cowork_data.safety.safe_cell` on every cell: a formula trigger gets an apostrophe (plain numbers and
    phone numbers excepted), CR and CRLF become LF."""
    out = []
    for name in frame.columns:
        col = pl.col(name)
        dangerous = col.str.contains(_TRIGGERS) & ~col.str.contains(_PLAIN_NUMBER)
        out.append(pl.when(dangerous).then(pl.lit("'") + col).otherwise(col)
                   .str.replace_all("\r\n", "\n", literal=True).str.replace_all("\r", "\n", literal=True).alias(name))
    return frame.select(out)


#: Table Schema type → the Parquet column type (anything else stays text).
_TYPES = {"integer": pl.Int64, "number": pl.Float64, "date": pl.Date, "boolean": pl.Boolean}


def typed(frame: pl.DataFrame, descriptor: Mapping[str, Any]) -> pl.DataFrame:
    """The cells as the Table Schema types them (empty: null); a column that does not convert stays text."""
    out = []
    for f in descriptor["fields"]:
        column = frame[f["name"]].replace("", None)
        kind = _TYPES.get(f.get("type", ""))
        if kind is pl.Boolean:
            lowered = column.str.to_lowercase()
            converted = pl.Series(f["name"], [None if v is None else v in ("true", "1", "yes") for v in
                                              lowered.to_list()], dtype=pl.Boolean)
            column = converted if lowered.drop_nulls().is_in(["true", "false", "1", "0", "yes", "no"]).all() \
                else column
        elif kind is not None:
            try:
                column = column.str.strip_chars().cast(kind, strict=True) if kind is not pl.Date else \
                    column.str.strip_chars().str.to_date("%Y-%m-%d", strict=True)
            except pl.exceptions.PolarsError:
                pass
        out.append(column.alias(f["name"]))
    return pl.DataFrame(out)


def write_tables(entries: Sequence[Entry], schemas: Mapping[str, Mapping[str, Any]], data: Path) -> dict[str, int]:
    """Write ``data/{table}.csv`` and ``.parquet`` for every table; returns the rows per table."""
    data.mkdir(parents=True, exist_ok=True)
    rows = {}
    for table, descriptor in schemas.items():
        sorted_frame = sorted_table(entries, table, descriptor)
        frame = safe(sorted_frame)
        with (data / f"{table}.csv").open("wb") as fh:  # an empty cell is written as nothing, as csv does
            frame.with_columns(pl.all().replace("", None)).write_csv(fh, quote_style="necessary",
                                                                     line_terminator="\n")
        typed(sorted_frame, descriptor).write_parquet(data / f"{table}.parquet", compression="zstd",
                                                      statistics=False)
        rows[table] = len(frame)
    return rows
