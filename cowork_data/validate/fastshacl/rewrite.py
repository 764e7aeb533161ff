"""The rewrites of a SHACL-SPARQL constraint's SELECT (SHACL section 5), on its token tree (:mod:`.sparql`).

SHACL pre-binds ``$this`` to each focus node in turn (section 5.3.1). The engine instead joins the focus nodes into
the query once (:func:`join_focus`), which gives the same solutions wherever ``$this`` is bound by the query's own
patterns or filtered at its top; where it is not (:func:`needs_substitution`), the query runs once per focus node
with ``$this`` substituted (:func:`substitute_this`), as the spec's pre-binding does. :func:`not_exists_as_left_join`
rewrites a top-level ``FILTER NOT EXISTS`` over triple patterns as a left join, which pyoxigraph evaluates by hash
instead of once per outer solution (docs/decisions.md §10).
"""

from __future__ import annotations

from collections.abc import Sequence

from cowork_data.validate.fastshacl.model import Unsupported
from cowork_data.validate.fastshacl.sparql import (
    Group,
    Item,
    Slot,
    Token,
    build,
    find_vars,
    is_var,
    is_word,
    walk,
)

__all__ = ["constraint_tree", "join_focus", "needs_substitution", "not_exists_as_left_join", "rename_this",
           "substitute_this", "where_group"]

#: Patterns SHACL forbids where ``$this`` is pre-bound (section 5.3.1, and sub-selects, which the engine leaves out).
_FORBIDDEN = ("MINUS", "SERVICE", "VALUES")
#: What a ``FILTER NOT EXISTS`` may not contain for its left-join form to have the same solutions.
_NOT_A_BGP = ("OPTIONAL", "UNION", "BIND", "VALUES", "GRAPH", "SERVICE", "MINUS", "SELECT")


def constraint_tree(text: str, *, path: str | None, current_shape: str | None) -> list[Item]:
    """The tree of an ``sh:select`` with ``$PATH`` and ``$currentShape`` written in; raises :class:`Unsupported`
    for what the engine does not run (a syntax error, MINUS/SERVICE/VALUES, a sub-select, ``$value``,
    ``$shapesGraph``, ``$currentShape`` of a blank node shape)."""
    try:
        items = build(text)
    except Unsupported as exc:
        raise Unsupported(f"a SPARQL constraint that does not parse ({exc})") from exc
    where = where_group(items)
    if where is None:
        raise Unsupported("a SPARQL constraint without a WHERE clause")
    nested = [item for group in items if isinstance(group, Group) for item, _seq, _i in walk(group.items)]
    if any(is_word(item, *_FORBIDDEN) for item, _seq, _i in walk(items)) or any(is_word(i, "SELECT") for i in nested):
        raise Unsupported("a SPARQL constraint with MINUS, SERVICE, VALUES or a sub-select")
    if any(isinstance(item, Token) and item.text == "$value" for item, _seq, _i in walk(items)):
        raise Unsupported("a SPARQL constraint with MINUS, SERVICE, VALUES or a sub-select")
    if find_vars(items, "shapesGraph"):
        raise Unsupported("$shapesGraph")
    for seq, i in find_vars(items, "currentShape"):
        if current_shape is None:
            raise Unsupported("$currentShape of a blank node shape")
        seq[i] = Token("iri", current_shape, _space(seq[i]))  # type: ignore[index]
    for seq, i in reversed(find_vars(items, "PATH")):
        if isinstance(seq[i], Token) and seq[i].text == "$PATH":  # type: ignore[union-attr]
            seq[i:i + 1] = _spaced(build(path or "<urn:x-no-path>"), seq[i])  # type: ignore[index]
    return items


def where_group(items: Sequence[Item]) -> Group | None:
    """The WHERE clause of a query: its first top-level ``{ … }`` group."""
    return next((i for i in items if isinstance(i, Group) and i.kind == "{"), None)


def rename_this(items: Sequence[Item]) -> None:
    """``$this`` written ``?this`` (the same variable; the engine's queries project ``?this``)."""
    for seq, i in find_vars(items, "this"):
        seq[i] = Token("var", "?this", _space(seq[i]))  # type: ignore[index]


