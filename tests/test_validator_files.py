"""Files that are not what they seem, and one decoding for all, seen through the validator (issue 17): a file that is
no table is one clear error (exit 2, never a report of blank rows); every encoding a comune's list comes in reads
``Forlì`` as Forlì, so the comune is the official one and nothing else is reported.

The spaces are INVENTED; the comuni are real."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.validate import validate_file

NOT_TABLES = {
    "spazi.js": ('var spazi = {"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                 '{"nome":"Spazio inventato"},"geometry":{"type":"Point","coordinates":[9.19,45.46]}}]};\n'),
    "spazi.csv": ('var spazi = {"type":"FeatureCollection","features":[' + ",".join(
        '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[9.19,45.46]}}'
        for _ in range(50)) + "]};\n"),
    "pagina.html": "<html><body><p>Nessuna tabella qui</p></body></html>",
    "dati.json": '{"versione": 2, "note": "nessun elenco"}',
}


@pytest.mark.parametrize("name", sorted(NOT_TABLES))
def test_a_file_that_is_no_table_is_one_clear_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(NOT_TABLES[name], encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "non è una tabella" in result.output and "is not a table" in result.output
    assert "Traceback" not in result.output and "blank-row" not in result.output and "riga vuota" not in result.output


ROWS = [("Denominazione", "Tipologia", "Comune", "Descrizione"),
        ("Spazio inventato 1", "coworking", "Forlì", "Sala «grande»: caffè e città"),
        ("Spazio inventato 2", "fablab", "Cantù", "Laboratorio più piccolo")]


def _text(newline: str = "\r\n", cell_break: str = "") -> str:
    rows = [list(r) for r in ROWS]
    if cell_break:
        rows[1][3] = f'"Sala grande{cell_break}caffè"'
    return newline.join(";".join(r) for r in rows) + newline


@pytest.mark.parametrize(("encoding", "bom"), [("cp1252", b""), ("latin-1", b""), ("utf-8", b""),
                                               ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
def test_every_encoding_reads_the_same_comuni(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = _text().replace("«", '"').replace("»", '"') if encoding == "latin-1" else _text()
    path = tmp_path / "elenco.csv"
    path.write_bytes(bom + text.encode(encoding))
    report = validate_file(path)
    assert report.findings == [], [f.message_en for f in report.findings]
    assert [r[2] for r in report.sheets[0].records[1:]] == ["Forlì", "Cantù"]


def test_a_double_encoded_utf8_file_reads_the_same_comuni(tmp_path: Path) -> None:
    path = tmp_path / "elenco.csv"
    path.write_bytes(_text().encode("utf-8").decode("cp1252").encode("utf-8"))  # UTF-8 read as cp1252, saved again
    report = validate_file(path)
    assert report.findings == [] and [r[2] for r in report.sheets[0].records[1:]] == ["Forlì", "Cantù"]


def test_a_bare_cr_inside_a_cell_stays_in_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "elenco.csv"
    path.write_bytes(_text(newline="\n", cell_break="\r").encode("utf-8"))
    report = validate_file(path)
    records = report.sheets[0].records
    assert len(records) == 3 and records[1][3] == "Sala grande\rcaffè" and records[2][2] == "Cantù"
