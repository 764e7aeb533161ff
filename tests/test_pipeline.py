"""The streaming, incremental build (issue 14): a rebuild redoes only what changed and publishes the bytes a cold
build publishes; ``--root`` builds any project directory, ``--no-store`` publishes the files without the store; the
benchmark's generated project (one source per comune, in the adapters' real formats) builds, and the defects it
plants are repaired or reported."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.project import write_project
from cowork_data.harvest import load_snapshot
from cowork_data.pipeline import build, parts, published_hashes
from cowork_data.pipeline import sources as sources_stage
from cowork_data.publish.store import VOCAB_GRAPH
from tests.conftest import WITHOUT_FRANCE, copy_project
from tests.test_crash_safety import make_variant

GENERATED_SPACES = 120
#: Lines per graph part in the generated project's builds: small, so that the graph is written in several parts.
PART_LINES = 4_000


def store_quads(out: Path) -> set[str]:
    """The quads of the published store's named graphs, but the vocabulary's."""
    store = ox.Store.read_only(str(out / "build" / "store"))
    try:
        return {str(q) for q in store if not (isinstance(q.graph_name, ox.NamedNode)
                                               and q.graph_name.value == VOCAB_GRAPH)}
    finally:
        del store


def mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in [out / "datapackage.json",
                                                                     *(out / "data").rglob("*")] if p.is_file()}


def rerecord(snapshot: Path, data: bytes) -> None:
    """Write new snapshot bytes and record their sha256, as a new harvest would."""
    snapshot.write_bytes(data)
    meta_path = snapshot.with_name(snapshot.name + ".provenance.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sha256"], meta["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_a_rebuild_redoes_only_the_changed_source_and_publishes_the_cold_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the Italian sources suffice: what is rebuilt depends on which source changed, not on the data's size
    root, out = copy_project(tmp_path / "root", without=WITHOUT_FRANCE), tmp_path / "out"
    first = build(root=root, output=out)
    sources = sorted(p.stem for p in (root / "sources").glob("*.toml"))
    assert first.published and sorted(first.rebuilt) == sources

    before = mtimes(out)
    read: list[str] = []

    def reading(source, where=None):  # the snapshots a build reads
        read.append(source.id)
        return load_snapshot(source, where)

    monkeypatch.setattr(sources_stage, "load_snapshot", reading)
    again = build(root=root, output=out)
    assert not again.published and again.rebuilt == [] and read == []  # no source was read again
    assert mtimes(out) == before  # nothing was written
    assert again.files == first.files and Counter(again.warnings.findings) == Counter(first.warnings.findings)

    (out / "build" / "cache" / "last-build.pickle").unlink()  # the full path: every source checked, none read
    assert not build(root=root, output=out).published and read == []

    published = published_hashes(out)
    (out / "data" / "spaces.csv").unlink()  # a published file lost: the release is written again, no source read
    assert build(root=root, output=out).published and read == [] and published_hashes(out) == published

    make_variant(root)  # one invented space renamed in Milan's coworking snapshot
    changed = build(root=root, output=out)
    assert changed.published and changed.rebuilt == ["milano-coworking"] and read == ["milano-coworking"]
    cold = build(root=root, output=tmp_path / "cold")
    assert published_hashes(out) == published_hashes(tmp_path / "cold") != first.files
    assert store_quads(out) == store_quads(tmp_path / "cold")
    assert Counter(changed.warnings.findings) == Counter(cold.warnings.findings)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A generated project (INVENTED DATA): one source per comune, 10 % of the spaces with a planted defect."""
    root = tmp_path_factory.mktemp("generated") / "project"
    record = write_project(root, spaces=GENERATED_SPACES, seed=7, defects=0.10)
    return root, record


def test_the_generator_writes_one_source_per_comune_in_every_format(generated) -> None:
    root, record = generated
    assert record["comuni"] == GENERATED_SPACES and record["sources"] == GENERATED_SPACES + 2 * record["regions"]
    assert len(list((root / "sources").glob("*.toml"))) == record["sources"]
    suffixes = {p.suffix for p in (root / "sources" / "snapshots").rglob("spazi.*") if p.suffix != ".json"}
    assert suffixes == {".csv", ".xlsx", ".geojson"}
    assert set(record["formats"]) == {"csv", "xlsx", "geojson", "ckan"} and min(record["formats"].values()) > 0
    assert sum(record["planted"].values()) == len(record["planted_rows"]) > 0
    assert all(record["planted"].values()), record["planted"]  # every kind at least once at this share
    again = write_project(root.with_name("again"), spaces=GENERATED_SPACES, seed=7, defects=0.10)
    assert again == record
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "sources").rglob("*") if p.is_file()} \
        == {p.relative_to(root.with_name("again")).as_posix(): p.read_bytes()
            for p in (root.with_name("again") / "sources").rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def generated_release(generated, tmp_path_factory: pytest.TempPathFactory):
    root, _record = generated
    out = tmp_path_factory.mktemp("generated-release")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parts, "LINES_PER_PART", PART_LINES)
        return build(root=root, output=out)


