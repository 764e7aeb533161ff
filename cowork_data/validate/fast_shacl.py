"""Graph validation against the SHACL shapes compiled to SPARQL and run on pyoxigraph (the fast engine).

SHACL spec: https://www.w3.org/TR/shacl/ (Core: section 4; SHACL-SPARQL: section 5). The reference engine is
pySHACL (:mod:`cowork_data.validate.shacl`); this one gives the same results (differential tests in
``tests/test_engines_shacl.py``, W3C test suite in ``tests/test_shacl_suite.py``) for the components in
:data:`CLAIMED`, orders of magnitude faster on large graphs because every constraint becomes one set-oriented
SPARQL query over all focus nodes instead of a Python loop per focus node.

Compilation: each shape's targets become a sub-select binding ``?this``; value nodes are ``?this <path> ?v``
(SPARQL property paths cover every SHACL path); each constraint component is either a boolean expression on
``?v`` (``FILTER(!COALESCE(expr, false))``: an evaluation error is a violation, as in SHACL), a grouped count
(min/max count), a pair pattern (equals, disjoint, lessThan...) or, for ``sh:sparql``, the constraint's own
SELECT with the focus sub-select injected where ``$this`` is pre-bound. Nested shapes (``sh:or``, ``sh:and``,
``sh:not``, ``sh:xone``, ``sh:node``) compile to expressions when all their constraints do.

Anything else (e.g. ``sh:qualifiedValueShape``, SPARQL-based constraint components, counts inside nested shapes)
raises :class:`Unsupported`; :func:`validate_graph` then falls back to pySHACL for the whole shapes graph and says
so (a logged warning and ``FastResult.fallback``).

Known difference: pyoxigraph stores numeric literals by value, so a finding's ``value`` text is canonical
(``"01"^^xsd:integer`` reads ``1``). Focus node, path, constraint component, shape and severity are the same.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from cowork_data.errors import Unsupported
from cowork_data.namespaces import SH
from cowork_data.validate import shacl as reference
from cowork_data.validate.report import Finding, Severity

__all__ = ["CLAIMED", "FastResult", "Result", "Unsupported", "compile_shapes", "run", "to_ox", "validate_graph",
           "validate_store"]

log = logging.getLogger(__name__)

#: Constraint components the engine compiles (everything else makes it fall back to pySHACL).
CLAIMED: tuple[str, ...] = (
    "sh:AndConstraintComponent", "sh:ClassConstraintComponent", "sh:ClosedConstraintComponent",
    "sh:DatatypeConstraintComponent", "sh:DisjointConstraintComponent", "sh:EqualsConstraintComponent",
    "sh:HasValueConstraintComponent", "sh:InConstraintComponent", "sh:LanguageInConstraintComponent",
    "sh:LessThanConstraintComponent", "sh:LessThanOrEqualsConstraintComponent", "sh:MaxCountConstraintComponent",
    "sh:MaxExclusiveConstraintComponent", "sh:MaxInclusiveConstraintComponent", "sh:MaxLengthConstraintComponent",
    "sh:MinCountConstraintComponent", "sh:MinExclusiveConstraintComponent", "sh:MinInclusiveConstraintComponent",
    "sh:MinLengthConstraintComponent", "sh:NodeConstraintComponent", "sh:NodeKindConstraintComponent",
    "sh:NotConstraintComponent", "sh:OrConstraintComponent", "sh:PatternConstraintComponent",
    "sh:SPARQLConstraintComponent", "sh:UniqueLangConstraintComponent", "sh:XoneConstraintComponent",
)

_SEVERITY: dict[Node, Severity] = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}
#: Datatypes whose lexical form SPARQL can check with a cast from the string (an ill-typed literal fails).
_CASTS = {XSD[t] for t in ("integer", "decimal", "float", "double", "boolean", "dateTime", "date", "time",
                           "gYear", "gYearMonth", "duration", "dayTimeDuration", "yearMonthDuration")}
#: Integer-derived datatypes, checked as an integer cast plus their value range.
_INTEGER_RANGES: dict[Node, tuple[int | None, int | None]] = {
    XSD.byte: (-128, 127), XSD.short: (-32768, 32767), XSD.int: (-2**31, 2**31 - 1), XSD.long: (-2**63, 2**63 - 1),
    XSD.unsignedByte: (0, 255), XSD.unsignedShort: (0, 65535), XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedLong: (0, 2**64 - 1), XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0), XSD.negativeInteger: (None, -1),
}
_PARAMS = {  # constraint parameters the engine understands (with their component)
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH["in"]: "In", SH.pattern: "Pattern",
    SH.minLength: "MinLength", SH.maxLength: "MaxLength", SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive", SH.maxExclusive: "MaxExclusive",
    SH.languageIn: "LanguageIn", SH.hasValue: "HasValue", SH["not"]: "Not", SH["and"]: "And", SH["or"]: "Or",
    SH.xone: "Xone", SH.node: "Node", SH.minCount: "MinCount", SH.maxCount: "MaxCount",
    SH.uniqueLang: "UniqueLang", SH.equals: "Equals", SH.disjoint: "Disjoint", SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals", SH.closed: "Closed", SH.sparql: "SPARQL",
}
#: Parameters that are part of another one, or only describe a shape.
_COMPANIONS = {SH.flags, SH.ignoredProperties, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
               SH.targetObjectsOf, SH.severity, SH.message, SH.name, SH.description, SH.deactivated, SH.property,
               SH.order, SH.group, SH.defaultValue}
_UNSUPPORTED = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.target}


@dataclass(frozen=True)
class Result:
    """One validation result, as terms of the data graph and of the shapes graph."""

    focus: Node
    path: Node | None
    value: Node | None
    severity: Node
    component: str
    shape: Node
    constraint: Node | None = None
    message: Node | None = None


@dataclass(frozen=True)
class Check:
    """One compiled constraint: its SPARQL (SELECT ?this [?value] [?path]) and what it reports."""

    shape: Node
    component: str
    query: str
    severity: Node
    path: Node | None
    constraint: Node | None = None
    value_is_focus: bool = False
    #: SPARQL whose ``$this`` must be substituted per focus node (nested groups), with the focus query.
    focus_query: str = ""
    #: A count check on a plain IRI path that :func:`run` merges with the others of the same targets:
    #: ``("min", path, 1)`` or ``("max", path, n)``.
    batch: tuple[str, str, int] | None = None
    #: The target patterns of the shape (``?this`` bound), for the batched checks.
    targets: tuple[str, ...] = ()


@dataclass
class FastResult:
    findings: list[Finding]
    fallback: str = ""
    checks: int = 0
    claimed: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- terms


def _n3(node: Node) -> str:
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


def _from_ox(term: object) -> Node | None:
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


# ---------------------------------------------------------------- paths and targets


def _path(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if shapes.value(path, RDF.first) is not None or path == RDF.nil:
        items = list(Collection(shapes, path))
        if len(items) < 2:
            raise Unsupported("a sequence path with fewer than two members")
        return "(" + "/".join(_path(shapes, p) for p in items) + ")"
    for prop, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                           (SH.zeroOrOnePath, "{}?")):
        if (inner := shapes.value(path, prop)) is not None:
            return "(" + template.format(_path(shapes, inner)) + ")"
    if (alternatives := shapes.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    raise Unsupported(f"path {path!r}")


def _targets(shapes: Graph, shape: Node) -> list[str]:
    parts = []
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes:
        classes.append(shape)
    for cls in sorted(set(classes)):
        parts.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_n3(cls)} .")
    nodes = sorted(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("VALUES ?this { " + " ".join(_n3(n) for n in nodes) + " }")
    for p in sorted(shapes.objects(shape, SH.targetSubjectsOf)):
        parts.append(f"?this {_n3(p)} ?_t .")
    for p in sorted(shapes.objects(shape, SH.targetObjectsOf)):
        parts.append(f"?_t {_n3(p)} ?this .")
    return parts


def _focus(parts: Sequence[str]) -> str:
    union = " UNION ".join("{ " + p + " }" for p in parts)
    return "{ SELECT DISTINCT ?this WHERE { " + union + " } }"


# ---------------------------------------------------------------- value expressions


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.fresh = 0

    def var(self) -> str:
        self.fresh += 1
        return f"?_v{self.fresh}"

    def list_of(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def value_expr(self, param: Node, value: Node, v: str, shape: Node) -> str | None:
        """The boolean SPARQL expression "value node ``v`` satisfies ``param value``", or None if not value-wise."""
        g = self.shapes
        if param == SH["class"]:
            return f"EXISTS {{ {v} <{RDF.type}>/<{RDFS.subClassOf}>* {_n3(value)} }}"
        if param == SH.datatype:
            if value == RDF.langString:
                return f"(isLiteral({v}) && LANG({v}) != \"\")"
            check = f"(isLiteral({v}) && DATATYPE({v}) = {_n3(value)} && LANG({v}) = \"\")"
            if value in _CASTS:
                check = check[:-1] + f" && isLiteral(<{value}>(STR({v}))))"
            elif value in _INTEGER_RANGES:
                low, high = _INTEGER_RANGES[value]
                as_int = f"<{XSD.integer}>(STR({v}))"
                bounds = "".join(f" && {as_int} {op} {n}" for op, n in ((">=", low), ("<=", high)) if n is not None)
                check = check[:-1] + (f" && COALESCE(isLiteral({as_int}) && !CONTAINS(STR({v}), \".\"){bounds},"
                                      " false))")
            return check
        if param == SH.nodeKind:
            kinds = {SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})", SH.Literal: f"isLiteral({v})",
                     SH.BlankNodeOrIRI: f"(isBlank({v}) || isIRI({v}))",
                     SH.BlankNodeOrLiteral: f"(isBlank({v}) || isLiteral({v}))",
                     SH.IRIOrLiteral: f"(isIRI({v}) || isLiteral({v}))"}
            if value not in kinds:
                raise Unsupported(f"sh:nodeKind {value}")
            return kinds[value]
        if param == SH["in"]:
            members = self.list_of(value)
            return "(" + " || ".join(f"sameTerm({v}, {_n3(m)})" for m in members) + ")" if members else "false"
        if param == SH.pattern:
            flags = g.value(shape, SH.flags)
            pattern = _n3(Literal(str(value)))
            extra = f", {_n3(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {pattern}{extra}))"
        if param in (SH.minLength, SH.maxLength):
            op = ">=" if param == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(value)})"
        ops = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
        if param in ops:
            return f"({v} {ops[param]} {_n3(value)})"
        if param == SH.languageIn:
            tags = self.list_of(value)
            alts = " || ".join(f"langMatches(LANG({v}), {_n3(Literal(str(t)))})" for t in tags)
            return f"(isLiteral({v}) && ({alts or 'false'}))"
        if param == SH["not"]:
            return f"!({self.conforms(value, v)})"
        if param == SH["and"]:
            return "(" + " && ".join(self.conforms(s, v) for s in self.list_of(value)) + ")"
        if param == SH["or"]:
            members = self.list_of(value)
            return "(" + " || ".join(self.conforms(s, v) for s in members) + ")" if members else "false"
        if param == SH.xone:
            members = self.list_of(value)
            count = " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in members) or "0"
            return f"(({count}) = 1)"
        if param == SH.node:
            return self.conforms(value, v)
        return None

    def conforms(self, shape: Node, v: str) -> str:
        """Expression: node ``v`` conforms to the (nested) ``shape``. Errors count as not conforming."""
        g = self.shapes
        if (shape, SH.deactivated, Literal(True)) in g:
            return "true"
        parts: list[str] = []
        path = g.value(shape, SH.path)
        if path is not None:
            y = self.var()
            inner = self.constraints_expr(shape, y)
            sparql_path = _path(g, path)
            if inner:
                parts.append(f"NOT EXISTS {{ {v} {sparql_path} {y} FILTER(!COALESCE({inner}, false)) }}")
            for value in g.objects(shape, SH.hasValue):
                parts.append(f"EXISTS {{ {v} {sparql_path} {y} FILTER(sameTerm({y}, {_n3(value)})) }}")
            for value in g.objects(shape, SH.minCount):
                if int(value) > 0:
                    parts.append(f"EXISTS {{ {self.distinct_values(v, sparql_path, int(value))} }}")
            for value in g.objects(shape, SH.maxCount):
                parts.append(f"NOT EXISTS {{ {self.distinct_values(v, sparql_path, int(value) + 1)} }}")
        else:
            inner = self.constraints_expr(shape, v)
            if inner:
                parts.append(f"COALESCE({inner}, false)")
            for value in g.objects(shape, SH.hasValue):
                parts.append(f"sameTerm({v}, {_n3(value)})")
        for prop in g.objects(shape, SH.property):
            parts.append(self.conforms(prop, v))
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def distinct_values(self, v: str, path: str, n: int) -> str:
        """A pattern matching when node ``v`` has at least ``n`` distinct values on ``path`` (small n only)."""
        if n > 4:
            raise Unsupported("a count above 3 in a nested shape")
        ys = [self.var() for _ in range(n)]
        distinct = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(ys) for b in ys[i + 1:])
        return " ".join(f"{v} {path} {y} ." for y in ys) + (f" FILTER({distinct})" if distinct else "")

    def constraints_expr(self, shape: Node, v: str) -> str:
        g = self.shapes
        exprs = []
        path = g.value(shape, SH.path)
        for param, value in sorted(g.predicate_objects(shape)):
            if param in _COMPANIONS or param == SH.hasValue or param == RDF.type:
                continue
            if path is not None and param in (SH.minCount, SH.maxCount):
                continue
            if param in (SH.closed,) and value == Literal(False):
                continue
            if param not in _PARAMS or param in _UNSUPPORTED:
                if str(param).startswith(str(SH)):
                    raise Unsupported(f"{reference._compact(param)} in a nested shape")
                continue
            expr = self.value_expr(param, value, v, shape)
            if expr is None:
                raise Unsupported(f"{reference._compact(param)} in a nested shape")
            exprs.append(f"COALESCE({expr}, false)")
        return " && ".join(exprs)


# ---------------------------------------------------------------- shapes to checks


def _shapes(g: Graph) -> list[Node]:
    """Every shape that has targets, or is a property shape of one (SHACL section 2.1)."""
    found = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found |= set(g.subjects(p, None))
    return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))


def compile_shapes(shapes: Graph) -> list[Check]:
    """The SPARQL checks of every targeted shape and of the property shapes under it."""
    compiler = _Compiler(shapes)
    custom = {shapes.value(p, SH.path) for p in shapes.objects(None, SH.parameter)}
    nodes = set(_shapes(shapes)) | set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.node))
    used = {p for s in nodes for p in shapes.predicates(s, None)}
    if custom & used:
        raise Unsupported("SPARQL-based constraint components (sh:ConstraintComponent)")
    checks: list[Check] = []
    for shape in _shapes(shapes):
        targets = _targets(shapes, shape)
        if not targets:
            continue
        if list(shapes.objects(shape, SH.target)):
            raise Unsupported("sh:target (SPARQL-based targets)")
        checks.extend(_compile(compiler, shape, targets, None, set()))
    return checks


def _compile(compiler: _Compiler, shape: Node, targets: list[str], _parent: Node | None,
             seen: set[Node]) -> Iterator[Check]:
    g = compiler.shapes
    if shape in seen:
        raise Unsupported("a recursive shape")
    seen = seen | {shape}
    if (shape, SH.deactivated, Literal(True)) in g:
        return
    severity = g.value(shape, SH.severity) or SH.Violation
    path = g.value(shape, SH.path)
    focus = _focus(targets)
    if path is not None:
        sparql_path = _path(g, path)
        values = f"{focus} ?this {sparql_path} ?value ."
    else:
        sparql_path = ""
        values = f"{focus} BIND(?this AS ?value)"
    plain_path = isinstance(path, URIRef)
    for param, value in sorted(g.predicate_objects(shape)):
        if param in _UNSUPPORTED:
            raise Unsupported(reference._compact(param))
        if param == SH.property:
            continue
        if param in _COMPANIONS or param not in _PARAMS:
            continue
        component = f"sh:{_PARAMS[param]}ConstraintComponent"
        check = dict(shape=shape, component=component, severity=severity, path=path)
        if param == SH.minCount or param == SH.maxCount:
            if path is None:
                raise Unsupported("min/max count on a node shape")
            op = "<" if param == SH.minCount else ">"
            q = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {sparql_path} ?value }} }} GROUP BY ?this "
                 f"HAVING (COUNT(DISTINCT ?value) {op} {int(value)})")
            kind = "min" if param == SH.minCount else "max"
            batch = (kind, sparql_path, int(value)) if plain_path and (kind == "max" or int(value) == 1) else None
            if kind == "min" and int(value) == 0:
                continue  # never violated
            yield Check(query=q, batch=batch, targets=tuple(targets), **check)  # type: ignore[arg-type]
        elif param == SH.hasValue:
            q = (f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ "
                 + (f"?this {sparql_path} ?_h" if path is not None else "BIND(?this AS ?_h)")
                 + f" FILTER(sameTerm(?_h, {_n3(value)})) }} }}")
            yield Check(query=q, **check)  # type: ignore[arg-type]
        elif param == SH.uniqueLang:
            if str(value) != "true":
                continue
            if path is None:
                raise Unsupported("sh:uniqueLang on a node shape")
            q = (f"SELECT DISTINCT ?this (LANG(?a) AS ?_lang) WHERE {{ {focus} ?this {sparql_path} ?a, ?b . "
                 f"FILTER(!sameTerm(?a, ?b) && LANG(?a) != \"\" && LANG(?a) = LANG(?b)) }}")
            yield Check(query=q, **check)  # type: ignore[arg-type]
        elif param in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            other = _n3(value)
            if param == SH.equals:
                q = (f"SELECT DISTINCT ?this ?value WHERE {{ {{ {values} "
                     f"FILTER NOT EXISTS {{ ?this {other} ?value }} }} "
                     f"UNION {{ {focus} ?this {other} ?value . FILTER NOT EXISTS {{ "
                     + (f"?this {sparql_path} ?value" if path is not None else "FILTER(sameTerm(?this, ?value))")
                     + " } } }")
            elif param == SH.disjoint:
                q = f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this {other} ?value . }}"
            else:
                op = "<" if param == SH.lessThan else "<="
                if path is None:
                    raise Unsupported("sh:lessThan on a node shape")
                q = (f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this {other} ?_w . "
                     f"FILTER(!COALESCE(?value {op} ?_w, false)) }}")
            yield Check(query=q, **check)  # type: ignore[arg-type]
        elif param == SH.closed:
            if str(value) != "true":
                continue
            allowed = {p for prop in g.objects(shape, SH.property) if isinstance(p := g.value(prop, SH.path), URIRef)}
            ignored = g.value(shape, SH.ignoredProperties)
            if ignored is not None:
                allowed |= set(compiler.list_of(ignored))
            if path is not None:
                raise Unsupported("sh:closed on a property shape")
            not_in = f"FILTER(?path NOT IN ({', '.join(_n3(p) for p in sorted(allowed))}))" if allowed else ""
            q = f"SELECT DISTINCT ?this ?path ?value WHERE {{ {values} ?this ?path ?value . {not_in} }}"
            yield Check(query=q.replace("BIND(?this AS ?value) ?this ?path ?value", "?this ?path ?value"),
                        **{**check, "path": None})  # type: ignore[arg-type]
        elif param == SH.sparql:
            yield _sparql_check(compiler, shape, value, focus, sparql_path, severity, path)
        else:
            expr = compiler.value_expr(param, value, "?value", shape)
            if expr is None:
                raise Unsupported(reference._compact(param))
            q = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER(!COALESCE({expr}, false)) }}"
            yield Check(query=q, **check)  # type: ignore[arg-type]
    for prop in sorted(g.objects(shape, SH.property), key=lambda n: (isinstance(n, BNode), str(n))):
        if g.value(prop, SH.path) is None:
            raise Unsupported("a property shape without sh:path")
        if path is not None:
            raise Unsupported("sh:property under a property shape")
        yield from _compile(compiler, prop, _targets_of_parent(targets), shape, seen)


def _targets_of_parent(targets: list[str]) -> list[str]:
    return targets


_FORBIDDEN_PREBOUND = re.compile(r"\b(MINUS|SERVICE|VALUES)\b|\bSELECT\b[^{]*\{[^}]*\bSELECT\b", re.I | re.S)


_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_FILTER = re.compile(r"\b(FILTER|BIND)\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)", re.I)


def _needs_substitution(body: str) -> bool:
    """True when ``$this`` is used only in expressions of a nested group (``{ FILTER($this = …) } UNION …``).

    There a join with the focus nodes at the top would not reach it, while SHACL's pre-binding does; anywhere
    else (triple patterns, EXISTS, top-level filters) the join at the top gives the same solutions.
    """
    text = _STRING.sub('""', body)
    if re.search(r"\bbound\s*\(\s*\$this\s*\)", text, re.I):
        return True
    stack: list[tuple[int, str]] = []
    for match in re.finditer(r"(\w*)\s*\{|\}", text):
        if match.group(0) == "}":
            if not stack:
                continue
            start, word = stack.pop()
            group = text[start:match.start()]
            if stack and word.upper() in ("", "UNION") and "$this" in group and "$this" not in _FILTER.sub("", group):
                return True
        else:
            stack.append((match.end(), match.group(1)))
    return False


_NOT_EXISTS = re.compile(r"\bFILTER\s+NOT\s+EXISTS\s*\{", re.I)
_NOT_A_BGP = re.compile(r"\b(OPTIONAL|UNION|BIND|VALUES|GRAPH|SERVICE|MINUS|SELECT)\b", re.I)


def _blank_strings(text: str) -> str:
    """``text`` with string literals and comments blanked out (same length, so indices carry over)."""
    text = _STRING.sub(lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text)


def _closing(text: str, start: int) -> int:
    """Index of the ``}`` matching the ``{`` at ``start`` (``text`` already blanked)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _not_exists_as_left_join(text: str, open_brace: int) -> str:
    """Top-level ``FILTER NOT EXISTS { P }`` of the group opening at ``open_brace`` as a left join.

    pyoxigraph evaluates NOT EXISTS against the whole inner pattern for every outer solution (quadratic: 42 s
    at 10k spaces for one core shape), while it evaluates a left join by hash. ``FILTER NOT EXISTS { P }``
    (with P triple patterns, property paths and filters only) has the same solutions as
    ``OPTIONAL { P BIND(true AS ?m) } FILTER(!BOUND(?m))`` placed at the end of the group: the filters of P become
    the left join's condition and see the outer solution (SPARQL 1.1 §18.2.2.6), variables shared with the outer
    solution join as the substitution of NOT EXISTS binds them, and the others stay local. Anything else
    (OPTIONAL, UNION, BIND, sub-queries inside P) is left as written.
    """
    blank = _blank_strings(text)
    end = _closing(blank, open_brace)
    if end < 0:
        return text
    moved, cuts, depth, i = [], [], 0, open_brace + 1
    while i < end:
        ch = blank[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and (match := _NOT_EXISTS.match(blank, i)):
            inner_open = match.end() - 1
            inner_close = _closing(blank, inner_open)
            inner = blank[inner_open + 1:inner_close]
            braces_ok = all(re.search(r"\bEXISTS\s*$", inner[:j], re.I) for j, c in enumerate(inner) if c == "{")
            if inner_close > 0 and braces_ok and not _NOT_A_BGP.search(inner):
                cuts.append((i, inner_close + 1))
                moved.append(text[inner_open + 1:inner_close])
                i = inner_close + 1
                continue
        i += 1
    if not cuts:
        return text
    tail = "".join(f" OPTIONAL {{ {inner} BIND(true AS ?_ne{k}) }} FILTER(!BOUND(?_ne{k}))"
                   for k, inner in enumerate(moved))
    out, last = [], 0
    for a, b in cuts:
        out.append(text[last:a])
        last = b
    out.append(text[last:end] + tail + "\n" + text[end:])
    return "".join(out)


def _union_branches(text: str, open_brace: int) -> list[int]:
    """Opening braces of the branches when the group at ``open_brace`` is only ``{ … } UNION { … } …``, else []."""
    blank = _blank_strings(text)
    end = _closing(blank, open_brace)
    branches, i = [], open_brace + 1
    while end > 0:
        while i < end and blank[i].isspace():
            i += 1
        if i >= end or blank[i] != "{":
            return []
        branches.append(i)
        i = _closing(blank, i) + 1
        while i < end and blank[i].isspace():
            i += 1
        if i == end:
            return branches if len(branches) > 1 else []
        if blank[i:i + 5].upper() != "UNION":
            return []
        i += 5
    return []


def _join_focus(text: str, open_brace: int, focus: str) -> str:
    """Join the focus nodes into the group at ``open_brace``: at its top, or at the top of every branch when the
    group is a union (the same solutions, as a join distributes over a union; pyoxigraph would otherwise evaluate
    the whole union once per focus node, quadratic: 1.8 s instead of 0.04 s at 10k spaces for CallFundingCrossShape).
    """
    for brace in reversed(_union_branches(text, open_brace) or [open_brace]):
        text = text[: brace + 1] + " " + focus + " " + text[brace + 1:]
    return text


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


def _sparql_check(compiler: _Compiler, shape: Node, constraint: Node, focus: str, sparql_path: str,
                  severity: Node, path: Node | None) -> Check:
    g = compiler.shapes
    select = g.value(constraint, SH.select)
    if select is None:
        raise Unsupported("sh:sparql without sh:select")
    if (constraint, SH.deactivated, Literal(True)) in g:
        return Check(shape=shape, component="sh:SPARQLConstraintComponent", query="", severity=severity, path=path,
                     constraint=constraint)
    text = str(select)
    body = re.sub(r"#[^\n]*", "", text)
    if _FORBIDDEN_PREBOUND.search(body) or "$value" in body:
        raise Unsupported("a SPARQL constraint with MINUS, SERVICE, VALUES or a sub-select")
    text = text.replace("$PATH", sparql_path or "<urn:x-no-path>")
    if "$currentShape" in text or "$shapesGraph" in text:
        if isinstance(shape, BNode):
            raise Unsupported("$currentShape of a blank node shape")
        text = text.replace("$currentShape", _n3(shape))
        if "$shapesGraph" in text:
            raise Unsupported("$shapesGraph")
    if _needs_substitution(body):
        # pre-binding reaches into nested groups, which a join at the top cannot: substitute per focus node
        query = _prefixes(g, constraint) + "\n" + text
        return Check(shape=shape, component="sh:SPARQLConstraintComponent", query=query, severity=severity,
                     path=path, constraint=constraint, value_is_focus=path is None,
                     focus_query=f"SELECT ?this WHERE {{ {focus} }}")
    text = text.replace("$this", "?this")
    where = re.search(r"\bWHERE\s*\{", text, re.I) or re.search(r"\{", text)
    if where is None:
        raise Unsupported("a SPARQL constraint without a WHERE clause")
    text = _not_exists_as_left_join(text, where.end() - 1)
    query = _prefixes(g, constraint) + "\n" + _join_focus(text, where.end() - 1, focus)
    return Check(shape=shape, component="sh:SPARQLConstraintComponent", query=query, severity=severity, path=path,
                 constraint=constraint, value_is_focus=path is None)


# ---------------------------------------------------------------- running


def run(store: ox.Store, checks: Iterable[Check], *, threads: int | None = None) -> list[Result]:
    """Run compiled checks on a store (the data graph and the vocabulary in its default graph).

    The count checks on plain IRI paths are merged per target set (:func:`_run_batch`); the others run one query
    each. The queries run on ``threads`` threads (default: the CPUs, at most 4): pyoxigraph evaluates a query
    without the GIL, so the checks share the cores.
    """
    checks = list(checks)
    classes = _Classes(store)
    batches: dict[tuple[str, ...], list[Check]] = {}
    for check in checks:
        if check.batch is not None:
            batches.setdefault(check.targets, []).append(check)
    workers = threads or min(4, os.cpu_count() or 1)
    for cls in sorted({m.group(2) for c in checks for m in _CLASS_PATH.finditer(c.query + " ".join(c.targets))}):
        classes.of(cls)  # fill the cache before the threads share it
    max_paths = sorted({str(c.batch[1]) for c in checks if c.batch and c.batch[0] == "max"})
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="shacl") as pool:
        # first the over-full subjects every target set's maxCount checks need, then every check
        full = dict(zip(max_paths, pool.map(functools.partial(_over_full, store), max_paths), strict=True))
        units = [functools.partial(_run_batch, store, targets, group, classes, full)
                 for targets, group in batches.items()]
        units += [functools.partial(_run_one, store, check, classes) for check in checks
                  if check.query and check.batch is None]
        return [r for done in pool.map(lambda unit: unit(), units) for r in done]


def _over_full(store: ox.Store, path: str) -> dict[str, int] | None:
    """The subjects with two values or more on ``path`` (``<iri>``) and their number of values, in one grouped
    scan of its triples (a triple is unique, so a subject's triples are its distinct values); None when one of
    them is a blank node (which a VALUES block cannot name: the caller then groups per check)."""
    query = f"SELECT ?_s (COUNT(*) AS ?_n) WHERE {{ ?_s {path} ?_o }} GROUP BY ?_s HAVING (COUNT(*) > 1)"
    over: dict[str, int] = {}
    for row in store.query(query):  # type: ignore[union-attr]
        subject = row["_s"]
        if not isinstance(subject, ox.NamedNode):
            return None
        over[f"<{subject.value}>"] = int(row["_n"].value)
    return over


def _run_one(store: ox.Store, check: Check, classes: _Classes) -> list[Result]:
    results: list[Result] = []
    for this, row, names in _solutions(store, check, classes):
        if this is None:
            continue
        value = _from_ox(row["value"]) if "value" in names else None
        path: Node | None = check.path
        if "path" in names and check.component in ("sh:ClosedConstraintComponent",
                                                   "sh:SPARQLConstraintComponent"):
            path = _from_ox(row["path"]) or path
        if value is None and check.value_is_focus:
            value = this
        results.append(Result(focus=this, path=path, value=value, severity=check.severity,
                              component=check.component, shape=check.shape, constraint=check.constraint))
    return results


def _run_batch(store: ox.Store, targets: tuple[str, ...], group: list[Check], classes: _Classes,
               full: Mapping[str, dict[str, int] | None]) -> list[Result]:
    """The count checks of one target set on plain IRI paths: two queries, plus one per over-full predicate.

    One count check alone costs a join of every focus node with its values (0.02–0.17 s at 10k spaces, and the
    core shapes have 70 of them); merged (docs/decisions.md §11):

    - ``sh:maxCount``: ``full`` holds, per predicate, the subjects with two values or more (:func:`_over_full`,
      one grouped scan per predicate and run, shared by every target set); those over the maximum are tested for
      membership of the focus nodes;
    - ``sh:minCount 1``: the focus nodes without a value on each required predicate, one query for all of them.

    Value constraints stay one query each: pyoxigraph evaluates an expression per row (≈ 0.5 µs), so merging
    them means evaluating every constraint on every row of the merged predicates (measured 3× slower).
    """
    focus, member = _membership(targets, classes)

    results: list[Result] = []

    def found(check: Check, this: object) -> None:
        if (focus_node := _from_ox(this)) is not None:
            results.append(Result(focus=focus_node, path=check.path, value=None, severity=check.severity,
                                  component=check.component, shape=check.shape, constraint=check.constraint))

    for check in group:
        if check.batch is None or check.batch[0] != "max":
            continue
        path, most = str(check.batch[1]), int(check.batch[2])
        over = full.get(path) if most >= 1 else None
        if over is None:  # a maximum of 0, or blank nodes among the over-full subjects: group per check
            queries = [f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {path} ?value }} GROUP BY ?this "
                       f"HAVING (COUNT(DISTINCT ?value) > {most}) }} FILTER({member}) }}"]
        else:  # the over-full subjects, tested for membership of the focus nodes
            subjects = sorted(subject for subject, n in over.items() if n > most)
            queries = [f"SELECT ?this WHERE {{ VALUES ?this {{ {' '.join(subjects[i:i + 5000])} }} "
                       f"FILTER({member}) }}" for i in range(0, len(subjects), 5000)]
        for query in queries:
            for row in store.query(query):  # type: ignore[union-attr]
                found(check, row["this"])
    mins = [c for c in group if c.batch and c.batch[0] == "min"]
    if mins:
        paths = " ".join(sorted({str(c.batch[1]) for c in mins if c.batch}))
        query = f"SELECT ?this ?_p WHERE {{ {focus} VALUES ?_p {{ {paths} }} FILTER NOT EXISTS {{ ?this ?_p ?_x }} }}"
        for row in store.query(query):  # type: ignore[union-attr]
            missing = f"<{row['_p'].value}>"
            for check in mins:
                if check.batch and check.batch[1] == missing:
                    found(check, row["this"])
    return results


