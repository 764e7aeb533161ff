"""Dereferencing the data IRIs: ``GET /data/{path}`` answers what the graph says about ``{base}data/{path}``.

Content negotiation (https://www.w3.org/TR/cooluris/): Turtle (``text/turtle``), JSON-LD (``application/ld+json``),
N-Triples, or an HTML page (the default for browsers). The description is the record's triples and those of its hash
sub-resources (``#address``, ``#geometry``, ``#feature-…``), from the embedded store through the SPARQL worker pool
(same timeout). 404 when the store knows nothing about the IRI.
"""

from __future__ import annotations

from html import escape

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from cowork_data import i18n
from cowork_data.serve.negotiation import preferences
from cowork_data.serve.sparql import QueryTimeout, pool

__all__ = ["routes"]

_TYPES = (("text/turtle", "turtle"), ("application/ld+json", "jsonld"), ("application/n-triples", "ntriples"),
          ("text/html", "html"))


def _kind(accept: str) -> str:
    kinds = dict(_TYPES)
    return next((kinds[media] for media in preferences(accept) if media in kinds), "html")


def _html(iri: str, ntriples: bytes) -> str:
    rows: dict[str, list[tuple[str, str]]] = {}
    for triple in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        value = triple.object.value
        shown = (f'<a href="{escape(value)}">{escape(value)}</a>' if isinstance(triple.object, ox.NamedNode)
                 else escape(value))
        rows.setdefault(triple.subject.value, []).append((triple.predicate.value, shown))
    sections = []
    for subject in sorted(rows, key=lambda s: (s != iri, s)):
        body = "".join(f"<tr><td>{escape(p)}</td><td>{o}</td></tr>" for p, o in sorted(rows[subject]))
        sections.append(f"<h2 id=\"{escape(subject.partition('#')[2])}\">{escape(subject)}</h2><table>{body}</table>")
    return ('<!DOCTYPE html>\n<html lang="it"><head><meta charset="utf-8">'
            f"<title>{escape(iri)}</title><style>body{{font-family:sans-serif;margin:2rem}}td{{padding:.2rem .6rem;"
            f"vertical-align:top}}</style></head><body><h1>{escape(iri)}</h1>"
            '<p>Anche in / also as <a href="?format=turtle">Turtle</a>, <a href="?format=jsonld">JSON-LD</a>.</p>'
            + "".join(sections) + "</body></html>")


async def describe(request: Request) -> Response:
    settings = request.app.state.sparql
    iri = f"{settings.base}data/{request.path_params['path']}"
    if any(c in iri for c in '<>"{}|\\^` '):
        return PlainTextResponse(i18n.pair("error.endpoint.invalid-iri") + "\n", status_code=400)
    kind = request.query_params.get("format") or _kind(request.headers.get("accept", ""))
    if kind not in {k for _m, k in _TYPES}:
        kind = "html"
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . FILTER (?s = <{iri}> || "
             f'STRSTARTS(STR(?s), "{iri}#")) }}')
    try:
        status, media, body, _truncated = await run_in_threadpool(
            pool(request).run, query, "ntriples" if kind == "html" else kind, settings.timeout)
    except QueryTimeout:
        return PlainTextResponse("Tempo scaduto / timed out\n", status_code=503)
    if status != "ok" or not body.strip() or body.strip() in (b"[]", b"{}"):
        return PlainTextResponse(f"Nessun dato su / nothing known about {iri}\n", status_code=404)
    if kind == "html":
        return HTMLResponse(_html(iri, body))
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def routes() -> list[Route]:
    return [Route("/data/{path:path}", describe, methods=["GET"])]
