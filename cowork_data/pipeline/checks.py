"""Table checks of a build: each source alone (cached with it), then what only the whole build can say.

A source's rows are checked alone against the Table Schemas (types, formats, constraints, keys within the source,
the build checks): :func:`source_check`. Foreign keys and keys repeated in two sources depend on the other sources,
so :func:`between_sources` checks them every build, on the key columns of every source (a hash join in polars),
giving the same codes and notes as the table engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.pipeline.cache import Entry
from cowork_data.pipeline.tables import Combined
from cowork_data.table_schemas import TABLES, schema_descriptor
from cowork_data.validate.report import Finding
from cowork_data.validate.table import make_finding

__all__ = ["between_sources", "source_check"]

Rows = dict[str, list[dict[str, str]]]


class _Anything:
    """A key set holding every key: foreign keys are checked between sources, not within one."""

    def __contains__(self, key: object) -> bool:
        return True


def source_check(engine: str) -> Callable[[list[tuple[str, Rows]], Path], dict[str, list[Finding]]] | None:
    """The check of sources' tables alone for ``engine`` (None for the reference engine: it checks all tables at
    once). Many sources are checked in one call; each finding concerns one row, so it belongs to that row's source
    whatever the others are; keys (repeated, foreign) are left to :func:`between_sources`."""
    if engine != "fast":
        return None
    from cowork_data.validate import fast_table

    def check(batch: list[tuple[str, Rows]], root: Path) -> dict[str, list[Finding]]:
        compiled = {t: schema_descriptor(t, root) for t in TABLES}
        references = {(ref["reference"]["resource"], tuple(_fields(ref["reference"]["fields"]))): _Anything()
                      for d in compiled.values() for ref in d.get("foreignKeys", [])}
        tables: Rows = {t: [] for t in TABLES}
        for _source_id, rows in batch:
            for table, table_rows in rows.items():
                tables[table].extend(_located(r, n) for n, r in enumerate(table_rows, 2))
        report = fast_table.validate_tables(tables, root=root, references=references)
        out: dict[str, list[Finding]] = {source_id: [] for source_id, _rows in batch}
        for finding in report.findings:
            if finding.code == "foreign-key" or (finding.code in ("unique-error", "primary-key")
                                                  and _REPEATED in str(finding.params or {})):
                continue
            out.setdefault((finding.file or "").split("/")[0], []).append(finding)
        return out

    return check


_REPEATED = "the same as in the row at position"
_ROW = re.compile(r"(?:^|[#&;])row=(\d+)")


def _located(row: dict[str, str], n: int) -> dict[str, str]:
    """The row, its record named ``row=N`` (its row in the snapshot when the locator says it, else its position in
    the source's table), so that a finding's place does not depend on the rows checked with it."""
    record = row.get("source_record", "")
    part, _, fragment = record.rpartition("#")
    if fragment.startswith("row="):
        return row
    match = _ROW.search(fragment)
    return {**row, "source_record": f"{part}#row={match[1] if match else n}" if part else
            f"row={match[1] if match else n}"}


def _fields(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _place(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """``file`` and ``row`` of findings on these rows, as the table engines give them (the record's row)."""
    out = []
    for record, source_id, n in frame.select("source_record", "source_id", "_n").iter_rows():
        part, _, fragment = (record or "").rpartition("#")
        file = (source_id or "") + (f"/{part}" if part else "")
        row: int | None = n
        if fragment.startswith("row="):
            try:
                row = int(fragment[4:].split("-")[0])
            except ValueError:
                row = n
        out.append({"file": file, "row": row})
    return out


class _Tables:
    """Every source's rows of a table in one frame (:class:`cowork_data.pipeline.tables.Combined`), each row with
    its position ``_n`` in its source's table."""

    def __init__(self, combined: Combined) -> None:
        self.combined = combined
        self.frames: dict[str, pl.DataFrame | None] = {}

    def column(self, table: str, names: Sequence[str]) -> pl.DataFrame:
        if table not in self.frames:
            self.frames[table] = self.combined.table(table)
        frame = self.frames[table]
        if frame is None:
            return pl.DataFrame(schema={**dict.fromkeys(names, pl.String), "source_id": pl.String,
                                        "source_record": pl.String, "_n": pl.UInt32})
        return frame.select(*names, "source_id", "source_record", (pl.col("_row") + 2).alias("_n")).with_columns(
            pl.col(n).replace("", None) for n in names)


def between_sources(entries: Sequence[Entry] | Combined, root: Path | None) -> list[Finding]:
    """Foreign keys against the referenced tables of every source, and keys that two sources repeat (``entries``:
    the sources' entries, or their tables combined)."""
    found: list[Finding] = []
    schemas = {t: schema_descriptor(t, root) for t in TABLES}
    tables = _Tables(entries if isinstance(entries, Combined) else Combined(entries))
    for table in TABLES:
        schema = schemas[table]
        for fk in schema.get("foreignKeys", []):
            own, target = _fields(fk["fields"]), _fields(fk["reference"]["fields"])
            resource = fk["reference"]["resource"] or table
            rows = tables.column(table, own).filter(pl.any_horizontal(pl.col(n).is_not_null() for n in own))
            keys = tables.column(resource, target).select(target).drop_nulls().unique()
            missing = rows.join(keys, left_on=own, right_on=target, how="anti", nulls_equal=False)
            for place, values in zip(_place(missing), missing.select(own).iter_rows(), strict=True):
                note = (f'for "{", ".join(own)}": values "{", ".join(str(v) for v in values)}" '
                        f'not found in the lookup table "{resource}" as "{", ".join(target)}"')
                found.append(make_finding("foreign-key", value="", note=note, table=table, **place))
        found += _repeated(tables, table, schema)
    return found


def _repeated(tables: _Tables, table: str, schema: dict[str, Any]) -> list[Finding]:
    """Primary and unique keys held by two rows (of one source or of two): every row after the first."""
    out: list[Finding] = []
    by_name = {f["name"]: f for f in schema["fields"]}
    keys = [("primary-key", _fields(schema.get("primaryKey") or []))]
    keys += [("unique-error", [f["name"]]) for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    for code, names in keys:
        if not names:
            continue
        rows = tables.column(table, names).drop_nulls(names).with_row_index("_order")
        counts = rows.group_by(names).agg(pl.len().alias("n"))
        shared = rows.join(counts.filter(pl.col("n") > 1), on=names, how="semi").sort("_order")
        if not len(shared):
            continue
        places = _place(shared)
        first: dict[tuple[Any, ...], dict[str, Any]] = {}
        later, later_places, firsts = [], [], []
        for place, values in zip(places, shared.select(names).iter_rows(), strict=True):
            if values not in first:
                first[values] = place
                continue
            later.append(values)
            later_places.append(place)
            firsts.append(first[values])
        for place, values, where in zip(later_places, later, firsts, strict=True):
            note = f"the same as in the row {where['row']} of {where['file']}"
            field = by_name.get(names[0]) if code == "unique-error" else None
            out.append(make_finding(code, field=field, value=str(values[0]) if code == "unique-error" else "",
                                    note=note, table=table, **place))
    return out
