"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint on the embedded store (the page for browsers is
:mod:`cowork_data.serve.sparql_page`).

Protocol: https://www.w3.org/TR/sparql11-protocol/ (query via GET ``?query=``, POST form ``query=``, POST
``application/sparql-query``; the dataset by ``default-graph-uri`` and ``named-graph-uri``, else the union of the
graphs); results: JSON, XML, CSV, TSV (https://www.w3.org/TR/sparql11-results-json/,
https://www.w3.org/TR/rdf-sparql-XMLres/, https://www.w3.org/TR/sparql11-results-csv-tsv/); CONSTRUCT and DESCRIBE in
Turtle, JSON-LD, N-Triples or RDF/XML. Chosen by the ``Accept`` header (or ``?format=json|xml|csv|tsv|turtle|jsonld``).
A GET without a query answers the SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/).
Checked by the W3C protocol tests that apply to a read-only service (``tests/test_sparql_protocol.py``): two
``query`` parameters, a POST body of another media type or charset than UTF-8 are 4xx.

Read-only: an update (``update=``, ``application/sparql-update``, or an update sent as a query) gets 403 and a message.
Each query runs in a worker process (:class:`QueryPool`): a pyoxigraph query cannot be interrupted from its own thread,
so when it runs past the timeout the worker is killed and replaced, and the client gets 503 with a clear message. At
most ``max_results`` solutions or triples are returned; a cut answer carries the header ``X-Result-Truncated: true``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cowork_data import i18n
from cowork_data.errors import QueryError, QueryTimeout
from cowork_data.namespaces import DEFAULT_BASE, PREFIXES
from cowork_data.serve.negotiation import preferences

__all__ = ["Dataset", "QueryPool", "SparqlSettings", "endpoint", "routes"]

#: A protocol-specified RDF dataset: (default graph IRIs, named graph IRIs); ``None``: the union of the graphs.
Dataset = tuple[tuple[str, ...], tuple[str, ...]] | None

SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml", "application/x-turtle": "turtle"}
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*)\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)

STARTUP_TIMEOUT = 60.0


@dataclass(frozen=True)
class SparqlSettings:
    """The endpoint's store, limits and the example queries listed on its page."""

    store_path: Path
    timeout: float = 10.0
    max_results: int = 10_000
    workers: int = 2
    base: str = DEFAULT_BASE
    queries_dir: Path | None = None


# Worker process


def _term_json(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _select_xml(variables: list[str], rows: list[list[Any]]) -> str:
    lines = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    lines += [f"<variable name={quoteattr(v)}/>" for v in variables]
    lines += ["</head>", "<results>"]
    for row in rows:
        lines.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is None:
                continue
            t = _term_json(term)
            value = xml_escape(t["value"])
            if t["type"] == "uri":
                inner = f"<uri>{value}</uri>"
            elif t["type"] == "bnode":
                inner = f"<bnode>{value}</bnode>"
            elif "xml:lang" in t:
                inner = f"<literal xml:lang={quoteattr(t['xml:lang'])}>{value}</literal>"
            elif "datatype" in t:
                inner = f"<literal datatype={quoteattr(t['datatype'])}>{value}</literal>"
            else:
                inner = f"<literal>{value}</literal>"
            lines.append(f"<binding name={quoteattr(name)}>{inner}</binding>")
        lines.append("</result>")
    lines += ["</results>", "</sparql>", ""]
    return "\n".join(lines)


def _csv_cell(term: Any) -> str:
    if term is None:
        return ""
    value = term.value
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _select(answer: Any, kind: str, cap: int) -> tuple[bytes, bool]:
    variables = [v.value for v in answer.variables]
    rows: list[list[Any]] = []
    truncated = False
    for solution in answer:
        if len(rows) == cap:
            truncated = True
            break
        rows.append([solution[v] for v in variables])
    if kind == "json":
        bindings = [{v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        text = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)
    elif kind == "xml":
        text = _select_xml(variables, rows)
    elif kind == "csv":
        text = "".join(",".join(cells) + "\r\n" for cells in [variables, *[[_csv_cell(t) for t in r] for r in rows]])
    else:
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        text = "\n".join(lines) + "\n"
    return text.encode("utf-8"), truncated


def _boolean(value: bool, kind: str) -> bytes:
    if kind == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{str(value).lower()}</boolean></sparql>\n").encode()
    if kind in ("csv", "tsv"):
        return f"{str(value).lower()}\n".encode()
    return json.dumps({"head": {}, "boolean": value}).encode()


def _graph(answer: Any, kind: str, cap: int) -> tuple[bytes, bool]:
    import pyoxigraph as ox

    triples, truncated = [], False
    for triple in answer:
        if len(triples) == cap:
            truncated = True
            break
        triples.append(triple)
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "rdfxml": ox.RdfFormat.RDF_XML}[kind]
    prefixes = PREFIXES if kind == "turtle" else None
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes), truncated


