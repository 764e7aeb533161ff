"""The release's SPARQL store and the SHACL check on it.

A first build bulk-loads the N-Quads parts and the vocabulary into a new on-disk store. A rebuild copies the
published store (a RocksDB checkpoint: hard links, instant) and replaces in it only the named graphs whose lines
changed (and the vocabulary when it changed). The shapes then run on that store, the store the release publishes
(engine ``fast``); the reference engine runs pySHACL on an rdflib dataset read from the same N-Quads. Without a
published store (``build --no-store``) the check runs on a store of its own, deleted afterwards.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from cowork_data import i18n
from cowork_data.pipeline.cache import tree_digest
from cowork_data.pipeline.parts import GraphInput
from cowork_data.publish.store import VOCAB_GRAPH
from cowork_data.validate.report import Finding

__all__ = ["Checked", "check"]

Progress = Callable[[str, str], None]
#: A rebuild updates the published store (and checks only what changed) when fewer than one named graph in this
#: many changed; more, and it bulk-loads a new store and checks it all (on a generated 10k project with every
#: graph changed, the incremental check had not finished after 8 minutes; the full one takes about 10 s).
UPDATE_SHARE = 10


@dataclass
class Checked:
    quads: int
    findings: list[Finding] = field(default_factory=list)
    vocab: str = ""
    shapes: str = ""


class _Chain:
    """The files as one binary stream, for one bulk load of every part."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.current: IO[bytes] | None = None

    def read(self, size: int = -1) -> bytes:
        while True:
            if self.current is None:
                if not self.paths:
                    return b""
                self.current = self.paths.pop(0).open("rb")
            data = self.current.read(size if size and size > 0 else 1 << 20)
            if data:
                return data
            self.current.close()
            self.current = None


def check(plan: Any, stage: Path, nquads: Sequence[Path], graphs: Sequence[GraphInput],
          manifest: Mapping[str, Any], say: Progress) -> Checked:
    """Build the stage's store (published, or a scratch one) and run the shapes on the graph."""
    vocab_files = sorted((plan.root / "vocab").glob("*.ttl"))
    vocab_key = tree_digest(vocab_files, plan.root)
    path = stage / "store" if plan.store else plan.output / "build" / "check-store"
    # A store an earlier build of this process opened can outlive it in a reference cycle (through an exception's
    # traceback) until the collector runs, and RocksDB refuses a second open of the same directory in one process.
    gc.collect()
    if path.exists():
        shutil.rmtree(path)
    published = plan.output / "build" / "store"
    if plan.engine == "reference":
        quads = _bulk(path, nquads, vocab_files) if plan.store else 0
        return Checked(quads, _reference(plan, nquads), vocab_key, tree_digest([plan.root / "shapes"], plan.root))
    store, changed = None, None
    shapes_key = tree_digest([plan.root / "shapes"], plan.root)
    if plan.store and manifest.get("store") and published.is_dir() and manifest.get("vocab") == vocab_key:
        updated = _update(published, path, graphs, manifest, say)
        if updated is not None:
            store, changed = updated
    if store is None:
        say("publish", "store (bulk load)")
        _bulk(path, nquads, vocab_files)
        store = ox.Store(str(path))
    say("validate-graph", f"SHACL: {i18n.pair('cli.build.shapes-on-the-store')}")
    try:
        previous = _previous(plan, manifest) if changed is not None and manifest.get("shapes") == shapes_key else None
        findings = _fast(plan, store, previous, changed, published)
        quads = len(store)
        store.flush()
    finally:
        del store
    if not plan.store:
        shutil.rmtree(path, ignore_errors=True)
    return Checked(quads, findings, vocab_key, shapes_key)


def _bulk(path: Path, nquads: Sequence[Path], vocab: Sequence[Path]) -> int:
    store = ox.Store(str(path))
    store.bulk_load(input=_Chain(nquads), format=ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]
    for file in vocab:
        store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(VOCAB_GRAPH))
    store.flush()
    size = len(store)
    del store
    return size


