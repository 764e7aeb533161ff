"""The two engines end to end: `cowork-data build --engine reference` publishes the same bytes as the default fast
engine, with the same findings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.pipeline import build, published_hashes
from tests.conftest import copy_project

ROOT = Path(__file__).resolve().parents[1]


def test_reference_engine_publishes_the_same_bytes_and_findings(release, tmp_path: Path) -> None:
    """The same files, and the same findings (each with its focus node, path, constraint, severity, shape, code and
    messages): frictionless against the compiled table checks, and pySHACL on the release's graph — the shipped
    graph, which ``test_build`` checks is the current build — against the fast engine on the store."""
    out = tmp_path / "reference"
    result = build(root=copy_project(tmp_path / "root"), output=out, engine="reference")
    assert published_hashes(out) == published_hashes(release.output)
    assert Counter(result.warnings.findings) == Counter(release.warnings.findings)
    assert any(f.constraint for f in release.warnings.findings)  # SHACL findings among them, compared too


def test_cli_offers_both_engines() -> None:
    help_text = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "--engine" in help_text and "reference" in help_text
    bad = CliRunner().invoke(cli, ["build", "--engine", "turbo"])
    assert bad.exit_code == 2
