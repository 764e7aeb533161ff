"""The ``/sparql`` page for browsers: an editor and result viewer (YASGUI, vendored), the example queries, the limits.

A request is the page when a browser asks for HTML: a GET without ``format`` whose ``Accept`` header prefers
``text/html`` (``/sparql?query=…`` is the permalink of a query: the page opens with it in the editor and runs it).
``format=html`` (the first choice of the page's form, for browsers without JavaScript) is the page with the answer
drawn as a table on the server. Every other request is the SPARQL 1.1 Protocol and goes, untouched, to
:func:`cowork_data.serve.sparql.endpoint`; the answer of ``format=html`` is also asked from that handler, so the page
shows exactly what the protocol answers (same limits, same errors).
"""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib.namespace import RDF, RDFS, XSD
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from cowork_data.namespaces import PREFIXES
from cowork_data.serve import sparql
from cowork_data.serve.negotiation import preferences

__all__ = ["Answer", "Cell", "Example", "example_queries", "page_prefixes", "routes", "wants_page"]

HERE = Path(__file__).resolve().parent
STATIC_PREFIX = "/static"
DATA_PATH = "/data/"  # where serve/dereference.py answers for {base}data/…
DEFAULT_QUERY = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"
FORMATS = ("html", "json", "xml", "csv", "tsv", "turtle", "jsonld")
_HTML = ("text/html", "application/xhtml+xml")
_ANSWER_ACCEPT = "application/sparql-results+json, application/n-triples"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Example:
    """One of the research queries in ``queries/*.rq``: its file stem, its leading comment (the description), the
    text."""

    name: str
    title: str
    text: str

    @property
    def href(self) -> str:
        """The example answered as a table by the server: works without JavaScript."""
        return "/sparql?" + urllib.parse.urlencode({"query": self.text, "format": "html"})


@dataclass(frozen=True)
class Cell:
    """A value of the answer table: its text, a link for IRIs (the local page of a data IRI), a tooltip."""

    text: str
    href: str | None = None
    title: str = ""


@dataclass
class Answer:
    """What the protocol answered to the page's query, ready for the table."""

    status: int
    seconds: float
    variables: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    error: str = ""


def example_queries(queries_dir: Path | None) -> list[Example]:
    """The example queries, sorted by file name; none when the folder is missing. The description is the comment
    block the file starts with."""
    if queries_dir is None or not queries_dir.is_dir():
        return []
    out = []
    for path in sorted(queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        head = lines[: next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))]
        out.append(Example(path.stem, " ".join(line.lstrip("#").strip() for line in head).strip(), text))
    return out


