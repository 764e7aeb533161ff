"""Checks as objects: the row-wise and the vectorised implementation of every check give the same hits (on
generated cells, on generated tables with planted defects, on the fixtures), the registry holds each fact about a
finding once, and the fiscal-code pattern is one and correct."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from stdnum.it import codicefiscale

from bench.generate import generate
from cowork_data import privacy
from cowork_data.validate import checks, read_tables, validate_rows
from cowork_data.validate.files import MAX_CELL_CHARS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "validator"
PERSONAL = next(c for c in checks.CHECKS if c.name == "personal-fiscal-codes")

#: Pieces cells are made of: the edges of every check's rule (Unicode spaces Python strips and polars would not,
#: formula triggers, plain numbers with a final line break, fiscal codes in both cases and with omocodia, mojibake,
#: non-ASCII letters that upper-case to ASCII, phones written the Italian way, comuni and their codes).
PIECES = ["", " ", "\xa0", "\u3000", "\x1c", "\x1f", "\t", "\n", "\r", "\r\n", "=", "+", "-", "@", "—", "–",
          "SUM(A1)", "cmd|' /C calc'!A0", "0", "7", "12,5", "-12.5", "+39", "02 1234567", "0424 51 24 91",
          "+390289093111", "+44 20 7946 0958", "12345678903", "12345678901", "00000000000", "01234567897",
          "RSSMRA85T10A562S", "rssmra85t10a562s", "RSSMRA85X10A562S", "RSSMRA85T10A56NV", "ſ", "ı", "K", "ß",
          "CittÃ ", "Ã¨", "caffè", "Milano", "milano", "Milan", "Roma", "Sesto San Giovanni", "Fornace", "015146",
          "015999", "F205", "H501", "Z999", "wifi", "laser-cutter", "lasercutter", "3d-printer", "45.4642",
          "9.19", "9,19", "1e1", "٤٥", "inf", "nan", "Via Roma", "1", "Cowork ", "Cowork", "ÉCOLE", "x" * 40]
#: Pieces of the cells of some fields, drawn half of the time (points of Italy both ways round, comuni and codes
#: that agree or not).
FIELD_PIECES = {
    "latitude": ["45.4642", "9.19", "9,19", "45,4642", "41.9", "12.49", " 45.46", "1e1", "٤٥", "200"],
    "longitude": ["9.19", "45.4642", "45,4642", "12.49", "41.9", "9.19\n", "nan"],
    "comune_name": ["Milano", "Roma", "Milan", "Fornace", " milano ", "Sesto San Giovanni", "Xyz"],
    "comune_istat": ["015146", "058091", "015999", "15146"],
    "comune_belfiore": ["F205", "H501", "Z999", "f205"],
}
FIELDS = ["operator_id", "vat_number", "id", "phone", "features", "comune_name", "comune_istat", "comune_belfiore",
          "name", "street_address", "house_number", "latitude", "longitude", "description"]


def _cell(rng: random.Random, name: str) -> str:
    if name in FIELD_PIECES and rng.random() < 0.5:
        return rng.choice(FIELD_PIECES[name])
    if name == "comune_name":  # a few distinct unknown names: each costs difflib tens of ms
        return rng.choice(["", "Cittàx", "Milano ", rng.choice(PIECES)])
    return "".join(rng.choice(PIECES) for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))))


def _rows(seed: int, n: int = 250) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = [{name: _cell(rng, name) for name in FIELDS} for _ in range(n)]
    for row in rng.sample(rows, 5):  # repeated spaces, some written with other spacing and case
        twin = rng.choice(rows)
        row.update(name=" " + twin["name"].upper(), street_address=twin["street_address"],
                   house_number=twin["house_number"])
    rows[0]["description"] = "y" * (MAX_CELL_CHARS + 1)
    return rows


def _agree(table: str, rows: list[dict[str, str]]) -> list[checks.Hit]:
    found = []
    for check in checks.CHECKS:
        by_row = check.rows(table, rows)
        by_column = check.columns(table, checks.Columns.of_rows(rows))
        assert by_column == by_row, check.name
        found.extend(by_row)
    return found


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("table", ["spaces", "organisations"])
def test_row_and_column_implementations_agree_on_generated_cells(table: str, seed: int) -> None:
    found = _agree(table, _rows(seed))
    if seed == 0:  # the generator reaches every kind the checks emit
        codes = {code for _, _, code, _ in found} | {c for _, _, c, _ in _agree(table, _rows(1))}
        assert codes >= {"vat-check-digit", "phone-format", "phone-invalid", "feature-unknown", "comune-unknown",
                         "comune-code-unknown", "comune-code-mismatch", "whitespace", "formula-in-cell",
                         "cell-too-long", "coordinates-swapped", "personal-fiscal-code", "fiscal-code-check-digit"}
        if table == "spaces":
            assert "duplicate-row" in codes


@pytest.mark.parametrize("seed", [1, 2])
def test_row_and_column_implementations_agree_on_generated_tables(seed: int) -> None:
    tables, _ = generate(300, seed=seed, defects=0.05)
    codes = {code for name, rows in tables.items() for _, _, code, _ in _agree(name, rows)}
    assert {"vat-check-digit", "coordinates-swapped"} <= codes


@pytest.mark.parametrize("name", ["planted.csv", "planted.xlsx", "planted.ods",
                                  "milano-attivita-storiche-excerpt.csv"])
def test_row_and_column_implementations_agree_on_the_fixtures(name: str) -> None:
    for tf in read_tables(FIXTURES / name):
        header = [h.strip() for h in tf.header]
        rows = [dict(zip(header, (*r, *[""] * len(header)), strict=False)) for r in tf.rows]
        assert rows
        _agree("spaces", rows)


def test_empty_tables_give_no_hits() -> None:
    assert _agree("spaces", []) == []
    assert _agree("spaces", [{"name": "", "phone": ""}]) == []


def test_registry_holds_each_fact_once() -> None:
    codes = [k.code for c in checks.CHECKS for k in c.kinds]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(checks.KINDS)
    assert {c.name for c in checks.BUILD_CHECKS} == {"vat-check-digits", "swapped-coordinates"}
    assert checks.severity("duplicate-row") == "warning" and checks.severity("vat-check-digit") == "error"
    assert checks.severity("some-frictionless-type") == "error"
    hits = [(3, "latitude", "coordinates-swapped", {}), (4, "phone", "phone-format", {}),
            (5, "name", "duplicate-row", {})]
    assert checks.replaced(hits) == {(3, "latitude"), (3, "longitude"), (4, "phone")}


def test_both_engines_take_their_checks_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from cowork_data.validate import fast_table, table

    class Marker(checks.Check):
        name = "marker"
        kinds = (checks.Kind("whitespace", "warning"),)
        build = True

        def scan_rows(self, table: str, rows: checks.Rows) -> list[checks.Hit]:
            return [(0, "name", "whitespace", {})] if table == "spaces" and rows else []

        def scan_columns(self, table: str, columns: checks.Columns) -> list[checks.Hit]:
            return [(0, "name", "whitespace", {})] if table == "spaces" else []

    tables, _ = generate(30, seed=4)
    monkeypatch.setattr(checks, "BUILD_CHECKS", (Marker(),))
    for engine in (table, fast_table):
        found = engine.validate_tables(tables).flatten(["table", "code", "severity"])
        assert found == [["spaces", "whitespace", "warning"]], engine.__name__


def _person_code(first15: str) -> str:
    return first15 + codicefiscale.calc_check_digit(first15)


def test_personal_code_month_letter_is_one_of_the_twelve() -> None:
    """Regression: the table check accepted any letter as the month (``X``), so a 16-character value that is not a
    codice fiscale was reported as one with a wrong check character and its schema finding was hidden."""
    not_a_code = "RSSMRA85X10A562S"  # X is no month
    report = validate_rows("organisations", ["vat_number"], [[not_a_code]], first_row=2)
    codes = {f.code for f in report.findings if f.field == "vat_number"}
    assert "fiscal-code-check-digit" not in codes
    assert codes == {"constraint-error"}
    for month in "ABCDEHLMPRST":
        code = _person_code(f"RSSMRA85{month}10A562")
        assert PERSONAL.rows("spaces", [{"operator_id": code}]) == [(0, "operator_id",
                                                                             "personal-fiscal-code", {})]
        assert privacy.personal_tax_codes(f"cf {code}.") == [code]
    for month in "FGIJKNOQUVWXYZ":
        assert PERSONAL.rows("spaces", [{"operator_id": f"RSSMRA85{month}10A562S"}]) == []
        assert privacy.personal_tax_codes(f"RSSMRA85{month}10A562S") == []


def test_personal_code_with_omocodia_letters() -> None:
    code = _person_code("RSSMRA8RT1LA56N")  # 5 → R, 0 → L, 2 → N
    assert codicefiscale.is_valid(code)
    assert PERSONAL.rows("organisations", [{"id": code}]) == [(0, "id", "personal-fiscal-code", {})]
    assert privacy.personal_tax_codes(code) == [code]