def _choose(accept: str, answer: Any) -> str:
    """The format key for the answer's kind from the client's wishes (a format key or an Accept header)."""
    import pyoxigraph as ox

    graph = not isinstance(answer, (ox.QuerySolutions, ox.QueryBoolean))
    table = GRAPH_TYPES if graph else SELECT_TYPES
    if accept in table:
        return accept
    by_type = {media: key for key, media in table.items()}
    for media in preferences(accept):
        if media in by_type:
            return by_type[media]
        if _ALIASES.get(media) in table:
            return _ALIASES[media]
    return "turtle" if graph else "json"


def _run(store: Any, query: str, dataset: Dataset, base_iri: str | None) -> Any:
    """The query on the union of the graphs, or on the protocol's dataset, which replaces the query's own (FROM);
    relative IRIs resolve against ``base_iri`` (the endpoint's URL, as the protocol allows)."""
    import pyoxigraph as ox

    if dataset is None:
        return store.query(query, use_default_graph_as_union=True, base_iri=base_iri)
    default, named = dataset
    return store.query(query, base_iri=base_iri, default_graph=[ox.NamedNode(g) for g in default],
                       named_graphs=[ox.NamedNode(g) for g in named])


def _exit_with(server: int) -> None:
    """End this worker once the server that started it is gone (killed, even by SIGKILL): a query that would run for
    hours must not outlive it. The store's queries release the GIL, so this thread runs while one is evaluated."""
    while os.getppid() == server:
        time.sleep(1.0)
    os._exit(0)


def _worker(conn: Connection, store_path: str, cap: int, server: int) -> None:
    import pyoxigraph as ox

    threading.Thread(target=_exit_with, args=(server,), daemon=True, name="exit-with-server").start()

    store = ox.Store.read_only(store_path)
    conn.send("ready")
    while True:
        try:
            query, accept, dataset, base_iri = conn.recv()
        except EOFError:
            return
        try:
            answer = _run(store, query, dataset, base_iri)
            kind = _choose(accept, answer)
            if isinstance(answer, ox.QueryBoolean):
                body, truncated = _boolean(bool(answer), kind), False
                media = SELECT_TYPES[kind]
            elif isinstance(answer, ox.QuerySolutions):
                body, truncated = _select(answer, kind, cap)
                media = SELECT_TYPES[kind]
            else:
                body, truncated = _graph(answer, kind, cap)
                media = GRAPH_TYPES[kind]
            conn.send(("ok", media, body, truncated))
        except SyntaxError as exc:
            conn.send(("syntax", "", str(exc).encode(), False))
        except Exception as exc:  # an evaluation error is the query's, not the server's
            conn.send(("error", "", f"{type(exc).__name__}: {exc}".encode(), False))


# Pool


