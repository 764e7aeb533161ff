"""Example SPARQL queries answer from the embedded store (issue 3, acceptance 4).

Expected answers of the call queries are written by hand from the published facts (`queries/expected/`);
the per-comune counts are computed independently from the published CSV.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from tests.conftest import ROOT

QUERIES = Path(__file__).resolve().parents[1] / "queries"
EXPECTED = sorted(p.stem for p in (QUERIES / "expected").glob("*.csv"))


def run(release, *args: str) -> str:
    result = CliRunner().invoke(cli, ["query", *args, "--store", str(release.output / "build" / "store")])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", EXPECTED)
def test_query_gives_its_expected_answer(release, name: str) -> None:
    answer = run(release, "--file", str(QUERIES / f"{name}.rq"), "--format", "csv")
    assert answer == (QUERIES / "expected" / f"{name}.csv").read_text(encoding="utf-8")


def test_every_query_has_a_tested_answer() -> None:
    queries = sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert set(EXPECTED) | {"spaces-per-comune"} == set(queries)


def test_funding_2013_total_and_split(release) -> None:
    rows = json.loads(run(release, "--file", str(QUERIES / "funding-2013.rq"), "--format", "json"))
    assert {r["funder"]: int(r["amount"]) for r in rows} == {
        "Comune di Milano": 198240, "Camera di Commercio di Milano": 100000}
    assert {int(r["total"]) for r in rows} == {298240}


def test_spaces_per_comune_matches_the_csv(release) -> None:
    with (release.output / "data" / "spaces.csv").open(encoding="utf-8") as fh:
        spaces = list(csv.DictReader(fh))
    count = Counter((s["comune_name"], s["type"]) for s in spaces)
    desks: dict[tuple[str, str], int] = defaultdict(int)
    for s in spaces:
        desks[(s["comune_name"], s["type"])] += int(s["workstations"] or 0)
    answer = run(release, "--file", str(QUERIES / "spaces-per-comune.rq"), "--format", "csv")
    got = {(r["comune"], r["type"]): (int(r["spaces"]), int(r["workstations"]))
           for r in csv.DictReader(io.StringIO(answer))}
    assert got == {k: (count[k], desks[k]) for k in count}


def test_table_output_and_inline_query(release) -> None:
    out = run(release, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert out.splitlines()[0].strip() == "n"
    assert int(out.splitlines()[2]) > release.triples


def test_bad_query_is_a_usage_error(release) -> None:
    result = CliRunner().invoke(cli, ["query", "SELEC nothing", "--store", str(release.output / "build" / "store")])
    assert result.exit_code == 2 and "SPARQL" in result.output
    assert "Traceback" not in result.output


def test_missing_store_says_how_to_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "ASK {}", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2 and "cowork-data build" in result.output


def test_expected_answers_are_computed_from_the_source_files() -> None:
    """queries/expected/spaces-per-*.csv are what scripts/expected_answers.py computes from the source files
    themselves and INSEE's list (standard library only: no toolkit code, no published table, no SPARQL); the
    queries give them on a fresh build (test_query_gives_expected_answer)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from expected_answers import answers
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    computed = answers()
    assert set(computed) == {"spaces-per-type.csv", "spaces-per-region-fr.csv", "spaces-per-size-class.csv"}
    for name, text in computed.items():
        assert (ROOT / "queries" / "expected" / name).read_text(encoding="utf-8") == text, name
    assert "FRA,coworking,1117" in computed["spaces-per-type.csv"]  # 1,118 in the file, one left out
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "expected_answers.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout
