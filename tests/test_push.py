"""`cowork-data push` to real triple stores: an Oxigraph server (issue 6) and Virtuoso (issue 15, the store behind
dati.gov.it's SPARQL endpoint). Every named graph is PUT through the SPARQL 1.1 Graph Store Protocol; pushing twice
leaves the same count per graph on the server as in the local N-Quads file (no duplicates).

Virtuoso is Debian's ``virtuoso-t`` (``make`` installs virtuoso-opensource-7-bin), started on free loopback ports with
its own database directory and ini; a fresh database's ``dba`` account (password ``dba``) writes through
``/sparql-graph-crud-auth`` with HTTP digest authentication."""

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
from tests.conftest import figures
from tests.processes import spawn, stop
from tests.serving import free_port

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
    process = spawn([_oxigraph(), "serve", "--location", str(tmp_path / "oxi"), "--bind",
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
    try:
        yield url
    finally:
        stop(process)


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


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
"""


def _virtuoso() -> str:
    found = shutil.which("virtuoso-t")
    assert found, "virtuoso-t (Debian virtuoso-opensource-7-bin, installed by `make setup`) must be installed"
    return found


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("virtuoso")
    http = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=folder, sql=free_port(), http=http),
                                         encoding="utf-8")
    started = time.monotonic()
    log = (folder / "console.log").open("wb")  # a file, not a pipe: a full pipe would block the server
    process = spawn([_virtuoso(), "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                               cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http}"
    while True:
        try:
            if requests.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert process.poll() is None, (folder / "console.log").read_text(errors="replace")
        assert time.monotonic() - started < 60, "virtuoso did not start"
        time.sleep(0.1)
    try:
        yield url, time.monotonic() - started
    finally:
        stop(process)
        log.close()


def _virtuoso_counts(url: str, graphs: set[str]) -> dict[str, int]:
    answer = requests.get(f"{url}/sparql", params={"query": PER_GRAPH},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    found = {b["g"]["value"]: int(b["n"]["value"]) for b in answer["results"]["bindings"]}
    return {name: n for name, n in found.items() if name in graphs}  # not Virtuoso's own system graphs


def _push_to_virtuoso(url: str, nquads: Path, password: str = "dba"):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, ["push", "--endpoint", f"{url}/sparql-graph-crud-auth", "--user", "dba",
                                    "--password", password, "--auth", "digest", "--file", str(nquads), "--json"])


def test_push_twice_to_virtuoso(release, virtuoso_server, tmp_path: Path) -> None:
    url, startup = virtuoso_server
    nquads = release.output / "data" / "graph" / "cowork-data.nq"
    total, local = _local_counts(nquads)
    for _ in range(2):
        result = _push_to_virtuoso(url, nquads)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["quads"] == total
        assert _virtuoso_counts(url, set(local)) == local
    figures("push-virtuoso", {"virtuoso_startup_seconds": round(startup, 2), "pushes": 2, "graphs": len(local),
                              "quads": total, "server_equals_local": True})
    # The comparison sees a push that lost a triple: the server then holds one less in that graph.
    lines = nquads.read_text(encoding="utf-8").splitlines(keepends=True)
    shorter = tmp_path / "shorter.nq"
    shorter.write_text("".join(lines[1:]), encoding="utf-8")
    assert _push_to_virtuoso(url, shorter).exit_code == 0
    assert _virtuoso_counts(url, set(local)) != local
    assert _push_to_virtuoso(url, nquads).exit_code == 0 and _virtuoso_counts(url, set(local)) == local


def test_virtuoso_refuses_a_wrong_password_with_a_clean_error(release, virtuoso_server) -> None:
    url, _startup = virtuoso_server
    result = _push_to_virtuoso(url, release.output / "data" / "graph" / "cowork-data.nq", password="wrong")
    assert result.exit_code == 1 and "refused to write" in result.output and "Traceback" not in result.output

