"""Graph validation against the SHACL shapes in ``shapes/`` (DESIGN.md section 5), with pySHACL.

SHACL spec: https://www.w3.org/TR/shacl/ (validation report: section 3.6; SHACL-SPARQL: section 5).

Layers are the files ``shapes/{layer}.ttl`` (``core``, ``recommended``, ``cross``, ``privacy``; ``calls/{name}``
for the per-call rules). The vocabulary ``vocab/*.ttl`` is passed as the ontology graph, with no inference: the graph
stage writes superclass types itself. Each ``sh:ValidationResult`` becomes a :class:`Finding`:

- ``code``: the ``dct:identifier`` of the SPARQL constraint or property shape that failed when it has one (a stable
  kebab-case code such as ``vat-check-digit``), else ``shacl-`` + the constraint component (``shacl-mincount``);
- ``severity``: ``error`` / ``warning`` / ``info`` from ``sh:resultSeverity``;
- ``shape``: the IRI of the node shape (a property shape is a blank node, so its node shape names it);
- ``message_it`` / ``message_en``: the ``sh:resultMessage`` in that language, else the shape's ``sh:name`` with the
  engine's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

from cowork_data.errors import ConfigError
from cowork_data.namespaces import DCT, SH
from cowork_data.validate.report import Finding, Severity

__all__ = ["DEFAULT_SHAPES_DIR", "DEFAULT_VOCAB_DIR", "LAYERS", "all_layers", "load_shapes", "load_vocab",
           "validate_graph"]

DEFAULT_SHAPES_DIR = Path(__file__).resolve().parents[2] / "shapes"
DEFAULT_VOCAB_DIR = Path(__file__).resolve().parents[2] / "vocab"

#: The layers every graph is checked against, before the per-call files ``calls/*.ttl`` (:func:`all_layers`).
LAYERS: tuple[str, ...] = ("core", "recommended", "cross", "privacy")

_SEVERITY: dict[Node, Severity] = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}


def _parse(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError as exc:
            raise ConfigError(
                f"File di forme o vocabolario mancante: {path}", f"Missing shapes or vocabulary file: {path}"
            ) from exc
        except Exception as exc:  # rdflib raises several parser exception types
            raise ConfigError(
                f"File Turtle non valido: {path}: {exc}", f"Invalid Turtle file: {path}: {exc}"
            ) from exc
    return graph


def load_shapes(layers: Sequence[str] = ("core",), *, shapes_dir: Path | None = None) -> Graph:
    """The union of the shapes files ``{shapes_dir}/{layer}.ttl`` for the given layers."""
    directory = shapes_dir or DEFAULT_SHAPES_DIR
    return _parse(directory / f"{layer}.ttl" for layer in layers)


def all_layers(shapes_dir: Path | None = None) -> tuple[str, ...]:
    """Every layer: :data:`LAYERS` and then ``calls/{name}`` for each per-call file, sorted."""
    directory = shapes_dir or DEFAULT_SHAPES_DIR
    calls = sorted(f"calls/{p.stem}" for p in (directory / "calls").glob("*.ttl"))
    return (*LAYERS, *calls)


def load_vocab(vocab_dir: Path | None = None) -> Graph:
    """The project vocabulary and concept schemes, ``vocab/*.ttl``."""
    return _parse(sorted((vocab_dir or DEFAULT_VOCAB_DIR).glob("*.ttl")))


@lru_cache(maxsize=1024)
def _translate(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Any:
    from rdflib.plugins.sparql import parser, processor

    return processor._ORIGINAL_TRANSLATE(parser.parseQuery(text), base, dict(namespaces) or None)


def _memoise_sparql_parsing() -> None:
    """Parse each SPARQL constraint once per process instead of once per validation.

    pySHACL hands rdflib the same query texts on every run, and rdflib's pyparsing parser takes about 0.1 s per
    query: nine tenths of a small validation. The parsed and translated ``Query`` is reusable (as with rdflib's own
    ``prepareQuery``), so ``SPARQLProcessor.query`` gets a memoised parse + translate; results are unchanged. The key
    holds only the graph's namespaces whose prefix occurs in the text (rdflib passes them all, and they vary per run).
    """
    from rdflib.plugins.sparql import processor

    if hasattr(processor, "_ORIGINAL_TRANSLATE"):
        return
    processor._ORIGINAL_TRANSLATE = processor.translateQuery
    processor.parseQuery = lambda text: text
    processor.translateQuery = lambda text, base=None, initNs=None: _translate(
        text, base, tuple(sorted((k, v) for k, v in (initNs or {}).items() if f"{k}:" in text)))


def validate_graph(
    data: Graph,
    *,
    layers: Sequence[str] = ("core",),
    shapes_dir: Path | None = None,
    vocab_dir: Path | None = None,
) -> list[Finding]:
    """Validate ``data`` against the given shape layers; the findings, sorted deterministically."""
    shapes = load_shapes(layers, shapes_dir=shapes_dir)
    vocab = load_vocab(vocab_dir)
    _memoise_sparql_parsing()
    _conforms, results, _text = validate(
        data,
        shacl_graph=shapes,
        ont_graph=vocab,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    if not isinstance(results, Graph):  # pySHACL's ValidationFailure: a shape it cannot run
        raise ConfigError(f"Forme SHACL non eseguibili: {results}", f"The SHACL shapes cannot be run: {results}")
    findings = [_finding(results, shapes, r) for r in results.subjects(RDF.type, SH.ValidationResult)]
    return sorted(set(findings), key=_order)


def _order(f: Finding) -> tuple:
    return (f.focus_node, f.path, f.constraint, f.shape, f.value, f.code, f.message_en)


def _finding(results: Graph, shapes: Graph, result: Node) -> Finding:
    component = results.value(result, SH.sourceConstraintComponent)
    source_shape = results.value(result, SH.sourceShape)
    source_constraint = results.value(result, SH.sourceConstraint)
    node_shape = _node_shape(shapes, source_shape)
    code = _code(shapes, source_constraint, source_shape, component)
    severity = _SEVERITY.get(results.value(result, SH.resultSeverity), "error")
    focus = results.value(result, SH.focusNode)
    value = results.value(result, SH.value)
    path = results.value(result, SH.resultPath)
    message_it, message_en = _messages(
        shapes, (source_constraint, source_shape), node_shape, results.objects(result, SH.resultMessage), component
    )
    return Finding(
        code=code,
        message_it=message_it,
        message_en=message_en,
        severity=severity,
        focus_node=_text(focus),
        path=_path_text(results, path),
        constraint=_compact(component),
        shape=_text(node_shape),
        value=_text(value),
    )


def _node_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named node shape a (possibly blank) property shape belongs to."""
    seen: set[Node] = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(None, SH.property, shape)
        if parent is None:
            break
        shape = parent
    return shape


def _code(shapes: Graph, constraint: Node | None, shape: Node | None, component: Node | None) -> str:
    for node in (constraint, shape):
        if node is not None and (identifier := shapes.value(node, DCT.identifier)):
            return str(identifier)
    name = _compact(component).removeprefix("sh:").removesuffix("ConstraintComponent")
    return f"shacl-{name.lower()}" if name else "shacl"


def _messages(
    shapes: Graph, declared_on: Sequence[Node | None], node_shape: Node | None, found: Iterable[Node],
    component: Node | None,
) -> tuple[str, str]:
    """Italian and English messages of a result.

    pySHACL drops the language tag of ``sh:message`` on SPARQL constraints, so an untagged result message gets back
    the language of the ``sh:message`` it was copied from.
    """
    declared: dict[str, str] = {}
    for node in declared_on:
        if node is not None:
            for lit in shapes.objects(node, SH.message):
                if isinstance(lit, Literal) and lit.language:
                    declared.setdefault(lit.language, str(lit))
    language_of = {text: lang for lang, text in declared.items()}
    messages: dict[str, str] = {}
    engine = ""
    for lit in found:
        if not isinstance(lit, Literal):
            continue
        lang = lit.language or language_of.get(str(lit))
        if lang:
            messages.setdefault(lang, str(lit))
        else:
            engine = str(lit)
    for lang, text in declared.items():
        messages.setdefault(lang, text)
    names = {lit.language: str(lit) for lit in shapes.objects(node_shape, SH.name)} if node_shape is not None else {}
    constraint = _compact(component)
    message_it = messages.get("it") or f"{names.get('it', 'Forma')}: vincolo {constraint} non rispettato. {engine}"
    message_en = messages.get("en") or f"{names.get('en', 'Shape')}: constraint {constraint} not met. {engine}"
    return message_it.strip(), message_en.strip()


def _compact(node: Node | None) -> str:
    if node is None:
        return ""
    text = str(node)
    return "sh:" + text.removeprefix(str(SH)) if text.startswith(str(SH)) else text


def _text(node: Node | None) -> str:
    if node is None or isinstance(node, BNode):
        return ""
    return str(node)


def _path_text(graph: Graph, path: Node | None) -> str:
    """A property path as text: an IRI as is, a sequence as ``<a>/<b>``, an inverse as ``^<a>``."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return str(path)
    if (graph.value(path, RDF.first)) is not None:
        return "/".join(f"<{_path_text(graph, p)}>" for p in Collection(graph, path))
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return f"^<{_path_text(graph, inverse)}>"
    return ""
