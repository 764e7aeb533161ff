"""Privacy: no personal data of natural persons in anything published (issue 9).

The corpus below is invented: the names, e-mail addresses and the tax code are made up for the test (the tax
code is built to have a valid check character, as a real one would).
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF

from cowork_data.privacy import person_names, personal_emails, personal_tax_codes, scan_paths, scan_release
from cowork_data.validate.shacl import validate_graph
from tests.conftest import figures

CPV = Namespace("https://w3id.org/italia/onto/CPV/")


def test_shipped_release_has_no_personal_data(release) -> None:
    findings = scan_release(release.output)
    scanned = [p for p in [release.output / "datapackage.json", *(release.output / "data").rglob("*")]
               if p.suffix in (".csv", ".json", ".jsonld", ".nt", ".ttl", ".trig", ".nq")]
    figures("privacy-scan", {"files_scanned": len(scanned), "findings": len(findings)})
    assert len(scanned) >= 14
    assert findings == [], [(f.file, f.row, f.field, f.value) for f in findings]


def test_names_of_people_are_found_but_not_streets_or_institutions() -> None:
    text = ("Spazio gestito da Mario Rossi, in Via Giuseppe Verdi 3 presso la Fondazione Giangiacomo Feltrinelli; "
            "referente GIULIA BIANCHI; Piazza Leonardo da Vinci; Coworking Isola Bella")
    assert person_names(text) == ["Mario Rossi", "GIULIA BIANCHI"]


def test_words_of_comune_and_region_names_are_places_not_people() -> None:
    """Two adjacent words anywhere in a comune's name (Castelvecchio di Rocca Barbena, Alto Reno Terme) or a
    region's (Emilia-Romagna) look like a first name and a surname but name a place."""
    text = ("Coworking Rocca Barbena; Spazio Reno Terme; Bando Emilia Romagna; Lab Santo Spirito; "
            "referente Mario Rossi")
    assert person_names(text) == ["Mario Rossi"]


def test_personal_emails_and_tax_codes() -> None:
    assert personal_emails("mario.rossi@azienda.example, info@spazio.example, giulia@posta.example") == [
        "mario.rossi@azienda.example", "giulia@posta.example"]
    assert personal_tax_codes("RSSMRA85T10A562S, 01199250158, RSSMRA85T10A562X") == ["RSSMRA85T10A562S"]


def test_scan_finds_planted_personal_data_in_each_file_kind(tmp_path: Path) -> None:
    (tmp_path / "spaces.csv").write_text(
        "id,name,street_address,email,description\n"
        "f205/a,Spazio A,Via Giuseppe Verdi,info@a.example,Uno spazio di quartiere\n"
        "f205/b,Spazio B,Via Padova,mario.rossi@b.example,Referente Mario Rossi\n",
        encoding="utf-8")
    (tmp_path / "awards.nt").write_text(
        '<https://w3id.org/cowork-data/data/call/x/award/1#beneficiary> <https://w3id.org/italia/onto/CPV/taxCode> '
        '"RSSMRA85T10A562S" .\n', encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(json.dumps({"contributors": [{"title": "Giulia Bianchi"}]}),
                                               encoding="utf-8")
    found = sorted((Path(f.file).name, f.row, f.code, f.value) for f in scan_paths(tmp_path.iterdir()))
    assert found == [
        ("awards.nt", 1, "privacy-tax-code", "RSSMRA85T10A562S"),
        ("datapackage.json", None, "privacy-person-name", "Giulia Bianchi"),
        ("spaces.csv", 3, "privacy-email", "mario.rossi@b.example"),
        ("spaces.csv", 3, "privacy-person-name", "Mario Rossi"),
    ]


def test_privacy_shape_catches_a_named_person_in_the_graph() -> None:
    graph = Graph()
    person = URIRef("https://w3id.org/cowork-data/data/call/f205/2013-x/award/1#beneficiary")
    graph.add((person, RDF.type, CPV.Person))
    assert [f for f in validate_graph(graph, layers=("privacy",)) if f.severity == "error"] == []
    graph.add((person, FOAF.name, Literal("Mario Rossi")))
    findings = validate_graph(graph, layers=("privacy",))
    assert [(f.focus_node, f.path, f.constraint.rsplit("#", 1)[-1]) for f in findings] == [
        (str(person), str(FOAF.name), "sh:ClosedConstraintComponent")]
