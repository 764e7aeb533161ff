"""The embedded SPARQL store (pyoxigraph) and queries against it.

The store holds one named graph per source (from the N-Quads file) and the vocabulary in
``https://w3id.org/cowork-data/vocab``; queries see the union of all graphs as their default graph (as the SPARQL
endpoint announces with ``sd:UnionDefaultGraph``), so a query needs no ``GRAPH`` clause unless it asks for a source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cowork_data.errors import UsageError

VOCAB_GRAPH = "https://w3id.org/cowork-data/vocab"


def load_store(path: Path, files: Iterable[Path], *, triples_graph: str | None = VOCAB_GRAPH) -> int:
    """Create a store at ``path`` and bulk-load the RDF ``files``; returns the number of quads.

    Quads files (N-Quads, TriG) keep their graphs; a triples file goes to ``triples_graph`` (the vocabulary graph by
    default; ``None``: the default graph).
    """
    store = ox.Store(str(path))
    target = ox.NamedNode(triples_graph) if triples_graph else None
    for file in files:
        rdf_format = ox.RdfFormat.from_extension(file.suffix.lstrip("."))
        to_graph = None if rdf_format.supports_datasets else target
        store.bulk_load(path=str(file), format=rdf_format, to_graph=to_graph)
    store.flush()
    size = len(store)
    del store
    return size


@dataclass
class QueryResult:
    """A SELECT (variables + rows of text), ASK (boolean) or CONSTRUCT/DESCRIBE (N-Triples text) answer."""

    variables: list[str]
    rows: list[list[str]]
    boolean: bool | None = None
    triples: str | None = None


def _text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def open_store(path: Path) -> ox.Store:
    if not path.is_dir() or not any(path.iterdir()):
        raise UsageError("error.store-missing", path=path)
    return ox.Store.read_only(str(path))


def run_query(store_path: Path, query: str) -> QueryResult:
    """Run a SPARQL query on the embedded store and return its answer as text."""
    store = open_store(store_path)
    try:
        answer = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise UsageError("error.sparql-invalid", detail=str(exc)) from exc
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(variables=["result"], rows=[[str(bool(answer)).lower()]], boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [[_text(solution[v]) for v in variables] for solution in answer]
        return QueryResult(variables=variables, rows=rows)
    text = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in answer)
    return QueryResult(variables=[], rows=[], triples=text)
