"""graph: canonical rows to an RDF knowledge graph (DESIGN.md section 4).

``triples()`` streams the triples (constant memory per row, for the fast N-Triples writer and the pyoxigraph store);
``build_graph()`` collects them in an ``rdflib.Graph`` with the prefixes bound. IRI patterns are listed in
``cowork_data.graph.iris``, the field-by-field mapping in ``cowork_data.graph.mapping``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from cowork_data.graph import iris
from cowork_data.graph.mapping import Mapper
from cowork_data.namespaces import DCT, DEFAULT_BASE, PREFIXES, PROV

__all__ = ["TABLE_ORDER", "build_graph", "triples"]

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
    mapper = Mapper(tables, base)
    referenced: set[str] = set()
    for table in TABLE_ORDER:
        map_row = _MAPPERS[table]
        for row in tables.get(table, ()):
            if source_id := (row.get("source_id") or "").strip():
                referenced.add(source_id)
            yield from map_row(mapper, row)
    yield from mapper.cities()
    for source_id in sorted(sources):
        yield from mapper.source(source_id, sources[source_id])
    for source_id in sorted(referenced - set(sources)):
        node = iris.source_iri(base, source_id)
        yield node, RDF.type, PROV.Entity
        yield node, DCT.identifier, Literal(source_id)


def build_graph(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
) -> Graph:
    """The triples of ``tables`` in an ``rdflib.Graph`` with the prefixes of DESIGN.md section 4 bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in sorted(PREFIXES.items()):
        graph.bind(prefix, namespace)
    graph.bind("rdfs", str(RDFS))
    graph.bind("xsd", str(XSD))
    graph.bind("data", f"{base}data/")
    for triple in triples(tables, sources=sources, base=base):
        graph.add(triple)
    return graph
