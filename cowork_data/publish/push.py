"""Push the graph to an external triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Spec: https://www.w3.org/TR/sparql11-http-rdf-update/. Each named graph of the N-Quads file (one per source) is sent
with ``PUT {endpoint}?graph={graph IRI}`` as N-Triples: PUT replaces the graph, so pushing again is idempotent (no
duplicates). Tested against a real Oxigraph server (``oxigraph serve``, endpoint ``http://host:port/store``); Fuseki's
is ``http://host:port/{dataset}/data``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from cowork_data.errors import PublishError, UsageError

__all__ = ["PushResult", "push_graphs"]


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
    progress: Callable[[str, int], None] | None = None,
) -> PushResult:
    """PUT every named graph of ``nquads`` to the Graph Store endpoint ``endpoint``; returns the counts sent."""
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
                response = session.put(endpoint, params={"graph": name}, data=body, timeout=timeout, auth=auth,
                                       headers={"Content-Type": "application/n-triples"})
            except requests.RequestException as exc:
                raise PublishError(
                    f"Impossibile raggiungere {endpoint}: {exc}", f"Cannot reach {endpoint}: {exc}",
                    hint_it="Controlla l'URL del Graph Store (Oxigraph: http://host:porta/store).",
                    hint_en="Check the Graph Store URL (Oxigraph: http://host:port/store).",
                ) from exc
            if response.status_code not in (200, 201, 204):
                raise PublishError(
                    f"Il server ha rifiutato il grafo {name}: HTTP {response.status_code} {response.text[:300]}",
                    f"The server refused graph {name}: HTTP {response.status_code} {response.text[:300]}",
                )
            sent[name] = len(graphs[name])
            if progress:
                progress(name, sent[name])
    return PushResult(endpoint=endpoint, graphs=sent)
