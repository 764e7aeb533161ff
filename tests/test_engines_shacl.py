"""Differential tests: the fast SHACL engine (SPARQL on pyoxigraph) against pySHACL, the reference.

Compared as sets of (focus node, path, constraint component, severity), plus the shape and the finding code, on
every example graph of ``tests/shapes/examples`` (all layers) and on a generated graph with planted defects of every
kind (``bench/generate.py``). The shipped graph is compared in ``tests/test_engines_build.py``, where the reference
build runs pySHACL on it (all layers, with the vocabulary) and its findings must equal the fast build's: one pySHACL
run on the release instead of two.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from cowork_data.errors import UsageError
from cowork_data.graph import build_graph
from cowork_data.validate import fastshacl, shacl
from cowork_data.validate.shapes import vocab_files

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "shapes" / "examples"
LAYERS = shacl.all_layers()


def _key(findings) -> set[tuple[str, ...]]:  # noqa: ANN001
    return {(f.focus_node, f.path, f.constraint, f.severity, f.shape, f.code) for f in findings}


def _same(graph: Graph, layers=LAYERS) -> int:  # noqa: ANN001
    reference = shacl.validate_graph(graph, layers=layers)
    result = fastshacl.validate(graph, layers=layers)
    assert not result.fallback, result.fallback
    assert _key(result.findings) == _key(reference)
    for fast, ref in zip(sorted(result.findings, key=_order), sorted(reference, key=_order), strict=True):
        assert (fast.message_it, fast.message_en) == (ref.message_it, ref.message_en)
    return len(reference)


def _order(f) -> tuple:  # noqa: ANN001
    return (f.focus_node, f.path, f.constraint, f.severity, f.shape, f.code, f.message_en)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*Shape-*.ttl")))
def test_examples_agree(example: str) -> None:
    graph = Graph().parse(EXAMPLES / "_context.ttl").parse(EXAMPLES / example)
    found = _same(graph)
    assert (found > 0) == example.endswith("-invalid.ttl")


def test_generated_graph_with_planted_defects_agrees() -> None:
    from bench.generate import generate

    tables, sources = generate(60, seed=7, defects=0.2)
    graph = build_graph(tables, sources=sources)
    assert _same(graph) > 20


def test_project_shapes_compile_without_fallback() -> None:
    shapes = shacl.load_shapes(LAYERS)
    checks = fastshacl.compile_shapes(shapes)
    assert {c.component for c in checks} <= set(fastshacl.CLAIMED)


def test_unsupported_shapes_fall_back_to_pyshacl(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    (tmp_path / "core.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape "
        "[ sh:class ex:D ] ; sh:qualifiedMinCount 1 ] .\n", encoding="utf-8")
    data = Graph().parse(data="<http://example.org/a> a <http://example.org/C> .", format="turtle")
    result = fastshacl.validate(data, layers=("core",), shapes_dir=tmp_path)
    assert "qualified" in result.fallback
    assert [f.constraint for f in result.findings] == ["sh:QualifiedMinCountConstraintComponent"]
    assert "pySHACL" in caplog.text


def test_rewritten_joins_agree_on_mutated_admissions_and_dates() -> None:
    """The left-join forms (VoucherCrossShape, the compiler's NOT EXISTS and union rewrites) on data that trips them.

    A generated graph where some admissions lose their workspace or status, some dates move by years (vouchers,
    admissions, windows): the same findings as pySHACL, including voucher and funding findings.
    """
    import random

    from bench.generate import generate

    tables, sources = generate(120, seed=3, defects=0.05)
    graph = build_graph(tables, sources=sources)
    rng = random.Random(5)
    cw, dct, adms = "https://w3id.org/cowork-data/vocab#", "http://purl.org/dc/terms/", "http://www.w3.org/ns/adms#"
    ti = "https://w3id.org/italia/onto/TI/"
    for s, p, o in sorted(graph):
        roll = rng.random()
        if str(p) in (cw + "admittedWorkspace", adms + "status", ti + "startTime", ti + "endTime") and roll < 0.2:
            graph.remove((s, p, o))
        elif str(p) in (dct + "dateAccepted", ti + "startTime", ti + "endTime") and roll < 0.5:
            year = int(str(o)[:4]) + rng.choice((-3, -1, 1, 3))
            graph.set((s, p, type(o)(f"{year}{str(o)[4:]}", datatype=o.datatype)))
    findings = shacl.validate_graph(graph, layers=("cross",))
    shapes = {f.shape.rsplit("#", 1)[-1] for f in findings}
    assert {"VoucherCrossShape", "CallFundingCrossShape"} <= shapes, shapes
    _same(graph, layers=("core", "cross"))


PLAN_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:code ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ;
  sh:property [ sh:path ex:tag ; sh:maxCount 2 ; sh:in ("a" "b") ] ;
  sh:property [ sh:path ex:note ; sh:maxCount 0 ] ;
  sh:property [ sh:path ex:size ; sh:minCount 1 ; sh:minInclusive 0 ] .
ex:RareShape a sh:NodeShape ; sh:targetClass ex:Rare ;
  sh:property [ sh:path ex:code ; sh:datatype xsd:string ; sh:maxCount 1 ] .
"""


def _plan_data() -> str:
    """INVENTED data: a rare class on a common predicate (``ex:Rare``: the plan starts from the class), a
    subclass (the hierarchy is resolved), over-full subjects outside the focus nodes (no finding), and one defect
    of each constraint on focus nodes."""
    lines = ["@prefix ex: <http://example.org/> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "ex:Special rdfs:subClassOf ex:Thing ."]
    for i in range(400):  # not focus nodes: two codes, three tags, a note, a negative size — none is reported
        lines.append(f'ex:other{i} ex:code "x", "y" ; ex:tag "c", "d", "e" ; ex:note "n" ; ex:size -1 .')
    lines += [
        'ex:ok a ex:Thing ; ex:code "k" ; ex:tag "a", "b" ; ex:size 3 .',
        'ex:special a ex:Special ; ex:code "s" ; ex:size 1 .',
        'ex:two-codes a ex:Thing ; ex:code "p", "q" ; ex:size 1 .',
        'ex:no-code a ex:Special ; ex:size 1 .',
        'ex:bad-tag a ex:Thing ; ex:code "t" ; ex:tag "z" ; ex:size 1 .',
        'ex:three-tags a ex:Thing ; ex:code "u" ; ex:tag "a", "b", "a2" ; ex:size 1 .',
        'ex:noted a ex:Thing ; ex:code "v" ; ex:note "n" ; ex:size 1 .',
        'ex:negative a ex:Thing ; ex:code 5 ; ex:size -2 .',
        'ex:no-size a ex:Thing ; ex:code "w" .',
        'ex:rare-ok a ex:Rare ; ex:code "r" .',
        'ex:rare-number a ex:Rare ; ex:code 7 .',
    ]
    return "\n".join(lines)


def test_planned_queries_agree_with_pyshacl() -> None:
    """Merged count checks, resolved class hierarchy and the join order chosen per check give pySHACL's results."""
    import pyoxigraph as ox
    import pyshacl
    from rdflib.namespace import SH

    data, shapes = Graph().parse(data=_plan_data(), format="turtle"), Graph().parse(data=PLAN_SHAPES, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    expected = {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)).split("#")[1])
                for r in report.subjects(SH.focusNode, None)}
    store = ox.Store()
    store.bulk_extend(ox.Quad(*(fastshacl.to_ox(t) for t in triple)) for triple in data)  # type: ignore[misc]
    checks = fastshacl.compile_shapes(shapes)
    plan = fastshacl.Plan(store.query)
    planned = [plan.query(c) for c in checks if c.batch is None]
    assert any("SELECT DISTINCT ?this WHERE" not in q for q in planned)  # some checks start from the rare class
    assert {c.batch[0] for c in checks if c.batch} == {"min", "max"}  # and the count checks are merged
    for threads in (1, 2):
        results = fastshacl.run(store, checks, threads=threads)
        found = {(str(r.focus), r.component.removeprefix("sh:")) for r in results}
        assert found == expected
    assert not conforms and {focus.rsplit("/", 1)[1] for focus, _ in expected} == {
        "two-codes", "no-code", "bad-tag", "three-tags", "noted", "negative", "no-size", "rare-number"}


