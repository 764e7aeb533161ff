"""The report: a tree file → sheet → findings that flattens to the sorted findings, and `--json` keeps its fields."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.validate import Finding, Report, validate_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validator"


def test_tree_holds_every_file_and_sheet_and_flattens_to_the_findings() -> None:
    report = validate_file(FIXTURES / "planted.xlsx")
    report.merge(validate_file(FIXTURES / "planted.csv"))
    tasks = report.tasks
    assert [t.file for t in tasks] == sorted({str(FIXTURES / "planted.csv"), str(FIXTURES / "planted.xlsx")})
    assert all(t.sheets for t in tasks)
    assert [f for t in tasks for f in t.findings] == report.findings
    assert report.flatten(["file", "row", "field", "code"]) == [[f.file, f.row, f.field, f.code]
                                                                 for f in report.findings]
    for task in tasks:
        for sheet in task.sheets:
            assert {(f.file, f.sheet, f.table) for f in sheet.findings} <= {(task.file, sheet.sheet, sheet.table)}
    assert not report.valid and not tasks[0].valid


def test_a_sheet_without_findings_is_in_the_tree() -> None:
    report = Report(files=["a.csv"])
    report.extend([Finding(code="whitespace", message_it="", message_en="", severity="warning", file="b.csv",
                           sheet="S", table="spaces", row=2)])
    assert [(t.file, [(s.sheet, len(s.findings)) for s in t.sheets]) for t in report.tasks] == [
        ("a.csv", []), ("b.csv", [("S", 1)])]
    assert report.valid and report.tasks[1].valid


def test_findings_added_one_by_one_read_in_sorted_order() -> None:
    rows = list(range(2, 302))
    random.Random(7).shuffle(rows)
    report = Report()
    for row in rows:
        for code in ("whitespace", "feature-unknown"):
            report.extend([Finding(code=code, message_it="", message_en="", file="f.csv", row=row, column=3)])
    assert report.flatten(["row", "code"]) == [[r, c] for r in range(2, 302) for c in ("feature-unknown",
                                                                                         "whitespace")]
    report.extend([Finding(code="blank-row", message_it="", message_en="", file="f.csv", row=1)])
    assert report.findings[0].code == "blank-row" and len(report.findings) == 601


def test_json_keeps_its_fields_and_adds_the_tree() -> None:
    result = CliRunner().invoke(cli, ["validate", str(FIXTURES / "planted.csv"), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert list(data) == ["valid", "files", "stats", "counts", "mapping", "sheets", "findings", "tree", "summary"]
    groups = {(g["column"], g["code"]): g for g in data["summary"]}
    assert groups[("Telefono", "phone-format")]["repaired_by_fix"] == 1
    assert groups[("Telefono", "phone-format")]["examples"][0]["cell"] == "P22"
    assert sum(g["count"] for g in data["summary"]) == len(data["findings"])
    first = data["findings"][0]
    assert {"code", "message_it", "message_en", "severity", "file", "row", "cell"} <= set(first)
    assert "params" not in first
    tree_findings = [f for task in data["tree"] for sheet in task["sheets"] for f in sheet["findings"]]
    assert tree_findings == data["findings"]
    assert data["tree"][0]["stats"] == data["stats"]


def test_the_json_dictionaries_are_made_with_the_cyclic_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    seen: list[bool] = []
    real = Finding.to_dict
    monkeypatch.setattr(Finding, "to_dict", lambda self: (seen.append(gc.isenabled()), real(self))[1])
    report = Report([Finding("x", "messaggio", "message", row=2, column=1, file="a.csv")], files=["a.csv"])
    collecting = gc.isenabled()
    gc.enable()
    try:
        data = report.to_dict()
        assert gc.isenabled()  # on again after it
    finally:
        if not collecting:
            gc.disable()
    assert seen == [False] and data["findings"] == [real(report.findings[0])]