def _update(published: Path, path: Path, graphs: Sequence[GraphInput], manifest: Mapping[str, Any],
            say: Progress) -> tuple[ox.Store, set[str]] | None:
    """A copy of the published store with the changed named graphs replaced, and the subjects of the triples
    removed or added; None when the published store cannot be copied."""
    recorded: Mapping[str, str] = manifest.get("graphs", {})
    now = {g.iri: g for g in graphs}
    changed = [g for g in graphs if recorded.get(g.iri) != g.signature]
    removed = [iri for iri in recorded if iri not in now]
    if (len(changed) + len(removed)) * UPDATE_SHARE > len(graphs):  # a bulk load and a full check are faster
        return None
    try:
        ox.Store.read_only(str(published)).backup(str(path))
    except OSError:
        return None
    store = ox.Store(str(path))
    say("publish", f"store: {len(changed) + len(removed)} {i18n.pair('cli.build.unit.graphs')}")
    subjects: set[str] = set()
    for iri in [*removed, *(g.iri for g in changed)]:
        name = ox.NamedNode(iri)
        if store.contains_named_graph(name):
            for row in store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"):
                subjects.add(row["s"].value)  # type: ignore[index]
            store.remove_graph(name)
    for graph in changed:
        data = b"".join(_graph_bytes(graph))
        store.load(input=data, format=ox.RdfFormat.N_QUADS)
        for line in data.split(b"\n"):
            if line.startswith(b"<"):
                subjects.add(line[1:line.index(b">")].decode("utf-8"))
    return store, subjects


def _graph_bytes(graph: GraphInput) -> Iterator[bytes]:
    if graph.path is not None:
        yield graph.path.read_bytes()
    if graph.extra is not None and len(graph.extra):
        yield ("\n".join(graph.extra.to_list()) + "\n").encode("utf-8")


def _previous(plan: Any, manifest: Mapping[str, Any]) -> list[Finding] | None:
    """The SHACL findings of the published release (cached with it), or None."""
    from cowork_data.pipeline.release import shacl_findings

    return shacl_findings(plan.cache, manifest.get("release"))


def _fast(plan: Any, store: ox.Store, previous: list[Finding] | None, changed: set[str] | None,
          published: Path) -> list[Finding]:
    """The shapes on the store: in full, or — when the store is the published one with some graphs replaced and
    the shapes are unchanged — only where a changed node can change a result (``fastshacl.revalidate_store``,
    which also follows the changed nodes' paths in the published store, the store before the change)."""
    from cowork_data.errors import UsageError
    from cowork_data.validate import fastshacl
    from cowork_data.validate.shapes import all_layers, load_shapes

    shapes_dir = plan.root / "shapes"
    shapes = load_shapes(all_layers(shapes_dir), shapes_dir=shapes_dir)
    if previous is not None and changed is not None:
        before = ox.Store.read_only(str(published))
        try:
            return list(fastshacl.revalidate_store(store, shapes, previous, changed, before=before))
        except UsageError:  # a finding these shapes cannot give, a blank node: validate it all
            pass
        finally:
            del before
    return list(fastshacl.validate_store(store, shapes))


def _reference(plan: Any, nquads: Sequence[Path]) -> list[Finding]:
    from rdflib import Dataset, Graph

    from cowork_data.graph.terms import quiet_rdflib
    from cowork_data.validate.shacl import validate_graph
    from cowork_data.validate.shapes import all_layers

    dataset = Dataset()
    with quiet_rdflib():
        for path in nquads:
            dataset.parse(path, format="nquads")
    graph = Graph()
    for s, p, o, _g in dataset.quads():
        graph.add((s, p, o))
    shapes_dir = plan.root / "shapes"
    return list(validate_graph(graph, layers=all_layers(shapes_dir), shapes_dir=shapes_dir,
                               vocab_dir=plan.root / "vocab"))
