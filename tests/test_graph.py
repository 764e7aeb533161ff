"""Canonical rows -> RDF (cowork_data.graph), checked triple by triple and against the core shapes."""

from __future__ import annotations

from rdflib import Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from rdflib.term import BNode

from cowork_data.cities import city_iri
from cowork_data.graph import build_graph, triples
from cowork_data.namespaces import (
    ADMS,
    CLV,
    COV,
    CPV,
    CW,
    DCT,
    GEO,
    L0,
    ORG,
    PRJ,
    PROV,
    SCHEMA,
    TI,
    WGS,
)
from cowork_data.validate.shacl import validate_graph

# A plain Namespace: pytest probes module globals, and rdflib's XSD DefinedNamespace warns on unknown names.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
D = "https://w3id.org/cowork-data/data/"
V = "https://w3id.org/cowork-data/vocab/"
MILANO = URIRef("https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/015146-(2015-01-01)")

# Invented rows: every name, code, address and figure below is made up for this test (the VAT numbers only have a
# valid check digit). Milano's ISTAT code is real so that the OntoPiA city IRI is exercised.
SOURCES = {
    "fixture-test": {
        "id": "fixture-test",
        "title": "Invented rows for tests",
        "publisher": "cowork-data",
        "url": "https://example.org/fixture.csv",
        "licence": "https://creativecommons.org/licenses/by/4.0/",
        "sha256": "0" * 64,
        "retrieved_at": "2024-05-01T10:00:00Z",
        "fixture": True,
    }
}
PROV_FIELDS = {"source_id": "fixture-test", "source_record": "row=2", "source_url": "https://example.org/fixture.csv"}

TABLES = {
    "organisations": [
        {"id": "ipa-c_f205", "legal_name": "Comune di Prova", "kind": "public-body", "legal_form": "comune",
         "ipa_code": "c_f205", "tax_code": "", "vat_number": "", "comune_istat": "015146", **PROV_FIELDS},
        {"id": "12345670157", "legal_name": "Spazio Inventato Srl", "kind": "operator", "tax_code": "12345670157",
         "vat_number": "12345670157", "legal_form": "srl", "ateco_code": "68.20", "website": "https://example.org/",
         "comune_istat": "015146", **PROV_FIELDS},
        {"id": "07654320154", "legal_name": "Fondazione Finta", "kind": "operator", "vat_number": "07654320154",
         "comune_istat": "108039", **PROV_FIELDS},
    ],
    "spaces": [
        {"id": "f205/spazio-prova", "name": "Spazio Prova", "type": "coworking", "operator_id": "12345670157",
         "street_address": "Via Inventata", "house_number": "12/A", "postcode": "20121", "comune_istat": "015146",
         "comune_belfiore": "F205", "comune_name": "Milano", "latitude": "45.4642", "longitude": "9.19",
         "workstations": "25", "features": "wifi meeting-room", "opening_hours": "Mo-Fr 09:00-19:00",
         "website": "https://example.org/spazio", "email": "info@example.org", "phone": "+390200000000",
         "open_since": "2013", **PROV_FIELDS},
        {"id": "i625/lab-finto", "name": "Lab Finto", "type": "fablab", "operator_id": "07654320154",
         "street_address": "Piazza Immaginaria", "house_number": "1", "postcode": "20831", "comune_istat": "108039",
         "comune_belfiore": "I625", "comune_name": "Seregno", "latitude": "45.65", "longitude": "9.2",
         "features": "3d-printer laser-cutter", **PROV_FIELDS},
    ],
    "calls": [
        {"id": "f205/2013-bando-prova", "publisher_id": "ipa-c_f205", "title": "Bando di prova", "type": "programme",
         **PROV_FIELDS},
        {"id": "f205/2013-bando-prova/misura-1", "publisher_id": "ipa-c_f205", "title": "Misura 1: elenco",
         "type": "registry", "parent_id": "f205/2013-bando-prova", "opening_date": "2013-06-01",
         "closing_date": "2013-07-31", **PROV_FIELDS},
        {"id": "f205/2013-bando-prova/misura-2", "publisher_id": "ipa-c_f205", "title": "Misura 2: voucher",
         "type": "coworker-voucher", "parent_id": "f205/2013-bando-prova", "award_cap": "1500.50",
         "award_cap_share": "0.5", "legal_act": "Deliberazione inventata n. 1", "url": "https://example.org/bando",
         **PROV_FIELDS},
    ],
    "funding": [
        {"call_id": "f205/2013-bando-prova", "funder_id": "ipa-c_f205", "amount": "198240", "currency": "EUR",
         "note": "invented", **PROV_FIELDS},
    ],
    "admissions": [
        {"call_id": "f205/2013-bando-prova/misura-1", "space_id": "f205/spazio-prova", "status": "admitted",
         "date_submitted": "2013-06-10", "date_accepted": "2013-09-01", "valid_from": "2013-09-01",
         "valid_until": "2015-08-31", **PROV_FIELDS},
        {"call_id": "f205/2013-bando-prova/misura-1", "space_id": "i625/lab-finto", "status": "rejected",
         **PROV_FIELDS},
    ],
    "awards": [
        {"call_id": "f205/2013-bando-prova/misura-2", "number": "1", "beneficiary_kind": "person",
         "beneficiary_id": "", "space_id": "f205/spazio-prova", "amount": "1500", "status": "paid",
         "date_granted": "2014-01-15", **PROV_FIELDS},
        {"call_id": "f205/2013-bando-prova/misura-2", "number": "2", "beneficiary_kind": "organisation",
         "beneficiary_id": "07654320154", "space_id": "f205/spazio-prova", "amount": "750.25", "status": "granted",
         **PROV_FIELDS},
    ],
    "outcomes": [
        {"call_id": "f205/2013-bando-prova/misura-1", "as_of": "2013", "applications": "100", "admitted": "60",
         "rejected": "30", "pending": "10", "approximate": "false", "note": "invented", **PROV_FIELDS},
    ],
}

