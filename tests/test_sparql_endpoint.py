"""`cowork-data serve` as a SPARQL 1.1 endpoint (issue 6, acceptance 4), driven by a standard client (SPARQLWrapper)
against uvicorn on a free loopback port: SELECT in JSON and XML, CONSTRUCT in Turtle, updates refused, a query past
the timeout stopped with a clear error; plus CSV/TSV, the query page and dereferencing of data IRIs."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

from cowork_data.namespaces import SD
from tests.serving import serving, sparql_app
from tests.w3c_protocol import Request, send

QUERIES = Path(__file__).resolve().parents[1] / "queries"
#: The Italian workspaces (the French ones are more than the answers the test server gives).
WORKSPACES = ("SELECT ?s WHERE { ?s a <https://w3id.org/cowork-data/vocab#Workspace> ; "
              "<https://w3id.org/italia/onto/CLV/hasAddress>/<https://w3id.org/italia/onto/CLV/hasCountry> "
              "<http://publications.europa.eu/resource/authority/country/ITA> } ORDER BY ?s")
MAX_RESULTS = 1000
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(release):
    store = release.output / "build" / "store"
    with sparql_app(store, timeout=2.0, max_results=MAX_RESULTS, queries_dir=QUERIES) as app, serving(app) as base:
        yield base


def _client(server: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def _expected_spaces(release) -> list[str]:
    import csv

    with (release.output / "data" / "spaces.csv").open(encoding="utf-8") as fh:
        return sorted(f"https://w3id.org/cowork-data/data/workspace/{r['id']}" for r in csv.DictReader(fh)
                      if r["country"] == "IT")


def test_select_json(server, release) -> None:
    result = _client(server, WORKSPACES, JSON).queryAndConvert()
    assert result["head"]["vars"] == ["s"]
    assert [b["s"]["value"] for b in result["results"]["bindings"]] == _expected_spaces(release)


def test_select_xml_with_post(server, release) -> None:
    client = _client(server, WORKSPACES, XML)
    client.setMethod(POST)
    document = client.queryAndConvert()
    uris = [node.firstChild.nodeValue for node in document.getElementsByTagName("uri")]
    assert uris == _expected_spaces(release)


def test_construct_turtle(server) -> None:
    query = ("CONSTRUCT { ?s <http://schema.org/name> ?n } WHERE { "
             "?s a <https://w3id.org/cowork-data/vocab#Workspace> ; <http://schema.org/name> ?n }")
    data = _client(server, query, TURTLE).queryAndConvert()
    graph = Graph().parse(data=data.decode() if isinstance(data, bytes) else data, format="turtle")
    sarpi = URIRef("https://w3id.org/cowork-data/data/workspace/f205/spazio-esempio-sarpi")
    assert str(graph.value(sarpi, URIRef("http://schema.org/name"))) == "Spazio Esempio Sarpi"


def test_insert_is_refused(server) -> None:
    client = _client(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", JSON)
    client.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as info:
        client.query()
    assert info.value.code == 403
    assert "read-only" in info.value.read().decode()
    count = _client(server, "ASK { <urn:a> <urn:b> <urn:c> }", JSON).queryAndConvert()
    assert count["boolean"] is False


def test_query_past_the_timeout_is_stopped(server) -> None:
    slow = _client(server, SLOW, JSON)
    slow.setTimeout(300)  # a hang guard only: uncut, the cross join would run for hours
    with pytest.raises(urllib.error.HTTPError) as info:
        slow.query()
    assert info.value.code == 503
    body = info.value.read().decode()
    assert "timed out" in body and "Tempo scaduto" in body
    # the worker was replaced: the endpoint still answers
    assert _client(server, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True


def test_csv_tsv_and_the_query_page(server) -> None:
    url = f"{server}/sparql?query=" + urllib.parse.quote("SELECT ?s WHERE { ?s a <http://www.w3.org/ns/prov#Entity> }")
    for accept, first in (("text/csv", "s\r\n"), ("text/tab-separated-values", "?s\n")):
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})) as response:
            text = response.read().decode()
        assert text.startswith(first) and "data/source/milano-coworking" in text
    with urllib.request.urlopen(urllib.request.Request(f"{server}/sparql", headers={"Accept": "text/html"})) as page:
        html = page.read().decode()
    for query in QUERIES.glob("*.rq"):
        assert query.stem in html


def test_dereferencing_data_iris(server) -> None:
    url = f"{server}/data/workspace/f205/spazio-esempio-sarpi"
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})) as response:
            assert response.headers["Content-Type"].startswith(accept)
            graph = Graph().parse(data=response.read(), format=fmt)
        assert str(graph.value(URIRef("https://w3id.org/cowork-data/data/workspace/f205/spazio-esempio-sarpi"),
                               URIRef("http://schema.org/name"))) == "Spazio Esempio Sarpi"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"})) as response:
        assert "Spazio Esempio Sarpi" in response.read().decode()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server}/data/workspace/f205/does-not-exist")
    assert info.value.code == 404


def test_graph_store_get(server, release) -> None:
    """Graph Store Protocol GET at /store (read-only): ?graph= gives each source graph of the release, ?default the
    union of the graphs (cut at --max-results, 1,000 here, and saying so), writes get 405."""
    nquads = release.output / "data" / "graph" / "cowork-data.nq"
    counts = Counter(q.graph_name.value for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    for name, n in sorted(counts.items()):  # a graph larger than --max-results is cut, and says so
        answer = send(server, Request("GET", f"/store?graph={name}", (("Accept", "application/n-triples"),), None))
        assert answer.status == 200 and len(Graph().parse(data=answer.body, format="nt")) == min(n, MAX_RESULTS), name
        assert (answer.headers.get("x-result-truncated") == "true") == (n > MAX_RESULTS), name
    assert max(counts.values()) > MAX_RESULTS  # the French inventory's graph is cut
    default = send(server, Request("GET", "/store?default", (), None))
    assert default.status == 200 and default.media == "text/turtle"
    assert len(Graph().parse(data=default.body, format="turtle")) == 1000
    assert default.headers["x-result-truncated"] == "true"
    head = send(server, Request("HEAD", f"/store?graph={next(iter(counts))}", (), None))
    assert head.status == 200 and head.body == b"" and head.media == "text/turtle"
    missing = send(server, Request("GET", "/store?graph=https://w3id.org/cowork-data/graph/none", (), None))
    assert missing.status == 404
    refused = send(server, Request("DELETE", f"/store?graph={next(iter(counts))}", (), None))
    assert refused.status == 405 and refused.headers["allow"] == "GET, HEAD"
    assert send(server, Request("GET", "/store", (), None)).status == 400


def test_two_queries_and_a_service_description(server) -> None:
    """Two ``query`` parameters are 400 (the service answered 200 before issue 15); a GET without a query is the
    Service Description, whose sd:endpoint is the URL it was asked at."""
    two = urllib.parse.urlencode([("query", "ASK {}"), ("query", "SELECT * {}")])
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server}/sparql?{two}")
    assert info.value.code == 400 and "More than one query" in info.value.read().decode()
    with urllib.request.urlopen(urllib.request.Request(f"{server}/sparql", headers={"Accept": "text/turtle"})) as r:
        graph = Graph().parse(data=r.read(), format="turtle")
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(f"{server}/sparql")
    names = {str(graph.value(n, SD.name)) for n in graph.subjects(RDF.type, SD.NamedGraph)}
    assert "https://w3id.org/cowork-data/graph/milano-coworking" in names

