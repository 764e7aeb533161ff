"""The project's SHACL shapes: loading the layers, and describing a validation result as a :class:`Finding`.

Shared by both SHACL engines (pySHACL in :mod:`cowork_data.validate.shacl`, the SPARQL engine in
:mod:`cowork_data.validate.fastshacl`), so that a result becomes the same finding whichever engine found it:

- ``code``: the ``dct:identifier`` of the SPARQL constraint or property shape that failed when it has one (a stable
  kebab-case code such as ``vat-check-digit``), else ``shacl-`` + the constraint component (``shacl-mincount``);
- ``severity``: ``error`` / ``warning`` / ``info`` from ``sh:resultSeverity``;
- ``shape``: the IRI of the node shape (a property shape is a blank node, so its node shape names it);
- ``message_it`` / ``message_en``: the ``sh:resultMessage`` in that language, else the shape's ``sh:name`` with the
  engine's message.

Layers are the files ``shapes/{layer}.ttl`` (``core``, ``recommended``, ``cross``, ``privacy``; ``calls/{name}``
for the per-call rules); the vocabulary is ``vocab/*.ttl``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

from cowork_data.errors import ConfigError
from cowork_data.namespaces import DCT, SH
from cowork_data.validate.report import Finding, Severity

__all__ = ["DEFAULT_SHAPES_DIR", "DEFAULT_VOCAB_DIR", "LAYERS", "SEVERITY", "Description", "all_layers", "compact",
           "describe", "finding_order", "load_shapes", "load_vocab", "node_shape", "path_text", "term_text",
           "vocab_files"]

DEFAULT_SHAPES_DIR = Path(__file__).resolve().parents[2] / "shapes"
DEFAULT_VOCAB_DIR = Path(__file__).resolve().parents[2] / "vocab"

#: The layers every graph is checked against, before the per-call files ``calls/*.ttl`` (:func:`all_layers`).
LAYERS: tuple[str, ...] = ("core", "recommended", "cross", "privacy")

#: ``sh:resultSeverity`` → the severity of a finding (anything else is an error).
SEVERITY: dict[Node, Severity] = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}


#: Parsed Turtle files, by path and sha256 of their bytes: each process parses a shapes or vocabulary file once
#: (rdflib's Turtle parser takes ~0.07 s for the project's shapes; every validation asks for them).
_PARSED: dict[tuple[str, str], Graph] = {}


def _parse(paths: Iterable[Path]) -> Graph:
    """The union of the Turtle files, as a new graph (the caller may change it; the parsed files are kept)."""
    graph = Graph()
    for path in paths:
        try:
            key = (str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest())
        except FileNotFoundError as exc:
            raise ConfigError("error.shapes-missing", path=path) from exc
        parsed = _PARSED.get(key)
        if parsed is None:
            parsed = Graph()
            try:
                parsed.parse(path, format="turtle")
            except FileNotFoundError as exc:
                raise ConfigError("error.shapes-missing", path=path) from exc
            except Exception as exc:  # rdflib raises several parser exception types
                raise ConfigError("error.turtle-invalid", path=path, detail=str(exc)) from exc
            if len(_PARSED) >= 64:  # files of many projects in one process: keep the latest ones
                del _PARSED[next(iter(_PARSED))]
            _PARSED[key] = parsed
        for prefix, namespace in parsed.namespaces():
            graph.bind(prefix, namespace, override=False)
        graph += parsed
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


def vocab_files(vocab_dir: Path | None = None) -> list[Path]:
    """The vocabulary and concept-scheme files ``vocab/*.ttl``, sorted."""
    return sorted((vocab_dir or DEFAULT_VOCAB_DIR).glob("*.ttl"))


def load_vocab(vocab_dir: Path | None = None) -> Graph:
    """The project vocabulary and concept schemes, ``vocab/*.ttl``."""
    return _parse(vocab_files(vocab_dir))


# ---------------------------------------------------------------- describing a result


class Description(NamedTuple):
    """What every result of one constraint shares: its code, messages, path and node shape, as finding texts."""

    code: str
    message_it: str
    message_en: str
    path: str
    shape: str

    def finding(self, *, severity: Node | None, constraint: str, focus: Node | None, value: Node | None) -> Finding:
        """The finding of one result (focus node and value) of this constraint."""
        return Finding(
            code=self.code,
            message_it=self.message_it,
            message_en=self.message_en,
            severity=SEVERITY.get(severity, "error") if severity is not None else "error",
            focus_node=term_text(focus),
            path=self.path,
            constraint=constraint,
            shape=self.shape,
            value=term_text(value),
        )


def describe(
    shapes: Graph,
    *,
    shape: Node | None,
    constraint: Node | None,
    component: Node | None,
    path: Node | None,
    path_graph: Graph | None = None,
    found_messages: Iterable[Node] = (),
) -> Description:
    """The description of a result of ``component`` raised by ``shape`` (and the SPARQL ``constraint``, if any).

    ``path`` is read in ``path_graph`` (the results graph of pySHACL; by default the shapes graph);
    ``found_messages`` are the ``sh:resultMessage`` objects the engine reported, if any.
    """
    owner = node_shape(shapes, shape)
    message_it, message_en = _messages(shapes, (constraint, shape), owner, found_messages, component)
    return Description(
        code=_code(shapes, constraint, shape, component),
        message_it=message_it,
        message_en=message_en,
        path=path_text(shapes if path_graph is None else path_graph, path),
        shape=term_text(owner),
    )


def finding_order(f: Finding) -> tuple:
    """The sort key of graph findings (deterministic reports)."""
    return (f.focus_node, f.path, f.constraint, f.shape, f.value, f.code, f.message_en)


def node_shape(shapes: Graph, shape: Node | None) -> Node | None:
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
    name = compact(component).removeprefix("sh:").removesuffix("ConstraintComponent")
    return f"shacl-{name.lower()}" if name else "shacl"


def _messages(
    shapes: Graph, declared_on: Sequence[Node | None], owner: Node | None, found: Iterable[Node],
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
    names = {lit.language: str(lit) for lit in shapes.objects(owner, SH.name)} if owner is not None else {}
    name = compact(component)
    message_it = messages.get("it") or f"{names.get('it', 'Forma')}: vincolo {name} non rispettato. {engine}"
    message_en = messages.get("en") or f"{names.get('en', 'Shape')}: constraint {name} not met. {engine}"
    return message_it.strip(), message_en.strip()


def compact(node: Node | None) -> str:
    """A SHACL term as ``sh:Name``; any other term as its IRI; nothing as ``""``."""
    if node is None:
        return ""
    text = str(node)
    return "sh:" + text.removeprefix(str(SH)) if text.startswith(str(SH)) else text


def term_text(node: Node | None) -> str:
    """A term as finding text: IRIs and literals as their text, blank nodes and nothing as ``""``."""
    if node is None or isinstance(node, BNode):
        return ""
    return str(node)


def path_text(graph: Graph, path: Node | None) -> str:
    """A property path as text: an IRI as is, a sequence as ``<a>/<b>``, an inverse as ``^<a>``."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return str(path)
    if (graph.value(path, RDF.first)) is not None:
        return "/".join(f"<{path_text(graph, p)}>" for p in Collection(graph, path))
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return f"^<{path_text(graph, inverse)}>"
    return ""
