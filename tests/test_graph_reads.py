"""The predicates the compiled checks read (``cowork_data.validate.graph_reads``): derived from the queries, checked
against rdflib's reading of the same queries, and a user's rows loaded without the others give the same findings."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from bench.bench_validate import HEADER, messy_rows
from cowork_data.validate import rows_graph, validate_file
from cowork_data.validate.fastshacl import compile_shapes
from cowork_data.validate.graph_reads import RDF_TYPE, read_predicates

PREFIXES = "PREFIX ex: <https://example.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def _rdflib_predicates(text: str) -> set[str] | None:
    """The predicates rdflib's algebra of ``text`` reads; None for a variable or a negated property set."""
    found: set[str] = set()

    def path(p: object) -> bool:
        if isinstance(p, URIRef):
            found.add(str(p))
            return True
        if isinstance(p, SequencePath | AlternativePath):
            return all(path(a) for a in p.args)
        if isinstance(p, InvPath):
            return path(p.arg)
        if isinstance(p, MulPath):
            return path(p.path)
        assert isinstance(p, Variable | NegatedPath), p
        return False

    def walk(node: object) -> bool:
        if isinstance(node, CompValue):
            if node.name == "BGP" and not all(path(t[1]) for t in node["triples"]):
                return False
            return all(walk(v) for v in node.values()) and (not node.name.endswith("EXISTS") or walk(node.graph))
        if isinstance(node, list | tuple):
            return all(walk(v) for v in node)
        return True

    return found if walk(translateQuery(parseQuery(text)).algebra) else None


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?this WHERE { ?this a ex:T ; ex:p/ex:q* ?v , ?w . ?v ^ex:r|(ex:s/ex:t)+ ?x }",
     {RDF_TYPE, "https://example.org/p", "https://example.org/q", "https://example.org/r", "https://example.org/s",
      "https://example.org/t"}),
    ("SELECT DISTINCT ?this ?value WHERE { { SELECT DISTINCT ?this WHERE { ?this rdf:type/rdfs:subClassOf* ex:T } }"
     " ?this <https://example.org/p> ?value . FILTER NOT EXISTS { ?value ex:q [ ex:r \"x\"@it ] } "
     "VALUES ?value { ex:notapredicate } } GROUP BY ?this ?value HAVING (COUNT(?value) > 1)",
     {RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#subClassOf", "https://example.org/p", "https://example.org/q",
      "https://example.org/r"}),
    ("SELECT ?this WHERE { ?this ex:p \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> . OPTIONAL { ?this ex:q 2 }"
     " BIND (ex:r AS ?path) FILTER (REGEX(STR(?this), \"^x\") && EXISTS { ?this ex:s ?y }) }",
     {"https://example.org/p", "https://example.org/q", "https://example.org/s"}),
    ("SELECT ?this WHERE { ?this ?p ?value }", None),  # any predicate
    ("SELECT ?this WHERE { ?this ex:p ?v . FILTER NOT EXISTS { ?v ?q ?w } }", None),
    ("SELECT ?this WHERE { ?this !ex:p ?v }", None),
    ("SELECT ?this WHERE { ?this ex:p/(ex:q|?x) ?v }", None),
    ("SELECT ?this WHERE { GRAPH ?g { ?this ex:p ?v } }", None),
    ("SELECT ?this WHERE { ?this <relative> ?v }", None),
])
def test_predicates_of_a_query(query: str, expected: set[str] | None) -> None:
    text = PREFIXES + "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" + query
    found = read_predicates([text])
    assert (None if found is None else set(found)) == expected
    if "GRAPH" not in query and "relative" not in query and "?x)" not in query:  # valid, and rdflib's to read
        assert _rdflib_predicates(text) == expected


def test_a_closed_shape_reads_every_predicate() -> None:
    shapes = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:closed true ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
        """, format="turtle")
    checks = compile_shapes(shapes)
    assert read_predicates(c.text for c in checks) is None
    assert read_predicates(c.text for c in checks if c.component != "sh:ClosedConstraintComponent") == {
        "https://example.org/p", RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#subClassOf"}


def test_the_core_checks_as_rdflib_reads_them() -> None:
    """Every SPARQL constraint of the shapes and one compiled check of each kind: the same predicates."""
    _shapes, checks = rows_graph._checks()
    read = read_predicates(c.text for c in checks)
    assert read is not None and "http://schema.org/name" in read
    # what the rows have that no core shape reads: left out of the store
    assert not read & {"https://w3id.org/italia/onto/CLV/fullAddress", "http://schema.org/telephone",
                       "http://www.w3.org/ns/prov#wasDerivedFrom"}
    sample = {c.component: c for c in checks if c.text and c.component != "sh:SPARQLConstraintComponent"}
    sample = [*sample.values(), *(c for c in checks if c.component == "sh:SPARQLConstraintComponent")]
    for check in sample:
        assert set(read_predicates([check.text]) or ()) == _rdflib_predicates(check.text), check.text


def test_rows_loaded_without_unread_triples_give_the_same_findings(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "elenco.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, *messy_rows()[:340]])  # every kind of defect, 20 times
    filtered = validate_file(path)
    monkeypatch.setattr(rows_graph, "_read_by", lambda _checks: None)  # every triple loaded,
    monkeypatch.setattr(rows_graph, "with_focus_nodes", lambda _store, checks: checks)  # every check run
    everything = validate_file(path)
    assert [f for f in everything.findings if f.focus_node] and filtered.findings == everything.findings
    assert [f.params for f in filtered.findings] == [f.params for f in everything.findings]
    monkeypatch.undo()
    pattern = re.compile(rows_graph._read_by(rows_graph._checks()[1]))
    row = "<https://w3id.org/cowork-data/data/workspace/f205/riga-2#address>"
    assert pattern.match(f'{row} <http://schema.org/name> "Spazio" .\n')
    assert not pattern.match(f'{row} <https://w3id.org/italia/onto/CLV/fullAddress> "Via Inventata 1" .\n')


def test_only_checks_without_focus_nodes_are_left_out() -> None:
    import pyoxigraph as ox

    from cowork_data.validate.shapes import vocab_files

    _shapes, checks = rows_graph._checks()
    store = ox.Store()
    for path in vocab_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    # a workspace, and an instance of a subclass (written for the test) of clv:Address
    store.bulk_load('<https://example.org/w> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                    '<https://w3id.org/cowork-data/vocab#Workspace> .\n'
                    '<https://example.org/Sub> <http://www.w3.org/2000/01/rdf-schema#subClassOf> '
                    '<https://w3id.org/italia/onto/CLV/Address> .\n'
                    '<https://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                    '<https://example.org/Sub> .\n', ox.RdfFormat.N_TRIPLES)
    kept = rows_graph.with_focus_nodes(store, checks)
    classes = {cls for c in kept for cls in c.targets.classes}
    assert {"<https://w3id.org/cowork-data/vocab#Workspace>", "<https://w3id.org/italia/onto/CLV/Address>"} <= classes
    assert "<https://w3id.org/italia/onto/Project/Call>" not in classes and len(kept) < len(checks)
    dropped = [c for c in checks if c not in kept]
    assert all(c.targets.classes and not (c.targets.nodes or c.targets.subjects_of or c.targets.objects_of)
               for c in dropped)
