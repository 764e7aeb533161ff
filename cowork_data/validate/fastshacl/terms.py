"""RDF terms between rdflib (the shapes, the reference engine) and pyoxigraph (the store), and in SPARQL syntax."""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from cowork_data.namespaces import SH
from cowork_data.validate.fastshacl.model import Unsupported

__all__ = ["from_ox", "load_graph", "n3", "sparql_path", "to_ox"]


def n3(node: Node) -> str:
    """A term in SPARQL syntax (IRIs in full, literals with their datatype or language)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        raise Unsupported("a blank node as a constraint parameter")
    if isinstance(node, Literal):
        text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype and node.datatype != XSD.string:
            return f'"{text}"^^<{node.datatype}>'
        return f'"{text}"'
    raise Unsupported(f"term {node!r}")


def to_ox(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (blank node labels that pyoxigraph rejects are hex-encoded)."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(_bnode_id(node))
    if node.language:  # type: ignore[attr-defined]
        return ox.Literal(str(node), language=node.language)  # type: ignore[attr-defined]
    datatype = node.datatype or XSD.string  # type: ignore[attr-defined]
    return ox.Literal(str(node), datatype=ox.NamedNode(str(datatype)))


def _bnode_id(node: BNode) -> str:
    text = str(node)
    return text if re.fullmatch(r"[A-Za-z0-9]+", text) else "x" + text.encode().hex()


def from_ox(term: object) -> Node | None:
    """A pyoxigraph term as an rdflib term (the inverse of :func:`to_ox`); None stays None."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        value = term.value
        if value.startswith("x") and re.fullmatch(r"x([0-9a-f]{2})+", value):
            try:
                return BNode(bytes.fromhex(value[1:]).decode())
            except ValueError:
                pass
        return BNode(value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise Unsupported(f"term {term!r}")


def load_graph(store: ox.Store, graph: Graph) -> None:
    """Add the triples of an rdflib graph to the store's default graph."""
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)  # type: ignore[arg-type]


def sparql_path(shapes: Graph, path: Node) -> str:
    """A SHACL property path (section 2.3.1) as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if shapes.value(path, RDF.first) is not None or path == RDF.nil:
        items = list(Collection(shapes, path))
        if len(items) < 2:
            raise Unsupported("a sequence path with fewer than two members")
        return "(" + "/".join(sparql_path(shapes, p) for p in items) + ")"
    for prop, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                           (SH.zeroOrOnePath, "{}?")):
        if (inner := shapes.value(path, prop)) is not None:
            return "(" + template.format(sparql_path(shapes, inner)) + ")"
    if (alternatives := shapes.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(sparql_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    raise Unsupported(f"path {path!r}")
