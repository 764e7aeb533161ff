"""The catalogue data/catalog.ttl (issue 6, acceptance 2): DCAT-AP_IT + VoID + SPARQL Service Description, conforming
to the DCAT-AP 3.0.1 shapes and ranges (copied into tests/reference/dcat-ap-3.0.1) with 0 violations."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cowork_data.namespaces import DCAT, DCATAPIT, DCT, FOAF, SD, SH, SPDX, VOID

DCAT_AP = Path(__file__).parent / "reference" / "dcat-ap-3.0.1"
BASE = "https://w3id.org/cowork-data/"


def _catalog(release) -> Graph:
    return Graph().parse(release.output / "data" / "catalog.ttl", format="turtle")


def test_catalog_conforms_to_dcat_ap_3(release) -> None:
    shapes = Graph()
    for name in ("html-shacl-shapes.ttl", "html-shacl-range.ttl", "html-shacl-shapes_recommended.ttl"):
        shapes.parse(DCAT_AP / name, format="turtle")
    _conforms, results, text = validate(_catalog(release), shacl_graph=shapes, inference="none", advanced=True,
                                        allow_warnings=True)
    violations = list(results.subjects(SH.resultSeverity, SH.Violation))
    assert violations == [], text


def test_every_csv_and_rdf_file_is_a_distribution(release) -> None:
    g = _catalog(release)
    dataset = URIRef(f"{BASE}dataset/cowork-data")
    assert (URIRef(f"{BASE}catalog"), RDF.type, DCATAPIT.Catalog) in g
    assert (dataset, RDF.type, DCATAPIT.Dataset) in g
    package = json.loads((release.output / "datapackage.json").read_text(encoding="utf-8"))
    files = [r["path"] for r in package["resources"] if r["path"] != "data/catalog.ttl"]
    assert any(f.endswith(".csv") for f in files) and any(f.endswith(".trig") for f in files)
    by_url = {g.value(d, DCAT.downloadURL): d for d in g.objects(dataset, DCAT.distribution)}
    assert {str(u) for u in by_url} == {BASE + f for f in files}
    for path in files:
        node = by_url[URIRef(BASE + path)]
        data = (release.output / path).read_bytes()
        assert (node, RDF.type, DCATAPIT.Distribution) in g
        assert int(g.value(node, DCAT.byteSize)) == len(data)
        assert str(g.value(g.value(node, SPDX.checksum), SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert g.value(node, DCT.license) == URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40")
        assert str(g.value(node, DCT["format"])).startswith("http://publications.europa.eu/resource/authority/file-type/")


def test_publisher_rights_holders_and_themes(release) -> None:
    g = _catalog(release)
    dataset = URIRef(f"{BASE}dataset/cowork-data")
    holders = {str(g.value(h, DCT.identifier)): str(g.value(h, FOAF.name))
               for h in g.objects(dataset, DCT.rightsHolder)}
    assert holders == {"c_f205": "Comune di Milano", "c_i625": "Comune di Seregno"}
    assert g.value(g.value(dataset, DCT.publisher), DCT.identifier) == Literal("cowork-data")
    themes = {str(t).rsplit("/", 1)[-1] for t in g.objects(dataset, DCAT.theme)}
    assert themes == {"ECON", "GOVE"}


def test_void_and_service_description(release) -> None:
    g = _catalog(release)
    dataset = URIRef(f"{BASE}dataset/cowork-data")
    assert int(g.value(dataset, VOID.triples)) == release.triples
    assert g.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{BASE}sparql")
    classes = {str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities)) for p in g.objects(dataset,
                                                                                                   VOID.classPartition)}
    assert classes["https://w3id.org/cowork-data/vocab#Workspace"] == release.rows["spaces"]
    linkset = URIRef(f"{dataset}#linkset-ontopia-cities")
    assert (linkset, RDF.type, VOID.Linkset) in g and int(g.value(linkset, VOID.triples)) > 0
    service = URIRef(f"{BASE}sparql#service")
    assert g.value(service, SD.endpoint) == URIRef(f"{BASE}sparql")
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    named = {str(g.value(n, SD.name)) for n in g.objects(g.value(service, SD.defaultDataset), SD.namedGraph)}
    assert f"{BASE}graph/milano-coworking" in named and f"{BASE}graph/bandi-milano" in named
