"""End to end: `cowork-data build` from the shipped snapshots (issue 3, acceptance 1, 3 and 6)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest

from cowork_data.pipeline import build, published_hashes
from cowork_data.validate.schemas import TABLES
from tests.conftest import copy_project

ROOT = Path(__file__).resolve().parents[1]


def test_build_writes_every_published_file(release) -> None:
    out = release.output
    assert (out / "datapackage.json").is_file()
    for table in TABLES:
        assert (out / "data" / f"{table}.csv").is_file()
    assert (out / "data" / "graph" / "cowork-data.ttl").stat().st_size > 0
    assert (out / "data" / "graph" / "cowork-data.nt").stat().st_size > 0
    assert (out / "build" / "store").is_dir()
    assert release.rows["spaces"] > 0 and release.rows["calls"] >= 8 and release.rows["funding"] >= 2
    assert release.store_quads > release.triples  # the vocabularies are loaded beside the data


def test_second_build_in_another_process_is_byte_identical(release, tmp_path: Path) -> None:
    """Same input, same bytes — also across hash seeds, which change set and dict orders."""
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242", "COWORK_DATA_ROOT": str(copy_project(tmp_path / "root"))}
    proc = subprocess.run([sys.executable, "-m", "cowork_data", "build", "--quiet", "--notes", "--output", str(out)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert published_hashes(out) == published_hashes(release.output)
    # --notes lists each row a reader left out, doubted or found twice, as the summary counts them
    for source_id, note in release.notes.items():
        listed = [line for line in proc.stdout.splitlines() if line.startswith("  ")]
        for row in (*note["unresolved_rows"], *note["duplicate_rows"], *note["dubious_rows"]):
            assert any(line.endswith(f": {row}") for line in listed), (source_id, row)


def test_shipped_package_is_the_current_build(release) -> None:
    """The repository root is the published package: it must equal what the build produces."""
    shipped = published_hashes(ROOT)
    assert shipped, "run `make run` and commit datapackage.json and data/"
    assert shipped == published_hashes(release.output)


def _without_parquet(release) -> Path:
    """The package's descriptor without its Parquet resources, beside it (frictionless 5 cannot read Parquet
    without its plugin, and with it counts no bytes: docs/decisions.md §17); the Parquet files are read by DuckDB
    in tests/test_parquet.py."""
    data = json.loads((release.output / "datapackage.json").read_text(encoding="utf-8"))
    parquet = [r for r in data["resources"] if r["format"] == "parquet"]
    assert len(parquet) == len(TABLES)
    data["resources"] = [r for r in data["resources"] if r["format"] != "parquet"]
    path = release.output / "datapackage-without-parquet.json"  # beside it: the same relative paths
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_package_is_valid_for_frictionless(release) -> None:
    report = frictionless.validate(str(_without_parquet(release)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == len(json.loads(_without_parquet(release).read_text())["resources"])


def test_frictionless_refuses_only_the_parquet_resources_for_want_of_its_plugin(release) -> None:
    report = frictionless.validate(str(release.output / "datapackage.json"))
    errors = report.flatten(["type", "note"])
    assert errors and all(note == 'Please install "frictionless[parquet]"' for _kind, note in errors), errors
    assert len(errors) == len(TABLES)


def test_frictionless_cli_agrees(release) -> None:
    path = _without_parquet(release)
    proc = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate", path.name],
                          cwd=release.output, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_descriptor_names_sources_licences_and_modification(release) -> None:
    data = json.loads((release.output / "datapackage.json").read_text(encoding="utf-8"))
    assert data["$schema"].endswith("/2.0/datapackage.json")
    assert data["licenses"] and data["contributors"] and data["last_modified"]
    titles = " ".join(s["title"] for s in data["sources"])
    assert "ISTAT" in titles
    assert "inventat" in titles.lower()  # the fixture snapshots say their rows are invented
    names = [r["name"] for r in data["resources"]]
    assert names[: len(TABLES)] == list(TABLES)
    for resource in data["resources"]:
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0


def test_rapper_parses_the_graph(release) -> None:
    rapper = shutil.which("rapper")
    assert rapper, "raptor2-utils is part of the setup (make setup); it must be installed"
    for path, syntax in (("cowork-data.ttl", "turtle"), ("cowork-data.nt", "ntriples")):
        proc = subprocess.run([rapper, "-i", syntax, "-c", str(release.output / "data" / "graph" / path)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert f"returned {release.triples} triples" in proc.stderr


def test_graph_uses_the_design_vocabularies(release) -> None:
    text = (release.output / "data" / "graph" / "cowork-data.nt").read_text(encoding="utf-8")
    for iri in (
        "https://w3id.org/italia/onto/COV/",
        "https://w3id.org/italia/onto/CLV/",
        "https://w3id.org/italia/onto/TI/",
        "https://w3id.org/italia/onto/Project/",
        "http://schema.org/",
        "http://www.opengis.net/ont/geosparql#",
        "http://www.w3.org/ns/org#",
        "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/015146-(2015-01-01)",
    ):
        assert iri in text, iri


def test_broken_data_publishes_nothing(release, tmp_path: Path) -> None:
    """A build whose tables break the schema fails cleanly and leaves the previous release as it was."""
    from cowork_data.errors import ValidationFailed

    out = tmp_path / "out"
    shutil.copytree(release.output, out, ignore=shutil.ignore_patterns("store"))
    before = published_hashes(out)
    root = copy_project(tmp_path / "root")
    schema = json.loads((root / "schemas" / "spaces.json").read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] == "workstations":
            field.setdefault("constraints", {})["minimum"] = 100_000  # no shipped space is that large
    (root / "schemas" / "spaces.json").write_text(json.dumps(schema), encoding="utf-8")
    from cowork_data import table_schemas

    table_schemas.forget()
    try:
        with pytest.raises(ValidationFailed) as info:
            build(root=root, output=out)
    finally:
        table_schemas.forget()
    assert info.value.report.errors
    assert published_hashes(out) == before
