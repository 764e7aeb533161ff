"""Graph files: Turtle (readable) and N-Triples (sorted lines, for diffs and bulk loading)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph


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
