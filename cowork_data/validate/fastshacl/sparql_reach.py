"""The reach of a SPARQL constraint (see :mod:`.reach`), read from its query's triple patterns.

A SPARQL constraint's result on focus node F is a function of the solutions of its patterns with ``$this`` = F
(those of the WHERE clause, of its OPTIONAL and UNION groups, of its EXISTS and NOT EXISTS groups). A solution
maps every pattern node (variable or constant) to a node of the store; each node of a solution is reached from F
along a trail of patterns (each pattern used once, in its own direction or backwards), and every triple a
solution uses has as subject a node on such a trail, or a node inside a pattern's property path. So the paths
from ``$this`` along every trail of the pattern graph, to the subject of each pattern's triples, bound what a
result depends on: if a changed triple gains or loses a solution for F, its subject is reached from F by one of
these paths in the store that holds that solution (the store after the change for a solution gained, before it
for a solution lost — :func:`~.incremental.affected_focus` evaluates the paths on both).

A query is not analysed (its reach is None, and it runs on every focus node) when it holds a pattern no trail
from ``$this`` reaches (a pattern joined to the rest only through an expression), a variable in the predicate
position, a blank node property list or collection in a pattern, ``GRAPH``, ``SERVICE``, ``VALUES``, ``MINUS``, a
sub-select, or ``EXISTS`` outside the WHERE clause. :func:`sparql_reach_reason` says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib.namespace import RDF

from cowork_data.validate.fastshacl.model import Unsupported
from cowork_data.validate.fastshacl.rewrite import where_group
from cowork_data.validate.fastshacl.sparql import Group, Item, Token, is_word, walk

__all__ = ["sparql_reach", "sparql_reach_reason"]

#: Keywords that end a predicate-object list.
_KEYWORDS = ("FILTER", "BIND", "OPTIONAL", "UNION", "MINUS", "VALUES", "GRAPH", "SERVICE")
#: Alternative pattern sets (products of UNION branches) per query at most.
MAX_ALTERNATIVES = 64
#: Trails enumerated per query at most (a query with more is not analysed).
MAX_TRAILS = 4096

# A property path as a tree: ("iri", "<…>"), ("inv", x), ("seq", (x, …)), ("alt", (x, …)), ("*"|"+"|"?", x),
# ("neg", "!(…)" text).
Path = tuple


@dataclass(frozen=True)
class _Pattern:
    subject: str
    path: Path
    object: str


def _join(first: str, second: str) -> str:
    return f"{first}/{second}" if first and second else first or second


def _text(path: Path) -> str:
    kind = path[0]
    if kind == "iri":
        return path[1]
    if kind == "inv":
        inner = _text(path[1])
        return f"^{inner}" if path[1][0] == "iri" else f"^({inner})"
    if kind in ("seq", "alt"):
        return "(" + ("/" if kind == "seq" else "|").join(_text(p) for p in path[1]) + ")"
    if kind == "neg":
        return path[1]
    return f"({_text(path[1])}){kind}"


def _inverse(path: Path) -> Path:
    kind = path[0]
    if kind == "iri":
        return ("inv", path)
    if kind == "inv":
        return path[1]
    if kind == "seq":
        return ("seq", tuple(_inverse(p) for p in reversed(path[1])))
    if kind == "alt":
        return ("alt", tuple(_inverse(p) for p in path[1]))
    if kind == "neg":
        return ("inv", path)
    return (kind, _inverse(path[1]))


def _subjects(path: Path) -> tuple[set[str], str]:
    """Paths from the start of ``path`` to the subjects of the triples it reads ("" = the start), and its text."""
    kind = path[0]
    if kind == "iri":
        return {""}, path[1]
    if kind == "inv":
        inner = path[1]
        text = _text(path)
        if inner[0] == "iri":
            return {text}, text  # (X p start): X's triple
        return {"", text}, text  # an inverted negated set: either end (a superset)
    if kind == "neg":
        return {"", path[1]}, path[1]
    if kind == "seq":
        found: set[str] = set()
        prefix = ""
        for part in path[1]:
            inner, text = _subjects(part)
            found |= {_join(prefix, r) for r in inner}
            prefix = _join(prefix, text)
        return found, prefix
    if kind == "alt":
        found = set()
        for part in path[1]:
            found |= _subjects(part)[0]
        return found, _text(path)
    inner, text = _subjects(path[1])
    closure = f"({text})*"  # the start of every repetition (a superset for + and ?)
    return {_join(closure, r) for r in inner}, _text(path)


class _Reader:
    """Triple patterns out of a query tree, names expanded with the query's prefixes."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes

    def iri(self, token: Token) -> str:
        if token.kind == "iri":
            return token.text
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:
                raise Unsupported(f"undeclared prefix {prefix}:")
            return f"<{self.prefixes[prefix]}{local}>"
        if token.kind == "word" and token.text == "a":
            return f"<{RDF.type}>"
        raise Unsupported(f"{token.text!r} where an IRI is expected")

    def group(self, items: Sequence[Item]) -> list[list[_Pattern]]:
        """The patterns of a group pattern, one list per way a solution can match it (a UNION's branches are
        alternatives; OPTIONAL, EXISTS and nested groups join every alternative)."""
        out: list[list[_Pattern]] = [[]]
        union: list[list[_Pattern]] | None = None  # the branches of a UNION being read
        i = 0
        while i < len(items):
            item = items[i]
            if isinstance(item, Group) and item.kind == "{":
                inner = self.group(item.items)
                if is_word(items[i + 1] if i + 1 < len(items) else None, "UNION") or union is not None:
                    union = (union or []) + inner
                    if not is_word(items[i + 1] if i + 1 < len(items) else None, "UNION"):
                        out, union = _cross(out, union), None
                else:
                    out = _cross(out, inner)
                i += 1
            elif _punct(item, "."):
                i += 1
            elif is_word(item, "FILTER", "BIND"):
                found: list[list[_Pattern]] = []
                i = self.expression(items, i + 1, found)
                for inner in found:
                    out = _cross(out, inner)
            elif is_word(item, "OPTIONAL", "UNION"):
                i += 1
            elif is_word(item, "GRAPH", "SERVICE", "VALUES", "MINUS", "SELECT"):
                raise Unsupported(item.text.upper())  # type: ignore[union-attr]
            else:
                patterns: list[_Pattern] = []
                i = self.triples(items, i, patterns)
                out = [alt + patterns for alt in out]
        return out

    def expression(self, items: Sequence[Item], i: int, found: list) -> int:
        """Past a FILTER's or BIND's expression; the groups of its EXISTS are read into ``found``."""
        while i < len(items):
            item = items[i]
            if is_word(item, "NOT", "EXISTS"):
                i += 1
                continue
            if isinstance(item, Group) and item.kind == "{":
                found.append(self.group(item.items))
                return i + 1
            if isinstance(item, Group) and item.kind == "(":
                self.exists_in(item.items, found)
                return i + 1
            if isinstance(item, Token) and item.kind in ("pname", "iri", "word"):  # a function call: f( … )
                i += 1
                continue
            return i
        return i

    def exists_in(self, items: Sequence[Item], found: list) -> None:
        for j, item in enumerate(items):
            if isinstance(item, Group) and item.kind == "{" and j and is_word(items[j - 1], "EXISTS"):
                found.append(self.group(item.items))
            elif isinstance(item, Group):
                self.exists_in(item.items, found)

    def term(self, items: Sequence[Item], i: int) -> tuple[str, int]:
        item = items[i] if i < len(items) else None
        if isinstance(item, Group):
            raise Unsupported("a blank node property list or a collection in a pattern")
        if not isinstance(item, Token):
            raise Unsupported("a pattern that ends early")
        if item.kind == "var":
            return "?" + item.text[1:], i + 1
        if item.kind in ("iri", "pname") or (item.kind == "word" and item.text == "a"):
            return self.iri(item), i + 1
        if item.kind == "bnode":
            raise Unsupported("a blank node in a pattern")
        if item.kind == "punct" and item.text in "+-" and i + 1 < len(items):
            nxt = items[i + 1]
            if isinstance(nxt, Token) and nxt.kind == "number":
                return item.text + nxt.text, i + 2
        if item.kind == "string":
            text, i = item.text, i + 1
            nxt = items[i] if i < len(items) else None
            if isinstance(nxt, Token) and nxt.kind == "lang":
                return text + nxt.text, i + 1
            if isinstance(nxt, Token) and nxt.text == "^^":
                return text + "^^" + self.iri(items[i + 1]), i + 2  # type: ignore[arg-type]
            return text, i
        if item.kind == "number" or (item.kind == "word" and item.text.lower() in ("true", "false")):
            return item.text, i + 1
        raise Unsupported(f"{item.text!r} in a pattern")

    def triples(self, items: Sequence[Item], i: int, patterns: list[_Pattern]) -> int:
        """One subject with its predicate-object list, into ``patterns``."""
        subject, i = self.term(items, i)
        while True:
            path, i = self.path(items, i)
            while True:
                obj, i = self.term(items, i)
                patterns.append(_Pattern(subject, path, obj))
                if i < len(items) and _punct(items[i], ","):
                    i += 1
                    continue
                break
            if i < len(items) and _punct(items[i], ";"):
                while i < len(items) and _punct(items[i], ";"):
                    i += 1
                if i < len(items) and not _punct(items[i], ".") and not is_word(items[i], *_KEYWORDS) \
                        and not (isinstance(items[i], Group) and items[i].kind == "{"):  # type: ignore[union-attr]
                    continue
            return i

    # property paths: alt := seq ('|' seq)* ; seq := elt ('/' elt)* ; elt := '^'? primary mod?
    def path(self, items: Sequence[Item], i: int) -> tuple[Path, int]:
        item = items[i] if i < len(items) else None
        if isinstance(item, Token) and item.kind == "var":
            raise Unsupported("a variable in the predicate position")
        return self.joined(items, i, "|")

    def joined(self, items: Sequence[Item], i: int, separator: str) -> tuple[Path, int]:
        """Parts separated by ``|`` (sequences) or ``/`` (elements)."""
        parts = []
        while True:
            part, i = self.joined(items, i, "/") if separator == "|" else self.element(items, i)
            parts.append(part)
            if i < len(items) and _punct(items[i], separator):
                i += 1
                continue
            kind = "alt" if separator == "|" else "seq"
            return (parts[0] if len(parts) == 1 else (kind, tuple(parts))), i

    def element(self, items: Sequence[Item], i: int) -> tuple[Path, int]:
        inverse = i < len(items) and _punct(items[i], "^")
        i += inverse
        item = items[i] if i < len(items) else None
        if isinstance(item, Group) and item.kind == "(":
            primary, end = self.path(item.items, 0)
            if end != len(item.items):
                raise Unsupported("a property path that does not parse")
            i += 1
        elif _punct(item, "!"):
            following = items[i + 1] if i + 1 < len(items) else None
            if isinstance(following, Group):
                text = "!(" + "|".join(self.negated(following.items)) + ")"
            elif isinstance(following, Token):
                text = "!" + self.iri(following)
            else:
                raise Unsupported("a negated property set that does not parse")
            primary, i = ("neg", text), i + 2
        elif isinstance(item, Token):
            primary, i = ("iri", self.iri(item)), i + 1
        else:
            raise Unsupported("a property path that does not parse")
        following = items[i] if i < len(items) else None
        if isinstance(following, Token) and following.kind == "punct" and following.text in ("*", "+", "?"):
            primary, i = (following.text, primary), i + 1
        return (_inverse(primary) if inverse else primary), i

    def negated(self, items: Sequence[Item]) -> list[str]:
        out, inverse = [], ""
        for item in items:
            if _punct(item, "|"):
                continue
            if _punct(item, "^"):
                inverse = "^"
                continue
            if not isinstance(item, Token):
                raise Unsupported("a negated property set that does not parse")
            out.append(inverse + self.iri(item))
            inverse = ""
        return out


