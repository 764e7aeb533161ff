"""The published tables: ``data/{table}.csv`` and ``data/{table}.parquet``, every source's rows sorted by key.

The CSV is byte for byte what Python's ``csv`` module writes (minimal quoting, ``\\n`` line ends) with the cells
made safe for spreadsheets (:mod:`cowork_data.safety`); the Parquet file holds the same cells, as text (the Table
Schema types them), zstd-compressed, without statistics, so the same rows give the same bytes.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.pipeline.cache import Entry, Tables, table_rows
from cowork_data.publish.tables import sort_key

__all__ = ["Combined", "sorted_table", "write_tables"]

#: ``safety.PLAIN_NUMBER`` as polars reads it (Python's ``$`` also matches before a final line break).
_PLAIN_NUMBER = r"^[+-]?[0-9][0-9 .,]*\n?$"
_TRIGGERS = r"^[=+\-@\t\r]"


class Combined:
    """Every source's rows of a table in one frame, in the entries' order, each row with its source (``_src``) and
    its position in that source's table (``_row``). With ``directory``, each table is kept in
    ``{directory}/{table}.pickle`` with the entry keys it holds, so a rebuild replaces only the rows of the sources
    whose entry changed (an entry's key covers everything its tables depend on) instead of concatenating every
    source's frame again; the tables are made in one pass over the entries (each source's tables read once from the
    cache and let go) and read back from the directory when asked for, one at a time. The keys are also kept beside
    each table (``{table}.keys``), so a rebuild reads only the tables whose rows change."""

    def __init__(self, entries: Sequence[Entry], directory: Path | None = None) -> None:
        self.entries = entries
        self.directory = directory
        self.frames: dict[str, pl.DataFrame | None] = {}
        self.position = {e.source_id: n for n, e in enumerate(entries)}
        self.names: set[str] | None = None

    def table(self, name: str) -> pl.DataFrame | None:
        """The table's rows (None: no source has a row of it); a column some sources lack is null there."""
        if self.directory is None:
            if name not in self.frames:
                fresh = [(e.source_id, e.tables[name]) for e in self.entries
                         if name in e.tables and table_rows(e.tables, name)]
                self.frames[name] = self._make(name, fresh, set(), None)
            return self.frames[name]
        self._prime()
        assert self.names is not None
        record = _load(self._path(name)) if name in self.names else None
        return record["frame"] if record is not None else None

    def _path(self, name: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{name}.pickle"

    def _current(self, name: str) -> dict[str, str]:
        return {e.source_id: e.key for e in self.entries if name in e.tables}

    def _prime(self) -> None:
        if self.names is not None:
            return
        self.names = {name for e in self.entries for name in e.tables}
        keep: dict[str, set[str]] = {}
        recorded: dict[str, dict[str, str] | None] = {}
        for name in sorted(self.names):
            current = self._current(name)
            recorded[name] = _load_keys(self._path(name))
            kept = {sid for sid, key in (recorded[name] or {}).items() if current.get(sid) == key}
            keep[name] = kept if len(current) - len(kept) <= max(len(current) // 4, 1) else set()
        fresh: dict[str, list[tuple[str, pl.DataFrame]]] = {name: [] for name in self.names}
        for entry in self.entries:
            wanted = [n for n in entry.tables if entry.source_id not in keep[n] and table_rows(entry.tables, n)]
            for name in wanted:
                fresh[name].append((entry.source_id, entry.tables[name]))
            if wanted and isinstance(entry.tables, Tables):
                entry.tables.release()
        for name in sorted(self.names):
            rows = fresh.pop(name)
            if rows or recorded[name] != self._current(name):
                self._make(name, rows, keep[name], self._path(name))

    def _make(self, name: str, fresh: list[tuple[str, pl.DataFrame]], keep: set[str],
              path: Path | None) -> pl.DataFrame | None:
        previous = _load(path) if keep and path is not None else None
        current = self._current(name)
        if previous is not None and any(previous["keys"].get(sid) != current.get(sid) for sid in keep):
            previous = None  # not the table the keys beside it describe: every source's rows again
        if keep and previous is None:  # the recorded table is gone since: every source's rows again
            fresh = [(e.source_id, e.tables[name]) for e in self.entries
                     if name in e.tables and table_rows(e.tables, name)]
            keep = set()
        parts = [_with_origin(fresh)] if fresh else []
        if previous is not None and previous["frame"] is not None:
            stale = set(previous["keys"]) - keep
            kept = previous["frame"]
            parts.insert(0, kept.filter(~pl.col("_src").is_in(sorted(stale))) if stale else kept)
        frame = _concat(parts) if parts else None
        if frame is not None:
            order = pl.col("_src").replace_strict(self.position, return_dtype=pl.UInt32)
            frame = frame.sort(order, pl.col("_row"), maintain_order=True)
        if path is not None:
            _save(path, {"keys": current, "frame": frame})
        return frame


def _with_origin(fresh: Sequence[tuple[str, pl.DataFrame]]) -> pl.DataFrame:
    frame = _concat([f for _sid, f in fresh])
    sources = [sid for sid, f in fresh for _ in range(f.height)]
    rows = [n for _sid, f in fresh for n in range(f.height)]
    return frame.with_columns(pl.Series("_src", sources, dtype=pl.String), pl.Series("_row", rows, dtype=pl.UInt32))


def _concat(frames: Sequence[pl.DataFrame]) -> pl.DataFrame:
    same = all(f.schema == frames[0].schema for f in frames)
    return pl.concat(frames, how="vertical" if same else "diagonal_relaxed")


def _load(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        record = pickle.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None
    return record if isinstance(record, dict) and {"keys", "frame"} <= set(record) else None


def _load_keys(path: Path) -> dict[str, str] | None:
    """The entry keys a kept table holds, from the small file beside it (the table itself is read only if some of
    its rows are kept and others change)."""
    try:
        keys = pickle.loads(_keys_path(path).read_bytes())
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None
    return keys if isinstance(keys, dict) else None


def _keys_path(path: Path) -> Path:
    return path.with_suffix(".keys")


def _save(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _keys_path(path).unlink(missing_ok=True)  # no keys while the table changes: a killed build leaves none
    for target, data in ((path, record), (_keys_path(path), record["keys"])):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, target)


#: A key column that holds only these is sorted as numbers by polars (else by the Python key of the CSV writer).
_DIGITS = r"^[0-9]{1,18}$"


def sorted_table(combined: Combined, table: str, descriptor: Mapping[str, Any]) -> pl.DataFrame:
    """The rows of ``table`` from every source (in source order), sorted by the primary key like
    :func:`cowork_data.publish.tables.sort_key` (integer keys numerically, before other values), stably."""
    names = [f["name"] for f in descriptor["fields"]]
    frame = combined.table(table)
    if frame is None:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    frame = frame.select(pl.col(n).fill_null("") if n in frame.columns else pl.lit("").alias(n) for n in names)
    pk = descriptor.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    if not pk:
        return frame
    integers = [name for name in pk if {f["name"]: f.get("type") for f in descriptor["fields"]}.get(name) == "integer"]
    if all(frame[name].str.contains(_DIGITS).all() for name in integers):  # numbers sort numerically
        return frame.sort([pl.col(n).cast(pl.Int64) if n in integers else pl.col(n) for n in pk], maintain_order=True)
    key = sort_key(descriptor)  # the exact Python key
    rows = frame.select(pk).to_dicts()
    return frame[sorted(range(len(rows)), key=lambda i: key(rows[i]))]


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


def write_tables(combined: Combined, schemas: Mapping[str, Mapping[str, Any]], data: Path) -> dict[str, int]:
    """Write ``data/{table}.csv`` and ``.parquet`` for every table; returns the rows per table."""
    data.mkdir(parents=True, exist_ok=True)
    rows = {}
    for table, descriptor in schemas.items():
        sorted_frame = sorted_table(combined, table, descriptor)
        frame = safe(sorted_frame)
        with (data / f"{table}.csv").open("wb") as fh:  # an empty cell is written as nothing, as csv does
            frame.with_columns(pl.all().replace("", None)).write_csv(fh, quote_style="necessary",
                                                                     line_terminator="\n")
        typed(sorted_frame, descriptor).write_parquet(data / f"{table}.parquet", compression="zstd",
                                                      statistics=False)
        rows[table] = len(frame)
    return rows
