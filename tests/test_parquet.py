"""The tables for analysts: ``data/{table}.parquet`` beside each CSV, declared in the data package, read by DuckDB
(issue 14): the same rows in the same order, each column typed as its Table Schema says."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json

import duckdb

from cowork_data.safety import safe_cell
from cowork_data.validate.schemas import TABLES

#: Table Schema type → the DuckDB column type of the Parquet file (the rest is text).
TYPES = {"integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}


def _text(value: object, kind: str) -> str:
    """A Parquet value as the CSV writes its cell."""
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_cell(str(value))


def test_duckdb_reads_every_table_with_its_types_and_the_csv_rows(release) -> None:
    package = json.loads((release.output / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    with duckdb.connect() as db:
        for table in TABLES:
            declared = resources[f"{table}-parquet"]
            path = release.output / declared["path"]
            data = path.read_bytes()
            assert declared["bytes"] == len(data) and declared["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert declared["mediatype"] == "application/vnd.apache.parquet" and declared["format"] == "parquet"
            fields = resources[table]["schema"]["fields"]
            described = db.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
            assert [(name, kind) for name, kind, *_ in described] == \
                [(f["name"], TYPES.get(f["type"], "VARCHAR")) for f in fields]
            rows = db.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
            with (release.output / resources[table]["path"]).open(encoding="utf-8", newline="") as fh:
                published = [list(row.values()) for row in csv.DictReader(fh)]
            assert len(rows) == len(published) == release.rows[table]
            for row, cells in zip(rows, published, strict=True):
                for field, value, cell in zip(fields, row, cells, strict=True):
                    if field["type"] == "number" and value is not None:
                        assert float(cell) == value, (table, field["name"], cell, value)
                    else:
                        assert _text(value, field["type"]) == cell, (table, field["name"], cell, value)


def test_an_analyst_query_joins_the_parquet_tables(release) -> None:
    """Spaces per comune and their desks, in SQL over the Parquet files, equal the CSV's counts."""
    data = release.output / "data"
    with duckdb.connect() as db:
        answer = db.execute(f"""
            SELECT comune_name, count(*) AS spaces, sum(workstations) AS desks
            FROM read_parquet('{data / "spaces.parquet"}') GROUP BY comune_name ORDER BY comune_name""").fetchall()
    with (data / "spaces.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected: dict[str, list[int]] = {}
    for row in rows:
        counts = expected.setdefault(row["comune_name"], [0, 0])
        counts[0] += 1
        counts[1] += int(row["workstations"] or 0)
    assert [(name, n, desks or 0) for name, n, desks in answer] == [(k, *v) for k, v in sorted(expected.items())]
