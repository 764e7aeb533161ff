"""The RDF publication formats of a release, all written from sorted lines (same lines, same bytes).

- N-Quads: the named graphs in order, each one's lines sorted (``cowork_data.pipeline.parts``);
- N-Triples: every distinct triple, sorted (:func:`cowork_data.publish.lines.unique_triples` for a part read in
  memory, an external sort, :func:`cowork_data.publish.lines.sort_unique`, for a larger one);
- Turtle and TriG: :mod:`cowork_data.publish.turtle`; JSON-LD: :mod:`cowork_data.publish.jsonld`, compacted with the
  published context (``data/graph/context.jsonld``), which is also embedded so that the file reads offline.

Formats: https://www.w3.org/TR/n-triples/, https://www.w3.org/TR/n-quads/, https://www.w3.org/TR/turtle/,
https://www.w3.org/TR/trig/, https://www.w3.org/TR/json-ld11/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cowork_data.namespaces import DEFAULT_BASE, PREFIXES

__all__ = ["context", "prefixes", "write_context"]

CONTEXT_URL = f"{DEFAULT_BASE}data/graph/context.jsonld"


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes of the published graph files: DESIGN.md section 4's, ``data:`` for our records, and the RDF,
    RDFS, OWL and XSD namespaces."""
    return {**PREFIXES, "data": f"{base}data/", "owl": "http://www.w3.org/2002/07/owl#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#"}


def context(base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The JSON-LD context of the graph: the prefixes, sorted."""
    return {"@context": dict(sorted(prefixes(base).items()))}


def write_context(path: Path, *, base: str = DEFAULT_BASE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(context(base), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
