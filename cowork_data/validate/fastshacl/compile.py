"""Shapes to checks: one SPARQL query per constraint over all focus nodes (SHACL Core section 4, SPARQL section 5).

Each shape's targets become a :class:`~.model.Focus` slot (the focus nodes, written by the plan of a run); value
nodes are ``?this <path> ?value`` (SPARQL property paths cover every SHACL path); each constraint component is a
boolean expression on ``?value`` (:mod:`.expressions`), a grouped count (min/max count), a pair pattern (equals,
disjoint, lessThan…) or, for ``sh:sparql``, the constraint's own SELECT with the focus nodes joined where ``$this``
is pre-bound (:mod:`.rewrite`). Anything else raises :class:`~.model.Unsupported`.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from cowork_data.namespaces import SH
from cowork_data.validate.fastshacl import rewrite
from cowork_data.validate.fastshacl.expressions import COMPANIONS, PARAMS, UNSUPPORTED, Expressions
from cowork_data.validate.fastshacl.model import Check, Focus, Scan, Targets, Unsupported
from cowork_data.validate.fastshacl.reach import check_reach
from cowork_data.validate.fastshacl.sparql import Item, build
from cowork_data.validate.fastshacl.sparql_reach import sparql_reach_reason
from cowork_data.validate.fastshacl.terms import n3, sparql_path
from cowork_data.validate.shapes import compact

__all__ = ["compile_shapes", "shape_targets"]


def _shapes(g: Graph) -> list[Node]:
    """Every shape that has targets, or is a property shape of one (SHACL section 2.1)."""
    found = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found |= set(g.subjects(p, None))
    return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))


def shape_targets(shapes: Graph, shape: Node) -> Targets:
    """The targets of ``shape`` (an ``rdfs:Class`` that is a shape targets its own instances)."""
    classes = set(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes:
        classes.add(shape)
    return Targets(
        classes=tuple(n3(c) for c in sorted(classes)),
        nodes=tuple(n3(n) for n in sorted(shapes.objects(shape, SH.targetNode))),
        subjects_of=tuple(n3(p) for p in sorted(shapes.objects(shape, SH.targetSubjectsOf))),
        objects_of=tuple(n3(p) for p in sorted(shapes.objects(shape, SH.targetObjectsOf))),
    )


def compile_shapes(shapes: Graph) -> list[Check]:
    """The SPARQL checks of every targeted shape and of the property shapes under it."""
    expressions = Expressions(shapes)
    custom = {shapes.value(p, SH.path) for p in shapes.objects(None, SH.parameter)}
    nodes = set(_shapes(shapes)) | set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.node))
    used = {p for s in nodes for p in shapes.predicates(s, None)}
    if custom & used:
        raise Unsupported("SPARQL-based constraint components (sh:ConstraintComponent)")
    checks: list[Check] = []
    for shape in _shapes(shapes):
        targets = shape_targets(shapes, shape)
        if not targets:
            continue
        if list(shapes.objects(shape, SH.target)):
            raise Unsupported("sh:target (SPARQL-based targets)")
        checks.extend(_compile(expressions, shape, targets, set()))
    return checks


def _compile(expressions: Expressions, shape: Node, targets: Targets, seen: set[Node]) -> Iterator[Check]:
    g = expressions.shapes
    if shape in seen:
        raise Unsupported("a recursive shape")
    seen = seen | {shape}
    if (shape, SH.deactivated, Literal(True)) in g:
        return
    severity = g.value(shape, SH.severity) or SH.Violation
    path = g.value(shape, SH.path)
    focus = Focus(targets)
    steps = sparql_path(g, path) if path is not None else ""
    if isinstance(path, URIRef):
        values: list[str | Focus | Scan] = [Scan(targets, steps)]
    elif path is not None:
        values = [focus, f"?this {steps} ?value ."]
    else:
        values = [focus, "BIND(?this AS ?value)"]
    for param, value in sorted(g.predicate_objects(shape)):
        if param in UNSUPPORTED:
            raise Unsupported(compact(param))
        if param == SH.property or param in COMPANIONS or param not in PARAMS:
            continue
        check = dict(shape=shape, component=f"sh:{PARAMS[param]}ConstraintComponent", severity=severity, path=path,
                     targets=targets, reach=check_reach(g, shape, targets, path, param, value))
        if param == SH.sparql:
            yield _sparql_check(expressions, constraint=value, focus=focus, steps=steps, **check)  # type: ignore
            continue
        query = _core_query(expressions, shape, param, value, path, steps, focus, targets, values)
        if query is None:
            continue
        items, extra = query
        yield Check(query=items, **{**check, **extra})  # type: ignore[arg-type]
    for prop in sorted(g.objects(shape, SH.property), key=lambda n: (isinstance(n, BNode), str(n))):
        if g.value(prop, SH.path) is None:
            raise Unsupported("a property shape without sh:path")
        if path is not None:
            raise Unsupported("sh:property under a property shape")
        yield from _compile(expressions, prop, targets, seen)


def _core_query(expressions: Expressions, shape: Node, param: Node, value: Node, path: Node | None, steps: str,
                focus: Focus, targets: Targets, values: list) -> tuple[list[Item], dict] | None:
    """The query of a SHACL Core constraint, and the check's other fields; None when it can never be violated."""
    g = expressions.shapes
    if param in (SH.minCount, SH.maxCount):
        if path is None:
            raise Unsupported("min/max count on a node shape")
        kind, op, n = ("min", "<", int(value)) if param == SH.minCount else ("max", ">", int(value))
        if kind == "min" and n == 0:
            return None  # never violated
        items = build("SELECT ?this WHERE {", focus, f"OPTIONAL {{ ?this {steps} ?value }} }} GROUP BY ?this "
                      f"HAVING (COUNT(DISTINCT ?value) {op} {n})")
        batch = (kind, steps, n) if isinstance(path, URIRef) and (kind == "max" or n == 1) else None
        return items, {"batch": batch}
    if param == SH.hasValue:
        has = f"?this {steps} ?_h" if path is not None else "BIND(?this AS ?_h)"
        return build("SELECT ?this WHERE {", focus, f"FILTER NOT EXISTS {{ {has} FILTER(sameTerm(?_h, {n3(value)})) "
                     "} }"), {}
    if param == SH.uniqueLang:
        if str(value) != "true":
            return None
        if path is None:
            raise Unsupported("sh:uniqueLang on a node shape")
        return build("SELECT DISTINCT ?this (LANG(?a) AS ?_lang) WHERE {", focus, f"?this {steps} ?a, ?b . "
                     "FILTER(!sameTerm(?a, ?b) && LANG(?a) != \"\" && LANG(?a) = LANG(?b)) }"), {}
    if param in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
        return _pair_query(param, value, path, steps, focus, targets, values), {}
    if param == SH.closed:
        if str(value) != "true":
            return None
        if path is not None:
            raise Unsupported("sh:closed on a property shape")
        allowed = {p for prop in g.objects(shape, SH.property) if isinstance(p := g.value(prop, SH.path), URIRef)}
        if (ignored := g.value(shape, SH.ignoredProperties)) is not None:
            allowed |= set(expressions.list_of(ignored))
        not_in = f"FILTER(?path NOT IN ({', '.join(n3(p) for p in sorted(allowed))}))" if allowed else ""
        return build("SELECT DISTINCT ?this ?path ?value WHERE {", Scan(targets, "?path"), f"{not_in} }}"), \
            {"path": None}
    expr = expressions.value_expr(param, value, "?value", shape)
    if expr is None:
        raise Unsupported(compact(param))
    return build("SELECT DISTINCT ?this ?value WHERE {", *values, f"FILTER(!COALESCE({expr}, false)) }}"), {}


