"""`cowork-data template`: headers, notes, drop-downs and validation; a filled copy validates clean (acceptance 4)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from cowork_data.cli import cli
from cowork_data.validate import validate_file
from cowork_data.validate.schemas import schema_descriptor


def test_template_has_dropdowns_notes_and_validates_clean_when_filled(tmp_path: Path) -> None:
    path = tmp_path / "modello.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(path)])
    assert result.exit_code == 0, result.output

    calamine = CalamineWorkbook.from_path(str(path))
    assert calamine.sheet_names == ["Spazi", "comuni"]
    header = calamine.get_sheet_by_name("Spazi").to_python()[0]
    assert header[:3] == ["Denominazione", "Tipologia", "Identificativo del gestore"]
    assert "Comune" in header and "id" not in header

    wb = load_workbook(path)
    ws = wb["Spazi"]
    assert wb["comuni"].sheet_state == "hidden" and wb["comuni"].max_row > 7800
    assert "Nome dello spazio" in ws["A1"].comment.text
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
             for dv in ws.data_validations.dataValidation if dv.type == "list"}
    column = {c.value: c.column_letter for c in ws[1]}
    assert lists[column["Tipologia"]] == '"coworking,fablab,makerspace,hackerspace,unspecified"'
    assert lists[column["Comune"]].startswith("comuni!$A$2:$A$")
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "whole", "decimal"} <= kinds

    fields = {f["title"]: f for f in schema_descriptor("spaces")["fields"]}
    for cell in ws[1]:
        spec = fields[cell.value]
        value = spec["example"]
        ws.cell(row=2, column=cell.column, value=int(value) if spec["type"] == "integer" else
                float(value) if spec["type"] == "number" else value)
    filled = tmp_path / "compilato.xlsx"
    wb.save(filled)
    report = validate_file(filled)
    assert report.findings == [], [f.to_dict() for f in report.findings]
    assert len(report.sheets) == 1 and report.sheets[0].table == "spaces"
