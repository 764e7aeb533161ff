"""Numbers as Italians write them, phones written the national way, foreign numbers and lists of spaces abroad
(issue 17).

Every space is INVENTED; the places, postcodes, coordinates and the phone layouts are real (a London point and
postcode, Berlin's and Paris' centres, Milano's and Bassano del Grappa's prefixes)."""

from __future__ import annotations

from pathlib import Path

from cowork_data.validate import validate_file, validate_rows
from cowork_data.validate.checks import CHECKS, Columns
from cowork_data.validate.fix import fix_file

HEADER = ["Denominazione", "Tipologia", "Comune", "CAP", "Telefono", "Latitudine", "Longitudine", "N. postazioni"]


def _codes(report, row: int) -> list[tuple[str, str, str]]:  # noqa: ANN001 - Report
    return [(f.field, f.code, f.severity) for f in report.findings if f.row == row]


def test_decimal_commas_and_thousands_are_warnings_with_the_published_number() -> None:
    rows = [["Spazio inventato 1", "coworking", "Milano", "20121", "", "45,4642", "9,19", "1.200"],
            ["Spazio inventato 2", "coworking", "Milano", "20121", "", "45.4642", "9.19", "12"]]
    report = validate_rows("spaces", HEADER, rows)
    assert _codes(report, 2) == [("latitude", "decimal-comma", "warning"), ("longitude", "decimal-comma", "warning"),
                                 ("workstations", "decimal-comma", "warning")]
    assert _codes(report, 3) == []
    by_field = {f.field: f for f in report.findings}
    assert "sarà pubblicato come 45.4642" in by_field["latitude"].message_it
    assert "published as 1200" in by_field["workstations"].message_en
    assert not [f for f in report.findings if f.code in ("type-error", "point-other-comune")]


def test_national_phones_are_valid_with_a_warning_and_foreign_ones_are_named() -> None:
    rows = [["Spazio inventato 1", "coworking", "Milano", "20121", "02 1234567", "", "", ""],
            ["Spazio inventato 2", "coworking", "Bassano del Grappa", "36061", "0424 51 24 91", "", "", ""],
            ["Spazio inventato 3", "coworking", "Milano", "20121", "+44 20 7095 9465", "", "", ""],
            ["Spazio inventato 4", "coworking", "Milano", "20121", "12345", "", "", ""]]
    report = validate_rows("spaces", HEADER, rows)
    phones = [(f.row, f.code, f.severity) for f in report.findings if f.field == "phone"]
    assert phones == [(2, "phone-format", "warning"), (3, "phone-format", "warning"), (4, "phone-foreign", "error"),
                      (5, "phone-invalid", "error")]
    by_row = {f.row: f for f in report.findings if f.field == "phone"}
    assert "+39021234567" in by_row[2].message_it and "+390424512491" in by_row[3].message_en
    assert "GB" in by_row[4].message_it and "+44" in by_row[4].message_it and "+39" not in by_row[4].message_it


def test_fix_publishes_phones_and_numbers(tmp_path: Path) -> None:
    source = tmp_path / "elenco.csv"
    source.write_text(";".join(HEADER) + "\n"
                      "Spazio inventato 1;coworking;Milano;20121;02 1234567;45,4642;9,19;1.200\n", encoding="utf-8")
    result = fix_file(source, tmp_path / "corretto.csv")
    assert sorted((c.cell, c.new) for c in result.changes) == [
        ("E2", "+39021234567"), ("F2", "45.4642"), ("G2", "9.19"), ("H2", "1200")]
    assert validate_file(tmp_path / "corretto.csv").findings == []


BRITISH = [["Invented Space 1", "coworking", "London", "SW1A 1AA", "020 7095 9465", "51.5014", "-0.1419", "40"],
           ["Invented Space 2", "coworking", "London", "EC1V 9HX", "+44 20 7095 9465", "", "", "12"],
           ["Invented Space 3", "coworking", "Manchester", "M1 1AE", "0161 123 4567", "53.4808", "-2.2426", "30"]]


