"""Running compiled checks on a pyoxigraph store: merged count checks, one query per other check, on all cores.

The queries run on a pool of one thread per core (at most 4): pyoxigraph evaluates a query without the GIL, so the
checks share the cores (1.50 s on one thread, 0.74 s on two, core shapes at 10k spaces). A run can be restricted to
some focus nodes (``focus``, IRIs): every focus pattern then lists them, at most :data:`CHUNK` per query.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from cowork_data.errors import UsageError
from cowork_data.validate.fastshacl.model import Check, Result, Targets, Unsupported
from cowork_data.validate.fastshacl.plan import Plan
from cowork_data.validate.fastshacl.rewrite import substitute_this
from cowork_data.validate.fastshacl.sparql import render
from cowork_data.validate.fastshacl.terms import from_ox

__all__ = ["CHUNK", "has_named_graphs", "iris", "run", "store_query"]

#: Focus nodes per query in a restricted run (a VALUES block of this size costs well under a millisecond).
CHUNK = 256

#: Focus nodes of a restricted run: one set for every check, or one per check (None: every focus node).
FocusNodes = Iterable[str] | Mapping[Check, Iterable[str] | None] | None


def run(store: ox.Store, checks: Iterable[Check], *, threads: int | None = None,
        focus: FocusNodes = None) -> list[Result]:
    """Run compiled checks on a store (the data and the vocabulary in its default graph, or in named graphs with
    the store queried as their union).

    The count checks on plain IRI paths are merged per target set (:func:`_run_batch`); the others run one query
    each. With ``focus`` (IRIs, or a mapping from check to IRIs or None) each check only looks at those focus
    nodes, still evaluated against the whole store.
    """
    checks = list(checks)
    only_of = _focus_sets(focus, checks)
    union = has_named_graphs(store)
    query = functools.partial(store_query, store, union=union)
    plan = Plan(query)
    plan.prepare(checks)
    groups: dict[tuple[Targets, tuple[str, ...] | None], list[Check]] = {}
    for check in checks:
        if check.batch is not None:
            only = only_of[check]
            groups.setdefault((check.targets, None if only is None else tuple(only)), []).append(check)
    units: list[Callable[[], list[Result]]] = []
    max_paths = sorted({str(c.batch[1]) for c in checks if c.batch and c.batch[0] == "max"})
    workers = threads or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="shacl") as pool:
        # first the over-full subjects every target set's maxCount checks need, then every check
        if any(only is None for _targets, only in groups):
            over_full = functools.partial(_over_full, query, distinct=union)
            full = dict(zip(max_paths, pool.map(over_full, max_paths), strict=True))
        else:
            full = {}
        for (targets, only), group in groups.items():
            for chunk in _chunks(only):
                units.append(functools.partial(_run_batch, query, targets, group, plan, full, chunk))
        for check in checks:
            if check.query is not None and check.batch is None:
                for chunk in _chunks(only_of[check]):
                    units.append(functools.partial(_run_one, query, check, plan, chunk))
        # query solutions stay in the worker that made them; terms become rdflib terms here (rdflib logs a
        # traceback for an ill-typed literal, which would otherwise keep a worker's frames alive)
        return [_result(*raw) for done in pool.map(lambda unit: unit(), units) for raw in done]


_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def iris(nodes: Iterable[str]) -> list[str]:
    """Focus nodes as SPARQL IRIs (``<…>``), sorted, each once; raises UsageError for a text that is no IRI."""
    out = set()
    for node in nodes:
        iri = node if node.startswith("<") else f"<{node}>"
        if not _IRI.fullmatch(iri):
            raise UsageError("error.focus-node", node=repr(node))
        out.add(iri)
    return sorted(out)


def _focus_sets(focus: FocusNodes, checks: Sequence[Check]) -> dict[Check, list[str] | None]:
    """The focus nodes each check is restricted to (None: not restricted), read once."""
    if focus is None:
        return dict.fromkeys(checks)
    if isinstance(focus, Mapping):
        return {c: None if focus.get(c) is None else iris(focus[c]) for c in checks}  # type: ignore[arg-type]
    nodes = iris(focus)
    return dict.fromkeys(checks, nodes)


def _chunks(only: Sequence[str] | None) -> Iterator[tuple[str, ...]]:
    if only is None:
        yield ()
        return
    for i in range(0, len(only), CHUNK):
        yield tuple(only[i:i + CHUNK])


def has_named_graphs(store: ox.Store) -> bool:
    """True when the store has named graphs (its data is then queried as the union of its graphs)."""
    return next(iter(store.named_graphs()), None) is not None


def store_query(store: ox.Store, text: str, *, union: bool) -> ox.QuerySolutions:
    """A SELECT on the store: over the union of its graphs when ``union``."""
    return store.query(text, use_default_graph_as_union=union)  # type: ignore[return-value]


Query = Callable[[str], ox.QuerySolutions]


def _over_full(query: Query, path: str, only: Sequence[str] = (), *, distinct: bool = False) -> dict[str, int] | None:
    """The subjects with two values or more on ``path`` (``<iri>``) and their number of values, in one grouped
    scan of its triples (a triple of a graph is unique, so a subject's triples are its distinct values; over the
    union of named graphs, ``distinct``, a triple may occur once per graph); None when one of them is a blank node
    (which a VALUES block cannot name: the caller then groups per check)."""
    values = "VALUES ?_s { " + " ".join(only) + " } " if only else ""
    count = "COUNT(DISTINCT ?_o)" if distinct else "COUNT(*)"
    text = f"SELECT ?_s ({count} AS ?_n) WHERE {{ {values}?_s {path} ?_o }} GROUP BY ?_s HAVING ({count} > 1)"
    over: dict[str, int] = {}
    for row in query(text):
        subject = row["_s"]
        if not isinstance(subject, ox.NamedNode):
            return None
        over[f"<{subject.value}>"] = int(row["_n"].value)  # type: ignore[union-attr]
    return over


#: One solution of a check as pyoxigraph terms: check, focus node, value, path.
Raw = tuple[Check, object, object, object]


def _result(check: Check, this: object, value: object, path: object) -> Result:
    focus = from_ox(this)
    found = from_ox(value)
    return Result(focus=focus, path=from_ox(path) or check.path,  # type: ignore[arg-type]
                  value=focus if found is None and check.value_is_focus else found, severity=check.severity,
                  component=check.component, shape=check.shape, constraint=check.constraint)


def _run_one(query: Query, check: Check, plan: Plan, only: Sequence[str]) -> list[Raw]:
    results: list[Raw] = []
    own_path = check.component in ("sh:ClosedConstraintComponent", "sh:SPARQLConstraintComponent")
    for this, row, names in _solutions(query, check, plan, only):
        value = row["value"] if "value" in names else None
        path = row["path"] if own_path and "path" in names else None
        results.append((check, this, value, path))
    return results


def _run_batch(query: Query, targets: Targets, group: list[Check], plan: Plan,
               full: Mapping[str, dict[str, int] | None], only: Sequence[str]) -> list[Raw]:
    """The count checks of one target set on plain IRI paths: two queries, plus one per over-full predicate.

    One count check alone costs a join of every focus node with its values (0.02–0.17 s at 10k spaces, and the
    core shapes have 70 of them); merged (docs/decisions.md §11):

    - ``sh:maxCount``: ``full`` holds, per predicate, the subjects with two values or more (:func:`_over_full`,
      one grouped scan per predicate and run, shared by every target set; per chunk in a restricted run); those
      over the maximum are tested for membership of the focus nodes;
    - ``sh:minCount 1``: the focus nodes without a value on each required predicate, one query for all of them.

    Value constraints stay one query each: pyoxigraph evaluates an expression per row (≈ 0.5 µs), so merging
    them means evaluating every constraint on every row of the merged predicates (measured 3× slower).
    """
    member = plan.member(targets)
    results: list[Raw] = []

    def found(check: Check, this: object) -> None:
        if this is not None:
            results.append((check, this, None, None))

    for check in group:
        if check.batch is None or check.batch[0] != "max":
            continue
        path, most = str(check.batch[1]), int(check.batch[2])
        over = (_over_full(query, path, only, distinct=True) if only else full.get(path)) if most >= 1 else None
        if over is None:  # a maximum of 0, or blank nodes among the over-full subjects: group per check
            values = "VALUES ?this { " + " ".join(only) + " } " if only else ""
            texts = [f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ {values}?this {path} ?value }} GROUP BY ?this "
                     f"HAVING (COUNT(DISTINCT ?value) > {most}) }} FILTER({member}) }}"]
        else:  # the over-full subjects, tested for membership of the focus nodes
            subjects = sorted(subject for subject, n in over.items() if n > most)
            texts = [f"SELECT ?this WHERE {{ VALUES ?this {{ {' '.join(subjects[i:i + 5000])} }} "
                     f"FILTER({member}) }}" for i in range(0, len(subjects), 5000)]
        for text in texts:
            for row in query(text):
                found(check, row["this"])
    mins = [c for c in group if c.batch and c.batch[0] == "min"]
    if mins:
        paths = " ".join(sorted({str(c.batch[1]) for c in mins if c.batch}))
        focus = plan.focus_pattern(targets, only)
        text = f"SELECT ?this ?_p WHERE {{ {focus} VALUES ?_p {{ {paths} }} FILTER NOT EXISTS {{ ?this ?_p ?_x }} }}"
        for row in query(text):
            missing = f"<{row['_p'].value}>"  # type: ignore[union-attr]
            for check in mins:
                if check.batch and check.batch[1] == missing:
                    found(check, row["this"])
    return results


def _solutions(query: Query, check: Check, plan: Plan,
               only: Sequence[str]) -> Iterator[tuple[object, ox.QuerySolution, set[str]]]:
    if not check.substitute:
        solutions = query(plan.query(check, only))
        names = {v.value for v in solutions.variables}
        for row in solutions:
            if (this := row["this"]) is not None:
                yield this, row, names
        return
    for focus_row in query(f"SELECT ?this WHERE {{ {plan.focus_select(check.targets, only)} }}"):
        this = focus_row["this"]
        if this is None:
            continue
        if isinstance(this, ox.BlankNode):
            raise Unsupported("a blank focus node of a SPARQL constraint that needs substitution")
        solutions = query(render(substitute_this(check.query or [], str(this))))
        names = {v.value for v in solutions.variables}
        for row in solutions:
            yield this, row, names
