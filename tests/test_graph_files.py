"""The published graph files (issue 6, acceptance 3 and 6): every serialisation parses and holds the same graph,
one named graph per source, the JSON-LD context is published, and a renamed space keeps its IRI."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from cowork_data.graph import CITIES_GRAPH
from cowork_data.namespaces import DEFAULT_BASE, SCHEMA, graph_iri
from cowork_data.pipeline import build
from cowork_data.profiles import FRANCE
from tests.conftest import WITHOUT_FRANCE, copy_project
from tests.rdf_files import quads_of, same_graph, triples_of

GRAPH = Path("data") / "graph"


def _rapper() -> str:
    rapper = shutil.which("rapper")
    assert rapper, "raptor2-utils (rapper) is part of the setup (make setup); it must be installed"
    return rapper


def test_rapper_parses_every_turtle_and_ntriples_file(release) -> None:
    files = [(release.output / GRAPH / "cowork-data.ttl", "turtle"), (release.output / GRAPH / "cowork-data.nt",
             "ntriples"), (release.output / "data" / "catalog.ttl", "turtle"),
             (release.output / GRAPH / "cowork-data.trig", "trig")]
    for path, syntax in files:
        proc = subprocess.run([_rapper(), "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (path, proc.stderr)
        assert "returned" in proc.stderr and "error" not in proc.stderr.lower(), proc.stderr


def test_turtle_and_ntriples_hold_the_same_graph(release) -> None:
    # here, beside the other serialisations, so that a worker parses each graph file once (tests/rdf_files.py)
    ttl = triples_of(release.output / GRAPH / "cowork-data.ttl", "turtle")
    nt = triples_of(release.output / GRAPH / "cowork-data.nt", "nt")
    assert len(nt) == release.triples
    assert same_graph(ttl, nt)


def test_jsonld_is_isomorphic_to_the_turtle(release) -> None:
    turtle = triples_of(release.output / GRAPH / "cowork-data.ttl", "turtle")
    jsonld = triples_of(release.output / GRAPH / "cowork-data.jsonld", "json-ld")
    assert len(jsonld) == release.triples
    assert same_graph(turtle, jsonld)


def test_the_graph_comparison_sees_one_triple_and_matches_blank_nodes() -> None:
    a = [(BNode("x"), URIRef("http://e.org/p"), Literal("1")), (URIRef("http://e.org/s"), URIRef("http://e.org/p"),
                                                                 BNode("x"))]
    renamed = [(BNode("y") if isinstance(t, BNode) else t for t in triple) for triple in a]
    assert same_graph(a, [tuple(t) for t in renamed])
    assert not same_graph(a, a[:1])
    plain = [(URIRef("http://e.org/s"), URIRef("http://e.org/p"), Literal("1"))]
    assert same_graph(plain, list(plain)) and not same_graph(plain, [(*plain[0][:2], Literal("2"))])


def test_jsonld_uses_the_published_context(release) -> None:
    context = json.loads((release.output / GRAPH / "context.jsonld").read_text(encoding="utf-8"))
    data = json.loads((release.output / GRAPH / "cowork-data.jsonld").read_text(encoding="utf-8"))
    assert data["@context"] == context["@context"]
    assert context["@context"]["cov"] == "https://w3id.org/italia/onto/COV/"
    ids = [node["@id"] for node in data["@graph"]]
    prefixes = {k: v for k, v in context["@context"].items() if isinstance(v, str)}
    full = [prefixes[i.split(":", 1)[0]] + i.split(":", 1)[1] if i.split(":", 1)[0] in prefixes else i for i in ids]
    # One node object per subject, in the order of the sorted N-Triples (``<iri>`` text: ``#`` sorts before ``>``)
    assert len(set(full)) == len(full)
    assert full == sorted(full, key=lambda iri: f"<{iri}>")
    nt_subjects = [line.split(" ", 1)[0][1:-1]
                   for line in (release.output / GRAPH / "cowork-data.nt").read_text(encoding="utf-8").splitlines()]
    assert full == list(dict.fromkeys(nt_subjects))


def test_one_named_graph_per_source(release) -> None:
    sources = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "sources").glob("*.toml"))
    # each source, and the municipalities of each country in the graph of its reference list (istat, insee)
    expected = {str(graph_iri(s)) for s in [*sources, CITIES_GRAPH, FRANCE.city_graph]}
    ntriples = triples_of(release.output / GRAPH / "cowork-data.nt", "nt")
    for name, fmt in (("cowork-data.nq", "nquads"), ("cowork-data.trig", "trig")):
        quads = quads_of(release.output / GRAPH / name, fmt)
        graphs = {str(g) for _s, _p, _o, g in quads}  # the graphs that hold a triple (rdflib names the default one)
        assert graphs == expected, name
        assert same_graph({(s, p, o) for s, p, o, _g in quads}, ntriples), name
    # a space's triples live in the graph of the source it was read from
    nq = (release.output / GRAPH / "cowork-data.nq").read_text(encoding="utf-8")
    sarpi = f"<{DEFAULT_BASE}data/workspace/f205/spazio-esempio-sarpi> "
    line = next(x for x in nq.splitlines() if x.startswith(sarpi))
    assert line.endswith(f"<{graph_iri('milano-coworking')}> .")


def test_store_holds_the_named_graphs_and_the_vocabulary(release) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(release.output / "build" / "store"))
    named = {g.value for g in store.named_graphs()}
    assert str(graph_iri("milano-coworking")) in named and "https://w3id.org/cowork-data/vocab" in named
    quads = sum(1 for _ in ox.parse(path=str(release.output / GRAPH / "cowork-data.nq"), format=ox.RdfFormat.N_QUADS))
    assert len(store) == release.store_quads and release.store_quads > quads


def test_renaming_a_space_keeps_its_iri(tmp_path: Path) -> None:
    """Rename a space in a copy of the Milan snapshot (provenance sha256 updated) and rebuild: same IRI, new name."""
    root = copy_project(tmp_path / "root", without=WITHOUT_FRANCE)  # a Milan space: the Italian sources suffice
    snapshot = root / "sources" / "snapshots" / "milano-coworking" / "coworking__joined__f.csv"
    data = snapshot.read_bytes()
    old, new = "Spazio Esempio Sarpi".encode("latin-1"), "Sarpi Coworking Rinominato".encode("latin-1")
    if old not in data:
        old, new = b"Spazio Esempio Sarpi", b"Sarpi Coworking Rinominato"
    assert data.count(old) == 1, "the fixture row of spazio-esempio-sarpi is expected in the snapshot"
    data = data.replace(old, new)
    snapshot.write_bytes(data)
    provenance = snapshot.with_name(snapshot.name + ".provenance.json")
    meta = json.loads(provenance.read_text(encoding="utf-8"))
    meta["sha256"], meta["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    provenance.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    result = build(root=root, output=tmp_path / "out")
    with (result.output / "data" / "spaces.csv").open(encoding="utf-8") as fh:
        names = {row["id"]: row["name"] for row in csv.DictReader(fh)}
    assert names["f205/spazio-esempio-sarpi"] == "Sarpi Coworking Rinominato"
    graph = Graph().parse(result.output / GRAPH / "cowork-data.nt", format="nt")
    space = URIRef(f"{DEFAULT_BASE}data/workspace/f205/spazio-esempio-sarpi")
    assert graph.value(space, SCHEMA.name) == Literal("Sarpi Coworking Rinominato")
    assert not any("sarpi-coworking-rinominato" in str(s) for s in graph.subjects())
