"""``cowork_data.open()`` (issue 19, acceptance 3): the release's tables as typed polars DataFrames read on first use,
SPARQL answers as DataFrames equal to ``cowork-data query``'s, on the store or on the published N-Quads, the graph as
an rdflib Graph with a size limit; and the README's Python examples, run as they are written."""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import cowork_data
from cowork_data.errors import UsageError
from cowork_data.release import ReleaseTooLarge
from tests.rdf_files import same_graph, triples_of
from tests.test_queries import run as cli_query

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def cli_frame(release, query: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(cli_query(release, query, "--format", "csv"))))


def as_text(frame: pl.DataFrame) -> list[list[str]]:
    """The DataFrame as the CLI prints it in CSV: numbers without a needless ``.0``, missing values empty."""
    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return [frame.columns, *[[cell(v) for v in row] for row in frame.iter_rows()]]


def csv_rows(release, table: str) -> list[dict[str, str]]:
    with (release.output / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tables_are_typed_by_their_schema(release) -> None:
    opened = cowork_data.open(release.output)
    assert set(opened.tables) == {"organisations", "spaces", "calls", "funding", "admissions", "awards", "outcomes"}
    spaces = opened.tables["spaces"]
    rows = csv_rows(release, "spaces")
    assert spaces.height == len(rows) and spaces.columns == list(rows[0])
    assert spaces.schema["comune_istat"] == pl.Utf8 and spaces["comune_istat"].to_list() == [r["comune_istat"] or None
                                                                                            for r in rows]
    assert spaces.schema["workstations"] == pl.Int64 and spaces.schema["latitude"] == pl.Float64
    assert spaces["workstations"].to_list() == [int(r["workstations"]) if r["workstations"] else None for r in rows]
    assert opened.tables["calls"].schema["opening_date"] == pl.Date
    assert opened.tables["outcomes"].schema["approximate"] == pl.Boolean
    assert cowork_data.open(release.output / "datapackage.json").root == opened.root


def test_tables_are_read_on_first_use_and_a_bad_cell_is_named(release, tmp_path: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(release.output, copy, ignore=shutil.ignore_patterns("store"))
    spaces = (copy / "data" / "spaces.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = spaces[0].rstrip("\n").split(",")
    cells = next(csv.reader([spaces[2]]))
    cells[header.index("workstations")] = "dodici"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    spaces[2] = buffer.getvalue()
    (copy / "data" / "spaces.csv").write_text("".join(spaces), encoding="utf-8")
    opened = cowork_data.open(copy)
    assert opened.tables["calls"].height == len(csv_rows(release, "calls"))  # the broken table is not read
    with pytest.raises(UsageError) as info:
        opened.tables["spaces"]
    assert "riga 3, colonna workstations" in info.value.message_it and "«dodici»" in info.value.message_it
    assert "row 3, column workstations" in info.value.message_en
    with pytest.raises(KeyError):
        opened.tables["nothing"]


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.rq")))
def test_query_answers_like_the_cli(release, name: str) -> None:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    assert as_text(cowork_data.open(release.output).query(text)) == cli_frame(release, text)


def test_without_a_store_the_published_graph_is_loaded(release, tmp_path: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(release.output, copy, ignore=shutil.ignore_patterns("build"))
    with_store, without = cowork_data.open(release.output), cowork_data.open(copy)
    assert with_store.has_store() and not without.has_store()
    for name in ("funding-2013", "spaces-per-comune", "organisations-by-legal-form"):
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        assert without.query(text).equals(with_store.query(text))
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert without.query(count).equals(with_store.query(count))
    stale = tmp_path / "stale"
    shutil.copytree(release.output, stale)
    nquads = stale / "data" / "graph" / "cowork-data.nq"
    os.utime(nquads, (nquads.stat().st_mtime + 60, nquads.stat().st_mtime + 60))
    assert not cowork_data.open(stale).has_store()


def test_ask_construct_and_a_bad_query(release) -> None:
    opened = cowork_data.open(release.output)
    assert opened.query("ASK { ?s ?p ?o }").to_dicts() == [{"result": True}]
    triples = opened.query("CONSTRUCT { ?s <http://schema.org/name> ?n } WHERE { "
                           "?s a <https://w3id.org/cowork-data/vocab#Workspace> ; <http://schema.org/name> ?n }")
    assert triples.columns == ["subject", "predicate", "object"]
    assert sorted(triples["object"].to_list()) == sorted(r["name"] for r in csv_rows(release, "spaces"))
    with pytest.raises(UsageError) as info:
        opened.query("SELEC nothing")
    assert "Query SPARQL non valida" in info.value.message_it and "Invalid SPARQL query" in info.value.message_en


def test_graph_is_the_published_graph_and_refuses_a_large_one(release) -> None:
    opened = cowork_data.open(release.output)
    graph = opened.graph()
    reference = triples_of(release.output / "data" / "graph" / "cowork-data.nt", "nt")
    assert len(graph) == len(reference) == opened.triples() > 1000
    assert same_graph(graph, reference)
    with pytest.raises(ReleaseTooLarge) as info:
        opened.graph(max_triples=100)
    assert "oltre il limite di 100" in info.value.message_it and "above the limit of 100" in info.value.message_en
    assert "query" in info.value.hint_en


def test_a_folder_without_a_release_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        cowork_data.open(tmp_path)
    assert "Nessun rilascio" in info.value.message_it and "No release" in info.value.message_en


def test_readme_python_example_runs_as_written(release, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    section = readme_section("Python")
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    monkeypatch.setenv("COWORK_DATA_RELEASE", str(release.output))
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec(compile(blocks[0], "README.md (Python)", "exec"), namespace)  # noqa: S102 - the README's own example
    printed = capsys.readouterr().out
    spaces = csv_rows(release, "spaces")
    assert namespace["spaces"].height == len(spaces)
    funders_query = re.search(r'release\.query\("""(.*?)"""\)', blocks[0], flags=re.S).group(1)
    assert as_text(namespace["funders"]) == cli_frame(release, funders_query)
    assert f"{len(namespace['graph'])} triples" in printed and len(namespace["graph"]) > 1000


def test_readme_one_line_command_works(release, tmp_path: Path) -> None:
    line = next(line for line in readme_section("Python").splitlines() if line.startswith('python -c "'))
    program, flag, code = shlex.split(line)
    assert (program, flag) == ("python", "-c")
    env = {**os.environ, "COWORK_DATA_RELEASE": str(release.output)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    count = cli_frame(release, "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }")[1][0]
    assert re.search(rf"│\s*{count}\s*│", done.stdout), done.stdout
