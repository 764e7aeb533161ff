"""The fields the first mapping left out (services, opening hours, wheelchair), licences and named graphs."""

from __future__ import annotations

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF

from cowork_data.graph import build_graph, quads
from cowork_data.graph.hours import opening_hours_specifications
from cowork_data.namespaces import COV, CW, DCT, SCHEMA, graph_iri
from cowork_data.validate.shacl import all_layers, validate_graph
from tests.test_graph import SOURCES, TABLES, D

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SPACE = URIRef(D + "workspace/f205/spazio-prova")


def _tables():
    spaces = [dict(TABLES["spaces"][0], services="wifi, sala riunioni", opening_hours_note="lun-ven 9-19",
                   wheelchair="limited", opening_hours="Mo-Fr 09:00-19:00; Sa 09:00-13:00"), TABLES["spaces"][1]]
    return {**TABLES, "spaces": spaces}


def test_free_text_and_wheelchair_fields():
    g = build_graph(_tables(), sources=SOURCES)
    assert g.value(SPACE, CW.servicesNote) == Literal("wifi, sala riunioni")
    assert g.value(SPACE, CW.openingHoursNote) == Literal("lun-ven 9-19")
    assert g.value(SPACE, CW.wheelchair) == Literal("limited")


def test_opening_hours_specifications():
    g = build_graph(_tables(), sources=SOURCES)
    first, second = URIRef(f"{SPACE}#opening-hours-1"), URIRef(f"{SPACE}#opening-hours-2")
    assert set(g.objects(SPACE, SCHEMA.openingHoursSpecification)) == {first, second}
    assert len(set(g.objects(first, SCHEMA.dayOfWeek))) == 5
    assert set(g.objects(second, SCHEMA.dayOfWeek)) == {SCHEMA.Saturday}
    assert g.value(first, SCHEMA.opens) == Literal("09:00:00", datatype=XSD.time)
    assert g.value(second, SCHEMA.closes) == Literal("13:00:00", datatype=XSD.time)
    assert opening_hours_specifications("24/7")[0][1:] == ("00:00:00", "23:59:59")
    assert opening_hours_specifications("Mo-Fr 09:00-18:00 off") == []
    errors = [f for f in validate_graph(g, layers=all_layers()) if f.severity == "error"]
    assert errors == []


def test_public_body_with_vat_is_not_private():
    org = dict(TABLES["organisations"][0], vat_number="01199250158", tax_code="01199250158")
    g = build_graph({**TABLES, "organisations": [org, *TABLES["organisations"][1:]]}, sources=SOURCES)
    comune = URIRef(D + "organization/ipa-c_f205")
    assert set(g.objects(comune, RDF.type)) == {COV.Organization, COV.PublicOrganization}


def test_licence_mapping_from_provenance():
    sources = {"fixture-test": dict(SOURCES["fixture-test"], licence={"id": "CC0-1.0", "url":
                                    "https://creativecommons.org/publicdomain/zero/1.0/"})}
    g = build_graph(TABLES, sources=sources)
    assert g.value(URIRef(D + "source/fixture-test"), DCT.license) == URIRef(
        "https://creativecommons.org/publicdomain/zero/1.0/")


def test_every_quad_is_in_its_source_graph():
    graphs = {g for *_t, g in quads(TABLES, sources=SOURCES)}
    assert graphs == {graph_iri("fixture-test"), graph_iri("istat")}


def test_build_dataset_holds_the_named_graphs():
    from cowork_data.graph import build_dataset

    dataset = build_dataset(TABLES, sources=SOURCES)
    assert {g.identifier for g in dataset.graphs() if len(g)} == {graph_iri("fixture-test"), graph_iri("istat")}
    assert len(dataset) == len(build_graph(TABLES, sources=SOURCES))  # the default graph is the union
