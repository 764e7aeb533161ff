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


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".ods"])
def test_spreadsheets_written_by_fix_hold_payloads_as_text(tmp_path: Path, suffix: str) -> None:
    from python_calamine import CalamineWorkbook

    from cowork_data.validate.writers import GridSheet, write_grid

    sheet = GridSheet(name="Foglio1", records=[["name"], *[[p] for p in PAYLOADS]])
    path = write_grid(tmp_path / f"out{suffix}", [sheet])
    if suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            cells = [r[0] for r in csv.reader(fh, delimiter=";")][1:]
    else:
        cells = [str(r[0]) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()][1:]
    assert cells == ["'" + p.replace("\r", "\n") for p in PAYLOADS]
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path).active
        assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)
