"""`cowork-data validate` on CSV files: exact findings, exit codes, clean errors (issue 3, acceptance 5)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.validate import validate_file

# Invented rows (test fixture): names, addresses and codes are made up; 01199250158 is a valid check digit.
HEADER = "name;type;street_address;postcode;comune_name;latitude;longitude;operator_id"
GOOD = [
    "Spazio Prova Uno;coworking;Via Tortona;20144;Milano;45.4520;9.1650;01199250158",
    "Spazio Prova Due;fablab;Via Padova;20127;Milano;45.4950;9.2210;",
]
BAD = [
    "Spazio Prova Tre;coworking;Viale Monza;20125;Milano;45.4990;9.2200;01199250159",  # wrong check digit
    "Spazio Prova Quattro;coworking;Via Savona;2014;Milano;45.4530;9.1600;",  # 4-digit CAP
    "Spazio Prova Cinque;makerspace;Via Ripamonti;20141;Milano;9.2010;45.4380;",  # swapped coordinates
]


def write(tmp_path: Path, rows: list[str], name: str = "elenco.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_valid_file_exits_zero(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(write(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert "valido" in result.output


def test_three_planted_defects_give_exactly_three_findings(tmp_path: Path) -> None:
    report = validate_file(write(tmp_path, GOOD + BAD))
    assert report.flatten(["row", "field", "code"]) == [
        [4, "operator_id", "vat-check-digit"],
        [5, "postcode", "constraint-error"],
        [6, "latitude", "coordinates-swapped"],
    ]
    assert [f.cell for f in report.findings] == ["H4", "D5", "F6"]
    assert all(f.message_it and f.message_en and f.hint_it for f in report.findings)


def test_cli_reports_rows_columns_and_exits_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + BAD)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "3 errori" in result.output
    for text in ("vat-check-digit", "constraint-error", "coordinates-swapped", "H4", "D5", "F6"):
        assert text in result.output
    english = CliRunner().invoke(cli, ["validate", str(path), "--lang", "en"])
    assert "wrong check digit" in english.output and english.exit_code == 1


def test_cli_json_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(write(tmp_path, GOOD + BAD)), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["valid"] is False
    assert [(f["row"], f["column"], f["code"]) for f in data["findings"]] == [
        (4, 8, "vat-check-digit"), (5, 4, "constraint-error"), (6, 6, "coordinates-swapped")]
    assert data["mapping"]["postcode"] == "postcode"


def test_binary_file_is_a_clean_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "elenco.csv"
    path.write_bytes(bytes(range(256)) * 40)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "binario" in result.output and "binary" in result.output
    assert "Traceback" not in result.output


def test_spreadsheet_given_as_csv_is_named(tmp_path: Path) -> None:
    path = tmp_path / "elenco.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert "XLSX" in result.output


def test_missing_file_and_bad_usage_exit_two(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["validate", str(tmp_path / "nope.csv")]).exit_code == 2
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 2


def test_semicolon_latin1_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(("\n".join([HEADER, "Spazio Città;coworking;Via Tortona;20144;Milano;45.45;9.16;"]) + "\n")
                     .encode("latin-1"))
    report = validate_file(path)
    assert report.valid, report.to_dict()


def test_shacl_runs_by_default_through_the_fast_engine(tmp_path: Path) -> None:
    """The core shapes check what no table check does: opening before closing (INVENTED space, real comune)."""
    path = tmp_path / "elenco.csv"
    path.write_text("Denominazione;Tipologia;Comune;Orario OSM\nSpazio inventato 1;coworking;Milano;Mo-Fr 18:00-09:00\n"
                    "Spazio inventato 2;coworking;Milano;Mo-Fr 09:00-18:00\n", encoding="utf-8")
    default = CliRunner().invoke(cli, ["validate", str(path), "--json"])
    assert default.exit_code == 1, default.output
    assert [(f["row"], f["code"]) for f in json.loads(default.output)["findings"]] == [(2, "opens-after-closes")]
    skipped = CliRunner().invoke(cli, ["validate", str(path), "--no-shacl"])
    assert skipped.exit_code == 0, skipped.output