def test_the_planted_defects_are_repaired_or_reported(generated, generated_release) -> None:
    import csv

    _root, record = generated
    with (generated_release.output / "data" / "spaces.csv").open(encoding="utf-8", newline="") as fh:
        spaces = {row["id"]: row for row in csv.DictReader(fh)}
    warned = {(f.focus_node or "").rsplit("/data/workspace/", 1)[-1]: f for f in generated_release.warnings.findings
              if f.path and f.path.endswith("hasGeometry")}
    for planted in record["planted_rows"]:
        row, kind = spaces[planted["space"]], planted["defect"]
        if kind == "mojibake":
            assert row["description"] == "Caffè e attività per il quartiere.", row
        elif kind == "swapped-coordinates":  # Italy: latitude 35–47.2, longitude 6.5–18.6
            assert 35 <= float(row["latitude"]) <= 47.2 and 6.5 <= float(row["longitude"]) <= 18.6, row
            assert float(row["latitude"]) > float(row["longitude"])
        elif kind == "phone-as-number":
            assert row["phone"].startswith("+390"), row
        elif kind == "no-coordinates":
            assert not row["latitude"] and planted["space"] in warned, row
        elif kind == "short-postcode":  # a 4-digit CAP is not published as if it were one
            assert len(row["postcode"]) in (0, 5), row
        else:
            raise AssertionError(kind)


def test_a_large_graph_is_written_in_parts_and_rebuilt_one_part_at_a_time(generated, generated_release,
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root, _record = generated
    out = generated_release.output
    graph = out / "data" / "graph"
    nq_parts = sorted(graph.glob("cowork-data-*.nq"))
    assert len(nq_parts) >= 4 and not (graph / "cowork-data.nq").exists()
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    nquads = next(r for r in package["resources"] if r["name"] == "graph-nquads")
    assert nquads["path"] == [f"data/graph/{p.name}" for p in nq_parts]
    lines = [line for p in nq_parts for line in p.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == generated_release.triples  # each triple in one graph, each graph in one part

    work = tmp_path / "project"  # the same project, one comune's list changed (a space renamed)
    subprocess.run(["cp", "-a", str(root), str(work)], check=True)
    subprocess.run(["cp", "-a", str(out), str(tmp_path / "out")], check=True)
    inodes = {p.name: p.stat().st_ino for p in (tmp_path / "out" / "data" / "graph").iterdir()}
    snapshot = sorted((work / "sources" / "snapshots").glob("spazi-*/spazi.csv"))[0]
    data = snapshot.read_bytes()
    changed_data = data.replace(b"\nSpazio Esempio", b"\nSpazio Esempio Rinnovato", 1)
    assert changed_data != data
    rerecord(snapshot, changed_data)
    monkeypatch.setattr(parts, "LINES_PER_PART", PART_LINES)
    incremental = build(root=work, output=tmp_path / "out")
    assert incremental.rebuilt == [snapshot.parent.name]
    kept = [n for n, ino in inodes.items() if (tmp_path / "out" / "data" / "graph" / n).stat().st_ino == ino]
    assert len(kept) >= len(nq_parts) - 1 and all(n.startswith("cowork-data-") for n in kept)  # hard links
    cold = build(root=work, output=tmp_path / "cold")
    assert published_hashes(tmp_path / "out") == published_hashes(tmp_path / "cold") != published_hashes(out)
    assert store_quads(tmp_path / "out") == store_quads(tmp_path / "cold")
    assert Counter(incremental.warnings.findings) == Counter(cold.warnings.findings)


def test_the_reference_engine_publishes_the_same_bytes_on_the_generated_project(
        generated, generated_release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _record = generated
    monkeypatch.setattr(parts, "LINES_PER_PART", PART_LINES)
    reference = build(root=root, output=tmp_path / "reference", engine="reference")
    assert published_hashes(tmp_path / "reference") == published_hashes(generated_release.output)
    assert store_quads(tmp_path / "reference") == store_quads(generated_release.output)
    assert Counter(reference.warnings.findings) == Counter(generated_release.warnings.findings)


def test_cli_builds_another_project_without_the_store(generated, generated_release, tmp_path: Path) -> None:
    """The first build is the installed command in a process of its own (its exit code, the JSON summary alone on
    stdout); the two after it, which check what a build with and then without the store leaves, run the same
    command in this process (a new interpreter would only add its imports)."""
    from click.testing import CliRunner

    from cowork_data.cli import cli as command

    root, _record = generated
    out = tmp_path / "portal"
    args = ["build", "--root", str(root), "--output", str(out), "--json"]
    done = subprocess.run([sys.executable, "-m", "cowork_data", *args, "--no-store"], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["rows"] == generated_release.rows and summary["published"]
    assert not (out / "build" / "store").exists()
    assert (out / "data" / "graph" / "cowork-data.nq").is_file()  # one part at the default part size
    with_store = CliRunner().invoke(command, args)
    assert with_store.exit_code == 0, with_store.output
    assert json.loads(with_store.stdout)["published"]
    assert (out / "build" / "store").is_dir()
    files = published_hashes(out)
    again = CliRunner().invoke(command, [*args, "--no-store"])
    assert again.exit_code == 0, again.output
    assert not (out / "build" / "store").exists()  # the store of the release before does not outlive it
    assert published_hashes(out) == files
