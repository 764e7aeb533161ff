"""DCAT-AP_IT catalogues as portals serve them: RDF/XML (ckanext-dcatapit, AgID's examples), Turtle and JSON-LD;
licences normalised to the Italian vocabulary; Italian titles; dates; an HTML page refused where a CSV was promised."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

from cowork_data.config import load_sources
from cowork_data.errors import UnreadableSnapshot
from cowork_data.harvest import load_snapshot
from cowork_data.harvest.adapters.dcat import catalogue, format_token, locate
from cowork_data.harvest.licences import normalise_licence
from cowork_data.harvest.run import harvest
from tests.conftest import ROOT, copy_project
from tests.fixtures.harvest.project import POLICY
from tests.fixtures.harvest.server import ReplayServer, Route
from tests.fixtures.harvest.sources import write_source

HERE = ROOT / "tests" / "fixtures" / "harvest" / "catalogues"
UNIBO = (HERE / "catalog_dati_unibo.rdf").read_bytes()
AGID = (HERE / "dataset_it_esempio_6.rdf").read_bytes()
COMUNE = (HERE / "comune-esempio.ttl").read_bytes()
CC_BY_30_IT = "https://w3id.org/italia/controlled-vocabulary/licences/A23_CCBY30IT"


def test_ckanext_dcatapit_rdf_xml_catalogue() -> None:
    datasets = catalogue(UNIBO, base="https://dati.unibo.it/catalog.rdf")
    assert len(datasets) == 12
    dist = locate(UNIBO, dataset="29dbc1f5-226c-4c95-a27d-107956cf62b3")
    assert dist.url.endswith("/download/mappe.csv") and dist.format == "csv"
    assert dist.licence["id"] == "CC-BY-3.0-IT" and dist.licence["concept"] == CC_BY_30_IT
    assert dist.licence["url"] == "https://creativecommons.org/licenses/by/3.0/it/"  # the document's IRI, kept
    assert dist.dataset == "Punti di interesse"  # Italian, though English comes first in the file
    assert dist.modified == "2018-03-11T05:10:01.974623"
    by_title = {d.title: d for d in datasets}
    assert by_title["Punti di interesse"].titles == {"it": "Punti di interesse", "en": "Points of interest"}


def test_agid_example_with_internal_entities_is_read() -> None:
    datasets = {d.identifier: d for d in catalogue(AGID)}
    assert sorted(datasets) == ["r_liguri:D.658", "r_liguri:D.659"]
    coast = datasets["r_liguri:D.658"]
    assert coast.title == "Evoluzione della linea di costa dal 1944 al 2003" and coast.modified == "2003-01-01"
    (dist,) = coast.distributions
    assert dist.licence["id"] == "CC-BY-3.0-IT" and dist.modified == "2003-01-01"  # the dataset's date


@pytest.mark.parametrize("dtd", [
    b'<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>',
    b'<!DOCTYPE rdf:RDF [ <!ENTITY a "x"> <!ENTITY b "&a;&a;&a;&a;"> ]>',
    b'<!DOCTYPE rdf:RDF [ <!ENTITY % p "x"> ]>',
])
def test_dtd_beyond_plain_entities_is_refused(dtd: bytes) -> None:
    data = b'<?xml version="1.0"?>\n' + dtd + b'\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    with pytest.raises(UnreadableSnapshot) as info:
        catalogue(data)
    assert "DTD" in info.value.message_it and "DTD" in info.value.message_en


def test_comune_turtle_relative_formats_italian_titles_dataset_dates() -> None:
    dist = locate(COMUNE, dataset="c_x000:coworking", base="https://dati.example.org/catalog.ttl")
    assert dist.url == "https://dati.example.org/files/spazi.csv" and dist.format == "csv"  # <CSV>, relative
    assert dist.title == "Elenco coworking (CSV)" and dist.dataset == "Spazi di coworking (inventati)"
    assert dist.titles == {"en": "Coworking CSV", "it": "Elenco coworking (CSV)"}
    assert dist.modified == "2025-11-03"  # none on the distribution: the dataset's
    assert dist.licence["id"] == "CC-BY-4.0"  # not "" from the trailing slash
    assert dist.licence["url"] == "https://creativecommons.org/licenses/by/4.0/"
    (dataset,) = [d for d in catalogue(COMUNE) if d.identifier == "c_x000:coworking"]
    assert dataset.description == "Elenco degli spazi di coworking"
    assert dataset.descriptions["en"] == "List of coworking spaces"
    json_dist = locate(COMUNE, dataset="c_x000:coworking", formats=("JSON",), base="https://dati.example.org/c")
    assert json_dist.url.endswith("spazi.json") and json_dist.format == "json"


def test_without_a_dataset_the_catalogue_must_not_leave_a_choice() -> None:
    with pytest.raises(UnreadableSnapshot) as info:
        locate(COMUNE, base="https://dati.example.org/catalog.ttl")
    assert "c_x000:coworking" in info.value.message_en and "harvest.dataset" in info.value.message_en
    with pytest.raises(UnreadableSnapshot) as missing:
        locate(COMUNE, dataset="nessuno")
    assert "nessuno" in missing.value.message_it


@pytest.mark.parametrize("fmt", ["xml", "json-ld", "turtle", "nt"])
def test_every_serialisation_gives_the_same_catalogue(fmt: str) -> None:
    graph = rdflib.Graph().parse(data=COMUNE, format="turtle", publicID="https://dati.example.org/catalog.ttl")
    data = graph.serialize(format=fmt, encoding="utf-8")
    expected = [d.to_dict() for d in catalogue(COMUNE, base="https://dati.example.org/catalog.ttl")]
    assert [d.to_dict() for d in catalogue(data)] == expected


def test_json_ld_with_a_remote_context_is_read_offline() -> None:
    dist = locate((HERE / "remote-context.jsonld").read_bytes(), dataset="c_x000:coworking")
    assert dist.url == "https://dati.example.org/files/spazi.csv" and dist.format == "csv"
    assert dist.dataset == "Spazi di coworking (inventati)" and dist.licence["id"] == "CC-BY-4.0"
    assert dist.modified == "2025-11-03"


def test_a_broken_catalogue_is_a_clear_error() -> None:
    with pytest.raises(UnreadableSnapshot) as info:
        catalogue(b"@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title ")
    assert "Turtle" in info.value.message_en
    with pytest.raises(UnreadableSnapshot) as page:
        catalogue(b"<!DOCTYPE html><html><body>Portale in manutenzione</body></html>")
    assert "HTML" in page.value.message_en


@pytest.mark.parametrize(("names", "licence_id", "concept"), [
    (("https://creativecommons.org/licenses/by/4.0/",), "CC-BY-4.0", "A21_CCBY40"),
    (("http://creativecommons.org/licenses/by/4.0/deed.it",), "CC-BY-4.0", "A21_CCBY40"),
    (("https://creativecommons.org/licenses/by-sa/3.0/it/legalcode",), "CC-BY-SA-3.0-IT", "A33_CCBYSA30IT"),
    (("https://w3id.org/italia/controlled-vocabulary/licences/A29_IODL20",), "IODL-2.0", "A29_IODL20"),
    (("iodl-v2.0",), "IODL-2.0", "A29_IODL20"),
    (("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",), "CC-BY-4.0", "A21_CCBY40"),
    (("http://publications.europa.eu/resource/authority/licence/CC0",), "CC0-1.0", "A11_CCO10"),
    (("odc-odbl",), "ODbL-1.0", "A310_ODBL"),
    (("CC BY 3.0 IT",), "CC-BY-3.0-IT", "A23_CCBY30IT"),
    (("Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",), "CC-BY-4.0", "A21_CCBY40"),
    (("cc-by",), "cc-by", "A2_Attribution"),  # no version: the broader concept, never a guessed version
])
def test_licences_are_normalised_to_the_italian_vocabulary(names: tuple[str, ...], licence_id: str,
                                                          concept: str) -> None:
    licence = normalise_licence(*names)
    assert (licence["id"], licence["concept"].rsplit("/", 1)[-1]) == (licence_id, concept)
    if names[0].startswith("http") and "w3id.org" not in names[0]:
        assert licence["url"] == names[0]


def test_an_unknown_licence_keeps_its_iri_and_a_non_empty_id() -> None:
    licence = normalise_licence("https://comune.example.org/licenza/")
    assert licence["id"] == "licenza" and licence["url"] == "https://comune.example.org/licenza/"
    assert licence["concept"] == ""


@pytest.mark.parametrize(("value", "token"), [("http://publications.europa.eu/resource/authority/file-type/CSV", "CSV"),
                                              ("CSV", "CSV"), ("csv", "CSV"), ("text/csv", "CSV"),
                                              ("https://www.iana.org/assignments/media-types/text/csv", "CSV"),
                                              ("application/vnd.geo+json", "GEOJSON"), ("XLSX", "XLSX")])
def test_format_tokens(value: str, token: str) -> None:
    assert format_token(value) == token


# ---- at harvest, through a real server --------------------------------------------------------------------------

def _source(root: Path, name: str, url: str, dataset: str) -> None:
    write_source(root, name, title="Esempio DCAT (righe inventate / invented rows)", adapter="dcat",
                 snapshot="spazi.csv", space_type="", columns={"Denominazione": "name"},
                 harvest={"kind": "dcat", "url": url, "format": "csv", "dataset": dataset})


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        body = COMUNE.replace(b"https://dati.example.org/files/", running.base.encode() + b"/files/")
        body = body.replace(b"https://dati.example.org/pagine/", running.base.encode() + b"/pagine/")
        running.routes["/catalog.ttl"] = Route(body=body, content_type="text/turtle")
        running.routes["/files/spazi.csv"] = Route(body=(ROOT / "sources/samples/dcat/spazi.csv").read_bytes())
        running.routes["/pagine/spazi-pubblici"] = Route(
            body=b"<!DOCTYPE html><html><head><title>Spazi pubblici</title></head><body>Scarica</body></html>",
            content_type="text/html")
        yield running


def test_harvest_of_a_turtle_catalogue_keeps_licence_and_distribution(tmp_path: Path, server: ReplayServer) -> None:
    root = copy_project(tmp_path / "root")
    _source(root, "dcat-ttl", f"{server.base}/catalog.ttl", "c_x000:coworking")
    outcome = harvest(["dcat-ttl"], root=root, live=True, policy=POLICY).outcome("dcat-ttl")
    assert outcome.status == "updated", outcome
    source = next(s for s in load_sources(root) if s.id == "dcat-ttl")
    provenance = load_snapshot(source, root).provenance
    assert provenance["licence"]["id"] == "CC-BY-4.0"
    assert provenance["licence"]["concept"].endswith("/A21_CCBY40")
    assert provenance["distribution"]["title"] == "Elenco coworking (CSV)"
    assert provenance["distribution"]["modified"] == "2025-11-03"


def test_an_html_page_where_a_csv_was_promised_is_refused_naming_the_distribution(tmp_path: Path,
                                                                                 server: ReplayServer) -> None:
    root = copy_project(tmp_path / "root")
    _source(root, "dcat-page", f"{server.base}/catalog.ttl", "c_x000:pagina")
    outcome = harvest(["dcat-page"], root=root, live=True, policy=POLICY).outcome("dcat-page")
    assert outcome.status == "failed" and outcome.cause == "html-instead-of-data"
    assert "Spazi pubblici in CSV" in outcome.message_it and "Spazi pubblici in CSV" in outcome.message_en
    assert f"{server.base}/pagine/spazi-pubblici" in outcome.message_en and "HTML" in outcome.message_en
    assert not (root / "sources" / "snapshots" / "dcat-page" / "spazi.csv").exists()