def _cross(out: list[list[_Pattern]], inner: list[list[_Pattern]]) -> list[list[_Pattern]]:
    crossed = [a + b for a in out for b in inner]
    if len(crossed) > MAX_ALTERNATIVES:
        raise Unsupported("too many UNION branches")
    return crossed


def _punct(item: Item | None, text: str) -> bool:
    return isinstance(item, Token) and item.kind == "punct" and item.text == text


def _prefix_map(prologue: str, items: Sequence[Item]) -> dict[str, str]:
    from cowork_data.validate.fastshacl.sparql import tokens

    found: dict[str, str] = {}
    flat = [t for t in tokens(prologue)] + [t for t, _s, _i in walk(items) if isinstance(t, Token)]
    for j in range(len(flat) - 2):
        if is_word(flat[j], "PREFIX") and flat[j + 1].kind == "pname" and flat[j + 2].kind == "iri":
            found[flat[j + 1].text[:-1]] = flat[j + 2].text[1:-1]
    return found


def _trails(patterns: list[_Pattern]) -> set[str]:
    """Paths from ``?this`` to the subject of every pattern's triples, along every trail; Unsupported when a
    pattern is on no trail or there are too many trails."""
    found: set[str] = {""}
    used_any: set[int] = set()
    count = 0

    def visit(node: str, at: str, used: frozenset[int]) -> None:
        nonlocal count
        count += 1
        if count > MAX_TRAILS:
            raise Unsupported("too many trails through the query's patterns")
        for k, p in enumerate(patterns):
            if k in used:
                continue
            for start, path, end in ((p.subject, p.path, p.object), (p.object, _inverse(p.path), p.subject)):
                if start != node:
                    continue
                inner, text = _subjects(path)
                found.update(_join(at, r) for r in inner)
                used_any.add(k)
                visit(end, _join(at, text), used | {k})

    visit("?this", "", frozenset())
    if len(used_any) != len(patterns):
        raise Unsupported("a pattern that no trail of patterns from $this reaches")
    return found


def sparql_reach_reason(items: Sequence[Item], prologue: str = "") -> tuple[tuple[str, ...] | None, str]:
    """The reach of a SPARQL constraint's query tree (``$PATH`` already written in; ``prologue``: the PREFIX
    declarations of its ``sh:prefixes``) as sorted paths, or None and the reason it was not analysed."""
    where = where_group(items)
    if where is None:
        return None, "no WHERE clause"
    outside = [i for i in items if i is not where]
    if any(is_word(item, "EXISTS") for item, _s, _i in walk(outside)):
        return None, "EXISTS outside the WHERE clause"
    reader = _Reader(_prefix_map(prologue, items))
    paths: set[str] = set()
    try:
        for patterns in reader.group(where.items):
            if not patterns:
                raise Unsupported("a group with no triple pattern")
            paths |= _trails(patterns)
    except Unsupported as exc:
        return None, str(exc)
    return tuple(sorted(p for p in paths if p)), ""


def sparql_reach(items: Sequence[Item], prologue: str = "") -> tuple[str, ...] | None:
    """:func:`sparql_reach_reason` without the reason."""
    return sparql_reach_reason(items, prologue)[0]
