"""Differential tests: the fast SHACL engine (SPARQL on pyoxigraph) against pySHACL, the reference.

Compared as sets of (focus node, path, constraint component, severity), plus the shape and the finding code, on
every example graph of ``tests/shapes/examples`` (all layers), on the shipped graph, and on a generated graph with
planted defects of every kind (``bench/generate.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from cowork_data.graph import build_graph
from cowork_data.validate import fast_shacl, shacl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "shapes" / "examples"
LAYERS = shacl.all_layers()


def _key(findings) -> set[tuple[str, ...]]:  # noqa: ANN001
    return {(f.focus_node, f.path, f.constraint, f.severity, f.shape, f.code) for f in findings}


def _same(graph: Graph, layers=LAYERS) -> int:  # noqa: ANN001
    reference = shacl.validate_graph(graph, layers=layers)
    result = fast_shacl.validate(graph, layers=layers)
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


def test_shipped_graph_agrees() -> None:
    graph = Graph().parse(ROOT / "data" / "graph" / "cowork-data.nt", format="nt")
    _same(graph)


def test_generated_graph_with_planted_defects_agrees() -> None:
    from bench.generate import generate

    tables, sources = generate(60, seed=7, defects=0.2)
    graph = build_graph(tables, sources=sources)
    assert _same(graph) > 20


def test_project_shapes_compile_without_fallback() -> None:
    shapes = shacl.load_shapes(LAYERS)
    checks = fast_shacl.compile_shapes(shapes)
    assert {c.component for c in checks} <= set(fast_shacl.CLAIMED)


def test_unsupported_shapes_fall_back_to_pyshacl(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    (tmp_path / "core.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape "
        "[ sh:class ex:D ] ; sh:qualifiedMinCount 1 ] .\n", encoding="utf-8")
    data = Graph().parse(data="<http://example.org/a> a <http://example.org/C> .", format="turtle")
    result = fast_shacl.validate(data, layers=("core",), shapes_dir=tmp_path)
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


def test_not_exists_rewrite_keeps_non_bgp_patterns() -> None:
    """Only a top-level NOT EXISTS over triple patterns and filters becomes a left join; OPTIONAL stays as is."""
    text = "SELECT ?this WHERE { ?this ?p ?o . FILTER NOT EXISTS { ?this ?q ?x OPTIONAL { ?x ?r ?y } } }"
    assert fast_shacl._not_exists_as_left_join(text, text.index("{")) == text
    text = 'SELECT ?this WHERE { ?this ?p "}" . FILTER NOT EXISTS { ?this ?q ?x FILTER(?x > 1) } BIND(1 AS ?z) }'
    out = fast_shacl._not_exists_as_left_join(text, text.index("{"))
    assert "NOT EXISTS" not in out and out.index("BIND(1 AS ?z)") < out.index("OPTIONAL")
    union = "SELECT ?this WHERE { { ?this ?p ?o } UNION { ?o ?p ?this } }"
    assert fast_shacl._join_focus(union, union.index("{"), "F").count("F") == 2


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
    store.bulk_extend(ox.Quad(*(fast_shacl.to_ox(t) for t in triple)) for triple in data)  # type: ignore[misc]
    checks = fast_shacl.compile_shapes(shapes)
    planned = [fast_shacl._Classes(store).resolve(c.query, focus=False) for c in checks if c.batch is None]
    assert any("SELECT DISTINCT ?this WHERE" not in q for q in planned)  # some checks start from the rare class
    assert {c.batch[0] for c in checks if c.batch} == {"min", "max"}  # and the count checks are merged
    for threads in (1, 2):
        results = fast_shacl.run(store, checks, threads=threads)
        found = {(str(r.focus), r.component.removeprefix("sh:")) for r in results}
        assert found == expected
    assert not conforms and {focus.rsplit("/", 1)[1] for focus, _ in expected} == {
        "two-codes", "no-code", "bad-tag", "three-tags", "noted", "negative", "no-size", "rare-number"}