# ---------------------------------------------------------------- a store, some focus nodes, a change


VAT = "https://w3id.org/italia/onto/COV/VATnumber"


def _store_of(graph: Graph):  # noqa: ANN202
    import pyoxigraph as ox

    store = ox.Store()
    fastshacl.load_graph(store, graph)
    for path in vocab_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _generated_store(spaces: int = 80, seed: int = 7, defects: float = 0.1):  # noqa: ANN202
    """A generated graph with planted defects, where the first organisation takes the last one's VAT number
    (INVENTED: a duplicate across two entities), and its store."""
    from rdflib import URIRef

    from bench.generate import generate

    tables, sources = generate(spaces, seed=seed, defects=defects)
    graph = build_graph(tables, sources=sources)
    orgs = sorted(graph.subject_objects(URIRef(VAT)))
    graph.set((orgs[0][0], URIRef(VAT), orgs[-1][1]))
    return graph, _store_of(graph)


def test_focus_restriction_equals_the_full_run_filtered(monkeypatch) -> None:  # noqa: ANN001
    """Only the given focus nodes are validated, each against the whole store: a duplicate tax code is found on
    an organisation in the set although its twin is outside it. Also with the focus nodes split over many
    queries (a few per query)."""
    from cowork_data.validate.fastshacl import execute

    shapes = shacl.load_shapes(LAYERS)
    graph, store = _generated_store()
    full = fastshacl.validate_store(store, shapes)
    duplicates = sorted({f.focus_node for f in full if f.code == "duplicate-fiscal-code"})
    assert len(duplicates) == 2
    chosen = {duplicates[0]}
    workspaces = sorted({f.focus_node for f in full if "/data/workspace/" in f.focus_node})
    chosen |= set(workspaces[::3]) | {"https://example.org/not-in-the-store"}
    restricted = fastshacl.validate_store(store, shapes, focus=chosen)
    assert restricted == [f for f in full if f.focus_node in chosen]
    assert fastshacl.validate_store(store, shapes, focus=iter(sorted(chosen))) == restricted  # read once
    monkeypatch.setattr(execute, "CHUNK", 3)
    assert fastshacl.validate_store(store, shapes, focus=chosen) == restricted
    with pytest.raises(UsageError):
        fastshacl.validate_store(store, shapes, focus=["not an IRI"])
    assert {"duplicate-fiscal-code", "shacl-datatype"} <= {f.code for f in restricted}
    assert fastshacl.validate_store(store, shapes, focus=[]) == []


