"""`cowork-data push` to a real Oxigraph server (issue 6, acceptance 5): every named graph is PUT through the SPARQL 1.1
Graph Store Protocol; pushing twice leaves the same count on the server as in the local N-Quads file (no duplicates)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from cowork_data.cli import cli

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    assert Path(found).is_file(), "the oxigraph server (pip install oxigraph, a test dependency) must be installed"
    return found


@pytest.fixture()
def oxigraph_server(tmp_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([_oxigraph(), "serve", "--location", str(tmp_path / "oxi"), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
            break
        except requests.ConnectionError:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            assert time.time() < deadline, "oxigraph did not start"
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _server_counts(url: str) -> tuple[int, dict[str, int]]:
    headers = {"Accept": "application/sparql-results+json"}
    total = requests.get(f"{url}/query", params={"query": COUNT}, headers=headers, timeout=30).json()
    per = requests.get(f"{url}/query", params={"query": PER_GRAPH}, headers=headers, timeout=30).json()
    graphs = {b["g"]["value"]: int(b["n"]["value"]) for b in per["results"]["bindings"]}
    return int(total["results"]["bindings"][0]["n"]["value"]), graphs


def _local_counts(nquads: Path) -> tuple[int, dict[str, int]]:
    import pyoxigraph as ox

    graphs: dict[str, int] = {}
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        graphs[quad.graph_name.value] = graphs.get(quad.graph_name.value, 0) + 1
    return sum(graphs.values()), graphs


def test_push_twice_is_idempotent(release, oxigraph_server: str) -> None:
    nquads = release.output / "data" / "graph" / "cowork-data.nq"
    local = _local_counts(nquads)
    for _ in range(2):
        result = CliRunner().invoke(cli, ["push", "--endpoint", f"{oxigraph_server}/store", "--file", str(nquads),
                                          "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["quads"] == local[0]
        assert _server_counts(oxigraph_server) == local


def test_push_to_nowhere_is_a_clean_error(release) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"http://127.0.0.1:{port}/store", "--file",
                                      str(release.output / "data" / "graph" / "cowork-data.nq"), "--timeout", "2"])
    assert result.exit_code == 1 and "Cannot reach" in result.output and "Traceback" not in result.output
