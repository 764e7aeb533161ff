"""Graph validation against the SHACL shapes in ``shapes/`` (DESIGN.md section 5), with pySHACL (the reference).

SHACL spec: https://www.w3.org/TR/shacl/ (validation report: section 3.6; SHACL-SPARQL: section 5).

The vocabulary ``vocab/*.ttl`` is passed as the ontology graph, with no inference: the graph stage writes superclass
types itself. Each ``sh:ValidationResult`` becomes a :class:`Finding` as :mod:`cowork_data.validate.shapes`
describes (code, severity, node shape, bilingual messages); the fast engine (:mod:`cowork_data.validate.fastshacl`)
builds its findings with the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from cowork_data.errors import ConfigError
from cowork_data.namespaces import SH
from cowork_data.validate.fastshacl.sparql import canonical_prologue
from cowork_data.validate.report import Finding
from cowork_data.validate.shapes import (
    DEFAULT_SHAPES_DIR,
    DEFAULT_VOCAB_DIR,
    LAYERS,
    all_layers,
    compact,
    describe,
    finding_order,
    load_shapes,
    load_vocab,
)

__all__ = ["DEFAULT_SHAPES_DIR", "DEFAULT_VOCAB_DIR", "LAYERS", "PreparedQueryGraph", "all_layers", "load_shapes",
           "load_vocab", "prepared_query", "validate_graph"]


@lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


def prepared_query(text: str, base: str | None, namespaces: Mapping[str, Any]) -> Query:
    """rdflib's parsed and translated ``text``, memoised: the key is the text with its PREFIX declarations sorted
    (pySHACL writes them in an order that changes with every load of the shapes), the base, and the namespaces
    whose prefix occurs in the text (rdflib passes all the graph's namespaces; unused ones change nothing)."""
    used = tuple(sorted((k, v) for k, v in namespaces.items() if f"{k}:" in text))
    return _prepared(canonical_prologue(text), base, used)


class PreparedQueryGraph(Graph):
    """An rdflib graph whose SPARQL queries are parsed and translated once per query text, not once per call.

    pySHACL hands rdflib the same query texts on every validation, and rdflib's pyparsing parser takes about 0.1 s
    per query: nine tenths of a small validation (docs/decisions.md §8.14). Here a text's parsed and translated
    :class:`Query` (reusable, as with rdflib's own ``prepareQuery``) is memoised (:func:`prepared_query`); rdflib
    itself is left as it is, and only queries on this graph use the memo.
    """

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,  # noqa: N803 - rdflib's signature
        initBindings: Any = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql":
            query_object = prepared_query(query_object, kwargs.get("base"), initNs or dict(self.namespaces()))
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def validate_graph(
    data: Graph,
    *,
    layers: Sequence[str] = ("core",),
    shapes_dir: Path | None = None,
    vocab_dir: Path | None = None,
) -> list[Finding]:
    """Validate ``data`` against the given shape layers; the findings, sorted deterministically.

    ``data`` is not modified: pySHACL works on a copy, with the vocabulary mixed in.
    """
    shapes = load_shapes(layers, shapes_dir=shapes_dir)
    vocab = load_vocab(vocab_dir)
    work = PreparedQueryGraph()
    for prefix, namespace in data.namespaces():
        work.bind(prefix, namespace, override=False)
    work += data
    # The vocabulary is mixed into the data in full, as the fast engine's store holds it: a shape may ask for a
    # concept's scheme (skos:inScheme), which pySHACL's ontology "inoculation" of an ont_graph does not copy.
    work += vocab
    _conforms, results, _text = pyshacl.validate(
        work,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
        inplace=True,  # on the copy made above, so that its queries go through the memo
    )
    if not isinstance(results, Graph):  # pySHACL's ValidationFailure: a shape it cannot run
        raise ConfigError("error.shacl-not-run", detail=str(results))
    findings = {_finding(results, shapes, r) for r in results.subjects(RDF.type, SH.ValidationResult)}
    return sorted(findings, key=finding_order)


def _finding(results: Graph, shapes: Graph, result: Node) -> Finding:
    component = results.value(result, SH.sourceConstraintComponent)
    description = describe(
        shapes,
        shape=results.value(result, SH.sourceShape),
        constraint=results.value(result, SH.sourceConstraint),
        component=component,
        path=results.value(result, SH.resultPath),
        path_graph=results,
        found_messages=results.objects(result, SH.resultMessage),
    )
    return description.finding(
        severity=results.value(result, SH.resultSeverity),
        constraint=compact(component),
        focus=results.value(result, SH.focusNode),
        value=results.value(result, SH.value),
    )