def _mutated(graph: Graph, seed: int) -> tuple[Graph, set[str]]:
    """INVENTED changes: some nodes lose triples (types included), one organisation takes another's VAT number;
    returns the new graph and the subjects whose triples changed."""
    import random

    from rdflib import URIRef

    rng = random.Random(seed)
    out = Graph()
    out += graph
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)})
    changed: set[str] = set()
    for s in rng.sample(subjects, len(subjects) // 12):
        for triple in sorted(graph.triples((s, None, None))):
            if rng.random() < 0.4:
                out.remove(triple)
                changed.add(str(s))
    orgs = sorted(graph.subject_objects(URIRef(VAT)))
    (a, _old), (_b, value) = orgs[1], orgs[-2]
    out.set((a, URIRef(VAT), value))  # a new duplicate: its twin did not change
    changed.add(str(a))
    return out, changed


@pytest.mark.parametrize("seed", [1, 2])
def test_revalidation_after_a_change_equals_a_full_run(seed: int) -> None:
    """Re-running only where a result can differ (the changed nodes, the nodes that reach them on a check's paths,
    every focus node of the SPARQL constraints) gives the findings of a full run on the changed store."""
    shapes = shacl.load_shapes(LAYERS)
    graph, store = _generated_store(seed=seed)
    before = fastshacl.validate_store(store, shapes)
    changed_graph, changed = _mutated(graph, seed)
    after_store = _store_of(changed_graph)
    full = fastshacl.validate_store(after_store, shapes)
    again = fastshacl.revalidate_store(after_store, shapes, before, changed)
    assert again == full
    moved = {f.focus_node for f in set(before) ^ set(full)} - changed
    assert moved, "the change should move findings of nodes that did not change (sh:class, cross-entity shapes)"
    checks = fastshacl.compile_shapes(shapes)
    affected = fastshacl.affected_focus(after_store, checks, changed)
    local = [c for c in checks if c.reach == ()]
    assert local and all(affected[c] == {f"<{n}>" for n in changed} for c in local)
    assert any(c.reach and affected[c] != affected[local[0]] for c in checks)  # sh:class reaches further


def test_named_graphs_are_validated_as_their_union(tmp_path: Path) -> None:
    """A build's store: one named graph per source (on disk), the vocabulary in its own graph."""
    import pyoxigraph as ox

    shapes = shacl.load_shapes(LAYERS)
    graph, store = _generated_store(spaces=40)
    expected = fastshacl.validate_store(store, shapes)
    on_disk = ox.Store(str(tmp_path / "store"))
    graphs = [ox.NamedNode(f"https://example.org/graph/{i}") for i in range(3)]
    on_disk.bulk_extend(ox.Quad(*(fastshacl.to_ox(t) for t in triple), graphs[hash(str(triple[0])) % 3])  # type: ignore
                        for triple in graph)
    for path in vocab_files():
        on_disk.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/v"))
    on_disk.flush()
    assert fastshacl.validate_store(on_disk, shapes) == expected


def test_reference_engine_leaves_rdflib_unpatched() -> None:
    """pySHACL's queries are memoised on the validation's own graph; rdflib's parser is never replaced."""
    from rdflib.plugins.sparql import algebra, parser, processor

    graph = Graph().parse(EXAMPLES / "_context.ttl").parse(EXAMPLES / "VoucherCrossShape-invalid.ttl")
    first = shacl.validate_graph(graph, layers=LAYERS)
    assert first and shacl.validate_graph(graph, layers=LAYERS) == first
    assert processor.translateQuery is algebra.translateQuery and processor.parseQuery is parser.parseQuery
    text = "PREFIX b: <http://b/>\nPREFIX a: <http://a/>\nSELECT ?s WHERE { ?s a:p b:o }"
    swapped = "PREFIX a: <http://a/>\nPREFIX b: <http://b/>\nSELECT ?s WHERE { ?s a:p b:o }"
    assert shacl.prepared_query(text, None, {}) is shacl.prepared_query(swapped, None, {})