SPACE = URIRef(D + "workspace/f205/spazio-prova")
LAB = URIRef(D + "workspace/i625/lab-finto")
OPERATOR = URIRef(D + "organization/12345670157")
COMUNE = URIRef(D + "organization/ipa-c_f205")
MISURA_1 = URIRef(D + "call/f205/2013-bando-prova/misura-1")
MISURA_2 = URIRef(D + "call/f205/2013-bando-prova/misura-2")
SOURCE = URIRef(D + "source/fixture-test")


def _graph():
    return build_graph(TABLES, sources=SOURCES)


def test_workspace_triples():
    g = _graph()
    for cls in (CW.Workspace, SCHEMA.Place, ORG.Site):
        assert (SPACE, RDF.type, cls) in g
    assert g.value(SPACE, SCHEMA.name) == Literal("Spazio Prova")
    assert g.value(SPACE, DCT.type) == URIRef(V + "space-types/coworking")
    assert (SPACE, ORG.siteOf, OPERATOR) in g and (OPERATOR, ORG.hasSite, SPACE) in g
    assert g.value(SPACE, WGS.lat) == Literal("45.4642", datatype=XSD.decimal)
    assert g.value(SPACE, WGS.long) == Literal("9.19", datatype=XSD.decimal)
    geometry = URIRef(str(SPACE) + "#geometry")
    assert g.value(SPACE, GEO.hasGeometry) == geometry
    assert g.value(geometry, GEO.asWKT) == Literal("POINT(9.19 45.4642)", datatype=GEO.wktLiteral)
    assert g.value(SPACE, DCT.created) == Literal("2013", datatype=XSD.gYear)
    assert g.value(SPACE, SCHEMA.openingHours) == Literal("Mo-Fr 09:00-19:00")
    assert g.value(SPACE, PROV.wasDerivedFrom) == SOURCE


def test_address_and_cities():
    g = _graph()
    address = URIRef(str(SPACE) + "#address")
    assert g.value(SPACE, CLV.hasAddress) == address
    assert g.value(address, CLV.fullAddress) == Literal("Via Inventata 12/A, 20121 Milano")
    assert g.value(address, CLV.postCode) == Literal("20121")
    assert g.value(address, CLV.hasCity) == MILANO
    assert g.value(MILANO, DCT.identifier) == Literal("015146")
    assert g.value(MILANO, RDFS.label) == Literal("Milano", lang="it")
    seregno = city_iri("108039", on="2024-05-01")  # the retrieval date of the rows' snapshot
    assert seregno == URIRef("https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/"
                             "108039-(2009-06-30)")
    assert g.value(URIRef(str(LAB) + "#address"), CLV.hasCity) == seregno
    assert g.value(seregno, RDFS.label) == Literal("Seregno", lang="it")


def test_features_and_workstations():
    g = _graph()
    workstations = URIRef(str(SPACE) + "#feature-workstations")
    wifi = URIRef(str(SPACE) + "#feature-wifi")
    assert set(g.objects(SPACE, SCHEMA.amenityFeature)) == {
        workstations, wifi, URIRef(str(SPACE) + "#feature-meeting-room")
    }
    assert g.value(workstations, SCHEMA.value) == Literal("25", datatype=XSD.integer)
    assert g.value(workstations, SCHEMA.name) == Literal("workstations")
    assert g.value(wifi, DCT.type) == URIRef(V + "features/wifi")
    assert g.value(wifi, SCHEMA.value) == Literal(True)


