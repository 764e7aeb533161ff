"""Coordinates in a projected system in a user's list (issues 17 and 18): told apart by the harvest's detection,
converted to WGS 84 before the checks, named per row with the degrees they will be published as, and written so by
``fix``; a system that cannot be told is one finding and nothing is converted.

The spaces are INVENTED; the points are real places (Milano's centre, Sesto San Giovanni, Monza) converted to
Gauss-Boaga fuso Ovest (EPSG:3003) with pyproj."""

from __future__ import annotations

from pathlib import Path

from cowork_data.validate import validate_file
from cowork_data.validate.fix import fix_file

GAUSS_BOAGA = ("Denominazione;Tipologia;Comune;X;Y\n"
               "Spazio inventato 1;coworking;Milano;1514881.5;5034556.8\n"
               "Spazio inventato 2;coworking;Milano;1518025.6;5042275.4\n"  # Sesto San Giovanni
               "Spazio inventato 3;coworking;Monza;1521434.1;5047941.1\n")


def test_gauss_boaga_points_are_converted_checked_and_named(tmp_path: Path) -> None:
    path = tmp_path / "elenco.csv"
    path.write_text(GAUSS_BOAGA, encoding="utf-8")
    report = validate_file(path)
    found = sorted((f.row, f.code) for f in report.findings)
    assert found == [(2, "coordinates-projected"), (3, "coordinates-projected"), (3, "point-other-comune"),
                     (4, "coordinates-projected")]
    first = next(f for f in report.findings if f.code == "coordinates-projected")
    assert "Gauss-Boaga fuso Ovest, EPSG:3003" in first.message_it and "45.464200" in first.message_it
    assert "Sesto San Giovanni" in next(f for f in report.findings if f.code == "point-other-comune").message_it
    result = fix_file(path, tmp_path / "corretto.csv")
    assert {(c.cell, c.new) for c in result.changes if c.code == "coordinates-projected"} >= {
        ("E2", "45.464200"), ("D2", "9.190000")}
    assert [f.code for f in result.after.findings] == ["point-other-comune"]


def test_points_in_degrees_are_left_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "elenco.csv"
    path.write_text("Denominazione;Tipologia;Comune;X;Y\nSpazio inventato 1;coworking;Milano;9.19;45.4642\n",
                    encoding="utf-8")
    assert validate_file(path).findings == []


def test_a_system_that_cannot_be_told_is_one_finding_and_nothing_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "elenco.csv"
    path.write_text("Denominazione;Tipologia;Comune;X;Y\nSpazio inventato 1;coworking;;123456789;987654321\n"
                    "Spazio inventato 2;coworking;;123456780;987654320\n", encoding="utf-8")
    report = validate_file(path)
    sheet = [f for f in report.findings if not f.row]
    assert [f.code for f in sheet] == ["crs-unknown"] and "non sono stati convertiti" in sheet[0].message_it
    assert not [f for f in report.findings if f.code == "coordinates-projected"]
