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
        raise UsageError(f"Schema di autenticazione sconosciuto «{auth_scheme}»: usa {', '.join(AUTH_SCHEMES)}.",
                         f"Unknown authentication scheme “{auth_scheme}”: use {', '.join(AUTH_SCHEMES)}.")
    credentials = AUTH_SCHEMES[auth_scheme](*auth) if auth else None
    if not nquads.is_file():
        raise UsageError(
            f"File N-Quads mancante: {nquads}: esegui prima «cowork-data build».",
            f"Missing N-Quads file: {nquads}: run “cowork-data build” first.",
        )
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
                raise PublishError(
                    f"Impossibile raggiungere {endpoint}: {exc}", f"Cannot reach {endpoint}: {exc}",
                    hint_it="Controlla l'URL del Graph Store (Oxigraph: http://host:porta/store).",
                    hint_en="Check the Graph Store URL (Oxigraph: http://host:port/store).",
                ) from exc
            if response.status_code in (401, 403):
                raise PublishError(
                    f"Il server ha negato la scrittura del grafo {name}: HTTP {response.status_code}.",
                    f"The server refused to write graph {name}: HTTP {response.status_code}.",
                    hint_it="Controlla --user, --password e --auth (Virtuoso: digest, un utente con SPARQL_UPDATE).",
                    hint_en="Check --user, --password and --auth (Virtuoso: digest, a user with SPARQL_UPDATE).",
                )
            if response.status_code not in (200, 201, 204):
                raise PublishError(
                    f"Il server ha rifiutato il grafo {name}: HTTP {response.status_code} {response.text[:300]}",
                    f"The server refused graph {name}: HTTP {response.status_code} {response.text[:300]}",
                )
            sent[name] = len(graphs[name])
            if progress:
                progress(name, sent[name])
    return PushResult(endpoint=endpoint, graphs=sent)