def test_a_british_list_gets_one_finding_per_row_and_no_italian_suggestion() -> None:
    report = validate_rows("spaces", HEADER, BRITISH)
    assert [(f.row, f.code) for f in report.findings] == [
        (None, "list-outside-italy"), (2, "row-outside-italy"), (3, "row-outside-italy"), (4, "row-outside-italy")]
    assert "3 righe su 3" in report.findings[0].message_it
    text = " ".join(f.message_it + f.message_en + f.hint_it + f.hint_en for f in report.findings)
    assert "+39" not in text.replace("(+39)", "")  # only the hint's "Italian numbers (+39)"
    assert "810" not in text or "Courmayeur" in text  # the distance names the nearest comune it is measured to
    assert "prefisso +44" in report.findings[2].message_it


def test_a_country_column_says_which_rows_are_abroad() -> None:
    header = [*HEADER, "Paese"]
    rows = [["Espace inventé 1", "coworking", "Paris", "75001", "01 42 68 53 00", "48.8566", "2.3522", "10", "FR"],
            ["Spazio inventato 2", "coworking", "Milano", "20121", "", "45.4642", "9.19", "10", "Italia"],
            ["Spazio inventato 3", "coworking", "Milano", "20121", "", "45.5336", "9.2305", "10", "IT"]]
    report = validate_rows("spaces", header, rows)
    assert [(f.row, f.code) for f in report.findings] == [(2, "row-outside-italy"), (4, "point-other-comune")]
    assert "«FR»" in report.findings[0].message_it


def test_an_italian_row_with_a_wrong_point_stays_italian() -> None:
    rows = [["Spazio inventato 1", "coworking", "Ancona", "60121", "071 123456", "43.5", "14.5", "10"]]
    assert sorted(_codes(validate_rows("spaces", HEADER, rows), 2)) == [("latitude", "point-outside-italy", "error"),
                                                                          ("phone", "phone-format", "warning")]


def test_row_and_column_implementations_agree_on_numbers_and_rows_abroad() -> None:
    cells = [("45,4642", "9,19", "Milano", "1.200", "02 1234567", "20121"),
             ("51.5014", "-0.1419", "London", "40", "020 7095 9465", "SW1A 1AA"),
             ("", "", "London", "12", "+44 20 7095 9465", "EC1V 9HX"),
             ("", "", "", "1.234.567", "0044 20 7095 9465", ""),
             ("48.8566", "2.3522", "Paris", "1,5", "+33 1 42 68 53 00", "75001"),
             ("abc", "", "Xyz", "x", "", "AB1")]
    rows = [dict(zip(["latitude", "longitude", "comune_name", "workstations", "phone", "postcode"], c, strict=True))
            for c in cells]
    for check in CHECKS:
        assert check.rows("spaces", rows) == check.columns("spaces", Columns.of_rows(rows)), check.name


def test_a_list_of_40_countries_has_one_finding_per_foreign_row(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "validator"))
    import make_world

    report = validate_file(make_world.write(tmp_path / "world.csv"))
    per_row: dict[int, list[str]] = {}
    for f in report.findings:
        per_row.setdefault(f.row or 0, []).append(f.code)
    abroad = [r for r, codes in per_row.items() if "row-outside-italy" in codes]
    assert len(abroad) == len(make_world.CITIES) * make_world.ROWS_PER_COUNTRY == 440
    assert all(per_row[r] == ["row-outside-italy"] for r in abroad)
    assert per_row[0] == ["list-outside-italy"] and len(per_row) == 441  # the Italian rows are clean
    assert "440 righe su 460" in next(f for f in report.findings if f.code == "list-outside-italy").message_it


def test_an_empty_comune_a_point_fills_is_a_warning_not_a_missing_value() -> None:
    rows = [["Spazio inventato 1", "coworking", "", "20099", "", "45.5336", "9.2305", "10"]]
    assert _codes(validate_rows("spaces", HEADER, rows), 2) == [("comune_name", "comune-from-point", "warning")]


def test_foreign_phone_remembers_per_number_and_country() -> None:
    from cowork_data.profiles import PROFILES
    from cowork_data.validate.checks.codes import foreign_phone

    italy, france = PROFILES["IT"], PROFILES["FR"]
    for value in ("+44 20 7946 0018", "0033 1 42 68 53 00", "+39 02 1234567", "02 1234567", "+33 1 42 68 53 00"):
        for profile in (italy, france, italy):
            assert foreign_phone(value, profile) == foreign_phone.__wrapped__(value, profile)
    assert foreign_phone("+33 1 42 68 53 00", italy)[1] == "FR" and foreign_phone("+33 1 42 68 53 00", france) is None
