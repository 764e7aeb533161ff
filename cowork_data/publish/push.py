"""Push the graph to an external triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Spec: https://www.w3.org/TR/sparql11-http-rdf-update/. Each named graph of the N-Quads file (one per source) is sent
with ``PUT {endpoint}?graph={graph IRI}`` as N-Triples: PUT replaces the graph, so pushing again is idempotent (no
duplicates). Tested against real servers: Oxigraph (``oxigraph serve``, endpoint ``http://host:port/store``) and
Virtuoso (``http://host:port/sparql-graph-crud-auth`` with HTTP digest authentication, a user with the SPARQL_UPDATE
role); Fuseki's is ``http://host:port/{dataset}/data``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from cowork_data.errors import PublishError, UsageError

__all__ = ["AUTH_SCHEMES", "PushResult", "push_graphs"]

#: HTTP authentication schemes: basic (Fuseki, most proxies), digest (Virtuoso's /sparql-graph-crud-auth).
AUTH_SCHEMES: dict[str, type[AuthBase]] = {"basic": HTTPBasicAuth, "digest": HTTPDigestAuth}


@dataclass
class PushResult:
    """Triples sent per named graph."""

    endpoint: str
    graphs: dict[str, int]

    @property
    def quads(self) -> int:
        return sum(self.graphs.values())


def push_graphs(
    nquads: Path,
    endpoint: str,
    *,
    timeout: float = 60.0,
    auth: tuple[str, str] | None = None,
    auth_scheme: str = "basic",
    progress: Callable[[str, int], None] | None = None,
) -> PushResult:
    """PUT every named graph of ``nquads`` to the Graph Store endpoint ``endpoint``; returns the counts sent.

    ``auth``: ``(user, password)``, sent with ``auth_scheme`` (``basic`` or ``digest``, see :data:`AUTH_SCHEMES`).
    """
    if auth_scheme not in AUTH_SCHEMES:
        raise UsageError("error.push-auth-scheme", scheme=auth_scheme, known=", ".join(AUTH_SCHEMES))
    credentials = AUTH_SCHEMES[auth_scheme](*auth) if auth else None
    if not nquads.is_file():
        raise UsageError("error.push-nquads-missing", path=nquads)
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    sent: dict[str, int] = {}
    with requests.Session() as session:
        for name in sorted(graphs):
            body = ox.serialize(graphs[name], format=ox.RdfFormat.N_TRIPLES)
            try:
                response = session.put(endpoint, params={"graph": name}, data=body, timeout=timeout,
                                       auth=credentials, headers={"Content-Type": "application/n-triples"})
            except requests.RequestException as exc:
                raise PublishError("error.push-unreachable", endpoint=endpoint, detail=str(exc)) from exc
            if response.status_code in (401, 403):
                raise PublishError("error.push-denied", graph=name, status=response.status_code)
            if response.status_code not in (200, 201, 204):
                raise PublishError("error.push-refused", graph=name, status=response.status_code,
                                   body=response.text[:300])
            sent[name] = len(graphs[name])
            if progress:
                progress(name, sent[name])
    return PushResult(endpoint=endpoint, graphs=sent)