def _space(item: Item) -> str:
    return item.space if isinstance(item, Token) else " "


def _expression_spans(items: Sequence[Item]) -> list[tuple[int, int]]:
    """(start, end) of each expression of a group pattern: ``FILTER …`` and ``BIND ( … )``."""
    spans, i = [], 0
    while i < len(items):
        item = items[i]
        end = i
        if is_word(item, "BIND") and _is_group(items, i + 1, "("):
            end = i + 2
        elif is_word(item, "FILTER"):
            if _is_group(items, i + 1, "("):
                end = i + 2
            elif is_word(_at(items, i + 1), "NOT") and is_word(_at(items, i + 2), "EXISTS"):
                end = i + 4
            elif is_word(_at(items, i + 1), "EXISTS"):
                end = i + 3
            elif _is_group(items, i + 2, "("):  # a function call: FILTER regex(…), FILTER ex:f(…)
                end = i + 3
        if end > i:
            spans.append((i, min(end, len(items))))
            i = end
        else:
            i += 1
    return spans


def _at(items: Sequence[Item], i: int) -> Item | None:
    return items[i] if 0 <= i < len(items) else None


def _is_group(items: Sequence[Item], i: int, kind: str) -> bool:
    item = _at(items, i)
    return isinstance(item, Group) and item.kind == kind


def _mentions_this(items: Sequence[Item]) -> bool:
    return bool(find_vars(items, "this"))


def _binds_this(items: Sequence[Item]) -> bool:
    """True when ``$this`` occurs in the group outside its expressions (in a triple pattern, at any depth)."""
    inside = {j for start, end in _expression_spans(items) for j in range(start, end)}
    for j, item in enumerate(items):
        if j in inside:
            continue
        if is_var(item, "this") or (isinstance(item, Group) and _binds_this(item.items)):
            return True
    return False


def _safe(items: Sequence[Item], kind: str, parent_safe: bool) -> bool:
    """True when every ``$this`` in the group would see the focus node joined at the top of the WHERE clause.

    An expression sees it when its group binds ``$this`` itself, or is the WHERE clause, or is a FILTER of an
    OPTIONAL (the left join's condition sees the outer solution); groups nested anywhere else are evaluated on
    their own, where a joined ``?this`` is not yet bound but a pre-bound ``$this`` is.
    """
    binds = _binds_this(items)
    here = kind == "where" or binds
    spans = _expression_spans(items)
    for start, end in spans:
        sees = (parent_safe or binds) if kind == "optional" and is_word(items[start], "FILTER") else here
        if not sees and _mentions_this(items[start:end]):
            return False
    inside = {j for start, end in spans for j in range(start, end)}
    for j, item in enumerate(items):
        if j in inside or not isinstance(item, Group) or item.kind != "{":
            continue
        nested = "optional" if is_word(_at(items, j - 1), "OPTIONAL") else "group"
        if not _safe(item.items, nested, here):
            return False
    return True


def needs_substitution(items: Sequence[Item]) -> bool:
    """True when joining the focus nodes at the top would not give SHACL's pre-binding: ``bound($this)``, or
    ``$this`` in an expression of a nested group that does not bind it (``{ FILTER($this = …) } UNION …``)."""
    for item, seq, i in walk(items):
        after = _at(seq, i + 1)
        if is_word(item, "BOUND") and isinstance(after, Group) and len(after.items) == 1 \
                and is_var(after.items[0], "this"):
            return True
    where = where_group(items)
    return where is not None and not _safe(where.items, "where", True)


def _only_triples(group: Group) -> bool:
    """True when a group has only triple patterns, paths and filters (nested groups only after EXISTS)."""
    for item, seq, i in walk(group.items):
        if is_word(item, *_NOT_A_BGP):
            return False
        if isinstance(item, Group) and item.kind == "{" and not is_word(_at(seq, i - 1), "EXISTS"):
            return False
    return True


