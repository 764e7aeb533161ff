"""Streaming graph writer: N-Triples straight from :func:`cowork_data.graph.triples`, never an ``rdflib.Graph``.

- :func:`write_ntriples_stream` writes lines as the triples come (constant memory, duplicates kept, as N-Triples
  allows); :func:`write_nquads_stream` the same with a graph name;
- :func:`write_ntriples_sorted` writes the published form — sorted, unique lines, byte-identical to
  :func:`cowork_data.publish.rdf.write_ntriples` on the same triples — with an external merge sort: sorted runs of
  at most ``run_lines`` lines in temporary files, merged with :func:`heapq.merge`, so memory stays bounded;
- :func:`load_ntriples` bulk-loads such a file (plus the vocabulary) into a pyoxigraph store.

Terms are formatted as rdflib's ``n3()`` would (the sorted file must equal the reference bytes), with a fast path
for IRIs and for literals that need no escaping, and a small cache for the IRIs that repeat (predicates, classes).
"""

from __future__ import annotations

import heapq
import marshal
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

__all__ = ["load_ntriples", "ntriples_lines", "write_nquads_stream", "write_ntriples_sorted", "write_ntriples_stream"]

_ESCAPED = ('\\', '"', "\n", "\r")


def _term(node: Node, cache: dict[Node, str]) -> str:
    text = cache.get(node)
    if text is not None:
        return text
    if type(node) is URIRef:
        text = f"<{node}>"
        if len(cache) > 200_000:
            cache.clear()
        cache[node] = text
        return text
    if type(node) is Literal and not any(c in node for c in _ESCAPED):
        if node.language:
            return f'"{node}"@{node.language}'
        if node.datatype is not None:
            return f'"{node}"^^<{node.datatype}>'
        return f'"{node}"'
    return node.n3()


def ntriples_lines(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[str]:
    """One N-Triples line per triple, formatted exactly as ``f"{s.n3()} {p.n3()} {o.n3()} .\\n"``."""
    cache: dict[Node, str] = {}
    for s, p, o in triples:
        yield f"{_term(s, cache)} {_term(p, cache)} {_term(o, cache)} .\n"


def write_ntriples_stream(triples: Iterable[tuple[Node, Node, Node]], path: Path) -> int:
    """Write the triples as they come (constant memory); returns the number of lines written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
        batch: list[str] = []
        for line in ntriples_lines(triples):
            batch.append(line)
            if len(batch) >= 10_000:
                fh.writelines(batch)
                count += len(batch)
                batch.clear()
        fh.writelines(batch)
        count += len(batch)
    return count


def write_nquads_stream(triples: Iterable[tuple[Node, Node, Node]], path: Path, graph: str) -> int:
    """N-Quads: every triple in the named graph ``graph`` (an IRI), for loading one source per graph."""
    path.parent.mkdir(parents=True, exist_ok=True)
    name = f" <{graph}> .\n"
    count = 0
    with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
        for line in ntriples_lines(triples):
            fh.write(line[:-3] + name)
            count += 1
    return count


def write_ntriples_sorted(triples: Iterable[tuple[Node, Node, Node]], path: Path, *,
                          run_lines: int = 2_000_000) -> int:
    """The published N-Triples (sorted, unique lines) in bounded memory; returns the number of lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    runs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="nt-runs-", dir=path.parent) as tmp:
        batch: list[str] = []

        def flush() -> None:
            # runs hold marshalled blocks, not text lines: a long literal's n3() may contain a newline
            run = Path(tmp) / f"run-{len(runs):05d}.bin"
            lines = sorted(set(batch))
            with run.open("wb", buffering=1 << 20) as fh:
                for i in range(0, len(lines), 10_000):
                    marshal.dump(lines[i:i + 10_000], fh)
            runs.append(run)
            batch.clear()

        for line in ntriples_lines(triples):
            batch.append(line)
            if len(batch) >= run_lines:
                flush()
        if batch or not runs:
            if len(runs) == 0:
                # one run: no temporary file needed
                lines = sorted(set(batch))
                with path.open("w", encoding="utf-8", newline="\n") as fh:
                    fh.writelines(lines)
                return len(lines)
            flush()
        files = [run.open("rb", buffering=1 << 20) for run in runs]
        count = 0
        try:
            with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
                previous = None
                for line in heapq.merge(*map(_blocks, files)):
                    if line != previous:
                        out.write(line)
                        count += 1
                        previous = line
        finally:
            for fh in files:
                fh.close()
    return count


def _blocks(fh: BinaryIO) -> Iterator[str]:
    while True:
        try:
            yield from marshal.load(fh)
        except EOFError:
            return


def load_ntriples(store_path: Path, ntriples: Path, extra: Iterable[Path] = ()) -> int:
    """Bulk-load an N-Triples file and extra RDF files (the vocabulary) into a new store; returns its size."""
    store = ox.Store(str(store_path))
    for file in [ntriples, *extra]:
        store.bulk_load(path=str(file), format=ox.RdfFormat.from_extension(file.suffix.lstrip(".")))
    store.flush()
    size = len(store)
    del store
    return size


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if os.name == "posix" else 0.0
