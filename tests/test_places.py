"""Points checked against the comuni's boundaries (issue 17): in the named comune within the tolerance, in another
comune (named), at sea or abroad, and an empty comune filled from an unambiguous point by ``fix``.

The spaces are INVENTED; the comuni, codes and coordinates are real (ISTAT boundaries simplified by openpolis). The
points near the Milano / Sesto San Giovanni border were placed from the shipped boundaries: 91 m and 911 m inside
Sesto San Giovanni, on the line from the middle of the border towards Sesto's centre."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from cowork_data.geo.boundaries import BOUNDARIES_FILE, TOLERANCE_M, boundaries
from cowork_data.validate import validate_file, validate_rows
from cowork_data.validate.checks import Columns
from cowork_data.validate.checks.places import Places
from cowork_data.validate.fix import fix_file

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Denominazione", "Tipologia", "Comune", "Latitudine", "Longitudine"]
MILANO = ("45.4642", "9.19")
SESTO = ("45.5336", "9.2305")
NEAR_BORDER = ("45.52175", "9.23303")  # in Sesto San Giovanni, 91 m from Milano
PAST_BORDER = ("45.52828", "9.2398")  # in Sesto San Giovanni, 911 m from Milano
ADRIATIC = ("43.5", "14.5")
PARIS = ("48.8566", "2.3522")


def _findings(rows: list[list[str]], header: list[str] = HEADER) -> list[tuple[int, str, str]]:
    report = validate_rows("spaces", header, rows)
    return [(f.row, f.field, f.code) for f in report.findings if f.code.startswith(("point-", "comune-"))]


def test_points_in_the_named_comune_pass_and_others_are_named() -> None:
    rows = [["Spazio inventato 1", "coworking", "Milano", *MILANO],
            ["Spazio inventato 2", "coworking", "Milano", *SESTO],
            ["Spazio inventato 3", "coworking", "Sesto S. Giovanni", *SESTO],
            ["Spazio inventato 4", "coworking", "Milano", *NEAR_BORDER],
            ["Spazio inventato 5", "coworking", "Milano", *PAST_BORDER],
            ["Spazio inventato 6", "coworking", "Milano", "45,5336", "9,2305"]]
    report = validate_rows("spaces", HEADER, rows)
    found = [(f.row, f.field, f.code) for f in report.findings if f.code.startswith("point-")]
    assert found == [(3, "latitude", "point-other-comune"), (6, "latitude", "point-other-comune"),
                     (7, "latitude", "point-other-comune")]
    first = next(f for f in report.findings if f.row == 3 and f.code == "point-other-comune")
    assert "Sesto San Giovanni, non in quello di Milano" in first.message_it
    assert "in the municipality of Sesto San Giovanni, not in Milano" in first.message_en
    assert first.severity == "error"
    past = next(f for f in report.findings if f.row == 6 and f.code == "point-other-comune")
    assert "0,9 km" in past.message_it


def test_points_at_sea_or_abroad() -> None:
    rows = [["Spazio inventato 1", "coworking", "Ancona", *ADRIATIC],
            ["Spazio inventato 2", "coworking", "", *PARIS]]
    report = validate_rows("spaces", HEADER, rows)
    found = [(f.row, f.code) for f in report.findings if f.code.startswith(("point-", "row-", "comune-"))]
    # a row naming an Italian comune is Italian with a wrong point; a row naming none, far away, is abroad
    assert found == [(2, "point-outside-italy"), (3, "row-outside-italy")]
    assert "in mare o fuori dall'Italia" in report.findings[0].message_it
    assert "Ancona" not in report.findings[1].message_it  # the nearest comune to Paris is in Piedmont or Aosta


def test_an_empty_comune_is_named_by_an_unambiguous_point_only() -> None:
    rows = [["Spazio inventato 1", "coworking", "", *SESTO],
            ["Spazio inventato 2", "coworking", "", *NEAR_BORDER],
            ["Spazio inventato 3", "coworking", "", "", ""]]
    found = _findings(rows)
    assert found == [(2, "comune_name", "comune-from-point")]
    report = validate_rows("spaces", HEADER, rows)
    hit = next(f for f in report.findings if f.code == "comune-from-point")
    assert hit.severity == "warning" and "Sesto San Giovanni" in hit.message_it and "015209" in hit.message_en


def test_without_a_comune_column_nothing_is_filled() -> None:
    header = ["Denominazione", "Tipologia", "Latitudine", "Longitudine"]
    assert _findings([["Spazio inventato 1", "coworking", *SESTO]], header) == []


def test_row_and_column_implementations_agree() -> None:
    names = ["Milano", "", "Sesto San Giovanni", "Ancona", "Xyz", "Castro"]
    points = [MILANO, SESTO, NEAR_BORDER, PAST_BORDER, ADRIATIC, PARIS, ("", ""), ("abc", "9"), ("9.19", "45.46")]
    rows = [{"latitude": lat, "longitude": lon, "comune_name": name, "comune_istat": ""}
            for name in names for lat, lon in points]
    check = Places()
    by_rows = check.rows("spaces", rows)
    assert by_rows == check.columns("spaces", Columns.of_rows(rows))
    assert {code for _, _, code, _ in by_rows} == {"point-other-comune", "point-outside-italy", "comune-from-point",
                                                  "row-outside-italy"}


def test_fix_fills_the_comune_from_the_point_and_never_a_point(tmp_path: Path) -> None:
    source = tmp_path / "elenco.csv"
    source.write_text("Denominazione;Tipologia;Comune;Codice ISTAT;Latitudine;Longitudine\n"
                      f"Spazio inventato 1;coworking;;;{SESTO[0]};{SESTO[1]}\n"
                      "Spazio inventato 2;coworking;Milano;;;\n"
                      f"Spazio inventato 3;coworking;;;{NEAR_BORDER[0]};{NEAR_BORDER[1]}\n", encoding="utf-8")
    result = fix_file(source, tmp_path / "corretto.csv")
    assert [(c.cell, c.new) for c in result.changes if c.code == "comune-from-point"] == [
        ("C2", "Sesto San Giovanni"), ("D2", "015209")]
    after = validate_file(tmp_path / "corretto.csv")
    assert not [f for f in after.findings if f.code.startswith(("point-", "comune-from"))]
    lines = (tmp_path / "corretto.csv").read_text(encoding="utf-8").splitlines()
    assert lines[2].endswith(";;") and lines[3].split(";")[2] == ""


def test_shipped_boundaries_hold_every_comune_with_a_tolerance_below_the_vertex_spacing() -> None:
    raw = gzip.decompress(BOUNDARIES_FILE.read_bytes())
    header = json.loads(raw[:raw.index(b"\n")])
    assert len(header["comuni"]) == len(boundaries().places) > 7800
    assert 0 < TOLERANCE_M < 500
    assert (BOUNDARIES_FILE.parent / "SOURCE.md").is_file() and (BOUNDARIES_FILE.parent / "LICENSE").is_file()
    sources = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["sources"]
    assert any("openpolis" in s["title"] for s in sources)


def test_the_point_chooses_between_comuni_of_one_name() -> None:
    """Castro is a comune of Bergamo and one of Lecce; Civenna (ceased 2014) went to Bellagio, Colverde and
    Tremezzina. Points: the centres of Castro (LE) and of Bellagio."""
    rows = [["Spazio inventato 1", "coworking", "Castro", "40.0073", "18.4249"],
            ["Spazio inventato 2", "coworking", "Castro", "", ""],
            ["Spazio inventato 3", "coworking", "Civenna", "45.9872", "9.2614"],
            ["Spazio inventato 4", "coworking", "Civenna", "", ""]]
    report = validate_rows("spaces", HEADER, rows)
    assert [(f.row, f.code) for f in report.findings if f.field == "comune_name"] == [
        (3, "comune-ambiguous"), (4, "comune-ceased"), (5, "comune-ceased-split")]
    assert "Bellagio" in next(f for f in report.findings if f.row == 4).message_it
    rows_ = [dict(zip(["comune_name", "latitude", "longitude", "comune_istat", "comune_belfiore"], [*r[2:], "", ""],
                      strict=True)) for r in rows]
    from cowork_data.validate.checks import CHECKS

    comuni = next(c for c in CHECKS if c.name == "comuni")
    assert comuni.rows("spaces", rows_) == comuni.columns("spaces", Columns.of_rows(rows_))