class QueryPool:
    """Worker processes each holding the store open read-only; a worker that runs past the timeout is killed."""

    def __init__(self, store_path: Path, *, workers: int = 2, max_results: int = 10_000) -> None:
        self.store_path, self.max_results = str(store_path), max_results
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: list[tuple[Any, Connection]] = []
        self._slots = threading.Semaphore(workers)
        for _ in range(workers):
            self._idle.append(self._start())

    def _start(self) -> tuple[Any, Connection]:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child, self.store_path, self.max_results, os.getpid()),
                                        daemon=True)
        process.start()
        child.close()
        # Wait for the import and the store to open, so that start-up never counts against a query's timeout.
        try:
            ready = parent.poll(STARTUP_TIMEOUT) and parent.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            process.kill()
            process.join()
            raise QueryError("error.sparql-worker", store=self.store_path)
        return process, parent

    def run(self, query: str, accept: str, timeout: float, dataset: Dataset = None,
            base_iri: str | None = None) -> tuple[str, str, bytes, bool]:
        """``(status, media type, body, truncated)``; raises :class:`QueryTimeout` past ``timeout`` seconds."""
        with self._slots:
            with self._lock:
                process, conn = self._idle.pop()
            crashed = False
            try:
                conn.send((query, accept, dataset, base_iri))
                if conn.poll(timeout):
                    result = conn.recv()
                    with self._lock:
                        self._idle.append((process, conn))
                    return result
            except (EOFError, OSError):
                crashed = True
            process.kill()
            process.join()
            conn.close()
            with self._lock:
                self._idle.append(self._start())
            if crashed:
                return ("error", "", f"worker process stopped (exit code {process.exitcode})".encode(), False)
            raise QueryTimeout(timeout)

    def close(self) -> None:
        with self._lock:
            for process, conn in self._idle:
                process.kill()
                process.join()
                conn.close()
            self._idle.clear()


# Routes


def _settings(request: Request) -> SparqlSettings:
    return request.app.state.sparql


def pool(request: Request) -> QueryPool:
    """The app's worker pool, started on first use."""
    app_state = request.app.state
    with _POOL_LOCK:
        if getattr(app_state, "sparql_pool", None) is None:
            s = _settings(request)
            app_state.sparql_pool = QueryPool(s.store_path, workers=s.workers, max_results=s.max_results)
        return app_state.sparql_pool


_POOL_LOCK = threading.Lock()


def _error(status: int, key: str, /, **params: Any) -> PlainTextResponse:
    """A plain-text answer: the catalogue's ``error.endpoint.<key>`` in Italian and in English, a line each."""
    italian, english = i18n.both(f"error.endpoint.{key}", **params)
    return PlainTextResponse(f"{italian}\n{english}\n", status_code=status)


def _read_only() -> PlainTextResponse:
    return PlainTextResponse(i18n.pair("error.endpoint.read-only") + "\n", status_code=403)


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_DATASET = ("default-graph-uri", "named-graph-uri")


@dataclass(frozen=True)
class Asked:
    """What a protocol request asks: the query (``None``: none given), the answer format, the dataset."""

    query: str | None
    fmt: str | None
    dataset: Dataset


def _values(*sources: Any, key: str) -> list[str]:
    return [v for source in sources for v in source.getlist(key) if isinstance(v, str)]


async def read_request(request: Request) -> Asked | Response:
    """The query, format and dataset of a SPARQL 1.1 Protocol request, or the 4xx answer to a bad request.

    GET carries everything in the URL; a POST either the query as its body (``application/sparql-query``, UTF-8,
    the other parameters in the URL) or URL-encoded (or multipart) form fields, with the URL's. Updates, in any
    form, get 403: the service is read-only.
    """
    params = request.query_params
    if "update" in params:
        return _read_only()
    sources: list[Any] = [params]
    body_query: list[str] = []
    if request.method == "POST":
        media, _, parameters = request.headers.get("content-type", "").partition(";")
        media = media.strip().lower()
        if media == "application/sparql-update":
            return _read_only()
        if media == "application/sparql-query":
            charset = re.search(r"charset\s*=\s*\"?([^\";\s]+)", parameters, re.IGNORECASE)
            if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
                return _error(415, "charset", charset=charset.group(1))
            try:
                body_query = [(await request.body()).decode("utf-8")]
            except UnicodeDecodeError:
                return _error(400, "body-utf8")
        elif media in _FORMS:
            form = await request.form()
            if "update" in form:
                return _read_only()
            sources.append(form)
        else:
            return _error(415, "media", media=media or i18n.Text.of("error.endpoint.media-none"))
    queries = [*_values(*sources, key="query"), *body_query]
    if len(queries) > 1:
        return _error(400, "several")
    default, named = (tuple(_values(*sources, key=key)) for key in _DATASET)
    formats = _values(*sources, key="format")
    return Asked(query=queries[0] if queries else None, fmt=formats[-1] if formats else None,
                 dataset=(default, named) if default or named else None)


