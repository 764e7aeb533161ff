"""Which other nodes a check's result on a focus node depends on, as SPARQL paths from the focus node.

A result on focus node F depends on triples of the store. Most checks read only F's own triples (subject F): its
types, its values on a plain predicate, the terms of those values. Some read the triples of other nodes: the types
of F's values (``sh:class``), the triples of its values (nested shapes with paths), intermediate nodes of a
sequence path, the subjects of an inverse path or of ``sh:targetObjectsOf``. The *reach* of a check lists paths
from F to every such node: if none of F's own triples and none of the triples of a node reachable from F on one of
those paths changed, F's result cannot have changed. The reach of a SPARQL constraint is read from its query
(:mod:`.sparql_reach`); here it is None.

The class hierarchy (``rdfs:subClassOf``, from the vocabulary) is outside the reach: a change to it changes the
results of every class target and every ``sh:class``.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

from cowork_data.namespaces import SH
from cowork_data.validate.fastshacl.expressions import COMPANIONS
from cowork_data.validate.fastshacl.model import Targets
from cowork_data.validate.fastshacl.terms import sparql_path

__all__ = ["check_reach", "join"]

#: Parameters whose value is one or more nested shapes, evaluated on the value node.
_NESTED = {SH.node, SH["not"], SH["and"], SH["or"], SH.xone}

#: Paths found, or None when the nodes read cannot be listed as paths (the check then runs on every focus node).
Paths = set[str] | None


def join(first: str, second: str) -> str:
    """Path ``second`` after path ``first`` (``""`` is the empty path)."""
    return f"{first}/{second}" if first and second else first or second


def _union(parts: list[Paths]) -> Paths:
    return None if any(p is None for p in parts) else set().union(*parts)  # type: ignore[arg-type]


def _path_reach(shapes: Graph, path: Node) -> Paths:
    """Paths to the subjects, other than the start, of the triples read while following ``path``."""
    if isinstance(path, URIRef):
        return set()
    if shapes.value(path, RDF.first) is not None:
        found: set[str] = set()
        prefix = ""
        for step in Collection(shapes, path):
            if prefix:
                found.add(prefix)  # the next step reads the triples of the nodes reached so far
            inner = _path_reach(shapes, step)
            if inner is None:
                return None
            found |= {join(prefix, r) for r in inner}
            prefix = join(prefix, sparql_path(shapes, step))
        return found
    if (inverse := shapes.value(path, SH.inversePath)) is not None:
        return {sparql_path(shapes, path)} if isinstance(inverse, URIRef) else None  # (X p F): X's triple
    if (alternatives := shapes.value(path, SH.alternativePath)) is not None:
        return _union([_path_reach(shapes, p) for p in Collection(shapes, alternatives)])
    for repeat in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        if (inner := shapes.value(path, repeat)) is not None:
            if not (isinstance(inner, URIRef) or isinstance(shapes.value(inner, SH.inversePath), URIRef)):
                return None  # a repeated complex path
            closure = "(" + sparql_path(shapes, inner) + ")*"
            return {closure} | {join(closure, r) for r in _path_reach(shapes, inner) or ()}
    return None


def _value_reach(shapes: Graph, param: Node, value: Node, seen: frozenset[Node]) -> Paths:
    """Paths from a value node to the nodes whose triples the constraint ``param value`` reads ("" = itself)."""
    if param == SH["class"]:
        return {""}
    if param in _NESTED:
        nested = [value] if param in (SH.node, SH["not"]) else list(Collection(shapes, value))
        return _union([_shape_reach(shapes, s, seen) for s in nested])
    if param == SH.closed and value == Literal(True):
        return {""}
    return set()


def _shape_reach(shapes: Graph, shape: Node, seen: frozenset[Node]) -> Paths:
    """Paths from a node to the nodes whose triples conforming to the nested ``shape`` reads."""
    if shape in seen:
        return None  # a recursive shape
    seen = seen | {shape}
    found: set[str] = set()
    path = shapes.value(shape, SH.path)
    steps = sparql_path(shapes, path) if path is not None else ""
    if path is not None:
        along = _path_reach(shapes, path)
        if along is None:
            return None
        found |= {""} | along
    for param, value in shapes.predicate_objects(shape):
        if param == SH.property:  # evaluated on the same node, as the compiler does
            more = _shape_reach(shapes, value, seen)
        elif param not in COMPANIONS:
            inner = _value_reach(shapes, param, value, seen)
            more = None if inner is None else {join(steps, r) for r in inner}
        else:
            continue
        if more is None:
            return None
        found |= more
    return found


def check_reach(shapes: Graph, shape: Node, targets: Targets, path: Node | None, param: Node,
                value: Node) -> tuple[str, ...] | None:
    """The reach of the check of ``param value`` on ``shape`` (sorted paths), None for a SPARQL constraint or
    paths that cannot be bounded."""
    if param == SH.sparql:
        return None
    found = {f"(^{p})" for p in targets.objects_of}
    steps = ""
    if path is not None:
        along = _path_reach(shapes, path)
        if along is None:
            return None
        found |= along
        steps = sparql_path(shapes, path)
    inner = _value_reach(shapes, param, value, frozenset({shape}))
    if inner is None:
        return None
    found |= {join(steps, r) for r in inner}
    return tuple(sorted(p for p in found if p))
