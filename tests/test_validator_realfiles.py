"""Patterns of real Italian lists the validator met (issue 17, docs/decisions.md §20.7): notes below the table, ISTAT
codes whose leading zeros a spreadsheet dropped, the short forms Italians write for two comuni, dots between
thousands.

Every space is INVENTED; the comuni, their ISTAT codes, postcodes, coordinates and phone prefixes are real."""

from __future__ import annotations

from pathlib import Path

from cowork_data.comune_names import resolve
from cowork_data.validate import read_tables, validate_file
from cowork_data.validate.files import detect_footer
from cowork_data.validate.fix import fix_file

HEADER = "Denominazione;Tipologia;Indirizzo;CAP;Comune;Cod. ISTAT;Latitudine;Longitudine;Postazioni"
#: Rows of a province's list as comuni write them: decimal commas, codes read as numbers, names in capitals.
ROWS = ["Spazio Uno (inventato);coworking;Piazza Vecchia 1;24129;Bergamo;16024;45,7036;9,6623;12",
        "Spazio Due (inventato);coworking;Corso Italia 5;17100;Savona;9056;44,3091;8,4772;1.200",
        "Spazio Tre (inventato);fablab;Via Garibaldi 4;47121;FORLI';040012;44,2227;12,0407;6"]


def _write(tmp_path: Path, lines: list[str], name: str = "elenco.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def _codes(report) -> list[tuple[int | None, str, str]]:  # noqa: ANN001 - Report
    return [(f.row, f.field, f.code) for f in report.findings]


def test_notes_below_the_table_are_one_warning_not_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, ["Elenco degli spazi di coworking (inventato)", "", HEADER, *ROWS, "",
                             "Totale: 3 spazi", "Fonte: elaborazione su dati comunali"])
    report = validate_file(path)
    footer = [f for f in report.findings if f.code == "footer-rows"]
    assert len(footer) == 1 and footer[0].severity == "warning"
    assert (footer[0].row, footer[0].column, footer[0].value) == (8, 1, "Totale: 3 spazi")
    assert "righe 8, 9" in footer[0].message_it and "rows 8, 9" in footer[0].message_en
    # no finding on the blank row or the notes but that one: no blank row, no missing name, type or comune
    assert not [f for f in report.findings if (f.row or 0) >= 7 and f.code != "footer-rows"]
    assert report.valid
    (table,) = read_tables(path)
    assert len(table.rows) == 3 and table.footer == [8, 9]


def test_a_last_row_without_a_blank_row_above_is_still_a_row() -> None:
    rows = [r.split(";") for r in ROWS]
    assert detect_footer([*rows, ["Spazio Quattro (inventato)", "", "", ""]]) == 0  # an incomplete space
    assert detect_footer([*rows, [""] * 9, ["Totale", "", ""], [""] * 9]) == 3
    assert detect_footer([*rows, [""] * 9, [""] * 9]) == 0  # blank rows only: nothing to call notes
    assert detect_footer([[""], ["Fonte: comune"]]) == 0  # no data row with two cells above


def test_an_istat_code_without_its_leading_zeros_is_a_warning_that_fix_repairs(tmp_path: Path) -> None:
    path = _write(tmp_path, [HEADER, *ROWS, "Spazio Quattro (inventato);coworking;Via Roma 1;20121;Roma;15146;;;",
                             "Spazio Cinque (inventato);coworking;Via Roma 1;20121;Milano;99999;;;"])
    report = validate_file(path, shacl=False)
    by_row = {(f.row, f.code): f for f in report.findings if f.field == "comune_istat"}
    bergamo = by_row[(2, "comune-istat-zeros")]
    assert bergamo.severity == "warning"
    assert "Bergamo (BG)" in bergamo.message_it and "016024" in bergamo.message_it
    assert "016024" in bergamo.hint_en
    assert (3, "comune-istat-zeros") in by_row  # Savona, 009056: two zeros
    assert (4, "comune-istat-zeros") not in by_row and (4, "constraint-error") not in by_row  # 040012 is right
    assert set(by_row) >= {(5, "comune-code-mismatch"), (6, "constraint-error")}  # Milano's code on Roma; no comune
    assert (5, "comune-istat-zeros") not in by_row and (6, "comune-istat-zeros") not in by_row
    result = fix_file(path, tmp_path / "corretto.csv")
    written = {(c.cell, c.old, c.new) for c in result.changes if c.code == "comune-istat-zeros"}
    assert written == {("F2", "16024", "016024"), ("F3", "9056", "009056")}
    assert not [f for f in result.after.findings if f.code == "comune-istat-zeros"]


