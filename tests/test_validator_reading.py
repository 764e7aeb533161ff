"""Reading any spreadsheet: encodings, separators, several sheets, header rows below titles, mapping files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from cowork_data.errors import UsageError
from cowork_data.validate import read_tables, validate_file
from cowork_data.validate.files import read_table_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "validator"


def test_istat_comuni_file_is_read() -> None:
    """latin-1, `;`, quoted header cells with newlines inside (acceptance 1)."""
    tf = read_table_file(ROOT / "reference" / "istat" / "comuni-2020-01-01.csv")
    assert tf.delimiter == ";" and tf.header_row == 1
    assert len(tf.header) == 23 and len(tf.rows) == 7904
    assert "Codice dell'Unità territoriale sovracomunale (valida a fini statistici)" in tf.header
    assert tf.rows[0][5] == "Agliè"
    assert {len(r) for r in tf.rows} == {23}


def test_milan_excerpt_mojibake_is_reported_with_its_cell() -> None:
    """Real Milan file (ds612, CC0): `;`, commas in fields, one double-encoded cell (acceptance 1)."""
    tf = read_table_file(FIXTURES / "milano-attivita-storiche-excerpt.csv")
    assert (tf.delimiter, len(tf.header), len(tf.rows)) == (";", 19, 15)
    report = validate_file(FIXTURES / "milano-attivita-storiche-excerpt.csv", table="spaces")
    mojibake = [(f.cell, f.value, f.severity) for f in report.findings if f.code == "mojibake"]
    assert mojibake == [("I3", "Garbagnati le SpecialitÃ\xa0 srl", "warning")]
    assert "Specialità" in [f for f in report.findings if f.code == "mojibake"][0].message_it
    assert report.mapping == {"TIPO": "type", "COMUNE": "comune_name", "ZIP": "postcode", "ISTAT": "comune_istat"}


def _workbook(path: Path) -> Path:
    wb = Workbook()
    notes = wb.active
    notes.title = "Note"
    notes["A1"] = "Elenco curato dall'ufficio (dati di prova inventati)"
    sheet = wb.create_sheet("Coworking")
    sheet["A1"] = "Elenco spazi 2024 — dati di prova inventati"
    sheet.append([])
    sheet.append(["Nome struttura", "Tipologia", "CAP", "Comune"])
    sheet.append(["Spazio Prova", "coworking", "20144", "Milano"])
    sheet.append(["Spazio Prova Due", "coworking", "2014", "Milano"])
    second = wb.create_sheet("Fablab")
    second.append(["Denominazione", "Tipo", "CAP", "Comune"])
    second.append(["Lab Prova", "lab", "20121", "Milano"])
    wb.save(path)
    return path


def test_sheets_header_rows_and_explicit_mapping(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "elenco.xlsx")
    tables = read_tables(path)
    assert [(t.sheet, t.header_row) for t in tables] == [("Coworking", 3), ("Fablab", 1)]
    report = validate_file(path)
    # "Nome struttura" is not a known header: name is missing in the first sheet until a mapping says where it is.
    assert [(f.sheet, f.cell, f.code) for f in report.findings] == [
        ("Coworking", "", "missing-column"), ("Coworking", "C5", "constraint-error"),
        ("Fablab", "B2", "constraint-error")]
    for suffix, text in ((".json", json.dumps({"Nome struttura": "name"})), (".yaml", "Nome struttura: name\n"),
                         (".csv", "colonna,campo\nNome struttura,name\n")):
        mapping = tmp_path / f"colonne{suffix}"
        mapping.write_text(text, encoding="utf-8")
        mapped = validate_file(path, mapping=mapping)
        assert [(f.sheet, f.cell) for f in mapped.findings] == [("Coworking", "C5"), ("Fablab", "B2")], suffix
        assert mapped.sheets[0].mapping["Nome struttura"] == "name"


def test_mapping_to_an_unknown_field_is_a_usage_error(tmp_path: Path) -> None:
    mapping = tmp_path / "colonne.json"
    mapping.write_text(json.dumps({"Nome struttura": "nome"}), encoding="utf-8")
    with pytest.raises(UsageError):
        validate_file(_workbook(tmp_path / "elenco.xlsx"), mapping=mapping)
