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


def _geojson(path: Path, points: list[tuple[str, str, float, float]], crs: str | None) -> Path:
    import json

    document: dict = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"Denominazione": name, "Tipologia": "coworking", "Comune": comune},
         "geometry": {"type": "Point", "coordinates": [x, y]}} for name, comune, x, y in points]}
    if crs is not None:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_geojson_crs_member_is_the_system_used(tmp_path: Path) -> None:
    points = [("Spazio inventato 1", "Milano", 1514881.5, 5034556.8),
              ("Spazio inventato 2", "Milano", 1518025.6, 5042275.4)]  # Sesto San Giovanni
    path = _geojson(tmp_path / "elenco.geojson", points, "urn:ogc:def:crs:EPSG::3003")
    from cowork_data.validate.files import read_tables

    assert read_tables(path)[0].crs == "urn:ogc:def:crs:EPSG::3003"
    report = validate_file(path)
    found = sorted((f.row, f.code) for f in report.findings)
    assert found == [(2, "coordinates-projected"), (3, "coordinates-projected"), (3, "point-other-comune")]
    first = next(f for f in report.findings if f.code == "coordinates-projected")
    assert "EPSG:3003, come dichiara il file (urn:ogc:def:crs:EPSG::3003)" in first.message_it
    assert "as the file declares" in first.message_en and "45.464200" in first.message_it


def test_a_geojson_crs_member_decides_what_the_ranges_cannot(tmp_path: Path) -> None:
    """No comune named: Gauss-Boaga fuso Ovest and Web Mercator both put these points on Italian land."""
    points = [("Spazio inventato 1", "", 1514881.5, 5034556.8), ("Spazio inventato 2", "", 1521434.1, 5047941.1)]
    undeclared = validate_file(_geojson(tmp_path / "senza.geojson", points, None))
    assert "crs-ambiguous" in {f.code for f in undeclared.findings}
    assert "coordinates-projected" not in {f.code for f in undeclared.findings}
    report = validate_file(_geojson(tmp_path / "elenco.geojson", points, "EPSG:3003"))
    codes = sorted((f.row or 0, f.code) for f in report.findings)
    assert codes == [(2, "comune-from-point"), (2, "coordinates-projected"), (3, "comune-from-point"),
                     (3, "coordinates-projected")]
    filled = {f.row: f.message_it for f in report.findings if f.code == "comune-from-point"}
    assert "Milano" in filled[2] and "Monza" in filled[3]
