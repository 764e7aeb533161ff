"""A runner for the W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description manifests
(tests/reference/w3c-sparql11-protocol-tests, copied with their licence), as they apply to a read-only service.

- Protocol tests (``mf:ProtocolTest``): each ``ht:Request`` is sent as written (the ``/sparql/`` prefix replaced by
  the endpoint's path) and its ``ht:Response`` expectations checked: status class, result format, boolean. Tests
  that update the store are run as far as their first update, which a read-only service must refuse with a 4xx
  (403 for a well-formed one); the requests after it check the update's effect and are not sent.
- Graph Store tests (``mf:GraphStoreProtocolTest``, HTTP text in ``rdfs:comment``): the writes (PUT, POST, DELETE)
  must get 405; each read (GET, HEAD) is run against the state the writes before it would have made, replayed into
  the store under its own graph-store prefix (``/store/t{n}``), and its status and graph checked.
Used by tests/test_sparql_protocol.py.
"""

from __future__ import annotations

import http.client
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

MANIFESTS = Path(__file__).parent / "reference" / "w3c-sparql11-protocol-tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
GSP_PATH = "/store"
_RESULT_TYPES = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
                 "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                             "text/tab-separated-values"),
                 "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples")}
_RDFLIB = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
           "application/ld+json": "json-ld"}


def manifest(name: str) -> tuple[Graph, list[URIRef]]:
    path = MANIFESTS / name / "manifest.ttl"
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest, any=False)
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


def local_name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[-1]


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def send(base: str, request: Request) -> Answer:
    """One HTTP request with exactly the given method, target, headers and body (http.client adds only Host,
    Accept-Encoding and Content-Length)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(request.method, request.target, body=request.body, headers=dict(request.headers))
        response = conn.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


# SPARQL 1.1 Protocol


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    steps: tuple[tuple[Request, dict[str, list[str]]], ...]
    graph_data: tuple[tuple[Path, str], ...]


def protocol_tests() -> list[ProtocolTest]:
    g, entries = manifest("protocol")
    tests = []
    for entry in entries:
        data = tuple((Path(str(g.value(d, UT.graph)).removeprefix("file://")), str(g.value(d, RDFS.label)))
                     for d in g.objects(entry, UT.graphData))
        steps = []
        for node in Collection(g, g.value(g.value(entry, MF.action), HT.requests)):
            headers_node = g.value(node, HT.headers)
            headers = tuple((str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue)))
                            for h in (Collection(g, headers_node) if headers_node else []))
            body = g.value(node, HT.body)
            payload = None
            if body is not None:
                payload = str(g.value(body, CNT.chars)).encode(str(g.value(body, CNT.characterEncoding) or "UTF-8"))
            target = "/sparql" + str(g.value(node, HT.absolutePath)).removeprefix("/sparql/")
            response = g.value(node, HT.resp)
            expected = {local_name(p): sorted(local_name(o) if isinstance(o, URIRef) else str(o)
                                              for o in g.objects(response, p))
                        for p in set(g.predicates(response)) if p != RDF.type}
            steps.append((Request(str(g.value(node, HT.methodName)), target, headers, payload), expected))
        tests.append(ProtocolTest(local_name(entry), str(g.value(entry, MF.name)), tuple(steps), data))
    return tests


def is_update(request: Request) -> bool:
    media = next((v for k, v in request.headers if k.lower() == "content-type"), "").split(";")[0].strip()
    body = request.body or b""
    return (media == "application/sparql-update" or body.startswith(b"update=") or "update=" in request.target
            or "using-graph-uri=" in request.target or "using-named-graph-uri=" in request.target)


def _boolean(answer: Answer) -> bool | None:
    if answer.media == "application/sparql-results+json":
        return json.loads(answer.body).get("boolean")
    match = re.search(rb"<boolean>\s*(true|false)\s*</boolean>", answer.body)
    return None if match is None else match.group(1) == b"true"


def check_protocol_test(base: str, test: ProtocolTest) -> tuple[str, list[str]]:
    """(``"query"`` or ``"update"``, problems): the test's requests against ``base``; no problem = passed."""
    problems: list[str] = []
    kind = "update" if "update" in test.name else "query"
    for request, expected in test.steps:
        answer = send(base, request)
        if is_update(request):  # read-only: refused, and what follows would check the update's effect
            well_formed = dict((k.lower(), v) for k, v in request.headers).get("content-type", "").startswith(
                ("application/sparql-update", "application/x-www-form-urlencoded"))
            if not 400 <= answer.status < 500 or (well_formed and answer.status != 403):
                problems.append(f"update answered {answer.status}, expected 403 (read-only)")
            break
        classes = {s.removeprefix("StatusCode") for s in expected.get("expectedStatus", [])}
        if f"{answer.status // 100}xx" not in classes:
            problems.append(f"status {answer.status}, expected {sorted(classes)}: {answer.body[:200]!r}")
            continue
        fmt = (expected.get("expectedFormat") or [None])[0]
        if fmt and answer.media not in _RESULT_TYPES[fmt]:
            problems.append(f"content type {answer.media!r} is not {fmt}")
        if fmt == "RDF":
            Graph().parse(data=answer.body, format=_RDFLIB[answer.media])
        if "expectedBoolean" in expected and _boolean(answer) != (expected["expectedBoolean"] == ["true"]):
            problems.append(f"boolean {_boolean(answer)}, expected {expected['expectedBoolean']}")
    return kind, problems


