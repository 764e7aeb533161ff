"""The two engines end to end: `cowork-data build --engine reference` publishes the same bytes as the default fast
engine; the benchmark harness runs (tiny smoke size)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.pipeline import build, published_hashes
from tests.conftest import copy_project

ROOT = Path(__file__).resolve().parents[1]


def test_reference_engine_publishes_the_same_bytes(release, tmp_path: Path) -> None:
    out = tmp_path / "reference"
    result = build(root=copy_project(tmp_path / "root"), output=out, engine="reference")
    assert published_hashes(out) == published_hashes(release.output)
    assert len(result.warnings.findings) == len(release.warnings.findings)


def test_cli_offers_both_engines() -> None:
    help_text = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "--engine" in help_text and "reference" in help_text
    bad = CliRunner().invoke(cli, ["build", "--engine", "turbo"])
    assert bad.exit_code == 2


def test_bench_harness_smoke(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "120", "--out", str(out),
                           "--only-fast"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert not [r for r in data["results"] if "error" in r], data["results"]
    stages = {(r["stage"], r["engine"]) for r in data["results"]}
    assert {("tables", "fast"), ("graph", "fast"), ("shacl", "fast"), ("query", "fast")} <= stages
    graph = [r for r in data["results"] if r["stage"] == "graph"]
    assert graph and all(r["writer_rss_mb"] >= 0 and r["rss_before_mb"] > 0 for r in graph)
    assert {r["store"] for r in data["results"] if r["stage"] in ("shacl", "query")} == {"memory"}


def test_bench_plan_at_national_scale(tmp_path: Path) -> None:
    """At 1M spaces: no reference engine (each takes longer than the limit), and the SHACL and query stages get an
    on-disk store (77M triples do not fit in memory)."""
    import pyoxigraph as ox

    from bench.run import DISK_STORE_FROM, _store, plan

    engines = {(stage, engine) for stage, engine, _size, _layers in plan([1_000_000])}
    assert engines == {("tables", "fast"), ("graph", "fast"), ("shacl", "fast"), ("query", "fast")}
    assert ("graph", "reference") in {(s, e) for s, e, _n, _l in plan([10_000])}
    out: dict = {}
    store = _store(DISK_STORE_FROM, tmp_path, out)
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("o")))
    store.flush()
    assert out["store"] == "disk" and (tmp_path / "store").is_dir() and len(store) == 1


def test_bench_ratios_never_extrapolate() -> None:
    """A reference run that hit its limit gives a lower bound, on the same layers only; no number is invented."""
    from bench.run import ratios

    results = [
        {"stage": "shacl", "engine": "reference", "spaces": 10, "layers": "all", "did_not_finish_within_s": 240.0},
        {"stage": "shacl", "engine": "fast", "spaces": 10, "layers": "all", "seconds": 12.0, "findings": 3},
        {"stage": "shacl", "engine": "reference", "spaces": 10, "layers": "core", "seconds": 60.0, "findings": 2},
        {"stage": "shacl", "engine": "fast", "spaces": 10, "layers": "core", "seconds": 6.0, "findings": 2},
        {"stage": "tables", "engine": "fast", "spaces": 10, "seconds": 1.0},
    ]
    out = {r["layers"]: r for r in ratios(results)}
    assert out["all"] == {"stage": "shacl", "spaces": 10, "engine": "fast", "layers": "all",
                          "reference_did_not_finish_within_s": 240.0, "speedup_at_least": 20.0}
    assert out["core"]["speedup"] == 10.0 and out["core"]["same_findings_count"] is True
    assert len(out) == 2