def page_prefixes() -> dict[str, str]:
    """The project's prefixes (``namespaces.PREFIXES``) and the W3C ones every query uses (rdf, rdfs, xsd)."""
    return dict(sorted({**PREFIXES, "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD)}.items()))


def wants_page(request: Request) -> bool:
    """A browser's GET for HTML: no ``format``; with a ``query``, ``text/html`` preferred over every other type the
    client accepts; without one, ``text/html`` accepted at all (there is no answer to negotiate)."""
    params = request.query_params
    if request.method != "GET" or "format" in params or "update" in params or len(params.getlist("query")) > 1:
        return False
    wanted = preferences(request.headers.get("accept", ""))
    if "query" not in params:
        return any(media in _HTML for media in wanted)
    return bool(wanted) and wanted[0] in _HTML


def _link(iri: str, base: str) -> str:
    data = f"{base}data/"
    return DATA_PATH + iri[len(data):] if iri.startswith(data) else iri


def _short(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _json_cell(term: dict[str, str], base: str, prefixes: dict[str, str]) -> Cell:
    if term["type"] == "uri":
        return Cell(_short(term["value"], prefixes), _link(term["value"], base), term["value"])
    if term["type"] == "bnode":
        return Cell(f"_:{term['value']}")
    title = f"@{term['xml:lang']}" if "xml:lang" in term else _short(term.get("datatype", str(XSD.string)), prefixes)
    return Cell(term["value"], title=title)


def _term_cell(term: object, base: str, prefixes: dict[str, str]) -> Cell:
    if isinstance(term, ox.NamedNode):
        return _json_cell({"type": "uri", "value": term.value}, base, prefixes)
    if isinstance(term, ox.BlankNode):
        return _json_cell({"type": "bnode", "value": term.value}, base, prefixes)
    assert isinstance(term, ox.Literal)
    literal = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if term.language:
        literal["xml:lang"] = term.language
    return _json_cell(literal, base, prefixes)


async def answer(request: Request, query: str) -> Answer:
    """Ask the protocol handler (a GET of ``query`` for JSON results or N-Triples) and read its answer."""
    headers = [(k, v) for k, v in request.scope["headers"] if k not in (b"accept", b"content-type", b"content-length")]
    scope = {**request.scope, "method": "GET", "query_string": urllib.parse.urlencode({"query": query}).encode(),
             "headers": [*headers, (b"accept", _ANSWER_ACCEPT.encode())]}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    started = time.perf_counter()
    response = await sparql.endpoint(Request(scope, receive))
    seconds = time.perf_counter() - started
    body = bytes(response.body)
    if response.status_code != 200:
        return Answer(response.status_code, seconds, error=body.decode("utf-8", "replace"))
    settings: sparql.SparqlSettings = request.app.state.sparql
    prefixes = page_prefixes()
    out = Answer(200, seconds, truncated=response.headers.get("x-result-truncated") == "true")
    if response.headers.get("content-type", "").startswith("application/n-triples"):
        out.variables = ["subject", "predicate", "object"]
        out.rows = [[_term_cell(t, settings.base, prefixes) for t in (q.subject, q.predicate, q.object)]
                    for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        return out
    data = json.loads(body)
    if "boolean" in data:
        out.boolean = bool(data["boolean"])
        return out
    out.variables = list(data["head"]["vars"])
    out.rows = [[_json_cell(b[v], settings.base, prefixes) if v in b else Cell("") for v in out.variables]
                for b in data["results"]["bindings"]]
    return out


def page(request: Request, query: str | None = None, result: Answer | None = None) -> HTMLResponse:
    settings: sparql.SparqlSettings = request.app.state.sparql
    examples = example_queries(settings.queries_dir)
    if query is None:
        query = request.query_params.get("query")
    if query is None:
        query = examples[0].text if examples else DEFAULT_QUERY
    config = {"endpoint": "/sparql", "prefixes": page_prefixes(), "dataBase": f"{settings.base}data/",
              "dataPath": DATA_PATH, "maxResults": settings.max_results, "timeout": settings.timeout}
    html = _ENV.get_template("sparql.html.j2").render(
        query=query, examples=examples, timeout=settings.timeout, max_results=settings.max_results,
        static=STATIC_PREFIX, formats=FORMATS, prefixes=page_prefixes(), config=config, answer=result)
    return HTMLResponse(html, status_code=result.status if result else 200, headers={"Vary": "Accept"})


async def dispatch(request: Request) -> Response:
    """The page for browsers, the protocol for everything else."""
    if wants_page(request):
        return page(request)
    params = request.query_params
    fmt, query, update = params.get("format"), params.get("query"), "update" in params
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method == "POST" and ctype in _FORM_TYPES:
        form = await request.form()  # cached on the request: the protocol handler reads the same form
        form_fmt, form_query = form.get("format"), form.get("query")
        fmt = form_fmt if isinstance(form_fmt, str) and form_fmt else fmt
        query = form_query if isinstance(form_query, str) else None
        update = update or "update" in form
    if fmt == "html" and query is not None and not update:
        return page(request, query, await answer(request, query))
    return await sparql.endpoint(request)


def routes() -> list[BaseRoute]:
    """``/sparql`` (the page, else the protocol) and the page's static files under ``/static``."""
    return [Route("/sparql", dispatch, methods=["GET", "POST"]),
            Mount(STATIC_PREFIX, app=StaticFiles(directory=HERE / "static"), name="static")]
