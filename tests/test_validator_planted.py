"""The planted-defect file (22 defects, 21 kinds) as XLSX, CSV and ODS: exactly the planted findings (acceptance 2),
and `fix` repairs what it claims and leaves what needs a person (acceptance 3)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.errors import UsageError
from cowork_data.validate import validate_file
from cowork_data.validate.fix import fix_file

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "validator"))
import make_fixtures  # noqa: E402

PLANTED = make_fixtures.planted()


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_fixtures.write(tmp_path_factory.mktemp("planted"))


def test_at_least_fifteen_kinds() -> None:
    assert len(PLANTED) == 22
    assert len({(field, code) for _, field, code, _ in PLANTED}) >= 15


@pytest.mark.parametrize("suffix", ["xlsx", "csv", "ods"])
def test_exactly_the_planted_findings(planted: dict[str, Path], suffix: str) -> None:
    report = validate_file(planted[suffix], shacl=True)  # the shapes add nothing the table checks already said
    assert [(f.cell, f.field, f.code, f.severity) for f in report.findings] == PLANTED
    assert all(f.message_it and f.message_en and f.hint_it and f.hint_en for f in report.findings)
    assert {f.sheet for f in report.findings} == ({"Spazi"} if suffix != "csv" else {""})
    assert report.sheets[0].header_row == make_fixtures.HEADER_ROW
    assert report.mapping["P.IVA gestore"] == "operator_id" and report.mapping["Civico"] == "house_number"


def test_cli_italian_and_english(planted: dict[str, Path], tmp_path: Path) -> None:
    page = tmp_path / "rapporto.html"
    italian = CliRunner().invoke(cli, ["validate", str(planted["xlsx"]), "--html", str(page)])
    assert italian.exit_code == 1, italian.output
    lines = italian.output.splitlines()
    assert "NON valido — 13 errori, 9 avvisi" in lines[0]  # summary first
    assert "P.IVA gestore → operator_id" in italian.output
    assert "ha la cifra di controllo sbagliata" in italian.output and "Come correggere:" in italian.output
    english = CliRunner().invoke(cli, ["validate", str(planted["xlsx"]), "--lang", "en"])
    assert "NOT valid — 13 errors, 9 warnings" in english.output
    assert "has a wrong check digit" in english.output and "How to fix:" in english.output
    assert "cifra di controllo" not in english.output
    html = page.read_text(encoding="utf-8")
    for cell, *_ in PLANTED:
        assert f'data-cell="{cell}"' in html
    assert 'class="cell-error" data-cell="C7"' in html and 'class="cell-warning" data-cell="D9"' in html


def test_json_report(planted: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["validate", str(planted["ods"]), "--json"])
    data = json.loads(result.output)
    assert [(f["cell"], f["code"]) for f in data["findings"]] == [(c, code) for c, _, code, _ in PLANTED]
    assert data["sheets"][0]["header_row"] == 3 and data["stats"] == {"errors": 13, "warnings": 9, "findings": 22}


def test_shacl_findings_are_placed_on_the_users_cells(tmp_path: Path) -> None:
    from cowork_data.validate.report import Report
    from cowork_data.validate.rows_graph import shacl_findings

    header = ["name", "type", "postcode", "comune_name", "latitude", "longitude"]
    rows = [["Spazio Prova", "coworking", "2014", "Milano", "45.46", "9.19"],
            ["Spazio Prova Due", "coworking", "20144", "Milano", "47.9", "9.1"]]
    found = shacl_findings("spaces", header, rows, dict(enumerate(header)), Report(), file="x.csv", sheet="",
                           first_row=2)
    assert [(f.cell, f.field, f.code) for f in found] == [("C2", "postcode", "postcode-pattern"),
                                                          ("E3", "latitude", "coordinates-outside-italy")]
    assert all(f.focus_node and f.message_it and f.message_en for f in found)
    # through validate_file the table checks already report both (a point in no comune replaces the range
    # constraint of its coordinates), and the shapes add no second finding
    path = tmp_path / "elenco.csv"
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    assert [(f.cell, f.code) for f in validate_file(path, shacl=True).findings] == [
        ("C2", "constraint-error"), ("E3", "point-outside-italy")]


def test_html_escapes_the_users_text(tmp_path: Path) -> None:
    path = tmp_path / "elenco.csv"
    path.write_text("name;type;comune_name\n<script>alert(1)</script>;<b>x</b>;Milano\n", encoding="utf-8")
    page = tmp_path / "r.html"
    CliRunner().invoke(cli, ["validate", str(path), "--html", str(page)])
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_fix_removes_what_it_claims_and_leaves_what_needs_a_person(planted: dict[str, Path], tmp_path: Path,
                                                                   suffix: str) -> None:
    out = tmp_path / f"corretto.{suffix}"
    before = planted[suffix].read_bytes()
    result = fix_file(planted[suffix], out)
    assert planted[suffix].read_bytes() == before  # the input is never touched
    claimed = {(c.cell, c.code) for c in result.changes if c.code != "column-name"}
    assert {cell for cell, _ in claimed} >= make_fixtures.fixable()
    after = validate_file(out)
    assert not claimed & {(f.cell, f.code) for f in after.findings}
    needs_a_person = [p for p in PLANTED if p[0] not in make_fixtures.fixable()]
    assert [(f.cell, f.field, f.code, f.severity) for f in after.findings] == needs_a_person
    assert set(after.mapping.values()) == set(validate_file(planted[suffix]).mapping.values())
    changes = {c.cell: (c.old, c.new) for c in result.changes}
    assert changes["F11"] == ("184", "00184") and changes["H13"] == ("15146", "015146")
    assert changes["J16"] == ("9.201", "45.438") and changes["K16"] == ("45.438", "9.201")
    assert changes["P22"] == ("02 1234 5678", "+390212345678") and changes["R25"] == ("sì", "yes")
    assert changes["D9"][1] == "Via della Libertà" and changes["C3"] == ("P.IVA gestore", "Identificativo del gestore")


def test_fix_cli_never_overwrites_the_input(planted: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        fix_file(planted["csv"], planted["csv"])
    result = CliRunner().invoke(cli, ["fix", str(planted["xlsx"]), "-o", str(planted["xlsx"])])
    assert result.exit_code == 2
    out = tmp_path / "corretto.ods"
    result = CliRunner().invoke(cli, ["fix", str(planted["xlsx"]), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "changes" in result.output and "Still to check by hand:" in result.output and out.exists()