def test_organisations():
    g = _graph()
    assert {COV.Organization, COV.PrivateOrganization} == set(g.objects(OPERATOR, RDF.type))
    assert {COV.Organization, COV.PublicOrganization} == set(g.objects(COMUNE, RDF.type))
    assert g.value(OPERATOR, COV.VATnumber) == Literal("12345670157")
    assert g.value(COMUNE, COV.IPAcode) == Literal("c_f205")
    assert g.value(g.value(OPERATOR, COV.hasLegalStatus), L0.identifier) == Literal("srl")


def test_calls_funding_admissions():
    g = _graph()
    assert (MISURA_1, RDF.type, PRJ.Call) in g
    assert g.value(MISURA_1, L0.identifier) == Literal("f205/2013-bando-prova/misura-1")
    assert g.value(MISURA_1, DCT.isPartOf) == URIRef(D + "call/f205/2013-bando-prova")
    window = URIRef(str(MISURA_1) + "#window")
    assert g.value(MISURA_1, TI.atTime) == window
    assert g.value(window, TI.startTime) == Literal("2013-06-01", datatype=XSD.date)
    cap = URIRef(str(MISURA_2) + "#cap")
    assert g.value(MISURA_2, CW.awardCap) == cap
    assert g.value(cap, SCHEMA.value) == Literal("1500.50", datatype=XSD.decimal)
    assert g.value(cap, SCHEMA.currency) == Literal("EUR")
    grant = URIRef(D + "call/f205/2013-bando-prova#funding-ipa-c_f205")
    assert g.value(grant, SCHEMA.funder) == COMUNE
    assert g.value(g.value(grant, SCHEMA.amount), SCHEMA.value) == Literal("198240.0", datatype=XSD.decimal)
    admission = URIRef(str(MISURA_1) + "/admission/spazio-prova")
    assert g.value(admission, CW.admittedWorkspace) == SPACE
    assert g.value(admission, ADMS.status) == URIRef(V + "admission-statuses/admitted")
    # a space of another comune keeps its belfiore in the admission IRI
    assert (URIRef(str(MISURA_1) + "/admission/i625/lab-finto"), CW.admittedWorkspace, LAB) in g


def test_awards_and_outcomes():
    g = _graph()
    award = URIRef(str(MISURA_2) + "/award/1")
    person = URIRef(str(award) + "#beneficiary")
    assert g.value(award, SCHEMA.fundedItem) == person
    assert set(g.predicate_objects(person)) == {(RDF.type, CPV.Person)}
    assert set(g.subject_predicates(person)) == {(award, SCHEMA.fundedItem)}
    assert g.value(award, SCHEMA.funder) == COMUNE
    assert g.value(award, SCHEMA.location) == SPACE
    assert g.value(award, ADMS.status) == URIRef(V + "award-statuses/paid")
    outcome = URIRef(str(MISURA_1) + "/outcome/2013")
    assert g.value(outcome, CW.asOf) == Literal("2013", datatype=XSD.gYear)
    assert g.value(outcome, CW.applications) == Literal("100", datatype=XSD.integer)
    assert g.value(outcome, CW.approximate) == Literal(False)


def test_source_provenance():
    g = _graph()
    assert (SOURCE, RDF.type, PROV.Entity) in g
    assert g.value(SOURCE, CW.fixture) == Literal(True)
    assert {c.language for c in g.objects(SOURCE, RDFS.comment)} == {"it", "en"}
    assert g.value(SOURCE, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(SOURCE, PROV.generatedAtTime) == Literal("2024-05-01T10:00:00Z", datatype=XSD.dateTime)


def test_no_blank_nodes():
    for triple in triples(TABLES, sources=SOURCES):
        assert not any(isinstance(term, BNode) for term in triple), triple


def test_deterministic():
    first, second = _graph(), _graph()
    assert isomorphic(first, second)
    assert sorted(first.serialize(format="nt").splitlines()) == sorted(second.serialize(format="nt").splitlines())
    assert list(triples(TABLES, sources=SOURCES)) == list(triples(TABLES, sources=SOURCES))


def test_base_is_configurable():
    g = build_graph(TABLES, sources=SOURCES, base="https://example.org/cw/")
    assert (URIRef("https://example.org/cw/data/workspace/f205/spazio-prova"), RDF.type, CW.Workspace) in g


def test_built_graph_conforms_to_shapes():
    findings = validate_graph(_graph(), layers=("core", "cross", "privacy"))
    assert [f for f in findings if f.severity == "error"] == []
