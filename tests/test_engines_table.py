"""Differential tests: the fast table engine (polars + compiled checks) against frictionless, the reference.

Both engines must give the same findings — code, severity, table, file, row, field, value, messages, hints — in the
same order, on the shipped tables, on generated tables with planted defects of every kind, and on cells chosen to
sit on the edges of the vectorised accept tests (boundaries, odd number syntax, formats, keys that differ only in
their text).
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest

from bench.generate import TABLE_DEFECTS, generate
from cowork_data.validate import fast_table, table
from cowork_data.validate.schemas import TABLES

ROOT = Path(__file__).resolve().parents[1]


def _same(tables) -> list[dict]:  # noqa: ANN001
    reference = [f.to_dict() for f in table.validate_tables(tables).findings]
    fast = [f.to_dict() for f in fast_table.validate_tables(tables).findings]
    assert fast == reference
    return reference


def test_shipped_tables_agree() -> None:
    tables = {}
    for name in TABLES:
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            tables[name] = list(csv.DictReader(fh))
    assert _same(tables) == []


def test_clean_generated_tables_are_valid() -> None:
    tables, _ = generate(300, seed=3)
    assert _same(tables) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_tables_with_planted_defects_agree(seed: int) -> None:
    tables, _ = generate(400, seed=seed, defects=0.05)
    found = _same(tables)
    codes = {f["code"] for f in found}
    assert {"type-error", "constraint-error", "missing-value", "unique-error", "primary-key", "foreign-key",
            "vat-check-digit", "coordinates-swapped"} <= codes
    assert len(TABLE_DEFECTS) >= 14


EDGE_CELLS = {
    "latitude": ["47.2", "35.0", "35", "47.20000001", "34.9999999999", " 45.1", "45.1 ", "1e1", "4.5E1", "+45.2",
                 "-0", "NaN", "inf", "45,5", "٤٥", "45.", ".5", "0045.0", "45.123456789012345678"],
    "workstations": ["1", "01", "+3", "0", "-1", "1.0", "1e2", "99999999999999999999", " 7", "٣"],
    "postcode": ["20121", "2012", "201211", "20121\n", "２0121", " 20121"],
    "website": ["https://a.example.org", "http://a.example.org:8080/x_y~z", "ftp://a.example", "a.example.org",
                "https://", "https://a b.example", "https://xn--d1acpjx3f.xn--p1ai/path"],
    "email": ["a@b.it", "a.b-c@d-e.example.org", "a@b", "a @b.it", "A@B.IT", "a@b..it", "a@-b.it"],
    "open_since": ["2013", "2013-05", "2013-05-01", "13", "2013-5"],
    "type": ["coworking", "Coworking", "coworking "],
}


@pytest.mark.parametrize("field", sorted(EDGE_CELLS))
def test_edge_cells_agree(field: str) -> None:
    tables, _ = generate(40, seed=5)
    for i, value in enumerate(EDGE_CELLS[field]):
        tables["spaces"][i][field] = value
    _same(tables)


def test_keys_compare_typed_values_and_blank_rows() -> None:
    tables, _ = generate(300, seed=6)
    awards = tables["awards"]
    awards[1] = {**awards[0], "number": "0" + awards[0]["number"]}  # the same integer key written differently
    awards[2]["number"] = "uno"
    tables["outcomes"].append({k: "" for k in tables["outcomes"][0]})
    tables["calls"][1]["parent_id"] = tables["calls"][0]["id"]  # a self reference that resolves
    tables["calls"][2]["parent_id"] = "x000/2020-missing"
    tables["spaces"][3]["id"] = tables["spaces"][4]["id"]
    found = _same(tables)
    assert {"primary-key", "type-error", "blank-row", "foreign-key", "unique-error"} <= {f["code"] for f in found}


def test_empty_and_missing_tables_agree() -> None:
    tables, _ = generate(20, seed=8)
    tables["calls"] = []
    del tables["outcomes"]
    _same(copy.deepcopy(tables))
