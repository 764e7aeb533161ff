"""`cowork-data diff` on two recorded harvests lists exactly the planted additions, removals and changes; the Milan
fixtures are published with repaired text, coordinates in order, phones with their 0 and the Milan codes."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.diff import diff_snapshots
from tests.conftest import ROOT

HARVESTS = ROOT / "tests" / "fixtures" / "harvest" / "diff"
OLD = HARVESTS / "2026-01-30" / "coworking__joined__f.csv"
NEW = HARVESTS / "2026-03-01" / "coworking__joined__f.csv"


def test_diff_lists_exactly_the_planted_differences() -> None:
    result = diff_snapshots(OLD, NEW)
    assert result.to_dict() == {
        "source_id": "milano-coworking",
        "added": [{"id": "f205/coworking-nuovo-di-prova-lambrate", "name": "Coworking Nuovo di Prova Lambrate"}],
        "removed": [{"id": "f205/coworking-provvisorio-corvetto", "name": "Coworking Provvisorio Corvetto"}],
        "changed": [
            {"id": "f205/coworking-immaginario-isola", "field": "phone", "old": "+393331234567",
             "new": "+393331239999"},
            {"id": "f205/rete-esempio-coworking-tibaldi", "field": "workstations", "old": "18", "new": "24"},
        ],
    }
    assert diff_snapshots(OLD, OLD).empty


def test_diff_command_json_and_text() -> None:
    result = CliRunner().invoke(cli, ["diff", str(OLD), str(NEW), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["changed"]) == 2
    text = CliRunner().invoke(cli, ["diff", str(OLD), str(NEW), "--source", "milano-coworking"])
    assert text.exit_code == 0, text.output
    assert "+1 aggiunti/added, -1 rimossi/removed, ~2 modifiche/changes" in text.output


def test_published_milan_spaces_are_repaired(release) -> None:  # noqa: ANN001 - the conftest fixture
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO((release.output / "data" / "spaces.csv").read_text()))
            if r["source_id"].startswith("milano-")}
    assert "Coworking delle Specialità (esempio)" in rows
    assert not any("Ã" in value for row in rows.values() for value in row.values())
    sarpi = rows["Spazio Esempio Sarpi"]
    assert (sarpi["latitude"], sarpi["longitude"]) == ("45.4809317", "9.1771204")
    assert sarpi["phone"] == "+390289093111"  # published as the number 289093111
    for row in rows.values():
        assert (row["comune_istat"], row["comune_belfiore"], row["comune_name"]) == ("015146", "F205", "Milano")
        if row["latitude"]:
            assert 45.3 < float(row["latitude"]) < 45.6 and 9.0 < float(row["longitude"]) < 9.3
        assert not row["phone"] or row["phone"].startswith("+390") or row["phone"].startswith("+393")


def test_sources_command_lists_the_catalogue() -> None:
    result = CliRunner().invoke(cli, ["sources", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert rows["milano-coworking"]["adapter"] == "ckan" and rows["milano-coworking"]["fixture"] is True
    assert rows["bandi-milano"]["adapter"] == "local"
    assert all(len(r["sha256"]) == 64 and r["status"] == "ok" for r in rows.values())


def test_every_new_command_has_an_example() -> None:
    for name in ("harvest", "sources", "diff"):
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0
        help_text = cli.commands[name].help or ""
        block = help_text.rsplit("Example:", 1)
        assert len(block) == 2 and all(line.strip().startswith(f"cowork-data {name}")
                                       for line in block[1].strip().splitlines())


def test_harvest_refuses_unknown_sources() -> None:
    result = CliRunner().invoke(cli, ["harvest", "no-such-source"])
    assert result.exit_code == 2
    assert "Unknown sources: no-such-source" in result.output
