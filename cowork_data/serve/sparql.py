"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint on the embedded store (the page for browsers is
:mod:`cowork_data.serve.sparql_page`).

Protocol: https://www.w3.org/TR/sparql11-protocol/ (query via GET ``?query=``, POST form ``query=``, POST
``application/sparql-query``); results: JSON, XML, CSV, TSV (https://www.w3.org/TR/sparql11-results-json/,
https://www.w3.org/TR/rdf-sparql-XMLres/, https://www.w3.org/TR/sparql11-results-csv-tsv/); CONSTRUCT and DESCRIBE in
Turtle, JSON-LD, N-Triples or RDF/XML. Chosen by the ``Accept`` header (or ``?format=json|xml|csv|tsv|turtle|jsonld``).

Read-only: an update (``update=``, ``application/sparql-update``, or an update sent as a query) gets 403 and a message.
Each query runs in a worker process (:class:`QueryPool`): a pyoxigraph query cannot be interrupted from its own thread,
so when it runs past the timeout the worker is killed and replaced, and the client gets 503 with a clear message. At
most ``max_results`` solutions or triples are returned; a cut answer carries the header ``X-Result-Truncated: true``.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import threading
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

from cowork_data.errors import QueryError, QueryTimeout
from cowork_data.namespaces import DEFAULT_BASE, PREFIXES
from cowork_data.serve.negotiation import preferences

__all__ = ["QueryPool", "SparqlSettings", "endpoint", "routes"]

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
READ_ONLY = ("Questo endpoint è di sola lettura: aggiornamenti SPARQL (INSERT, DELETE, LOAD, …) non sono ammessi. / "
             "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, …) are not allowed.")


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


def _worker(conn: Connection, store_path: str, cap: int) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    conn.send("ready")
    while True:
        try:
            query, accept = conn.recv()
        except EOFError:
            return
        try:
            answer = store.query(query, use_default_graph_as_union=True)
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
        process = self._context.Process(target=_worker, args=(child, self.store_path, self.max_results), daemon=True)
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

    def run(self, query: str, accept: str, timeout: float) -> tuple[str, str, bytes, bool]:
        """``(status, media type, body, truncated)``; raises :class:`QueryTimeout` past ``timeout`` seconds."""
        with self._slots:
            with self._lock:
                process, conn = self._idle.pop()
            crashed = False
            try:
                conn.send((query, accept))
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


def _error(status: int, it: str, en: str) -> PlainTextResponse:
    return PlainTextResponse(f"{it}\n{en}\n", status_code=status)


async def endpoint(request: Request) -> Response:
    query: str | None = None
    fmt = request.query_params.get("format")
    if request.method == "GET":
        query = request.query_params.get("query")
        if "update" in request.query_params:
            return PlainTextResponse(READ_ONLY + "\n", status_code=403)
    else:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return PlainTextResponse(READ_ONLY + "\n", status_code=403)
        if ctype == "application/sparql-query":
            query = (await request.body()).decode("utf-8", "replace")
        else:
            form = await request.form()
            if "update" in form:
                return PlainTextResponse(READ_ONLY + "\n", status_code=403)
            value, form_fmt = form.get("query"), form.get("format")
            query = value if isinstance(value, str) else None
            fmt = form_fmt if isinstance(form_fmt, str) and form_fmt else fmt
    if query is None:
        return _error(400, "Manca il parametro «query».", "The “query” parameter is missing.")
    if _UPDATE.match(query):
        return PlainTextResponse(READ_ONLY + "\n", status_code=403)
    settings = _settings(request)
    if not settings.store_path.is_dir():
        return _error(503, f"Nessun archivio SPARQL in {settings.store_path}: esegui prima «cowork-data build».",
                      f"No SPARQL store at {settings.store_path}: run “cowork-data build” first.")
    accept = fmt or request.headers.get("accept", "")
    try:
        status, media, body, truncated = await run_in_threadpool(
            pool(request).run, query, accept, settings.timeout)
    except QueryTimeout:
        return _error(503, f"Tempo scaduto: la query è durata più di {settings.timeout:g} s ed è stata interrotta. "
                      "Restringila (LIMIT, filtri più selettivi) o usa un archivio esterno.",
                      f"Query timed out: it ran longer than {settings.timeout:g} s and was stopped. "
                      "Narrow it (LIMIT, more selective filters) or use an external store.")
    if status == "syntax":
        return _error(400, f"Query SPARQL non valida: {body.decode()}", f"Invalid SPARQL query: {body.decode()}")
    if status == "error":
        return _error(400, f"Errore nella query: {body.decode()}", f"Query error: {body.decode()}")
    headers = {"X-Result-Truncated": "true"} if truncated else {}
    return Response(body, media_type=media, headers=headers)


def routes() -> list[Route]:
    return [Route("/sparql", endpoint, methods=["GET", "POST"])]
