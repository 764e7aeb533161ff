"""``validate --annotate copia.xlsx``: the clerk's own file back with each faulty cell highlighted and the finding and
its fix hint as the cell's comment, in their language (issue 17). Spaces INVENTED, places real."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cowork_data.cli import cli
from cowork_data.validate.annotate import FILLS

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "validator"))
import make_fixtures  # noqa: E402

CSV = ("Denominazione;Tipologia;Comune;CAP;Telefono;Latitudine;Longitudine\n"
       "Spazio inventato 1;coworking;Milan;20121;02 1234567;45,4642;9.19\n"
       "=HYPERLINK(\"http://example.org\");co-working;Milano;184;;45.5336;9.2305\n")


def _fill(cell) -> str:  # noqa: ANN001 - openpyxl cell
    return (cell.fill.start_color.rgb or "")[-6:]


def test_a_csv_becomes_an_annotated_xlsx_in_the_users_language(tmp_path: Path) -> None:
    source = tmp_path / "elenco.csv"
    source.write_text(CSV, encoding="utf-8")
    for lang, word in (("it", "Come correggere"), ("en", "How to fix")):
        out = tmp_path / f"copia-{lang}.xlsx"
        result = CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out), "--lang", lang])
        assert result.exit_code == 1, result.output
        book = load_workbook(out)
        ws = book[book.sheetnames[0]]
        assert ws["C2"].value == "Milan" and ws["D3"].value == "184"  # the user's values, as text
        assert not str(ws["A3"].value).startswith("=")  # a formula in a cell stays text
        assert _fill(ws["C2"]) == FILLS["warning"] and _fill(ws["D3"]) == FILLS["error"]
        assert _fill(ws["A2"]) != FILLS["error"]  # a sound cell is left as it was
        comment = ws["C2"].comment.text
        if lang == "it":
            assert "«Milan» è il nome inglese del comune di Milano" in comment and "→" in comment
            assert "Sesto San Giovanni" in ws["F3"].comment.text
        else:
            assert "Milan" in comment and "English" in comment
        findings = book[book.sheetnames[-1]]
        texts = [c.value for row in findings.iter_rows() for c in row if c.value]
        assert word in texts and "phone-format" in texts
    assert source.read_text(encoding="utf-8") == CSV  # the input is never touched


def test_an_xlsx_is_copied_with_its_layout_and_annotated(tmp_path: Path) -> None:
    planted = make_fixtures.write(tmp_path)["xlsx"]
    out = tmp_path / "copia.xlsx"
    assert CliRunner().invoke(cli, ["validate", str(planted), "--annotate", str(out)]).exit_code == 1
    original, copy = load_workbook(planted), load_workbook(out)
    assert copy.sheetnames[:-1] == original.sheetnames
    ws, before = copy[make_fixtures.SHEET], original[make_fixtures.SHEET]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [[c.value for c in r] for r in before.iter_rows()]
    commented = sorted(c.coordinate for r in ws.iter_rows() for c in r if c.comment)
    assert commented == sorted(cell for cell, *_ in make_fixtures.planted())
    assert "cifra di controllo" in ws["C7"].comment.text


@pytest.mark.parametrize("name", ["copia.csv", "elenco.xlsx"])
def test_the_copy_is_an_xlsx_beside_never_over_the_input(tmp_path: Path, name: str) -> None:
    source = tmp_path / "elenco.xlsx"
    planted = make_fixtures.write(tmp_path)["xlsx"]
    source.write_bytes(planted.read_bytes())
    result = CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(tmp_path / name)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert source.read_bytes() == planted.read_bytes()
    assert not (tmp_path / "copia.csv").exists()
    assert not list(tmp_path.glob(".annotate-*"))
