"""The catalogue data/catalog.ttl: DCAT-AP_IT + VoID + SPARQL Service Description (issues 6 and 15).

Checked by tools no one here wrote, on the committed catalogue and on a fresh build:
- AgID's DCAT-AP_IT validator rules (154 SPARQL queries, tests/reference/dcat-ap_it-agid-sparql-rules): 0 error rows;
- the DCAT-AP 3.0.1 shapes, ranges, recommendations and controlled-vocabulary shapes (tests/reference/dcat-ap-3.0.1)
  with the EU vocabularies loaded (tests/reference/eu-vocabularies): 0 violations;
- what ckanext-dcatapit, the CKAN extension of Italian portals, reads of the dataset's identifier, publisher and rights
  holder: one value each, so a harvest does not depend on the order of the graph.
Each check has a test that breaks the catalogue and sees the check fail.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cowork_data.errors import ConfigError
from cowork_data.namespaces import DCAT, DCATAPIT, DCT, FOAF, PROV, SD, SPDX, VCARD, VOID
from cowork_data.publish.publisher import load_publisher
from tests.conftest import ROOT, figures
from tests.dcat_checks import VOCABULARIES, agid_findings, agid_rules, dcat_ap_results, violations, vocabularies

BASE = "https://w3id.org/cowork-data/"
DATASET = URIRef(f"{BASE}dataset/cowork-data")
COMMITTED = ROOT / "data" / "catalog.ttl"


def _catalog(path: Path = COMMITTED) -> Graph:
    return Graph().parse(path, format="turtle")


# AgID's DCAT-AP_IT rules


def test_agid_rules_find_no_error_on_the_committed_catalogue() -> None:
    findings = agid_findings(_catalog())
    severities = Counter(severity for _rule, severity, _message in findings)
    figures("catalog-agid", {"rules": len(agid_rules()), "error_rows": severities["error"],
                             "warning_rows": severities["warning"],
                             "warnings": sorted({rule for rule, severity, _m in findings if severity == "warning"})})
    assert len(agid_rules()) == 154
    assert set(severities) <= {"error", "warning"}
    assert [f for f in findings if f[1] == "error"] == []


def test_agid_rules_on_a_fresh_build(release) -> None:
    findings = agid_findings(_catalog(release.output / "data" / "catalog.ttl"))
    assert [f for f in findings if f[1] == "error"] == []


def _without(graph: Graph, predicate: URIRef, obj: URIRef | None = None) -> Graph:
    g = Graph()
    for triple in graph:
        if triple[1] != predicate or (obj is not None and triple[2] != obj):
            g.add(triple)
    return g


@pytest.mark.parametrize(("mutate", "rule"), [
    (lambda g: _without(g, VCARD.hasEmail), "rule-209.added.rq"),             # contact point without e-mail
    (lambda g: _without(g, RDF.type, DCT.MediaTypeOrExtent), "rule-91.rq"),  # media type not typed
    (lambda g: _without(g, DCT.rightsHolder), "rule-3.new.rq"),               # no rights holder
    (lambda g: _without(g, DCT.identifier), "rule-178.added.rq"),             # no dataset identifier
])
def test_agid_rules_fail_a_broken_catalogue(mutate, rule: str) -> None:
    errors = {name for name, severity, _m in agid_findings(mutate(_catalog())) if severity == "error"}
    assert rule in errors, errors


# DCAT-AP 3.0.1 with the controlled-vocabulary shapes


def test_committed_catalogue_conforms_to_dcat_ap_3_with_the_eu_vocabularies() -> None:
    found = dcat_ap_results(_catalog())
    figures("catalog-dcat-ap", {"shape_files": 4, "vocabularies": len(list(VOCABULARIES.glob("*.ttl"))),
                                "violations": sum(n for k, n in found.items() if k[0] == "Violation"),
                                "warnings": sum(n for k, n in found.items() if k[0] == "Warning")})
    assert violations(found) == []


def test_fresh_build_conforms_to_dcat_ap_3(release) -> None:
    assert violations(dcat_ap_results(_catalog(release.output / "data" / "catalog.ttl"))) == []


EU = "http://publications.europa.eu/resource/authority/"


def _replace(graph: Graph, old: URIRef, new: URIRef) -> Graph:
    g = Graph()
    for s, p, o in graph:
        g.add((new if s == old else s, p, new if o == old else o))
    return g


@pytest.mark.parametrize(("old", "new", "path"), [
    (URIRef(f"{EU}file-type/CSV"), URIRef(f"{EU}file-type/CSVX"), DCT["format"]),        # not in the table
    (URIRef(f"{EU}language/ITA"), URIRef("http://id.loc.gov/vocabulary/iso639-2/ita"), DCT.language),
    (URIRef(f"{EU}frequency/IRREG"), URIRef(f"{EU}frequency/SOMETIMES"), DCT.accrualPeriodicity),
    (URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256"), SPDX.checksumAlgorithm_sha256, SPDX.algorithm),
])
def test_dcat_ap_vocabulary_shapes_fail_a_broken_catalogue(old: URIRef, new: URIRef, path: URIRef) -> None:
    catalog = _catalog()
    assert (None, None, old) in catalog
    assert any(k[1] == str(path) for k in violations(dcat_ap_results(_replace(catalog, old, new))))


# What ckanext-dcatapit harvests


def ckan_dcatapit_fields(graph: Graph, dataset: URIRef = DATASET) -> dict[str, str]:
    """The fields ckanext-dcatapit's ``parse_dataset`` reads: ``identifier`` (one ``dct:identifier``), and for
    ``publisher`` and ``holder`` (``dct:rightsHolder``) the ``_identifier`` and ``_name`` of the agent.

    ckanext-dcatapit loops over the agents of a predicate writing into the same keys, so with two rights holders the
    dataset gets whichever comes last in graph order; a value that is not single is an error here.
    """
    def single(subject: URIRef, predicate: URIRef) -> Literal | URIRef:
        values = list(graph.objects(subject, predicate))
        assert len(values) == 1, (subject, predicate, values)
        return values[0]

    fields = {"identifier": str(single(dataset, DCT.identifier))}
    for predicate, key in ((DCT.publisher, "publisher"), (DCT.rightsHolder, "holder")):
        agent = single(dataset, predicate)
        assert (agent, RDF.type, DCATAPIT.Agent) in graph
        fields[f"{key}_identifier"] = str(single(agent, DCT.identifier))
        name = single(agent, FOAF.name)
        assert isinstance(name, Literal) and name.language is None  # the untagged name is the one CKAN keeps
        fields[f"{key}_name"] = str(name)
    return fields


def test_ckan_dcatapit_reads_one_identifier_publisher_and_rights_holder() -> None:
    publisher = load_publisher(ROOT)
    fields = ckan_dcatapit_fields(_catalog())
    assert fields == {"identifier": f"{publisher.identifier}:cowork-data",
                      "publisher_identifier": publisher.identifier, "publisher_name": publisher.name,
                      "holder_identifier": publisher.identifier, "holder_name": publisher.name}
    assert fields["identifier"].startswith(fields["holder_identifier"] + ":")  # AgID's "codiceIPA:id" form


def test_a_second_rights_holder_breaks_the_harvest() -> None:
    catalog = _catalog()
    catalog.add((DATASET, DCT.rightsHolder, URIRef(f"{BASE}data/organization/01199250158")))
    with pytest.raises(AssertionError):
        ckan_dcatapit_fields(catalog)


def test_public_bodies_are_credited_as_originators() -> None:
    g = _catalog()
    bodies = {str(g.value(g.value(a, PROV.agent), DCT.identifier)): str(g.value(g.value(a, PROV.agent), FOAF.name))
              for a in g.objects(DATASET, PROV.qualifiedAttribution)}
    assert bodies == {"c_f205": "Comune di Milano", "c_i625": "Comune di Seregno"}
    for attribution in g.objects(DATASET, PROV.qualifiedAttribution):
        assert str(g.value(attribution, DCAT.hadRole)).endswith("/ResponsiblePartyRole/originator")


# What the catalogue describes


def test_every_csv_and_rdf_file_is_a_distribution(release) -> None:
    g = _catalog(release.output / "data" / "catalog.ttl")
    assert (URIRef(f"{BASE}catalog"), RDF.type, DCATAPIT.Catalog) in g
    assert (DATASET, RDF.type, DCATAPIT.Dataset) in g
    package = json.loads((release.output / "datapackage.json").read_text(encoding="utf-8"))
    # The Parquet copies of the tables are not distributions: DCAT-AP_IT requires dct:format from the EU file-type
    # table, and the copy of it the tests hold has no Parquet code (docs/decisions.md §17).
    files = [r["path"] for r in package["resources"] if r["path"] != "data/catalog.ttl"
             and r["format"] != "parquet"]
    assert any(f.endswith(".csv") for f in files) and any(f.endswith(".trig") for f in files)
    by_url = {g.value(d, DCAT.downloadURL): d for d in g.objects(DATASET, DCAT.distribution)}
    assert {str(u) for u in by_url} == {BASE + f for f in files}
    for path in files:
        node = by_url[URIRef(BASE + path)]
        data = (release.output / path).read_bytes()
        assert (node, RDF.type, DCATAPIT.Distribution) in g
        assert int(g.value(node, DCAT.byteSize)) == len(data)
        assert str(g.value(g.value(node, SPDX.checksum), SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert g.value(node, DCT.license) == URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40")
        assert str(g.value(node, DCT["format"])).startswith(f"{EU}file-type/")
        assert {d.language for d in g.objects(node, DCT.description)} == {"it", "en"}


def test_themes_subthemes_and_licence_are_in_their_vocabularies() -> None:
    g, vocab = _catalog(), vocabularies()
    themes = {str(t).rsplit("/", 1)[-1] for t in g.objects(DATASET, DCAT.theme)}
    assert themes == {"ECON", "GOVE"}
    for theme in g.objects(DATASET, DCAT.theme):  # the catalogue's labels are the table's
        assert set(g.objects(theme, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))) <= \
            set(vocab.objects(theme, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert len(set(g.objects(DATASET, DCT.subject))) == 3
    licence = g.value(g.value(DATASET, DCAT.distribution), DCT.license)
    assert (licence, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in vocab


def test_void_and_service_description(release) -> None:
    g = _catalog(release.output / "data" / "catalog.ttl")
    assert int(g.value(DATASET, VOID.triples)) == release.triples
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{BASE}sparql")
    classes = {str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities)) for p in g.objects(DATASET,
                                                                                                   VOID.classPartition)}
    assert classes["https://w3id.org/cowork-data/vocab#Workspace"] == release.rows["spaces"]
    linkset = URIRef(f"{DATASET}#linkset-ontopia-cities")
    assert (linkset, RDF.type, VOID.Linkset) in g and int(g.value(linkset, VOID.triples)) > 0
    service = URIRef(f"{BASE}sparql#service")
    assert g.value(service, SD.endpoint) == URIRef(f"{BASE}sparql")
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    named = {str(g.value(n, SD.name)) for n in g.objects(g.value(service, SD.defaultDataset), SD.namedGraph)}
    assert f"{BASE}graph/milano-coworking" in named and f"{BASE}graph/bandi-milano" in named


@pytest.mark.parametrize(("text", "key"), [
    ('name = "Comune di Prova"\nidentifier = "c_x000"\nhomepage = "https://example.org/"\n', "email"),
    ('name = "Comune di Prova"\nidentifier = "c x"\nhomepage = "https://example.org/"\nemail = "a@example.org"\n',
     "identifier"),
    ('name = "Comune di Prova"\nidentifier = "c_x000"\nhomepage = "example.org"\nemail = "a@example.org"\n',
     "homepage"),
    ('name = "Comune di Prova\n', "TOML"),
])
def test_a_broken_publisher_file_is_a_clear_error(tmp_path: Path, text: str, key: str) -> None:
    (tmp_path / "publisher.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_publisher(tmp_path)
    assert key in info.value.message_en and "publisher.toml" in info.value.message_it
