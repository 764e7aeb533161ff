"""graph: canonical rows to an RDF knowledge graph (DESIGN.md section 4).

``quads()`` streams the triples with the named graph of the source each one comes from (``{base}graph/{source_id}``;
the comune labels from the ISTAT list in ``{base}graph/istat``), constant memory per row; ``triples()`` drops the
graph; ``build_graph()`` / ``build_dataset()`` collect them in rdflib with the prefixes bound. IRI patterns are listed
in ``cowork_data.graph.iris``, the field-by-field mapping in ``cowork_data.graph.mapping``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from cowork_data.graph import iris
from cowork_data.graph.mapping import Mapper
from cowork_data.namespaces import DCT, DEFAULT_BASE, PREFIXES, PROV, graph_iri

__all__ = ["CITIES_GRAPH", "TABLE_ORDER", "build_dataset", "build_graph", "quads", "triples"]

#: The source id of the named graph holding the comuni (ISTAT list): ``{base}graph/istat``.
CITIES_GRAPH = "istat"

TABLE_ORDER: tuple[str, ...] = ("organisations", "spaces", "calls", "funding", "admissions", "awards", "outcomes")

_MAPPERS = {
    "organisations": Mapper.organisation,
    "spaces": Mapper.space,
    "calls": Mapper.call,
    "funding": Mapper.funding,
    "admissions": Mapper.admission,
    "awards": Mapper.award,
    "outcomes": Mapper.outcome,
}


def quads(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
) -> Iterator[tuple[Node, Node, Node, URIRef]]:
    """Yield ``(s, p, o, graph)``: the triples of ``tables`` (see :func:`triples`), each in its source's graph.

    A row's triples go to the graph of its ``source_id``; a source's provenance node to its own graph; the comune
    nodes to ``{base}graph/istat``. The same triple can be in two graphs (an ``org:hasSite`` stated by a space of
    another source), so the union of the graphs is the graph of :func:`triples`.
    """
    mapper = Mapper(tables, base, sources)
    referenced: set[str] = set()
    for table in TABLE_ORDER:
        map_row = _MAPPERS[table]
        for row in tables.get(table, ()):
            source_id = (row.get("source_id") or "").strip()
            if source_id:
                referenced.add(source_id)
            g = graph_iri(source_id or "unsourced", base=base)
            for s, p, o in map_row(mapper, row):
                yield s, p, o, g
    for link in tables.get("same_as", ()):  # the same space in two sources (cowork_data.normalise.linking)
        g = graph_iri(link.get("source_id") or "unsourced", base=base)
        for s, p, o in mapper.same_as(link):
            yield s, p, o, g
    cities = graph_iri(CITIES_GRAPH, base=base)
    for s, p, o in mapper.cities():
        yield s, p, o, cities
    for source_id in sorted(sources):
        g = graph_iri(source_id, base=base)
        for s, p, o in mapper.source(source_id, sources[source_id]):
            yield s, p, o, g
    for source_id in sorted(referenced - set(sources)):
        node, g = iris.source_iri(base, source_id), graph_iri(source_id, base=base)
        yield node, RDF.type, PROV.Entity, g
        yield node, DCT.identifier, Literal(source_id), g


def triples(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
) -> Iterator[tuple[Node, Node, Node]]:
    """Yield the triples of the canonical ``tables`` (keyed by table name), in table then row order.

    ``sources`` maps a source id to its snapshot description (``title``, ``publisher``, ``url``, ``licence``,
    ``sha256``, ``retrieved_at``, ``fixture``); each becomes a ``prov:Entity`` at ``{base}data/source/{id}`` that
    every record derived from it points at with ``prov:wasDerivedFrom``. Tables with other names are ignored.
    A triple can be yielded twice (an operator's ``org:hasSite`` from each of its spaces); a graph or store dedups.
    """
    for s, p, o, _g in quads(tables, sources=sources, base=base):
        yield s, p, o


def build_graph(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
) -> Graph:
    """The triples of ``tables`` in an ``rdflib.Graph`` with the prefixes of DESIGN.md section 4 bound."""
    graph = Graph(bind_namespaces="none")
    _bind(graph, base)
    for triple in triples(tables, sources=sources, base=base):
        graph.add(triple)
    return graph


def build_dataset(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
) -> Dataset:
    """The quads of ``tables`` in an ``rdflib.Dataset``, one named graph per source, prefixes bound."""
    dataset = Dataset(default_union=True)
    _bind(dataset, base)
    for quad in quads(tables, sources=sources, base=base):
        dataset.add(quad)
    return dataset


def _bind(graph: Graph, base: str) -> None:
    for prefix, namespace in sorted(PREFIXES.items()):
        graph.bind(prefix, namespace)
    graph.bind("owl", str(OWL))
    graph.bind("rdf", str(RDF))
    graph.bind("rdfs", str(RDFS))
    graph.bind("xsd", str(XSD))
    graph.bind("data", f"{base}data/")
