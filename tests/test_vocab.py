"""The project vocabulary (vocab/*.ttl), its DefinedNamespace and the city table."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from cowork_data import namespaces
from cowork_data.namespaces import CW, SH, VOCAB_BASE
from cowork_data.validate.shacl import load_shapes

VOCAB = Path(__file__).resolve().parents[1] / "vocab"
CW_NS = str(CW._NS)
ONTOLOGY = URIRef("https://w3id.org/cowork-data/vocab")

# The codes of docs/tables.md, the binding contract between stages.
SCHEME_CODES = {
    "space-types": {"coworking", "fablab", "makerspace", "hackerspace", "unspecified"},
    "features": {"workstations", "wifi", "meeting-room", "3d-printer", "laser-cutter", "cnc-machine", "event-space",
                 "kitchen", "lockers", "printer"},
    "call-types": {"programme", "registry", "coworker-voucher", "operator-grant"},
    "award-statuses": {"granted", "paid", "revoked", "renounced"},
    "admission-statuses": {"admitted", "rejected", "pending", "withdrawn"},
}


def _langs(graph: Graph, subject, prop) -> set[str | None]:
    return {o.language for o in graph.objects(subject, prop) if isinstance(o, Literal)}


def _parse(name: str) -> Graph:
    return Graph().parse(VOCAB / name)


def test_cw_terms_are_annotated():
    graph = _parse("cw.ttl")
    terms = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(CW_NS)} | {ONTOLOGY}
    for term in terms:
        assert _langs(graph, term, RDFS.label) >= {"it", "en"}, term
        assert _langs(graph, term, RDFS.comment) >= {"it", "en"}, term
        if term != ONTOLOGY:
            assert graph.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_defined_namespace_matches_cw_ttl():
    graph = _parse("cw.ttl")
    in_ttl = {str(s).removeprefix(CW_NS) for s in graph.subjects() if str(s).startswith(CW_NS)}
    assert set(CW.__annotations__) == in_ttl
    for name in in_ttl:
        kinds = set(graph.objects(CW[name], RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, name


def test_mistyped_term_fails():
    with pytest.raises(AttributeError):
        CW.Worksapce  # noqa: B018


@pytest.mark.parametrize("scheme", sorted(SCHEME_CODES))
def test_concept_scheme(scheme):
    graph = _parse(f"{scheme}.ttl")
    scheme_iri = URIRef(VOCAB_BASE + scheme)
    assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in graph
    assert _langs(graph, scheme_iri, RDFS.label) >= {"it", "en"}
    assert _langs(graph, scheme_iri, RDFS.comment) >= {"it", "en"}
    codes = set()
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        notation = str(graph.value(concept, SKOS.notation))
        codes.add(notation)
        assert concept == URIRef(f"{VOCAB_BASE}{scheme}/{notation}")
        assert graph.value(concept, SKOS.inScheme) == scheme_iri
        assert _langs(graph, concept, SKOS.prefLabel) >= {"it", "en"}, concept
        assert _langs(graph, concept, SKOS.definition) >= {"it", "en"}, concept
    assert codes == SCHEME_CODES[scheme]


def test_space_types_link_to_osm_tags():
    graph = _parse("space-types.ttl")
    links = {str(o) for p in (SKOS.closeMatch, SKOS.relatedMatch) for o in graph.objects(None, p)}
    for tag in ("amenity%3Dcoworking_space", "office%3Dcoworking", "leisure%3Dhackerspace"):
        assert f"https://wiki.openstreetmap.org/wiki/Tag:{tag}" in links


def test_shape_value_lists_match_the_schemes():
    """Every sh:in list of concept IRIs in the shapes is exactly one scheme's concepts."""
    shapes = load_shapes(("core", "recommended", "cross", "privacy"))
    schemes = {
        frozenset(URIRef(f"{VOCAB_BASE}{scheme}/{code}") for code in codes) for scheme, codes in SCHEME_CODES.items()
    }
    checked = 0
    for values in shapes.objects(None, SH["in"]):
        members = frozenset(Collection(shapes, values))
        if all(str(m).startswith(VOCAB_BASE) for m in members):
            assert members in schemes, sorted(members)
            checked += 1
    assert checked >= 4  # features: the shapes ask the scheme itself (skos:inScheme), no list


def test_prefixes_are_sorted_and_distinct():
    assert list(namespaces.PREFIXES) == sorted(namespaces.PREFIXES)
    assert len(set(namespaces.PREFIXES.values())) == len(namespaces.PREFIXES)