_CLASS_PATH = re.compile(rf"(\?\w+|<[^>\s]+>) <{re.escape(str(RDF.type))}>/<{re.escape(str(RDFS.subClassOf))}>\* "
                         r"(<[^>\s]+>)")


class _Classes:
    """``X rdf:type/rdfs:subClassOf* C`` with the class hierarchy of the store resolved, for one run.

    The path walks the hierarchy for every node (several µs each in pyoxigraph); with ``C`` and its subclasses in
    the store listed first, it is one index lookup per class: ``X rdf:type C`` or
    ``VALUES ?_cN { C S1 … } X rdf:type ?_cN`` — the same solutions for this store.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.known: dict[str, list[str]] = {}
        self.counter = itertools.count()
        self.shares: dict[tuple[str, str], float] = {}

    def of(self, cls: str) -> list[str]:
        if cls not in self.known:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {cls} FILTER(isIRI(?c)) }}")
            self.known[cls] = sorted({f"<{row['c'].value}>" for row in rows} | {cls})  # type: ignore[union-attr]
        return self.known[cls]

    def resolve(self, query: str, *, focus: bool = True) -> str:
        """``query`` with the hierarchy resolved; with ``focus=False`` the ``?this`` patterns stay paths (in a
        standalone check pyoxigraph then scans the constrained predicate first and tests the class per row)."""
        def one(match: re.Match[str]) -> str:
            if not focus and match.group(1) == "?this":
                return match.group(0)
            node, classes = match.group(1), self.of(match.group(2))
            if len(classes) == 1:
                return f"{node} <{RDF.type}> {classes[0]}"
            var = f"?_class{next(self.counter)}"
            return f"VALUES {var} {{ {' '.join(classes)} }} {node} <{RDF.type}> {var}"

        if not focus:
            query = _VALUE_CHECK.sub(self._join_order, query)
        return _CLASS_PATH.sub(one, query)

    def share(self, cls: str, path: str, sample: int = 256) -> float:
        """Share of the subjects of ``path`` that are instances of ``cls``, on a sample of its triples (the store
        orders them by hashed term ids, so the first ones are a fair sample)."""
        key = (cls, path)
        if key not in self.shares:
            row = next(iter(self.store.query(  # type: ignore[call-overload]
                f"SELECT (COUNT(?s) AS ?n) (COUNT(?t) AS ?k) WHERE {{ {{ SELECT ?s WHERE {{ ?s {path} ?o }} "
                f"LIMIT {sample} }} OPTIONAL {{ ?s <{RDF.type}> ?t FILTER(sameTerm(?t, {cls})) }} }}")))
            total = int(row["n"].value)
            self.shares[key] = int(row["k"].value) / total if total else 1.0
        return self.shares[key]

    def _join_order(self, match: re.Match[str]) -> str:
        """Which side a value check starts from. The focus sub-select with the class path lets pyoxigraph start
        from the constrained predicate's triples and test the class per row: best when most of those triples are
        the focus nodes' (``wgs:lat`` of workspaces: 0.011 s against 0.045 s at 10k spaces). When most are other
        nodes' (``dct:type`` of 100 calls among 60,000 typed nodes), the plain class pattern starts from the focus
        nodes instead (0.071 s against 0.000 s)."""
        cls, path = match.group(2), match.group(3)
        if len(self.of(cls)) != 1 or (path != "?path" and self.share(cls, path) >= 0.5):
            return match.group(0)  # (any predicate, ``sh:closed``: always from the class, not from every triple)
        return f"?this <{RDF.type}> {cls} . ?this {path} ?value ."


_VALUE_CHECK = re.compile(
    r"(\{ SELECT DISTINCT \?this WHERE \{ \{ \?this " + rf"<{re.escape(str(RDF.type))}>/"
    + rf"<{re.escape(str(RDFS.subClassOf))}>\* " + r"(<[^>\s]+>) \. \} \} \}) \?this (<[^>\s]+>|\?path) \?value \.")


def _membership(targets: tuple[str, ...], classes: _Classes) -> tuple[str, str]:
    """The focus pattern (each focus node once) and the membership test (``?this`` bound) of a target set."""
    member = "EXISTS { " + " UNION ".join("{ " + classes.resolve(part) + " }" for part in targets) + " }"
    focus = classes.resolve(_focus(targets))
    if len(targets) == 1 and (single := classes.resolve(targets[0])).startswith("?this "):
        focus = single  # one class without subclasses: every node once, no DISTINCT needed
    return focus, member


def _solutions(store: ox.Store, check: Check, classes: _Classes) -> Iterator[tuple[Node, ox.QuerySolution, set[str]]]:
    if not check.focus_query:
        solutions = store.query(classes.resolve(check.query, focus=False))
        names = {v.value for v in solutions.variables}  # type: ignore[union-attr]
        for row in solutions:  # type: ignore[union-attr]
            this = _from_ox(row["this"])
            if this is not None:
                yield this, row, names
        return
    for focus_row in store.query(classes.resolve(check.focus_query)):  # type: ignore[union-attr]
        this = _from_ox(focus_row["this"])
        if this is None:
            continue
        where = re.search(r"\bWHERE\b", check.query, re.I) or re.search(r"\{", check.query)
        cut = where.start() if where else 0
        head = check.query[:cut].replace("$this", f"({_n3(this)} AS ?this)")
        body = re.sub(r"\bbound\s*\(\s*\$this\s*\)", "(true)", check.query[cut:], flags=re.I)
        solutions = store.query(head + body.replace("$this", _n3(this)))
        names = {v.value for v in solutions.variables}  # type: ignore[union-attr]
        for row in solutions:  # type: ignore[union-attr]
            yield this, row, names


def _load_graph(store: ox.Store, graph: Graph) -> None:
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)  # type: ignore[arg-type]


def validate_store(
    store: ox.Store,
    shapes: Graph,
) -> list[Finding]:
    """Validate the data already in ``store`` (with the vocabulary) against ``shapes``; raises Unsupported."""
    checks = compile_shapes(shapes)
    return findings(shapes, run(store, checks))


def findings(shapes: Graph, results: Iterable[Result]) -> list[Finding]:
    """Results as :class:`Finding` objects, built the same way as the reference engine's."""
    out = set()
    described: dict[tuple, tuple[str, str, str, str, str]] = {}  # the same for every result of one check
    for r in results:
        key = (r.shape, r.constraint, r.component, r.path)
        if key not in described:
            node_shape = reference._node_shape(shapes, r.shape)
            component = SH[r.component.removeprefix("sh:")]
            message_it, message_en = reference._messages(shapes, (r.constraint, r.shape), node_shape, [], component)
            described[key] = (reference._code(shapes, r.constraint, r.shape, component), message_it, message_en,
                              reference._path_text(shapes, r.path), reference._text(node_shape))
        code, message_it, message_en, path, shape = described[key]
        out.add(Finding(
            code=code,
            message_it=message_it,
            message_en=message_en,
            severity=_SEVERITY.get(r.severity, "error"),
            focus_node=reference._text(r.focus),
            path=path,
            constraint=r.component,
            shape=shape,
            value=reference._text(r.value),
        ))
    return sorted(out, key=reference._order)


def validate_graph(
    data: Graph,
    *,
    layers: Sequence[str] = ("core",),
    shapes_dir: Path | None = None,
    vocab_dir: Path | None = None,
) -> list[Finding]:
    """Same contract as :func:`cowork_data.validate.shacl.validate_graph`, on pyoxigraph."""
    return validate(data, layers=layers, shapes_dir=shapes_dir, vocab_dir=vocab_dir).findings


def validate(
    data: Graph | Path,
    *,
    layers: Sequence[str] = ("core",),
    shapes_dir: Path | None = None,
    vocab_dir: Path | None = None,
) -> FastResult:
    """Validate an rdflib graph, or an N-Triples file (bulk-loaded, never held in rdflib), with the fast engine.

    Falls back to pySHACL, with a warning, when the shapes use a feature the compiler does not support.
    """
    shapes = reference.load_shapes(layers, shapes_dir=shapes_dir)
    vocab_files = sorted((vocab_dir or reference.DEFAULT_VOCAB_DIR).glob("*.ttl"))
    try:
        checks = compile_shapes(shapes)
    except Unsupported as exc:
        reason = str(exc)
        log.warning("Motore SHACL veloce: %s non supportato, uso pySHACL. / Fast SHACL engine: %s unsupported, "
                    "falling back to pySHACL.", reason, reason)
        graph = data if isinstance(data, Graph) else Graph().parse(data, format="nt")
        return FastResult(reference.validate_graph(graph, layers=layers, shapes_dir=shapes_dir, vocab_dir=vocab_dir),
                          fallback=reason)
    store = ox.Store()
    if isinstance(data, Graph):
        _load_graph(store, data)
    else:
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    for path in vocab_files:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return FastResult(findings(shapes, run(store, checks)), checks=len(checks), claimed=list(CLAIMED))
