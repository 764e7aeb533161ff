"""The published graph files, written from the sources' sorted graphs, in parts when the graph is large.

Up to :data:`LINES_PER_PART` lines the graph is one file per format, as always: ``data/graph/cowork-data.nq``
(the named graphs in order, each sorted), ``.nt`` (every distinct triple, sorted), and ``.ttl``, ``.trig``,
``.jsonld`` written from the same terms (a part is read once, in memory, up to :data:`MEMORY_BYTES`). A larger
graph is cut into ``P`` parts (a power of two): each named graph goes to the part ``sha256(source id) mod P``, and
each part has its own file of every format (``cowork-data-0001.nq`` …), written the same way. A source's change
then rewrites one part; the other parts of the previous release are kept as they are (hard links), when their
inputs and bytes are still those the release recorded. The concatenation of the N-Quads (N-Triples) parts is the
dataset (graph); a triple two sources state is in both sources' parts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.pipeline.cache import digest
from cowork_data.publish.jsonld import write_jsonld
from cowork_data.publish.lines import line_chunks, read_lines, sort_unique, split_terms, unique_triples, write_lines
from cowork_data.publish.turtle import turtle_terms, write_trig, write_turtle

__all__ = ["FORMATS", "LINES_PER_PART", "GraphInput", "Part", "part_count", "part_of", "write_parts"]

LINES_PER_PART = 250_000
#: A part's N-Quads up to this size are written into the other formats in memory, parsed once (about 7.5 bytes
#: held per byte of N-Quads: 325 MB for the generated 10k project's largest part, 43 MB). Parts are cut to hold
#: :data:`LINES_PER_PART` lines on average (≈ 55 MB at 220 bytes a line); one over this size (the hash's spread,
#: or a source whose graph alone is larger than a part) is written by streaming, in chunks of
#: :data:`~cowork_data.publish.lines.CHUNK_LINES` lines as before, with ``sort`` on disk for its N-Triples.
MEMORY_BYTES = 128 << 20
#: Format → (file extension, written from).
FORMATS = {"nq": "nq", "nt": "nt", "ttl": "nt", "trig": "nq", "jsonld": "nt"}


@dataclass(frozen=True)
class GraphInput:
    """One named graph: its IRI, its source id, its sorted unique lines (a file, plus extra lines) and a digest."""

    iri: str
    source_id: str
    path: Path | None
    extra: pl.Series | None
    signature: str
    lines: int


@dataclass
class Part:
    index: int
    count: int
    graphs: list[GraphInput] = field(default_factory=list)

    def name(self, ext: str) -> str:
        return f"cowork-data.{ext}" if self.count == 1 else f"cowork-data-{self.index + 1:04d}.{ext}"

    def signature(self, settings: str) -> str:
        return digest(settings, str(self.count), *(f"{g.iri}\t{g.signature}" for g in self.graphs))


def part_count(lines: int) -> int:
    """1 up to :data:`LINES_PER_PART` lines, else the power of two giving parts of at most that many lines."""
    parts = 1
    while lines > parts * LINES_PER_PART:
        parts *= 2
    return parts


def part_of(source_id: str, count: int) -> int:
    return int(hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:12], 16) % count if count > 1 else 0


def write_parts(graphs: Sequence[GraphInput], directory: Path, *, previous: Path | None,
                recorded: Mapping[str, Any], settings: str, prefixes: Mapping[str, str], base: str,
                context: Mapping[str, Any], tmp: Path,
                on_nquads: Callable[[list[Path]], None] | None = None) -> dict[str, Any]:
    """Write (or keep) every part into ``directory``; returns what the manifest records of each part.

    The N-Quads of every part come first; ``on_nquads`` is then called with their paths, in order (the store's bulk
    load starts there and runs while the other formats are written from them)."""
    count = part_count(sum(g.lines for g in graphs))
    parts = [Part(i, count) for i in range(count)]
    for graph in sorted(graphs, key=lambda g: f"<{g.iri}>"):
        parts[part_of(graph.source_id, count)].graphs.append(graph)
    directory.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    todo: list[tuple[Part, str, dict[str, str]]] = []
    for part in parts:
        signature = part.signature(settings)
        names = {ext: part.name(ext) for ext in FORMATS}
        old = recorded.get(names["nq"], {})
        if previous is not None and old.get("signature") == signature and _link(previous, directory, names, old):
            out[names["nq"]] = old
            continue
        with (directory / names["nq"]).open("wb", buffering=1 << 20) as fh:
            for graph in part.graphs:
                _copy_graph(graph, fh)
        todo.append((part, signature, names))
    if on_nquads is not None:
        on_nquads([directory / name for name in sorted(out.keys() | {names["nq"] for _p, _s, names in todo})])
    for part, signature, names in todo:
        facts = _write_part(directory, names, prefixes=prefixes, base=base, context=context, tmp=tmp)
        out[names["nq"]] = {"signature": signature, "files": facts, "graphs": [g.iri for g in part.graphs]}
    return dict(sorted(out.items()))


def _link(previous: Path, directory: Path, names: Mapping[str, str], recorded: Mapping[str, Any]) -> bool:
    """Hard-link the previous release's files of a part, if each still has the size and time recorded."""
    files = recorded.get("files", {})
    for name in names.values():
        old, fact = previous / name, files.get(name)
        try:
            stat = old.stat()
        except OSError:
            return False
        if fact is None or stat.st_size != fact["bytes"] or stat.st_mtime_ns != fact["mtime_ns"]:
            return False
    for name in names.values():
        try:
            os.link(previous / name, directory / name)
        except OSError:
            shutil.copy2(previous / name, directory / name)
    return True


