"""graph: canonical rows to an RDF knowledge graph (DESIGN.md section 4), from the one declaration of the mapping.

``mapping/tables.toml`` declares the tables and how every field maps to RDF (:mod:`cowork_data.declaration`);
:mod:`cowork_data.graph.writer` compiles it to polars and writes N-Quads lines, each in the named graph of the source
it comes from (``{base}graph/{source_id}``; the comune labels from the ISTAT list in ``{base}graph/istat``).

- :func:`nquad_lines` / :func:`write_nquads`: the lines, as string Series or into a file (any size, bounded memory);
- :func:`quads`, :func:`triples`, :func:`build_graph`, :func:`build_dataset`: the same graph as rdflib terms, for
  small data and interoperability (rdflib parses the writer's lines: there is no second mapping).

IRI patterns are listed in :mod:`cowork_data.graph.iris`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from cowork_data.declaration import declaration
from cowork_data.namespaces import DEFAULT_BASE, PREFIXES

__all__ = ["CITIES_GRAPH", "build_dataset", "build_graph", "nquad_lines", "quads", "table_names", "triples",
           "write_nquads"]

Tables = Mapping[str, Sequence[Mapping[str, Any]] | pl.DataFrame]


def table_names(root: Path | None = None) -> tuple[str, ...]:
    """The canonical tables, in dependency order (from the declaration)."""
    return declaration(root).tables


def __getattr__(name: str) -> str:
    if name == "CITIES_GRAPH":  # the source id of the named graph of the comuni (ISTAT list): ``{base}graph/istat``
        return "".join(p for p in declaration().other["cities"].graph if isinstance(p, str))
    raise AttributeError(name)


def nquad_lines(
    tables: Tables,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    root: Path | None = None,
    quads: bool = True,
    chunk_rows: int = 25_000,
) -> Iterator[pl.Series]:
    """The N-Quads lines (``quads=False``: N-Triples lines) of ``tables``, ``chunk_rows`` rows at a time.

    ``tables`` maps a table name to its rows (mappings of field → text) or a ``DataFrame``; ``same_as`` holds the
    links between records of two sources (``id``, ``same_as``, ``source_id``). ``sources`` maps a source id to its
    snapshot description (``title``, ``publisher``, ``url``, ``licence``, ``sha256``, ``retrieved_at``,
    ``fixture``): each becomes a ``prov:Entity`` at ``{base}data/source/{id}``. A line can come twice (an operator's
    ``org:hasSite`` from each of its spaces); a store or a sort removes duplicates.
    """
    from cowork_data.graph.writer import Writer

    writer = Writer(declaration(root), base=base, sources=sources, tables=tables, quads=quads)
    yield from writer.chunks(tables, chunk_rows)


def write_nquads(tables: Tables, path: Path, *, sources: Mapping[str, Mapping[str, Any]], base: str = DEFAULT_BASE,
                 root: Path | None = None, quads: bool = True) -> int:
    """Write the lines of :func:`nquad_lines` as they come (duplicates kept); returns the number of lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb", buffering=1 << 20) as fh:
        for lines in nquad_lines(tables, sources=sources, base=base, root=root, quads=quads):
            lines.to_frame("line").write_csv(fh, include_header=False, quote_style="never", line_terminator="")
            count += len(lines)
    return count


def quads(
    tables: Tables,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    root: Path | None = None,
) -> Iterator[tuple[Node, Node, Node, URIRef]]:
    """Yield ``(s, p, o, graph)`` as rdflib terms, each triple in its source's graph (duplicates removed).

    The same triple can be in two graphs (an ``org:hasSite`` stated by a space of another source), so the union of
    the graphs is the graph of :func:`triples`.
    """
    dataset = _dataset(tables, sources, base, root)
    yield from dataset.quads()  # type: ignore[misc]


def triples(
    tables: Tables,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    root: Path | None = None,
) -> Iterator[tuple[Node, Node, Node]]:
    """Yield the triples of the canonical ``tables`` as rdflib terms (the union of the source graphs)."""
    yield from build_graph(tables, sources=sources, base=base, root=root)


def build_graph(
    tables: Tables,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    root: Path | None = None,
) -> Graph:
    """The triples of ``tables`` in an ``rdflib.Graph`` with the prefixes of DESIGN.md section 4 bound."""
    graph = Graph(bind_namespaces="none")
    _bind(graph, base)
    text = "".join(line for lines in nquad_lines(tables, sources=sources, base=base, root=root, quads=False)
                   for line in lines.to_list())
    graph.parse(data=text, format="nt")
    return graph


def build_dataset(
    tables: Tables,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    root: Path | None = None,
) -> Dataset:
    """The quads of ``tables`` in an ``rdflib.Dataset``, one named graph per source, prefixes bound."""
    return _dataset(tables, sources, base, root)


def _dataset(tables: Tables, sources: Mapping[str, Mapping[str, Any]], base: str, root: Path | None) -> Dataset:
    dataset = Dataset(default_union=True)
    _bind(dataset, base)
    text = "".join(line for lines in nquad_lines(tables, sources=sources, base=base, root=root)
                   for line in lines.to_list())
    dataset.parse(data=text, format="nquads")
    return dataset


def _bind(graph: Graph, base: str) -> None:
    for prefix, namespace in sorted(PREFIXES.items()):
        graph.bind(prefix, namespace)
    graph.bind("owl", str(OWL))
    graph.bind("rdf", str(RDF))
    graph.bind("rdfs", str(RDFS))
    graph.bind("xsd", str(XSD))
    graph.bind("data", f"{base}data/")
