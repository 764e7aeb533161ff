"""The endpoint against the W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests (issue 15),
driven from their manifests (tests/reference/w3c-sparql11-protocol-tests; runner: tests/w3c_protocol.py), on a real
uvicorn server on loopback. The service is read-only, so the tests that update the store are run up to their update,
which must be refused; the Graph Store reads run against the state the manifest's writes would have left.

Breaking the service (an ASGI layer in front of the same app that undoes one protocol rule) makes the runner fail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cowork_data.namespaces import SD
from tests.conftest import figures
from tests.serving import free_port, serving, sparql_app
from tests.w3c_protocol import (
    GraphStoreTest,
    Request,
    answer_graph,
    check_protocol_test,
    expected_response,
    graph_key,
    graph_store_request,
    graph_store_tests,
    local_name,
    manifest,
    parse_http,
    protocol_tests,
    replay,
    same_graph,
    same_shape,
    send,
    state_graph,
    substitute,
)

#: The one Graph Store read whose expected body contradicts the manifest's own writes: after "PUT - graph already in
#: store" (Jane Doe) and "POST - existing graph" (adds foaf:name), it expects the body of the initial PUT (John Doe).
ERRATUM = "get_of_post__existing_graph"

#: The Service Description vocabulary (https://www.w3.org/TR/sparql11-service-description/ §3): what "conforms to
#: schema" checks, as SHACL: a service has an endpoint IRI and typed languages, features, formats and dataset.
SD_SCHEMA = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
[] a sh:NodeShape ; sh:targetClass sd:Service ;
   sh:property [ sh:path sd:endpoint ; sh:minCount 1 ; sh:nodeKind sh:IRI ] ,
     [ sh:path sd:supportedLanguage ; sh:minCount 1 ; sh:in ( sd:SPARQL10Query sd:SPARQL11Query sd:SPARQL11Update ) ] ,
     [ sh:path sd:feature ; sh:in ( sd:DereferencesURIs sd:UnionDefaultGraph sd:RequiresDataset sd:EmptyGraphs
                                    sd:BasicFederatedQuery ) ] ,
     [ sh:path sd:resultFormat ; sh:nodeKind sh:IRI ] ,
     [ sh:path sd:defaultDataset ; sh:maxCount 1 ; sh:class sd:Dataset ] .
[] a sh:NodeShape ; sh:targetClass sd:Dataset ;
   sh:property [ sh:path sd:defaultGraph ; sh:maxCount 1 ; sh:class sd:Graph ] ,
     [ sh:path sd:namedGraph ; sh:class sd:NamedGraph ] .
[] a sh:NodeShape ; sh:targetClass sd:NamedGraph ;
   sh:property [ sh:path sd:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] .
"""


class Service:
    """The server under test: its base URL, the host name the Graph Store IRIs use, the replayed tests."""

    def __init__(self, base: str, host: str, gsp: list[GraphStoreTest], union: Graph) -> None:
        self.base, self.host, self.gsp, self.union = base, host, gsp, union


def _load(store: ox.Store, graph: Graph, name: str | None) -> None:
    target = ox.DefaultGraph() if name is None else ox.NamedNode(name)
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=target)


