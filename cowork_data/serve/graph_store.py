"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol, read-only (https://www.w3.org/TR/sparql11-http-rdf-update/).

- ``GET /store?graph={IRI}``: the named graph (indirect identification, section 4.2), 404 when the store has none;
- ``GET /store/{path}``: the graph named by the request's own URL (direct identification, section 4.1);
- ``GET /store?default``: the default graph, which for this service is the union of the graphs, as the Service
  Description says (``sd:UnionDefaultGraph``) and as ``/sparql`` queries it;
- ``HEAD``: the same status and headers without the body; ``PUT``, ``POST``, ``DELETE``, ``PATCH``: 405, read-only.

Turtle by default; N-Triples, JSON-LD or RDF/XML by the ``Accept`` header or ``?format=``. The graph comes from the
embedded store through the SPARQL worker pool, with its timeout and result cap (``X-Result-Truncated: true`` when cut).
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cowork_data import i18n
from cowork_data.serve.negotiation import preferences
from cowork_data.serve.sparql import GRAPH_TYPES, QueryTimeout, SparqlSettings, pool

__all__ = ["routes"]

PATH = "/store"
ALLOW = "GET, HEAD"
_BAD_IRI = set('<>"{}|\\^` \n\r\t')


def _text(status: int, key: str, /, *, headers: dict[str, str] | None = None, **params: object) -> PlainTextResponse:
    """A plain-text answer: the catalogue's ``error.graph-store.<key>`` in Italian and in English, a line each."""
    italian, english = i18n.both(f"error.graph-store.{key}", **params)
    return PlainTextResponse(f"{italian}\n{english}\n", status_code=status, headers=headers)


def _kind(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt in GRAPH_TYPES:
        return fmt
    by_type = {media: key for key, media in GRAPH_TYPES.items()}
    return next((by_type[m] for m in preferences(request.headers.get("accept", "")) if m in by_type), "turtle")


async def _ask(request: Request, query: str, accept: str) -> tuple[str, str, bytes, bool]:
    settings: SparqlSettings = request.app.state.sparql
    return await run_in_threadpool(pool(request).run, query, accept, settings.timeout, None)


async def graph(request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _text(405, "read-only", headers={"Allow": ALLOW})
    params = request.query_params
    iri: str | None
    if "graph" in params or "default" in params:  # indirect identification, at any graph-store URL
        if "default" in params and "graph" not in params:
            iri = None
        elif "default" not in params and len(params.getlist("graph")) == 1:
            iri = params["graph"]
        else:
            return _text(400, "one-graph")
    elif request.path_params.get("path"):  # direct identification: the request's URL names the graph
        iri = str(request.url.replace(query="", fragment=""))
    else:
        return _text(400, "no-graph")
    if iri is not None and (not iri or _BAD_IRI & set(iri) or ":" not in iri):
        return _text(400, "bad-iri", iri=repr(iri))
    settings: SparqlSettings = request.app.state.sparql
    if not settings.store_path.is_dir():
        return _text(503, "no-store", store=settings.store_path)
    kind = _kind(request)
    pattern = "?s ?p ?o" if iri is None else f"GRAPH <{iri}> {{ ?s ?p ?o }}"
    try:
        if iri is not None:
            status, _media, body, _cut = await _ask(request, f"ASK {{ {pattern} }}", "json")
            if status != "ok":
                return _text(400, "unreadable", detail=body.decode())
            if not json.loads(body)["boolean"]:
                return _text(404, "not-found", iri=iri)
        status, media, body, truncated = await _ask(request, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}", kind)
    except QueryTimeout:
        return _text(503, "timeout", seconds=f"{settings.timeout:g}")
    if status != "ok":
        return _text(400, "unreadable", detail=body.decode())
    headers = {"Vary": "Accept", **({"X-Result-Truncated": "true"} if truncated else {})}
    return Response(body, media_type=media, headers=headers)


def routes() -> list[Route]:
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"]
    return [Route(PATH, graph, methods=methods), Route(PATH + "/{path:path}", graph, methods=methods)]
