"""The ``/sparql`` page for browsers: a query editor, the example queries and the endpoint's limits.

A request is the page when a browser asks for HTML: a GET without ``format`` whose ``Accept`` header prefers
``text/html`` (with or without ``query``: ``/sparql?query=…`` opens the page with that query in the editor). Every
other request is the SPARQL 1.1 Protocol and goes, untouched, to :func:`cowork_data.serve.sparql.endpoint`. So the
protocol module knows nothing about HTML, and this module nothing about answering queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from cowork_data.serve import sparql
from cowork_data.serve.negotiation import preferences

__all__ = ["Example", "example_queries", "routes", "wants_page"]

HERE = Path(__file__).resolve().parent
STATIC_PREFIX = "/static"
DEFAULT_QUERY = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"
_HTML = ("text/html", "application/xhtml+xml")
_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Example:
    """One of the research queries in ``queries/*.rq``: its file stem, the first comment line, the text."""

    name: str
    title: str
    text: str


def example_queries(queries_dir: Path | None) -> list[Example]:
    """The example queries, sorted by file name; none when the folder is missing."""
    if queries_dir is None or not queries_dir.is_dir():
        return []
    out = []
    for path in sorted(queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), "")
        out.append(Example(path.stem, title, text))
    return out


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


def page(request: Request) -> HTMLResponse:
    settings: sparql.SparqlSettings = request.app.state.sparql
    examples = example_queries(settings.queries_dir)
    query = request.query_params.get("query")
    if query is None:
        query = examples[0].text if examples else DEFAULT_QUERY
    html = _ENV.get_template("sparql.html.j2").render(
        query=query, examples=examples, timeout=settings.timeout, max_results=settings.max_results,
        static=STATIC_PREFIX)
    return HTMLResponse(html, headers={"Vary": "Accept"})


async def dispatch(request: Request) -> Response:
    if wants_page(request):
        return page(request)
    return await sparql.endpoint(request)


def routes() -> list[BaseRoute]:
    """``/sparql`` (the page, else the protocol) and the page's static files under ``/static``."""
    return [Route("/sparql", dispatch, methods=["GET", "POST"]),
            Mount(STATIC_PREFIX, app=StaticFiles(directory=HERE / "static"), name="static")]
