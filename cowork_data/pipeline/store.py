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
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from cowork_data import i18n
from cowork_data.pipeline.cache import tree_digest
from cowork_data.pipeline.parts import GraphInput
from cowork_data.publish.store import VOCAB_GRAPH
from cowork_data.validate.report import Finding

__all__ = ["Checked", "Load", "check", "start"]

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


class Load:
    """The bulk load of a new store, in a thread of its own while the build writes the other graph formats:
    pyoxigraph's loader releases the GIL, so it has the second core; :meth:`wait` gives its quads or raises its
    error."""

    def __init__(self, path: Path, nquads: Sequence[Path], vocab: Sequence[Path]) -> None:
        self.path = path
        self.quads = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(list(nquads), list(vocab)), daemon=True,
                                       name="cowork-data-bulk-load")
        self.thread.start()

    def _run(self, nquads: list[Path], vocab: list[Path]) -> None:
        try:
            self.quads = _bulk(self.path, nquads, vocab)
        except BaseException as exc:  # raised again by wait(), in the build's thread
            self.error = exc

    def wait(self) -> int:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.quads


def _store_path(plan: Any, stage: Path) -> Path:
    return stage / "store" if plan.store else plan.output / "build" / "check-store"


def _vocab(plan: Any) -> tuple[list[Path], str]:
    files = sorted((plan.root / "vocab").glob("*.ttl"))
    return files, tree_digest(files, plan.root)


def _fresh(path: Path) -> None:
    # A store an earlier build of this process opened can outlive it in a reference cycle (through an exception's
    # traceback) until the collector runs, and RocksDB refuses a second open of the same directory in one process.
    gc.collect()
    if path.exists():
        shutil.rmtree(path)


def start(plan: Any, stage: Path, nquads: Sequence[Path], graphs: Sequence[GraphInput],
          manifest: Mapping[str, Any]) -> Load | None:
    """Start the bulk load of the release's N-Quads when :func:`check` will need a new store (a first build, or
    too many graphs changed to update the published one); None when it will not (no store to load, or an update)."""
    vocab_files, vocab_key = _vocab(plan)
    if plan.engine == "reference" and not plan.store:
        return None
    if plan.engine != "reference" and _updatable(plan, graphs, manifest, vocab_key):
        return None
    path = _store_path(plan, stage)
    _fresh(path)
    return Load(path, nquads, vocab_files)


def _updatable(plan: Any, graphs: Sequence[GraphInput], manifest: Mapping[str, Any], vocab_key: str) -> bool:
    """Whether the published store can be updated graph by graph (few graphs changed, same vocabulary)."""
    published = plan.output / "build" / "store"
    return bool(plan.store and manifest.get("store") and published.is_dir() and manifest.get("vocab") == vocab_key
                and _few_changed(graphs, manifest))


def _few_changed(graphs: Sequence[GraphInput], manifest: Mapping[str, Any]) -> bool:
    recorded: Mapping[str, str] = manifest.get("graphs", {})
    now = {g.iri for g in graphs}
    changed = sum(1 for g in graphs if recorded.get(g.iri) != g.signature) + sum(1 for iri in recorded
                                                                                 if iri not in now)
    return changed * UPDATE_SHARE <= len(graphs)  # else a bulk load and a full check are faster


def check(plan: Any, stage: Path, nquads: Sequence[Path], graphs: Sequence[GraphInput],
          manifest: Mapping[str, Any], say: Progress, load: Load | None = None) -> Checked:
    """Build the stage's store (published, or a scratch one) and run the shapes on the graph; ``load``: the bulk
    load :func:`start` began."""
    vocab_files, vocab_key = _vocab(plan)
    path = _store_path(plan, stage)
    if load is None:
        _fresh(path)
    published = plan.output / "build" / "store"
    if plan.engine == "reference":
        quads = (load.wait() if load else _bulk(path, nquads, vocab_files)) if plan.store else 0
        return Checked(quads, _reference(plan, nquads), vocab_key, tree_digest([plan.root / "shapes"], plan.root))
    store, changed = None, None
    shapes_key = tree_digest([plan.root / "shapes"], plan.root)
    if load is None and plan.store and manifest.get("store") and published.is_dir() \
            and manifest.get("vocab") == vocab_key:
        updated = _update(published, path, graphs, manifest, say)
        if updated is not None:
            store, changed = updated
    if store is None:
        say("publish", "store (bulk load)")
        if load is not None:
            load.wait()
        else:
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
    # File by file, by path: one bulk load reading the parts as one Python stream held about 1.1 GB at 10k spaces
    # (the loader buffers what it reads), by path 0.23 GB, at the same CPU time.
    for file in nquads:
        store.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)
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
    if not _few_changed(graphs, manifest):
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
