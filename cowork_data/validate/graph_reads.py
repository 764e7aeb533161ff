"""The predicates the compiled checks can read, so that a user's rows are loaded without the triples no check reads.

A user's rows become about 21 triples each (docs/decisions.md §20.5); the address text, the street, the phone and
the provenance — a sixth of them — are read by no shape of the core layer, and loading them into the store costs as
much as any other triple. :func:`read_predicates` derives the predicates from the checks' queries themselves (never
a list written by hand): every IRI in the place of a predicate in a triple pattern or a property path, in the
pattern of the query, of its sub-queries and of its ``EXISTS`` filters. A query that could read any predicate — a
variable or a negated property set in a predicate's place (a closed shape), or anything this reading does not
follow — makes it answer None, and then every triple is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cowork_data.errors import Unsupported
from cowork_data.validate.fastshacl.sparql import Group, Item, Token, build

__all__ = ["RDF_TYPE", "read_predicates"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBJECT, _VERB, _OBJECT, _AFTER = range(4)
_TERMS = {"var", "iri", "pname", "bnode", "string", "number"}
_MODIFIERS = {"GROUP", "BY", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "DISTINCT", "REDUCED", "WHERE", "AS"}


def _unbounded() -> Unsupported:
    """A query may read any predicate (or is written in a way this module does not follow)."""
    return Unsupported("a query that may read any predicate")


def read_predicates(queries: Iterable[str]) -> frozenset[str] | None:
    """The IRIs of every predicate the ``queries`` (SPARQL SELECT texts) can read, or None when one of them may
    read any predicate."""
    found: set[str] = set()
    try:
        for text in queries:
            if text:
                _Reader(found).query(build(text))
    except Unsupported:
        return None
    return frozenset(found)


class _Reader:
    def __init__(self, found: set[str]) -> None:
        self.found = found
        self.prefixes: dict[str, str] = {}

    def query(self, items: Sequence[Item]) -> None:
        i = 0
        while _word(items, i) == "PREFIX":
            name, iri = items[i + 1], items[i + 2]
            if not (isinstance(name, Token) and name.kind == "pname" and isinstance(iri, Token)
                    and iri.kind == "iri"):
                raise _unbounded()
            self.prefixes[name.text] = iri.text[1:-1]
            i += 3
        if _word(items, i) != "SELECT":
            raise _unbounded()  # BASE, ASK, CONSTRUCT…: not the checks' kind of query
        self.select(items[i:])

    def select(self, items: Sequence[Item]) -> None:
        """``SELECT … WHERE { pattern } modifiers``: the pattern, and the expressions of the projection and
        the modifiers (they may hold ``EXISTS``)."""
        seen_pattern = False
        for item in items[1:]:
            if isinstance(item, Group) and item.kind == "{" and not seen_pattern:
                self.pattern(item.items)
                seen_pattern = True
            elif isinstance(item, Group):
                self.expression(item)
            elif not (isinstance(item, Token) and (item.kind in ("var", "number", "punct")
                                                   or _upper(item) in _MODIFIERS | {"HAVING"})):
                raise _unbounded()
        if not seen_pattern:
            raise _unbounded()

    def expression(self, group: Group) -> None:
        """An expression reads triples only in its ``EXISTS { … }`` patterns."""
        for item in group.items:
            if isinstance(item, Group):
                if item.kind == "{":
                    self.pattern(item.items)
                else:
                    self.expression(item)

    def pattern(self, items: Sequence[Item]) -> None:
        """A group graph pattern: triples blocks, nested groups, OPTIONAL / MINUS / UNION, FILTER, BIND, VALUES
        and sub-queries."""
        if _word(items, 0) == "SELECT":
            self.select(items)
            return
        state, i = _SUBJECT, 0
        while i < len(items):
            item = items[i]
            word = _upper(item)
            if isinstance(item, Group):
                if item.kind == "{":
                    self.pattern(item.items)
                    state = _SUBJECT
                elif item.kind == "[" and state in (_SUBJECT, _OBJECT):
                    self.properties(item.items)
                    state = _VERB if state == _SUBJECT else _AFTER
                else:
                    raise _unbounded()  # a collection (rdf:first / rdf:rest), or a path where no verb is expected
            elif word in ("FILTER", "BIND"):
                i += 1
                while i < len(items) and not isinstance(items[i], Group):  # NOT EXISTS, a function's name
                    i += 1
                if i == len(items):
                    raise _unbounded()
                group = items[i]
                if group.kind == "{":
                    self.pattern(group.items)
                else:
                    self.expression(group)
                state = _SUBJECT
            elif word == "VALUES":
                i += 2  # the variables, then the data block: no triple read
                state = _SUBJECT
            elif word in ("OPTIONAL", "MINUS", "UNION"):
                state = _SUBJECT
            elif word in ("GRAPH", "SERVICE"):
                raise _unbounded()
            elif state == _VERB:
                i = self.path(items, i)
                state = _OBJECT
            elif isinstance(item, Token) and item.kind == "punct" and item.text in ".;,":
                if item.text != "." and state != _AFTER:
                    raise _unbounded()
                state = {".": _SUBJECT, ";": _VERB, ",": _OBJECT}[item.text]
            elif isinstance(item, Token) and item.kind == "lang" and state == _AFTER:
                pass
            elif isinstance(item, Token) and item.text == "^^" and state == _AFTER:
                i += 1  # a literal's datatype
            elif _is_term(item) and state == _SUBJECT:
                state = _VERB
            elif _is_term(item) and state == _OBJECT:
                state = _AFTER
            else:
                raise _unbounded()
            i += 1

    def properties(self, items: Sequence[Item]) -> None:
        """The inside of ``[ verb object ; … ]``."""
        self.pattern([Token("var", "?_"), *items])

    def path(self, items: Sequence[Item], i: int) -> int:
        """Read the verb or property path starting at ``items[i]``; the index of its last item."""
        while True:
            i = self.step(items, i)
            while i + 1 < len(items) and isinstance(items[i + 1], Token) and items[i + 1].kind == "punct" \
                    and items[i + 1].text in "*+?":
                i += 1
            nxt = items[i + 1] if i + 1 < len(items) else None
            if isinstance(nxt, Token) and nxt.kind == "punct" and nxt.text in "/|":
                i += 2
                continue
            return i

    def step(self, items: Sequence[Item], i: int) -> int:
        """One step of a path: ``^`` and an IRI, ``a``, or a bracketed path."""
        item = items[i] if i < len(items) else None
        if isinstance(item, Token) and item.kind == "punct" and item.text == "^":
            return self.step(items, i + 1)
        if isinstance(item, Group) and item.kind == "(":
            inner = list(item.items)
            if not inner:
                raise _unbounded()
            end = self.path(inner, 0)
            if end != len(inner) - 1:
                raise _unbounded()
            return i
        if _upper(item) == "A":
            self.found.add(RDF_TYPE)
            return i
        if isinstance(item, Token) and item.kind == "iri":
            if ":" not in item.text:  # a relative IRI: resolved against a base this module does not follow
                raise _unbounded()
            self.found.add(item.text[1:-1])
            return i
        if isinstance(item, Token) and item.kind == "pname":
            prefix, _, local = item.text.partition(":")
            if f"{prefix}:" not in self.prefixes or "\\" in local or "%" in local:
                raise _unbounded()
            self.found.add(self.prefixes[f"{prefix}:"] + local)
            return i
        raise _unbounded()  # a variable, a negated property set (!), anything else: any predicate


def _upper(item: Item | None) -> str:
    return item.text.upper() if isinstance(item, Token) and item.kind == "word" else ""


def _word(items: Sequence[Item], i: int) -> str:
    return _upper(items[i]) if i < len(items) else ""


def _is_term(item: Item) -> bool:
    return isinstance(item, Token) and (item.kind in _TERMS or _upper(item) in ("TRUE", "FALSE"))
