"""The fast engine's entry points: a store, an rdflib graph or an N-Triples file against the shapes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from cowork_data.validate.fastshacl.compile import compile_shapes
from cowork_data.validate.fastshacl.execute import run
from cowork_data.validate.fastshacl.model import CLAIMED, FastResult, Unsupported
from cowork_data.validate.fastshacl.results import findings
from cowork_data.validate.fastshacl.terms import load_graph
from cowork_data.validate.report import Finding
from cowork_data.validate.shapes import load_shapes, vocab_files

__all__ = ["validate", "validate_graph", "validate_store"]

log = logging.getLogger("cowork_data.validate.fastshacl")


def validate_store(
    store: ox.Store,
    shapes: Graph,
    *,
    focus: Iterable[str] | None = None,
    threads: int | None = None,
) -> list[Finding]:
    """Validate the data already in ``store`` against ``shapes``; the findings, sorted as the reference sorts them.

    Contract:

    - ``store``: any pyoxigraph store, in memory or on disk (opened read-only is enough: nothing is written). The
      data and the vocabulary (``vocab/*.ttl``, for the class hierarchy) are either in its default graph, or in
      named graphs, which are then queried as their union (the default graph included) — a build's store with one
      graph per source. A triple in several named graphs is seen once per graph by the aggregates of SPARQL
      constraints (a SHACL data graph is a set: keep each triple in one graph).
    - ``shapes``: the shapes graph (:func:`cowork_data.validate.shapes.load_shapes`); raises
      :class:`~cowork_data.validate.fastshacl.Unsupported` when it uses a feature the engine does not claim (the
      caller may then fall back to pySHACL, as :func:`validate` does).
    - ``focus``: None validates every focus node. An iterable of IRIs (``https://…`` or ``<https://…>``) restricts
      every check, node-local and cross-entity alike, to the focus nodes among them; each check still reads the
      whole store, so a cross-entity shape on a given node still sees every other entity (a duplicate tax code
      held by a node outside ``focus`` is found). The findings equal those of the full run whose focus node is in
      ``focus``. Which nodes to pass after a change: :func:`cowork_data.validate.fastshacl.revalidate_store`.
    - ``threads``: the queries run on this many threads (default: the CPUs, at most 4).
    """
    checks = compile_shapes(shapes)
    return findings(shapes, run(store, checks, threads=threads, focus=focus))


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
    shapes = load_shapes(layers, shapes_dir=shapes_dir)
    try:
        checks = compile_shapes(shapes)
    except Unsupported as exc:
        reason = str(exc)
        log.warning("Motore SHACL veloce: %s non supportato, uso pySHACL. / Fast SHACL engine: %s unsupported, "
                    "falling back to pySHACL.", reason, reason)
        from cowork_data.validate import shacl as reference  # pySHACL is imported only when it is needed

        graph = data if isinstance(data, Graph) else Graph().parse(data, format="nt")
        return FastResult(reference.validate_graph(graph, layers=layers, shapes_dir=shapes_dir, vocab_dir=vocab_dir),
                          fallback=reason)
    store = ox.Store()
    if isinstance(data, Graph):
        load_graph(store, data)
    else:
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    for path in vocab_files(vocab_dir):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return FastResult(findings(shapes, run(store, checks)), checks=len(checks), claimed=list(CLAIMED))