@pytest.fixture(scope="module")
def app_and_service(tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    host = f"127.0.0.1:{port}"
    path = tmp_path_factory.mktemp("protocol") / "store"
    store = ox.Store(str(path))
    for file, label in sorted({d for test in protocol_tests() for d in test.graph_data}):
        _load(store, Graph().parse(file, format="nt"), label)
    gsp = graph_store_tests()
    replay(gsp, host)
    for test in gsp:
        for key, documents in test.state.items():
            _load(store, state_graph(documents, key), None if key == "default" else key)
    # One document, so that a blank node shared by two triples stays one node.
    union = Graph().parse(data=ox.serialize([q.triple for q in store], format=ox.RdfFormat.N_TRIPLES), format="nt")
    store.flush()
    del store
    with sparql_app(path, timeout=10.0, workers=1, queries_dir=None) as app, serving(app, port=port) as base:
        yield app, Service(base, host, gsp, union)


@pytest.fixture(scope="module")
def service(app_and_service) -> Service:
    return app_and_service[1]


def run_protocol_tests(base: str) -> dict[str, tuple[str, list[str]]]:
    return {test.name: check_protocol_test(base, test) for test in protocol_tests()}


def check_graph_store_test(service: Service, test: GraphStoreTest, base: str | None = None) -> list[str]:
    """Problems of one Graph Store test: writes must get 405; reads the manifest's status and graph."""
    request = graph_store_request(test, service.host)
    answer = send(base or service.base, request)
    status, headers, body = expected_response(test, service.host)
    if test.method not in ("GET", "HEAD"):
        ok = answer.status == 405 and "GET" in answer.headers.get("allow", "")
        return [] if ok else [f"{test.method} answered {answer.status}, expected 405 (read-only)"]
    problems = [] if answer.status == status else [f"status {answer.status}, expected {status}"]
    if status != 200 or problems:
        return problems
    if "text/turtle" in headers.get("content-type", "") and answer.media != "text/turtle":
        problems.append(f"content type {answer.media!r}, expected text/turtle")
    if test.method == "HEAD":
        return problems + ([f"HEAD sent a body of {len(answer.body)} bytes"] if answer.body else [])
    key = graph_key(request.target, service.host)
    ours = answer_graph(answer, key if key != "default" else service.base)
    expected = Graph().parse(data=body, format="turtle")
    if key == "default":  # this service's default graph is the union of the graphs (sd:UnionDefaultGraph)
        reference = service.union
        if not all((None, p, o) in ours for _s, p, o in expected if isinstance(o, Literal)):
            problems.append("the union lacks what was PUT into the default graph")
    elif test.name == ERRATUM:
        reference = state_graph(test.state[key], key)
    else:
        reference = expected
        if not same_graph(expected, state_graph(test.state.get(key, []), key)):
            problems.append("the replayed writes do not give the manifest's expected graph")
    if not (same_shape if key == "default" else same_graph)(ours, reference):
        problems.append(f"graph of {len(ours)} triples differs from the expected {len(reference)}")
    return problems


def test_w3c_protocol_tests(service: Service) -> None:
    results = run_protocol_tests(service.base)
    failed = {name: problems for name, (_kind, problems) in results.items() if problems}
    kinds = Counter(kind for kind, _problems in results.values())
    figures("sparql-protocol", {
        "protocol_tests": len(results), "query_tests": kinds["query"],
        "query_passed": sum(1 for kind, p in results.values() if kind == "query" and not p),
        "update_tests_refused": sum(1 for kind, p in results.values() if kind == "update" and not p),
        "failed": sorted(failed)})
    assert len(results) == 34 and kinds == {"query": 20, "update": 14}
    assert failed == {}


def test_w3c_graph_store_tests(service: Service) -> None:
    results = {test.name: (test.method, check_graph_store_test(service, test)) for test in service.gsp}
    failed = {name: problems for name, (_method, problems) in results.items() if problems}
    reads = [name for name, (method, _p) in results.items() if method in ("GET", "HEAD")]
    figures("graph-store-protocol", {
        "tests": len(results), "reads": len(reads), "reads_passed": sum(1 for n in reads if not results[n][1]),
        "writes_refused": sum(1 for n, (m, p) in results.items() if n not in reads and not p),
        "failed": sorted(failed)})
    assert len(results) == 18 and len(reads) == 10
    assert failed == {}


def test_the_erratum_is_the_manifest_s() -> None:
    tests = {t.name: t for t in graph_store_tests()}
    initial, erratum = (parse_http(substitute(tests[n].response, "h", "/s"))[2]
                        for n in ("get_of_put__initial_state", ERRATUM))
    assert same_graph(Graph().parse(data=initial, format="turtle"), Graph().parse(data=erratum, format="turtle"))


@cache
def _sd_tests() -> tuple[str, ...]:
    graph, entries = manifest("service-description")
    assert all((e, RDF.type, URIRef("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
                                     "ServiceDescriptionTest")) in graph for e in entries)
    return tuple(local_name(e) for e in entries)


def _description(base: str, accept: str | None) -> tuple[int, str, Graph | None]:
    headers = (("Accept", accept),) if accept else ()
    answer = send(base, Request("GET", "/sparql", headers, None))
    if answer.status != 200 or answer.media not in ("text/turtle", "application/rdf+xml"):
        return answer.status, answer.media, None
    return answer.status, answer.media, answer_graph(answer, base)


def check_service_description(base: str) -> dict[str, list[str]]:
    """The three W3C Service Description tests (the manifest names them; the checks are the spec's)."""
    endpoint = URIRef(f"{base}/sparql")
    answers = {accept: _description(base, accept) for accept in (None, "text/turtle", "application/rdf+xml")}
    checks: dict[str, Callable[[], list[str]]] = {
        "returns-rdf": lambda: [f"Accept {a}: {s} {m}" for a, (s, m, g) in answers.items() if g is None],
        "has-endpoint-triple": lambda: [] if all(g is not None and (None, SD.endpoint, endpoint) in g
                                                 for _s, _m, g in answers.values()) else
        [f"no sd:endpoint <{endpoint}>"],
        "conforms-to-schema": lambda: _conforms(answers[None][2]),
    }
    assert set(checks) == set(_sd_tests())
    return {name: checks[name]() for name in _sd_tests()}


def _conforms(graph: Graph | None) -> list[str]:
    if graph is None:
        return ["no description"]
    if not list(graph.subjects(RDF.type, SD.Service)):
        return ["no sd:Service"]
    conforms, _results, text = validate(graph, shacl_graph=Graph().parse(data=SD_SCHEMA, format="turtle"))
    return [] if conforms else [text[:500]]


def test_w3c_service_description_tests(service: Service) -> None:
    results = check_service_description(service.base)
    figures("service-description", {"tests": len(results), "passed": sum(1 for p in results.values() if not p)})
    assert results == {name: [] for name in _sd_tests()}


# The runner fails a service that breaks the protocol


def _layer(app, rewrite: Callable[[dict], dict]):  # noqa: ANN001, ANN202 - ASGI
    async def layered(scope, receive, send):  # noqa: ANN001, ANN202
        return await app(rewrite(scope) if scope["type"] == "http" else scope, receive, send)
    return layered


def _one_query(scope: dict) -> dict:
    """Keeps only the first ``query`` of a URL: two queries are then answered instead of refused."""
    parts = scope["query_string"].split(b"&")
    queries = [p for p in parts if p.startswith(b"query=")]
    kept = [p for p in parts if not p.startswith(b"query=")] + queries[:1]
    return {**scope, "query_string": b"&".join(kept)}


def _plain_text_is_sparql(scope: dict) -> dict:
    headers = [(k, b"application/sparql-query" if k == b"content-type" and v == b"text/plain" else v)
               for k, v in scope["headers"]]
    return {**scope, "headers": headers}


def _no_description(scope: dict) -> dict:
    if scope["path"] == "/sparql" and not scope["query_string"]:
        return {**scope, "method": "POST"}
    return scope


def _writes_read(scope: dict) -> dict:
    return {**scope, "method": "GET"} if scope["path"].startswith("/store") and scope["method"] != "HEAD" else scope


@pytest.mark.parametrize(("rewrite", "fails"), [
    (_one_query, "bad_multiple_queries"),
    (_plain_text_is_sparql, "bad_query_wrong_media_type"),
    (_no_description, "returns-rdf"),
    (_writes_read, "put__initial_state"),
])
def test_the_runner_fails_a_broken_service(app_and_service, rewrite, fails: str) -> None:
    app, service = app_and_service
    with serving(_layer(app, rewrite)) as base:
        if fails in {t.name for t in protocol_tests()}:
            assert run_protocol_tests(base)[fails][1]
        elif fails in _sd_tests():
            assert check_service_description(base)[fails]
        else:
            test = next(t for t in service.gsp if t.name == fails)
            assert check_graph_store_test(service, test, base)


def test_release_store_has_the_graphs_the_catalogue_names(release) -> None:
    catalogue = Graph().parse(Path(release.output / "data" / "catalog.ttl"), format="turtle")
    named = {str(catalogue.value(n, SD.name)) for n in catalogue.subjects(RDF.type, SD.NamedGraph)}
    nquads = release.output / "data" / "graph" / "cowork-data.nq"
    assert named == {q.graph_name.value for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)}
