"""Formula injection is neutralised in the CSV files the toolkit writes (issue 9)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cowork_data.publish.tables import write_table
from cowork_data.safety import neutralise
from cowork_data.validate.schemas import schema_descriptor

PAYLOADS = ['=HYPERLINK("http://evil.example","clic")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_become_text(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", ["+390289093111", "-12.5", "45.47", "Coworking", "", "e-mail"])
def test_safe_values_are_unchanged(value: str) -> None:
    assert neutralise(value) == value


def test_published_csv_neutralises_every_payload(tmp_path: Path) -> None:
    schema = schema_descriptor("spaces")
    rows = [{"id": f"f205/s{i}", "name": p, "description": p, "phone": "+390289093111"}
            for i, p in enumerate(PAYLOADS)]
    path = tmp_path / "spaces.csv"
    write_table(path, schema, rows)
    with path.open(encoding="utf-8", newline="") as fh:
        written = list(csv.DictReader(fh))
    for row in written:
        for field in ("name", "description"):
            assert row[field].startswith("'"), row[field]
        assert row["phone"] == "+390289093111"