def test_thousands_are_logged_as_thousands_not_as_a_decimal_comma(tmp_path: Path) -> None:
    path = _write(tmp_path, [HEADER, *ROWS])
    result = fix_file(path, tmp_path / "corretto.csv")
    change = next(c for c in result.changes if c.old == "1.200")
    assert change.new == "1200"
    assert "migliaia" in change.reason_it and "thousands" in change.reason_en
    assert "virgola" in next(c for c in result.changes if c.old == "45,7036").reason_it


def test_the_short_forms_italians_write_are_variants_not_foreign_names(tmp_path: Path) -> None:
    for written, official in (("Reggio Emilia", "Reggio nell'Emilia"), ("Reggio Calabria", "Reggio di Calabria")):
        resolution = resolve(written)
        assert (resolution.kind, resolution.comune.name) == ("variant", official)
    assert resolve("Reggio d'Émilie").kind == "exonym"  # the French name stays a foreign name
    path = _write(tmp_path, ["Denominazione;Tipologia;Comune", "Spazio Uno (inventato);coworking;Reggio Emilia"])
    (finding,) = [f for f in validate_file(path, shacl=False).findings if f.field == "comune_name"]
    assert finding.code == "comune-name-variant"
    assert "forma breve" in finding.message_it and "inglese" not in finding.message_it


def test_a_code_written_another_way_is_a_warning_that_fix_repairs(tmp_path: Path) -> None:
    from cowork_data.validate.checks import Columns, EnumVariants

    lines = ["Nome;Tipo;Comune;Accessibilità", "FabLab Uno (inventato);FabLab;Mantova;sì",
             "Maker Due (inventato);Maker Space;Ravenna;no", "Spazio Tre (inventato);Co-working;Modena;Parziale",
             "Spazio Quattro (inventato);coworking;Bologna;", "Spazio Cinque (inventato);ufficio;Parma;forse"]
    path = _write(tmp_path, lines)
    report = validate_file(path, shacl=False)
    found = [(f.cell, f.code, f.severity, f.params.get("other")) for f in report.findings
             if f.field in ("type", "wheelchair")]
    assert found == [("B2", "enum-variant", "warning", "fablab"), ("D2", "enum-variant", "warning", "yes"),
                     ("B3", "enum-variant", "warning", "makerspace"), ("B4", "enum-variant", "warning", "coworking"),
                     ("D4", "enum-variant", "warning", "limited"), ("B6", "constraint-error", "error", ""),
                     ("D6", "constraint-error", "error", "")]
    first = report.findings[[f.cell for f in report.findings].index("B2")]
    assert "«fablab»" in first.message_it and "cowork-data fix" in first.hint_it
    rows = [dict(zip(["name", "type", "comune_name", "wheelchair"], line.split(";"), strict=True))
            for line in lines[1:]]
    check = EnumVariants()
    assert check.rows("spaces", rows) == check.columns("spaces", Columns.of_rows(rows)) != []
    result = fix_file(path, tmp_path / "corretto.csv")
    assert {(c.cell, c.new) for c in result.changes if c.code == "enum-variant"} == {
        ("B2", "fablab"), ("D2", "yes"), ("B3", "makerspace"), ("B4", "coworking"), ("D4", "limited")}


def test_a_cell_merged_over_rows_is_the_value_of_each_row(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Elenco dei coworking (inventato)"
    sheet.merge_cells("A1:D1")  # a title across the columns: still a title above the header
    sheet.append(["Denominazione", "Tipologia", "Comune", "Latitudine"])
    sheet.append(["Spazio Uno (inventato)", "coworking", "Modena", "44.6471"])
    sheet.append(["Spazio Due (inventato)", "coworking", None, "44.6466"])
    sheet.append(["Spazio Tre (inventato)", "coworking", "Bologna", "44.4938"])
    sheet.merge_cells("C3:C4")  # the comune written once for the two spaces in it
    path = tmp_path / "elenco.xlsx"
    book.save(path)
    (table,) = read_tables(path)
    assert table.header_row == 2 and [row[2] for row in table.rows] == ["Modena", "Modena", "Bologna"]
    assert not [f for f in validate_file(path, shacl=False).findings if f.field == "comune_name"]


def test_a_blank_row_is_one_finding_not_also_the_shapes(tmp_path: Path) -> None:
    # Milan's count of coworking spaces per district (no column of a space) made every row blank to the
    # schema, and each also got the shapes' "exactly one address": a blank row has nothing for a shape to read.
    path = _write(tmp_path, [HEADER, ROWS[0], ";;;;;;;;", ROWS[1], ROWS[2]])
    report = validate_file(path)
    on_blank = [code for row, _field, code in _codes(report) if row == 3]
    assert on_blank == ["blank-row"]