def not_exists_as_left_join(where: Group) -> None:
    """Each top-level ``FILTER NOT EXISTS { P }`` of ``where`` (P triple patterns, paths and filters only) as
    ``OPTIONAL { P BIND(true AS ?_neN) } FILTER(!BOUND(?_neN))`` at the end of the group.

    pyoxigraph evaluates NOT EXISTS against the whole inner pattern for every outer solution (quadratic: 42 s at
    10k spaces for one core shape), while it evaluates a left join by hash. The two have the same solutions: the
    filters of P become the left join's condition and see the outer solution (SPARQL 1.1 §18.2.2.6), variables
    shared with the outer solution join as the substitution of NOT EXISTS binds them, and the others stay local.
    Anything else (OPTIONAL, UNION, BIND, sub-queries inside P) is left as written.
    """
    kept: list[Item] = []
    moved: list[list[Item]] = []
    items, i = where.items, 0
    while i < len(items):
        inner = _at(items, i + 3)
        if is_word(items[i], "FILTER") and is_word(_at(items, i + 1), "NOT") and is_word(_at(items, i + 2), "EXISTS") \
                and isinstance(inner, Group) and inner.kind == "{" and _only_triples(inner):
            moved.append(inner.items)
            i += 4
            continue
        kept.append(items[i])
        i += 1
    used = {item.text[1:] for item, _seq, _i in walk(items) if isinstance(item, Token) and item.kind == "var"}
    names = (f"_ne{k}" for k in range(len(used) + len(moved) + 1) if f"_ne{k}" not in used)
    for inner_items in moved:
        name = next(names)
        kept += build("OPTIONAL {", inner_items, f"BIND(true AS ?{name}) }} FILTER(!BOUND(?{name}))")
    where.items = kept


def _union_branches(where: Group) -> list[Group]:
    """The branches when ``where`` is only ``{ … } UNION { … } …``, else []."""
    items = where.items
    if len(items) < 3 or len(items) % 2 == 0:
        return []
    groups = items[::2]
    if all(isinstance(g, Group) and g.kind == "{" for g in groups) and all(is_word(u, "UNION") for u in items[1::2]):
        return groups  # type: ignore[return-value]
    return []


def join_focus(where: Group, focus: Slot) -> None:
    """Join the focus nodes into ``where``: at its top, or at the top of every branch when it is a union (the same
    solutions, as a join distributes over a union; pyoxigraph would otherwise evaluate the whole union once per
    focus node, quadratic: 1.8 s instead of 0.04 s at 10k spaces for CallFundingCrossShape)."""
    for group in _union_branches(where) or [where]:
        group.items.insert(0, focus)


def substitute_this(items: Sequence[Item], term: str) -> list[Item]:
    """A copy of the query with ``$this`` pre-bound to ``term`` by substitution: ``(term AS ?this)`` where the
    projection names it, ``(true)`` for ``bound($this)``, the term everywhere else."""
    where = where_group(items)
    cut = next((i for i, item in enumerate(items) if item is where), len(items))
    return _substituted(items[:cut], term, projection=True) + _substituted(items[cut:], term, projection=False)


def _substituted(seq: Sequence[Item], term: str, *, projection: bool) -> list[Item]:
    out: list[Item] = []
    i = 0
    while i < len(seq):
        item, after = seq[i], _at(seq, i + 1)
        if is_word(item, "BOUND") and isinstance(after, Group) and len(after.items) == 1 \
                and is_var(after.items[0], "this"):
            out += _spaced(build("(true)"), item)
            i += 2
            continue
        if is_var(item, "this"):
            out += _spaced(build(f"({term} AS ?this)") if projection else build(term), item)
        elif isinstance(item, Group):
            out.append(Group(item.open, _substituted(item.items, term, projection=False), item.close))
        else:
            out.append(item)
        i += 1
    return out


def _spaced(items: list[Item], like: Item) -> list[Item]:
    """``items`` with the first one written after the white space of ``like``."""
    space = _space(like)
    first = items[0]
    if isinstance(first, Group):
        items[0] = Group(Token(first.open.kind, first.open.text, space), first.items, first.close)
    elif isinstance(first, Token):
        items[0] = Token(first.kind, first.text, space)
    return items
