"""Graph files, all deterministic (same graph → same bytes, whatever the hash seed):

- Turtle (readable) and N-Triples (sorted lines, for diffs and bulk loading): the union of the graphs;
- N-Quads (sorted lines) and TriG: one named graph per source (``{base}graph/{source_id}``);
- JSON-LD: the union graph, compacted with the published context (``data/graph/context.jsonld``), which is also
  embedded in the file so that it reads offline; nodes sorted by ``@id``, keys and value arrays sorted.

Formats: https://www.w3.org/TR/turtle/, https://www.w3.org/TR/n-triples/, https://www.w3.org/TR/n-quads/,
https://www.w3.org/TR/trig/, https://www.w3.org/TR/json-ld11/.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from cowork_data.namespaces import DEFAULT_BASE, PREFIXES

__all__ = ["context", "write_context", "write_jsonld", "write_nquads", "write_ntriples", "write_trig", "write_turtle"]

CONTEXT_URL = f"{DEFAULT_BASE}data/graph/context.jsonld"


def write_ntriples(graph: Graph, path: Path) -> int:
    """Write the graph as N-Triples with sorted, unique lines; returns the number of triples."""
    lines = sorted({f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph})
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)
    return len(lines)


def write_turtle(graph: Graph, path: Path) -> None:
    """Write the graph as Turtle; rdflib orders subjects and predicates, and our triples carry no blank nodes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = graph.serialize(format="turtle", encoding="utf-8")
    path.write_bytes(data)


def write_nquads(quads: Iterable[tuple[Node, Node, Node, Node]], path: Path) -> int:
    """Write quads as N-Quads with sorted, unique lines (grouped by graph first); returns the number of quads."""
    lines = sorted({f"{g.n3()}\t{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n" for s, p, o, g in quads})
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(line.partition("\t")[2] for line in lines)
    return len(lines)


def _prefixes(base: str) -> dict[str, str]:
    # every namespace the graph uses is bound: rdflib numbers unbound ones (ns1, ns2) in hash order
    return {**PREFIXES, "data": f"{base}data/", "owl": "http://www.w3.org/2002/07/owl#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#"}


def write_trig(nquads: Path, path: Path, *, base: str = DEFAULT_BASE) -> None:
    """Write the (sorted) N-Quads file ``nquads`` as TriG: sorted prefixes, then one Turtle block per named graph."""
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name.value
        if name not in graphs:
            graphs[name] = Graph(bind_namespaces="none")
            for prefix, namespace in sorted(_prefixes(base).items()):
                graphs[name].bind(prefix, namespace)
        graphs[name].parse(data=f"{quad.triple} .\n", format="nt")
    prefixes: set[str] = set()
    blocks: list[str] = []
    for name in sorted(graphs):
        head, body = [], []
        for line in graphs[name].serialize(format="turtle").splitlines():
            (head if line.startswith("@prefix") else body).append(line)
        prefixes.update(head)
        text = "\n".join(f"    {line}" if line else "" for line in body).strip("\n")
        blocks.append(f"<{name}> {{\n{text}\n}}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks), encoding="utf-8", newline="\n")


def context(base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The JSON-LD context of the graph: the prefixes of DESIGN.md section 4, ``data:`` for our records."""
    return {"@context": dict(sorted(_prefixes(base).items()))}


def write_context(path: Path, *, base: str = DEFAULT_BASE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(context(base), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _canonical(value: Any) -> Any:
    """Sort object keys and the members of every array (JSON-LD arrays are unordered sets unless ``@list``)."""
    if isinstance(value, Mapping):
        return {k: _canonical(v) if k != "@list" else [_canonical(x) for x in v] for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, Mapping) else "",
                                            json.dumps(v, sort_keys=True, ensure_ascii=False)))
    return value


def write_jsonld(graph: Graph, path: Path, *, base: str = DEFAULT_BASE) -> None:
    """Write the graph as compacted JSON-LD with the project context embedded (the file reads offline)."""
    ctx = context(base)["@context"]
    data = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
    nodes = data.get("@graph", [data] if "@id" in data else [])
    nodes = [{k: v for k, v in n.items() if k != "@context"} for n in nodes]
    out = {"@context": ctx, "@graph": _canonical(nodes)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
