"""Test helper: the published graph files as rdflib (a parser independent of ours) reads them, once per test process.

Several tests compare the same serialisations of the release (Turtle, N-Triples, JSON-LD, TriG, N-Quads); parsing
40,000 triples with rdflib takes seconds per file, so each file is parsed once and kept as a frozen set (tests only
read it).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, Node]


@functools.cache
def triples_of(path: Path, fmt: str) -> frozenset[Triple]:
    """The triples of a Turtle, N-Triples or JSON-LD file."""
    return frozenset(Graph().parse(path, format=fmt))  # type: ignore[arg-type]


@functools.cache
def quads_of(path: Path, fmt: str) -> frozenset[Quad]:
    """The quads of a TriG or N-Quads file (triples of the default graph with rdflib's default graph name)."""
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    return frozenset(dataset.quads())  # type: ignore[arg-type]


def same_graph(a: Iterable[Triple], b: Iterable[Triple]) -> bool:
    """What rdflib's isomorphism decides: without blank nodes the same set of triples (no canonical hashing
    needed), with blank nodes an isomorphism."""
    a, b = frozenset(a), frozenset(b)
    if any(isinstance(term, BNode) for triple in (*a, *b) for term in triple):
        return isomorphic(_graph(a), _graph(b))
    return a == b


def _graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph
