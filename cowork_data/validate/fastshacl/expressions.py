"""Constraints on one value node as SPARQL boolean expressions (SHACL Core, section 4), nested shapes included.

Each expression is true when the value node satisfies the constraint; the checks wrap it in
``FILTER(!COALESCE(expr, false))``, so that an evaluation error counts as a violation, as in SHACL.
"""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from cowork_data.namespaces import SH
from cowork_data.validate.fastshacl.model import Unsupported, class_path
from cowork_data.validate.fastshacl.terms import n3, sparql_path
from cowork_data.validate.shapes import compact

__all__ = ["COMPANIONS", "PARAMS", "UNSUPPORTED", "Expressions"]

#: Constraint parameters the engine understands, with their component (``sh:{name}ConstraintComponent``).
PARAMS: dict[Node, str] = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH["in"]: "In", SH.pattern: "Pattern",
    SH.minLength: "MinLength", SH.maxLength: "MaxLength", SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive", SH.maxExclusive: "MaxExclusive",
    SH.languageIn: "LanguageIn", SH.hasValue: "HasValue", SH["not"]: "Not", SH["and"]: "And", SH["or"]: "Or",
    SH.xone: "Xone", SH.node: "Node", SH.minCount: "MinCount", SH.maxCount: "MaxCount",
    SH.uniqueLang: "UniqueLang", SH.equals: "Equals", SH.disjoint: "Disjoint", SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals", SH.closed: "Closed", SH.sparql: "SPARQL",
}
#: Parameters that are part of another one, or only describe a shape.
COMPANIONS = {SH.flags, SH.ignoredProperties, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
              SH.targetObjectsOf, SH.severity, SH.message, SH.name, SH.description, SH.deactivated, SH.property,
              SH.order, SH.group, SH.defaultValue}
#: Parameters of components the engine does not claim.
UNSUPPORTED = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.target}

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
_NODE_KINDS = {SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
               SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
               SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
               SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))"}
_ORDER = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}


class Expressions:
    """Writes the expressions of one shapes graph (fresh variable names are unique per instance)."""

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
        if param == SH["class"]:
            return f"EXISTS {{ {class_path(v, n3(value))} }}"
        if param == SH.datatype:
            return self._datatype(value, v)
        if param == SH.nodeKind:
            if value not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {value}")
            return _NODE_KINDS[value].format(v=v)
        if param == SH["in"]:
            members = self.list_of(value)
            return "(" + " || ".join(f"sameTerm({v}, {n3(m)})" for m in members) + ")" if members else "false"
        if param == SH.pattern:
            flags = self.shapes.value(shape, SH.flags)
            extra = f", {n3(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {n3(Literal(str(value)))}{extra}))"
        if param in (SH.minLength, SH.maxLength):
            op = ">=" if param == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(value)})"
        if param in _ORDER:
            return f"({v} {_ORDER[param]} {n3(value)})"
        if param == SH.languageIn:
            alts = " || ".join(f"langMatches(LANG({v}), {n3(Literal(str(t)))})" for t in self.list_of(value))
            return f"(isLiteral({v}) && ({alts or 'false'}))"
        return self._logical(param, value, v)

    def _datatype(self, value: Node, v: str) -> str:
        if value == RDF.langString:
            return f"(isLiteral({v}) && LANG({v}) != \"\")"
        check = f"(isLiteral({v}) && DATATYPE({v}) = {n3(value)} && LANG({v}) = \"\")"
        if value in _CASTS:
            check = check[:-1] + f" && isLiteral(<{value}>(STR({v}))))"
        elif value in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[value]
            as_int = f"<{XSD.integer}>(STR({v}))"
            bounds = "".join(f" && {as_int} {op} {n}" for op, n in ((">=", low), ("<=", high)) if n is not None)
            check = check[:-1] + (f" && COALESCE(isLiteral({as_int}) && !CONTAINS(STR({v}), \".\"){bounds},"
                                  " false))")
        return check

    def _logical(self, param: Node, value: Node, v: str) -> str | None:
        if param == SH["not"]:
            return f"!({self.conforms(value, v)})"
        if param == SH["and"]:
            return "(" + " && ".join(self.conforms(s, v) for s in self.list_of(value)) + ")"
        if param == SH["or"]:
            members = self.list_of(value)
            return "(" + " || ".join(self.conforms(s, v) for s in members) + ")" if members else "false"
        if param == SH.xone:
            count = " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in self.list_of(value)) or "0"
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
            steps = sparql_path(g, path)
            if inner:
                parts.append(f"NOT EXISTS {{ {v} {steps} {y} FILTER(!COALESCE({inner}, false)) }}")
            for value in g.objects(shape, SH.hasValue):
                parts.append(f"EXISTS {{ {v} {steps} {y} FILTER(sameTerm({y}, {n3(value)})) }}")
            for value in g.objects(shape, SH.minCount):
                if int(value) > 0:
                    parts.append(f"EXISTS {{ {self.distinct_values(v, steps, int(value))} }}")
            for value in g.objects(shape, SH.maxCount):
                parts.append(f"NOT EXISTS {{ {self.distinct_values(v, steps, int(value) + 1)} }}")
        else:
            inner = self.constraints_expr(shape, v)
            if inner:
                parts.append(f"COALESCE({inner}, false)")
            for value in g.objects(shape, SH.hasValue):
                parts.append(f"sameTerm({v}, {n3(value)})")
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
            if param in COMPANIONS or param == SH.hasValue or param == RDF.type:
                continue
            if path is not None and param in (SH.minCount, SH.maxCount):
                continue
            if param in (SH.closed,) and value == Literal(False):
                continue
            if param not in PARAMS or param in UNSUPPORTED:
                if str(param).startswith(str(SH)):
                    raise Unsupported(f"{compact(param)} in a nested shape")
                continue
            expr = self.value_expr(param, value, v, shape)
            if expr is None:
                raise Unsupported(f"{compact(param)} in a nested shape")
            exprs.append(f"COALESCE({expr}, false)")
        return " && ".join(exprs)