def _write_part(directory: Path, names: Mapping[str, str], *, prefixes: Mapping[str, str], base: str,
                context: Mapping[str, Any], tmp: Path) -> dict[str, dict[str, Any]]:
    """The other formats of a part whose N-Quads are written: in memory up to :data:`MEMORY_BYTES` of N-Quads (the
    lines parsed once, their terms written once for Turtle and TriG, the N-Triples sorted by polars), else by
    streaming from the files (``sort`` on disk)."""
    nq, nt = directory / names["nq"], directory / names["nt"]
    ttl_base = f"{base}data/"
    if nq.stat().st_size <= MEMORY_BYTES:
        quads = turtle_terms(split_terms(read_lines(nq), quads=True), prefixes, ttl_base)
        triples = unique_triples(quads)
        with nt.open("wb", buffering=1 << 20) as fh:
            write_lines(fh, triples["line"])
        write_turtle(triples, directory / names["ttl"], prefixes, ttl_base)
        write_trig(quads, directory / names["trig"], prefixes, ttl_base)
        write_jsonld(triples, directory / names["jsonld"], context)
        return {name: _facts(directory / name) for name in names.values()}
    stripped = tmp / f"{names['nq']}.triples"
    with stripped.open("wb", buffering=1 << 20) as fh:
        for lines in line_chunks(nq):
            write_lines(fh, lines.str.replace(r" <[^<>]*> \.$", " ."))
    sort_unique([stripped], nt, tmp=tmp)
    stripped.unlink()
    write_turtle(nt, directory / names["ttl"], prefixes, ttl_base)
    write_trig(nq, directory / names["trig"], prefixes, ttl_base)
    write_jsonld(nt, directory / names["jsonld"], context)
    return {name: _facts(directory / name) for name in names.values()}


def _copy_graph(graph: GraphInput, fh: Any) -> None:
    """A graph's lines: the cached file, merged with its extra lines (its links) when it has some."""
    if graph.extra is None or not len(graph.extra):
        if graph.path is not None:
            with graph.path.open("rb") as src:
                shutil.copyfileobj(src, fh, 1 << 20)
        return
    lines = graph.extra
    if graph.path is not None:
        lines = pl.concat([lines, *line_chunks(graph.path)])
    write_lines(fh, lines.unique().sort())


def _facts(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            h.update(block)
    stat = path.stat()
    return {"bytes": stat.st_size, "hash": f"sha256:{h.hexdigest()}", "mtime_ns": stat.st_mtime_ns}