def _pair_query(param: Node, value: Node, path: Node | None, steps: str, focus: Focus, targets: Targets,
                values: list) -> list[Item]:
    other = n3(value)
    if param == SH.equals:
        missing = f"?this {steps} ?value" if path is not None else "FILTER(sameTerm(?this, ?value))"
        return build("SELECT DISTINCT ?this ?value WHERE { {", *values, f"FILTER NOT EXISTS {{ ?this {other} ?value }}"
                     " } UNION {", Scan(targets, other), f"FILTER NOT EXISTS {{ {missing} }} }} }}")
    if param == SH.disjoint:
        return build("SELECT DISTINCT ?this ?value WHERE {", *values, f"?this {other} ?value . }}")
    if path is None:
        raise Unsupported("sh:lessThan on a node shape")
    op = "<" if param == SH.lessThan else "<="
    return build("SELECT DISTINCT ?this ?value WHERE {", *values, f"?this {other} ?_w . "
                 f"FILTER(!COALESCE(?value {op} ?_w, false)) }}")


def _prefixes(g: Graph, constraint: Node) -> str:
    lines = []
    todo, seen = list(g.objects(constraint, SH.prefixes)), set()
    while todo:
        ontology = todo.pop()
        if ontology in seen:
            continue
        seen.add(ontology)
        todo.extend(g.objects(ontology, OWL.imports))
        for decl in g.objects(ontology, SH.declare):
            prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _sparql_check(expressions: Expressions, *, shape: Node, constraint: Node, focus: Focus, steps: str,
                  component: str, severity: Node, path: Node | None, targets: Targets,
                  reach: tuple[str, ...] | None) -> Check:
    g = expressions.shapes
    check = dict(shape=shape, component=component, severity=severity, path=path, constraint=constraint,
                 targets=targets, reach=reach, value_is_focus=path is None)
    select = g.value(constraint, SH.select)
    if select is None:
        raise Unsupported("sh:sparql without sh:select")
    if (constraint, SH.deactivated, Literal(True)) in g:
        return Check(query=None, **check)  # type: ignore[arg-type]
    current = n3(shape) if not isinstance(shape, BNode) else None
    items = rewrite.constraint_tree(str(select), path=steps or None, current_shape=current)
    prologue = _prefixes(g, constraint)
    paths, why = sparql_reach_reason(items, prologue)
    if paths is not None:
        paths = tuple(sorted(set(paths) | {f"(^{p})" for p in targets.objects_of}))
    check.update(reach=paths, reach_note=why)
    if rewrite.needs_substitution(items):
        # pre-binding reaches into nested groups, which a join at the top cannot: substitute per focus node
        return Check(query=build(prologue, items), substitute=True, **check)  # type: ignore
    rewrite.rename_this(items)
    where = rewrite.where_group(items)
    assert where is not None  # constraint_tree raised otherwise
    rewrite.not_exists_as_left_join(where)
    rewrite.join_focus(where, focus)
    return Check(query=build(prologue, items), **check)  # type: ignore[arg-type]
