"""The reach of the SPARQL constraints (``fastshacl.sparql_reach``): which focus nodes a change can affect.

For each of the project's SPARQL constraints, a change of a node that is *not* the focus node (an address's
country, another organisation's code, an admission, a call's window, a vocabulary concept) that creates or
removes a finding on the focus node is found by the incremental run, whose findings equal a full run on the same
final data, in both directions (the triples removed, then added back). Also on generated data with random
changes, and a query the analysis cannot read runs on every focus node.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from cowork_data.graph import build_graph
from cowork_data.validate import fastshacl, shacl
from cowork_data.validate.fastshacl.sparql import build
from cowork_data.validate.fastshacl.sparql_reach import sparql_reach_reason
from cowork_data.validate.shapes import vocab_files

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "shapes" / "examples"
FIXTURE = ROOT / "tests" / "fixtures" / "shapes" / "reach.ttl"
LAYERS = shacl.all_layers()
#: The SPARQL constraints whose query reads only the focus node's own triples.
LOCAL = {"vat-check-digit", "city-iri-country", "outcome-counts-exceed-applications"}


@pytest.fixture(scope="module")
def shapes() -> Iterator[Graph]:
    """The shapes of every layer, compiled once for the module (each run would compile them again)."""
    from cowork_data.validate.fastshacl import engine, incremental

    graph = shacl.load_shapes(LAYERS)
    checks = fastshacl.compile_shapes(graph)

    def compiled(shapes: Graph) -> list[fastshacl.Check]:
        return checks if shapes is graph else fastshacl.compile_shapes(shapes)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "compile_shapes", compiled)
        patch.setattr(incremental, "compile_shapes", compiled)
        yield graph


@pytest.fixture(scope="module")
def sparql_checks(shapes: Graph) -> dict[str, fastshacl.Check]:
    from cowork_data.namespaces import DCT

    out = {}
    for check in fastshacl.compile_shapes(shapes):
        if check.component == "sh:SPARQLConstraintComponent":
            out[str(shapes.value(check.constraint, DCT.identifier))] = check
    return out


def test_every_sparql_constraint_has_a_reach(sparql_checks: dict[str, fastshacl.Check]) -> None:
    assert len(sparql_checks) == 15
    for name, check in sparql_checks.items():
        assert check.reach is not None and not check.reach_note, (name, check.reach_note)
        assert (check.reach == ()) == (name in LOCAL), name
    assert set(sparql_checks["duplicate-fiscal-code"].reach) == {  # type: ignore[arg-type]
        "<https://w3id.org/italia/onto/COV/taxCode>/^<https://w3id.org/italia/onto/COV/taxCode>",
        "<https://w3id.org/italia/onto/COV/VATnumber>/^<https://w3id.org/italia/onto/COV/VATnumber>"}


def _quads(graph: Graph) -> list[ox.Quad]:
    store = ox.Store()
    fastshacl.load_graph(store, graph)
    for path in vocab_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return list(store)


def _store(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(quads)
    return store


def _base(shape: str, kinds: tuple[str, ...] = ("valid", "invalid")) -> Graph:
    graph = Graph().parse(EXAMPLES / "_context.ttl").parse(FIXTURE)
    for kind in kinds:
        if (path := EXAMPLES / f"{shape}-{kind}.ttl").exists():
            graph.parse(path)
    return graph


def _same_both_ways(shapes: Graph, one: list[ox.Quad], other: list[ox.Quad], changed: set[str], *,
                    alone: bool = False) -> tuple[list, list]:
    """Full runs on both stores, and the incremental run each way equal to the full run on its final store
    (``alone``: also without the store before the change)."""
    first, second = _store(one), _store(other)
    full_first, full_second = fastshacl.validate_store(first, shapes), fastshacl.validate_store(second, shapes)
    assert fastshacl.revalidate_store(second, shapes, full_first, changed, before=first) == full_second
    assert fastshacl.revalidate_store(first, shapes, full_second, changed, before=second) == full_first
    if alone:
        assert fastshacl.revalidate_store(second, shapes, full_first, changed) == full_second
    return full_first, full_second


@pytest.mark.parametrize("name", ["wkt-disagrees", "award-over-cap", "duplicate-fiscal-code", "awards-over-funding",
                                  "application-outside-window", "voucher-space-not-admitted",
                                  "milano-2013-workstations", "milano-2013-wifi", "coordinates-outside-italy",
                                  "coordinates-outside-france", "wkt-missing", "feature-unknown"])
def test_a_change_of_another_node_is_found(name: str, shapes: Graph,
                                           sparql_checks: dict[str, fastshacl.Check]) -> None:
    """For the nodes N that a focus node F reaches on the constraint's paths: the store without N's triples
    (another source's records, or a vocabulary concept) and the store with them; the incremental runs both ways
    equal the full ones, and for at least one N (the first focus node that has one) F's finding of this constraint
    differs between the two although F's own triples did not change."""
    check = sparql_checks[name]
    assert check.reach
    base = _quads(_base(str(check.shape).rsplit("#", 1)[-1]))
    store = _store(base)
    targets = {r["this"].value for r in store.query(f"SELECT DISTINCT ?this WHERE {check.targets.select()}")}
    witnesses = 0
    for focus in sorted(targets):
        if witnesses:
            break
        reached = set()
        for path in check.reach:
            for row in store.query(f"SELECT DISTINCT ?n WHERE {{ <{focus}> {path} ?n }}"):
                if isinstance(row["n"], ox.NamedNode) and row["n"].value != focus:
                    reached.add(row["n"].value)
        for node in sorted(reached):
            without = [q for q in base if not (isinstance(q.subject, ox.NamedNode) and q.subject.value == node)]
            with_n, without_n = _same_both_ways(shapes, base, without, {node})
            mine = [{(f.focus_node, f.code) for f in found if f.focus_node == focus and f.code == name}
                    for found in (with_n, without_n)]
            if mine[0] != mine[1]:
                witnesses += 1
                if mine[0]:  # the removal ends F's finding: only the store before the change reaches F from N
                    affected = fastshacl.affected_focus(_store(without), [check], {node}, before=_store(base))
                    assert f"<{focus}>" in affected[check]  # type: ignore[operator]
    assert witnesses, f"no change of another node moves a finding of {name}"


@pytest.mark.parametrize("name", sorted(LOCAL))
def test_local_constraints_change_with_the_focus_node_alone(name: str, shapes: Graph,
                                                            sparql_checks: dict[str, fastshacl.Check]) -> None:
    """A constraint that reads only the focus node's triples: removing them ends the finding, and the incremental
    runs (changed = the focus node) equal the full ones."""
    check = sparql_checks[name]
    base = _quads(_base(str(check.shape).rsplit("#", 1)[-1], ("invalid",)))
    full = fastshacl.validate_store(_store(base), shapes)
    focus = sorted({f.focus_node for f in full if f.code == name})
    assert focus, name
    without = [q for q in base if not (isinstance(q.subject, ox.NamedNode) and q.subject.value == focus[0])]
    _with, after = _same_both_ways(shapes, base, without, {focus[0]})
    assert not [f for f in after if f.code == name and f.focus_node == focus[0]]


@pytest.mark.parametrize("seed", [3, 4])
def test_random_changes_of_generated_data(seed: int, shapes: Graph) -> None:
    """INVENTED generated data with planted defects: random nodes lose all their triples, some take another
    node's values; the incremental runs (with the store before the change) equal the full ones."""
    from bench.generate import generate

    tables, sources = generate(60, seed=seed, defects=0.3)
    base = _quads(build_graph(tables, sources=sources))
    rng = random.Random(seed)
    subjects = sorted({q.subject.value for q in base if isinstance(q.subject, ox.NamedNode)
                       and "/cowork-data/data/" in q.subject.value})
    gone = set(rng.sample(subjects, 12))
    donors = rng.sample(subjects, 6)
    after = [q for q in base if not (isinstance(q.subject, ox.NamedNode) and q.subject.value in gone)]
    for donor, taker in zip(donors[:3], donors[3:], strict=True):  # a taker gets the donor's literal values
        after += [ox.Quad(ox.NamedNode(taker), q.predicate, q.object) for q in base
                  if isinstance(q.subject, ox.NamedNode) and q.subject.value == donor
                  and isinstance(q.object, ox.Literal)]
    before_full, after_full = _same_both_ways(shapes, base, after, gone | set(donors[3:]), alone=True)
    moved = {f.focus_node for f in set(before_full) ^ set(after_full)} - gone - set(donors[3:])
    assert moved, "the change should move findings of nodes that did not change"


@pytest.mark.parametrize(("query", "reason"), [
    ("SELECT $this WHERE { GRAPH ?g { $this <urn:p> ?v } }", "GRAPH"),
    ("SELECT $this WHERE { $this ?p ?v }", "a variable in the predicate position"),
    ("SELECT $this WHERE { $this <urn:p> ?v . ?x <urn:q> ?y FILTER (?y = ?v) }",
     "a pattern that no trail of patterns from $this reaches"),
    ("SELECT $this WHERE { $this <urn:p> [ <urn:q> ?v ] }", "a blank node property list or a collection in a pattern"),
    ("SELECT $this WHERE { $this x:p ?v }", "undeclared prefix x:"),
])
def test_a_query_that_cannot_be_read_runs_everywhere(query: str, reason: str) -> None:
    assert sparql_reach_reason(build(query)) == (None, reason)


def test_paths_of_a_query() -> None:
    """Sequences, inverses, repetitions, alternatives, negated sets; UNION branches are separate ways to match, and
    an EXISTS group joins its outer pattern."""
    query = """PREFIX e: <urn:e:>
        SELECT $this WHERE {
            { $this e:a/e:b ?x . ?y e:c ?x } UNION { $this ^e:d* ?z }
            $this !(e:f|^e:g) ?w .
            FILTER NOT EXISTS { ?w e:h|e:i ?k . ?k a e:C }
        }"""
    paths, reason = sparql_reach_reason(build(query))
    assert reason == "" and set(paths or ()) == {
        "<urn:e:a>", "<urn:e:a>/<urn:e:b>/^<urn:e:c>", "(^<urn:e:d>)*/^<urn:e:d>", "!(<urn:e:f>|^<urn:e:g>)",
        "!(<urn:e:f>|^<urn:e:g>)/(<urn:e:h>|<urn:e:i>)"}
