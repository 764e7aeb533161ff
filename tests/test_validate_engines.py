"""Differential tests: a user's file checked against the Table Schema by the fast engine (polars, the build's
``fast_table``) and by frictionless row by row (the reference) gives the same findings, in the same order.

INVENTED DATA: the spaces of the messy list and of the edge cases are made up (bench/bench_validate.py); the
fixtures are those of the other validator tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bench.bench_validate import HEADER, messy_rows
from cowork_data.validate import table
from cowork_data.validate.files import read_tables
from cowork_data.validate.mapping import resolve_mapping
from cowork_data.validate.schemas import guess_table

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ["tests/fixtures/validator/planted.csv", "tests/fixtures/validator/planted.xlsx",
            "tests/fixtures/validator/planted.ods", "tests/fixtures/validator/milano-attivita-storiche-excerpt.csv",
            "tests/fixtures/linking/osm.csv", "tests/fixtures/linking/registry.csv",
            "tests/fixtures/linking/labels.csv", "tests/fixtures/harvest/diff/2026-03-01/coworking__joined__f.csv"]


def _same(header: Sequence[str], rows: Sequence[Sequence[str]], mapping: dict[int, str] | None = None,
          table_name: str | None = None, first_row: int = 2) -> list[dict]:
    name = table_name or guess_table(list(header), None)
    positions = mapping if mapping is not None else resolve_mapping(list(header), name, None, None)
    found = {}
    for engine in ("reference", "fast"):
        report = table.validate_rows(name, header, rows, file="f.csv", first_row=first_row, mapping=positions,
                                     engine=engine)
        found[engine] = [f.to_dict() for f in report.findings]
    assert found["fast"] == found["reference"]
    return found["fast"]


def test_the_messy_list_of_the_benchmark_agrees() -> None:
    found = _same(HEADER, messy_rows()[:340])  # every defect (i % 17) with every comune (i % 20)
    codes = {f["code"] for f in found}
    # the Table Schema's own findings are among them, not only the checks': its type written "Co-working" is the
    # enum's constraint error, which both engines find and the check's enum-variant warning replaces
    assert "enum-variant" in codes
    assert len(found) > 300


@pytest.mark.parametrize("path", FIXTURES)
def test_the_fixtures_agree(path: str) -> None:
    found = []
    for tf in read_tables(ROOT / path):
        found += _same(tf.header, tf.rows, first_row=tf.header_row + 1)
    assert found


EDGE = {  # column header → cells on the edges of the fast engine's accept tests
    "Latitudine": ["47.2", "35.0", "35", "47.20000001", "34.9999999999", " 45.1", "45.1 ", "1e1", "4.5E1", "+45.2",
                   "-0", "NaN", "inf", "45,5", "٤٥", "45.", ".5", "0045.0", "45.123456789012345678", "", "x"],
    "N. postazioni": ["1", "01", "+3", "0", "-1", "1.0", "1e2", "99999999999999999999", " 7", "٣", "1.200", ""],
    "CAP": ["20121", "2012", "201211", "20121\n", "２0121", " 20121", ""],
    "Sito web": ["https://a.example.org", "http://a.example.org:8080/x_y~z", "ftp://a.example", "a.example.org",
                 "https://", "https://a b.example", "https://xn--d1acpjx3f.xn--p1ai/path", ""],
    "Email": ["a@b.it", "a.b-c@d-e.example.org", "a@b", "a @b.it", "A@B.IT", "a@b..it", "a@-b.it", ""],
    "Tipologia": ["coworking", "Coworking", "coworking ", "", "fablab", "altro"],
    "Denominazione": ["Spazio inventato", "", " ", "Spazio\ninventato"],
    "ID": ["f205/spazio-a", "f205/spazio-a", "F205/x", "", "f205/spazio-b"],
}


def test_edge_cells_keys_and_blank_rows_agree() -> None:
    header = ["ID", "Denominazione", "Tipologia", "Comune", "CAP", "Latitudine", "Longitudine", "N. postazioni",
              "Sito web", "Email"]
    rows = []
    for i in range(24):
        row = [f"f205/spazio-{i}", f"Spazio inventato {i}", "coworking", "Milano", "20121", "45.46", "9.19", "3",
               "", ""]
        for column, cells in EDGE.items():
            row[header.index(column)] = cells[i % len(cells)]
        rows.append(row)
    rows += [[""] * len(header), ["", "", "", "", "", "", "", "", "", ""], ["f205/spazio-1"] + [""] * 9]
    found = _same(header, rows)
    assert {"type-error", "constraint-error", "missing-value", "primary-key", "blank-row"} <= {
        f["code"] for f in found}


def test_a_french_list_and_a_sheet_with_no_known_column_agree() -> None:
    header = ["Nom", "Type", "Commune", "Code INSEE", "Pays", "Latitude", "Longitude"]
    rows = [["Espace inventé", "coworking", "Lyon", "69123", "FR", "45.76", "4.83"],
            ["Espace inventé 2", "fablab", "Lyon", "6912", "FR", "60.1", "4.83"]]
    _same(header, rows, table_name="spaces")
    _same(["Colonna", "Altra"], [["a", "b"], ["", ""]], mapping={}, table_name="spaces")



def test_the_string_reader_is_frictionless_own() -> None:
    """The fast engine reads plain string fields without frictionless: the same values and notes."""
    from cowork_data.validate.fast_table import string_reader
    from cowork_data.validate.table import frictionless_library

    specs = [{"name": "a", "type": "string", "constraints": {"required": True, "pattern": "^[0-9]{5}$"}},
             {"name": "b", "constraints": {"enum": ["x", "y", 3], "minLength": 1, "maxLength": 2}},
             {"name": "c", "type": "string", "constraints": {"unique": True, "required": False}},
             {"name": "d", "type": "string", "format": "default", "constraints": {"pattern": "[a-z]+|Z"}}]
    cells = ["", "x", "y", "3", "xy", "xyz", "20121", "20121\n", "2012", " 20121", "Z", "az", "AZ", "é", "None"]
    for spec in specs:
        schema = {"fields": [spec], "missingValues": ["", "None"]}
        reference = frictionless_library().Schema.from_descriptor(schema).fields[0].create_cell_reader()
        fast = string_reader(spec, schema["missingValues"])
        assert fast is not None
        assert [fast(c) for c in cells] == [reference(c) for c in cells]
    assert string_reader({"name": "n", "type": "number"}, [""]) is None
    assert string_reader({"name": "u", "type": "string", "format": "uri"}, [""]) is None
