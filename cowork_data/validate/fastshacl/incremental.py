"""Re-validating a store after some of its nodes changed: only the focus nodes whose findings may differ.

An incremental build replaces the named graphs of the sources that changed. The findings of a focus node F can then
differ only if F's own triples changed, or the triples of a node F reaches on one of its checks' paths
(:mod:`.reach`: the type of a value for ``sh:class``, the subjects of an inverse path…; :mod:`.sparql_reach`: the
nodes a SPARQL constraint's patterns join to ``$this``); a SPARQL constraint whose query cannot be analysed runs
on every focus node again.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib import Graph

from cowork_data.errors import UsageError
from cowork_data.namespaces import SH
from cowork_data.validate.fastshacl.compile import compile_shapes
from cowork_data.validate.fastshacl.execute import CHUNK, has_named_graphs, iris, run, store_query
from cowork_data.validate.fastshacl.model import Check
from cowork_data.validate.fastshacl.results import findings
from cowork_data.validate.report import Finding
from cowork_data.validate.shapes import describe, finding_order

__all__ = ["affected_focus", "revalidate_store"]


def _iris(nodes: Iterable[str]) -> list[str]:
    nodes = list(nodes)
    for node in nodes:
        if node.startswith("_:"):
            raise UsageError("error.focus-blank-node", node=node)
    return iris(nodes)


def affected_focus(store: ox.Store, checks: Iterable[Check], changed: Iterable[str], *,
                   before: ox.Store | None = None) -> dict[Check, set[str] | None]:
    """Per check, the focus nodes (``<iri>``) whose result may differ once the triples of the ``changed`` nodes
    (IRIs: subjects of a removed or added triple) changed: those nodes, and the nodes that reach one of them on
    the check's reach paths; None when the check must run on every focus node (a SPARQL query that cannot be
    analysed, paths that cannot be bounded, a blank node on the way).

    A path is followed in ``store`` (a result gained through an added triple) and in ``before``, the store as it
    was before the change (a result lost with a removed one: the subject of a removed triple that an inverse step
    reaches is no longer reached in ``store``). Without ``before``, a check with an inverse step in its reach
    runs on every focus node."""
    nodes = _iris(changed)
    stores = [store] + ([before] if before is not None else [])
    queries = [functools.partial(store_query, s, union=has_named_graphs(s)) for s in stores]
    sources: dict[str, set[str] | None] = {}

    def reaching(path: str) -> set[str] | None:
        if path not in sources:
            sources[path] = _reaching(queries, nodes, path) if before is not None or "^" not in path else None
        return sources[path]

    out: dict[Check, set[str] | None] = {}
    for check in checks:
        if check.reach is None:
            out[check] = None
            continue
        affected: set[str] | None = set(nodes)
        for path in check.reach:
            more = reaching(path)
            if more is None:
                affected = None
                break
            affected |= more  # type: ignore[operator]
        out[check] = affected
    return out


def _reaching(queries: list, nodes: list[str], path: str) -> set[str] | None:
    """The nodes from which ``path`` reaches one of ``nodes``, in any of the stores; None for a blank node."""
    found: set[str] = set()
    for query in queries:
        for i in range(0, len(nodes), CHUNK):
            values = " ".join(nodes[i:i + CHUNK])
            for row in query(f"SELECT DISTINCT ?this WHERE {{ VALUES ?_x {{ {values} }} ?this {path} ?_x }}"):
                this = row["this"]
                if not isinstance(this, ox.NamedNode):
                    return None
                found.add(f"<{this.value}>")
    return found


def _key(shapes: Graph, check: Check) -> tuple[str, str, str]:
    """What the findings of a check share: node shape, constraint component, code."""
    d = describe(shapes, shape=check.shape, constraint=check.constraint,
                 component=SH[check.component.removeprefix("sh:")], path=check.path)
    return d.shape, check.component, d.code


def revalidate_store(
    store: ox.Store,
    shapes: Graph,
    previous: Iterable[Finding],
    changed: Iterable[str],
    *,
    before: ox.Store | None = None,
    threads: int | None = None,
) -> list[Finding]:
    """The findings of :func:`~cowork_data.validate.fastshacl.validate_store` on ``store`` as it is now, from the
    findings of the run before a change and the nodes that changed, re-running each check only where it can have
    a different result.

    Contract: ``previous`` are the findings of ``validate_store(store, shapes)`` before the change, with the same
    shapes and vocabulary (a change to either needs a full run); ``changed`` lists every IRI that is the subject of
    a triple removed or added since (an incremental build: the subjects of the replaced named graphs, before and
    after); ``before`` is the store as it was before the change, where the paths that reach a changed node are
    followed too (see :func:`affected_focus`). Blank nodes cannot be named across runs: a changed blank node
    raises ``UsageError``, so a graph with blank nodes is re-validated in full. The result equals a full run
    (``tests/test_engines_shacl.py``, ``tests/test_sparql_reach.py``).
    """
    previous = list(previous)
    checks = compile_shapes(shapes)
    per_check = affected_focus(store, checks, changed, before=before)
    keys = {check: _key(shapes, check) for check in checks}
    group: dict[tuple[str, str, str], set[str] | None] = {}
    for check, nodes in per_check.items():  # checks whose findings look alike re-run on the same nodes
        key = keys[check]
        if key in group and group[key] is None:
            continue
        group[key] = None if nodes is None else (group.get(key) or set()) | nodes
    for f in previous:
        key = (f.shape, f.constraint, f.code)
        if key not in group:
            raise UsageError("error.shapes-changed", shape=f.shape, constraint=f.constraint, code=f.code)
        if not f.focus_node:  # a blank focus node cannot be named: re-run that check everywhere
            group[key] = None
    focus: Mapping[Check, set[str] | None] = {check: group[keys[check]] for check in checks}
    fresh = findings(shapes, run(store, checks, threads=threads, focus=focus))

    def rerun(f: Finding) -> bool:
        nodes = group[(f.shape, f.constraint, f.code)]
        return nodes is None or f"<{f.focus_node}>" in nodes

    return sorted({f for f in previous if not rerun(f)} | set(fresh), key=finding_order)