# Graph Store Protocol (HTTP written as text in the deprecated manifest)


@dataclass
class GraphStoreTest:
    name: str
    request: str
    response: str
    index: int = 0
    state: dict[str, list[str]] = field(default_factory=dict)  # graph key → Turtle documents merged into it

    @property
    def method(self) -> str:
        return self.request.split(None, 1)[0]

    @property
    def prefix(self) -> str:
        """The graph-store path of this test's own copy of the state."""
        return f"{GSP_PATH}/t{self.index}"


def _blocks(comment: str) -> tuple[str, str]:
    request = comment.split("#### Request", 1)[1].split("#### Response", 1)[0]
    response = comment.split("#### Response", 1)[1]
    return textwrap.dedent(request).strip("\n"), textwrap.dedent(response).strip("\n")


def graph_store_tests() -> list[GraphStoreTest]:
    g, entries = manifest("http-rdf-update")
    tests = []
    for n, entry in enumerate(entries):
        comment = next(str(c) for c in g.objects(entry, RDFS.comment) if "#### Request" in str(c))
        request, response = _blocks(comment)
        tests.append(GraphStoreTest(local_name(entry), request, response, index=n))
    return tests


def substitute(text: str, host: str, prefix: str) -> str:
    """The manifest's placeholders: ``$HOST$``, ``$GRAPHSTORE$`` (this test's graph-store path), ``$NEWPATH$``."""
    text = text.replace("http://$HOST$/$GRAPHSTORE$", f"http://{host}{prefix}")
    return text.replace("$NEWPATH$", f"{prefix}/new").replace("$GRAPHSTORE$", prefix).replace("$HOST$", host)


def parse_http(text: str) -> tuple[str, list[tuple[str, str]], str]:
    """(first line, headers, body) of an HTTP message written as text."""
    head, _, body = text.partition("\n\n")
    first, *lines = head.splitlines()
    headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines)]
    return first.strip(), headers, body


def graph_key(target: str, host: str) -> str:
    """``default``, or the IRI of the graph a request target identifies (``?graph=``, else the URL itself)."""
    path, _, query = target.partition("?")
    if query == "default":
        return "default"
    if query.startswith("graph="):
        return query.removeprefix("graph=")
    return f"http://{host}{path}"


def _parts(headers: list[tuple[str, str]], body: str) -> list[str]:
    media = dict((k.lower(), v) for k, v in headers).get("content-type", "")
    if not media.startswith("multipart/form-data"):
        return [body]
    boundary = media.split("boundary=", 1)[1].strip()
    return [part.partition("\n\n")[2] for part in body.split(f"--{boundary}")[1:-1]]


def replay(tests: list[GraphStoreTest], host: str) -> None:
    """Give each read its state: the writes before it applied with its own prefix (PUT replaces, POST adds, POST to
    the store itself creates ``$NEWPATH$``, DELETE removes)."""
    for n, test in enumerate(tests):
        if test.method not in ("GET", "HEAD"):
            continue
        state: dict[str, list[str]] = {}
        for write in tests[:n]:
            if write.method in ("GET", "HEAD"):
                continue
            first, headers, body = parse_http(substitute(write.request, host, test.prefix))
            target = first.split()[1]
            key = f"http://{host}{test.prefix}/new" if target == test.prefix else graph_key(target, host)
            if write.method == "DELETE":
                state.pop(key, None)
            elif write.method == "PUT":
                state[key] = _parts(headers, body)
            else:
                state.setdefault(key, []).extend(_parts(headers, body))
        test.state = state


def state_graph(documents: list[str], base: str) -> Graph:
    """The graph of Turtle documents; the manifest's POST bodies end without the final ``.``, which is added."""
    g = Graph()
    for document in documents:
        text = document.rstrip()
        g.parse(data=text if text.endswith(".") else text + " .", format="turtle", publicID=base)
    return g


def graph_store_request(test: GraphStoreTest, host: str) -> Request:
    first, headers, body = parse_http(substitute(test.request, host, test.prefix))
    method, target, _version = first.split()
    kept = tuple((k, v) for k, v in headers if k.lower() != "host")
    return Request(method, target, kept, body.encode("utf-8") if body.strip() else None)


def expected_response(test: GraphStoreTest, host: str) -> tuple[int, dict[str, str], str]:
    first, headers, body = parse_http(substitute(test.response, host, test.prefix))
    return int(first.split()[0]), {k.lower(): v for k, v in headers}, body


def answer_graph(answer: Answer, base: str) -> Graph:
    return Graph().parse(data=answer.body, format=_RDFLIB[answer.media], publicID=base)


def same_graph(a: Graph, b: Graph) -> bool:
    return isomorphic(a, b)


def same_shape(a: Graph, b: Graph) -> bool:
    """Same triples once every blank node is read as ``_``: for graphs holding many identical blank-node
    structures, where a full isomorphism test explodes (rdflib's canonicalisation is exponential on them)."""
    def shape(g: Graph) -> list[tuple[str, ...]]:
        return sorted(tuple("_" if isinstance(t, BNode) else t.n3() for t in triple) for triple in g)
    return len(a) == len(b) and shape(a) == shape(b)