async def endpoint(request: Request) -> Response:
    asked = await read_request(request)
    if isinstance(asked, Response):
        return asked
    if asked.query is None:
        if request.method == "GET" and _wants_description(request, asked.fmt):
            return await service_description(request, asked.fmt)
        return _error(400, "no-query")
    if _UPDATE.match(asked.query):
        return _read_only()
    settings = _settings(request)
    if not settings.store_path.is_dir():
        return _no_store(settings)
    accept = asked.fmt or request.headers.get("accept", "")
    try:
        status, media, body, truncated = await run_in_threadpool(
            pool(request).run, asked.query, accept, settings.timeout, asked.dataset,
            str(request.url.replace(query="", fragment="")))
    except QueryTimeout:
        return _timed_out(settings)
    if status == "syntax":
        return _error(400, "syntax", detail=body.decode())
    if status == "error":
        return _error(400, "evaluation", detail=body.decode())
    headers = {"X-Result-Truncated": "true"} if truncated else {}
    return Response(body, media_type=media, headers={"Vary": "Accept", **headers})


def _no_store(settings: SparqlSettings) -> PlainTextResponse:
    return _error(503, "no-store", store=settings.store_path)


def _timed_out(settings: SparqlSettings) -> PlainTextResponse:
    return _error(503, "timeout", seconds=f"{settings.timeout:g}")


_SD_TYPES = {"turtle": ("text/turtle", "turtle"), "rdfxml": ("application/rdf+xml", "xml"),
             "ntriples": ("application/n-triples", "nt"), "jsonld": ("application/ld+json", "json-ld")}


def _wants_description(request: Request, fmt: str | None) -> bool:
    """A GET without a query is the Service Description unless the client accepts only what it cannot be (say
    SPARQL results): then it is a protocol request that forgot its query."""
    if fmt is not None:
        return fmt in _SD_TYPES
    wanted = preferences(request.headers.get("accept", ""))
    rdf = {media for media, _f in _SD_TYPES.values()} | {"*/*", "text/*", "application/*"}
    return not wanted or any(media in rdf for media in wanted)


async def service_description(request: Request, fmt: str | None = None) -> Response:
    """The Service Description of this endpoint, ``sd:endpoint`` being the URL it was asked at; its named graphs are
    the store's (listed once per worker pool: the store is read-only)."""
    from rdflib import RDFS, Graph, URIRef

    from cowork_data.publish.catalog import describe_service

    settings = _settings(request)
    if not settings.store_path.is_dir():
        return _no_store(settings)
    app_state = request.app.state
    graphs = getattr(app_state, "sparql_graphs", None)
    if graphs is None:
        try:
            status, _media, body, _cut = await run_in_threadpool(
                pool(request).run, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", "json", settings.timeout, None)
        except QueryTimeout:
            return _timed_out(settings)
        if status != "ok":
            return _error(500, "graphs", detail=body.decode())
        graphs = sorted(b["g"]["value"] for b in json.loads(body)["results"]["bindings"])
        app_state.sparql_graphs = graphs
    url = str(request.url.replace(query="", fragment=""))
    g = Graph(bind_namespaces="none")
    for prefix in ("dcat", "dct", "sd", "void"):
        g.bind(prefix, PREFIXES[prefix])
    g.bind("rdfs", str(RDFS))
    describe_service(g, URIRef(f"{url}#service"), URIRef(url), {name: None for name in graphs})
    kind = fmt if fmt in _SD_TYPES else next(
        (k for media in preferences(request.headers.get("accept", "")) for k, (m, _f) in _SD_TYPES.items()
         if media == m), "turtle")
    media, rdflib_format = _SD_TYPES[kind]
    return Response(g.serialize(format=rdflib_format, encoding="utf-8"), media_type=media,
                    headers={"Vary": "Accept"})


def routes() -> list[Route]:
    return [Route("/sparql", endpoint, methods=["GET", "POST"])]
