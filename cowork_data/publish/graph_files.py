"""Writes the graph files and the catalogue of a release into its stage (called by ``pipeline.build``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph

from cowork_data.graph import iris, quads
from cowork_data.namespaces import DEFAULT_BASE
from cowork_data.publish.catalog import catalog_graph, write_catalog
from cowork_data.publish.package import CATALOG_FILE, CONTEXT_FILE, GRAPH_FILES
from cowork_data.publish.publisher import Publisher
from cowork_data.publish.rdf import (
    write_context,
    write_jsonld,
    write_nquads,
    write_ntriples,
    write_trig,
    write_turtle,
)

__all__ = ["NQUADS", "write_catalogue", "write_graph_files"]

TURTLE, NTRIPLES, NQUADS, TRIG, JSONLD = (path for _name, path, _fmt, _mediatype in GRAPH_FILES)


def write_graph_files(
    stage: Path,
    graph: Graph,
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    root: Path | None = None,
) -> int:
    """Turtle, N-Triples, N-Quads, TriG, JSON-LD and the JSON-LD context; returns the number of triples."""
    write_turtle(graph, stage / TURTLE)
    count = write_ntriples(graph, stage / NTRIPLES)
    write_nquads(quads(tables, sources=sources, base=base, root=root), stage / NQUADS)
    write_trig(stage / NQUADS, stage / TRIG, base=base)
    write_jsonld(graph, stage / JSONLD, base=base)
    write_context(stage / CONTEXT_FILE[1], base=base)
    return count


def write_catalogue(
    stage: Path,
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    schemas: Mapping[str, Mapping[str, Any]],
    *,
    last_modified: str,
    version: str,
    publisher: Publisher,
    base: str = DEFAULT_BASE,
) -> None:
    """``data/catalog.ttl``: DCAT-AP_IT for every CSV and RDF file, VoID, SPARQL service description."""
    files: list[dict[str, Any]] = [
        {"name": table, "path": f"data/{table}.csv", "mediatype": "text/csv", "schema": f"schemas/{table}.json",
         **{key: str(schema.get(key) or schema.get(key.removesuffix("_en")) or table)
            for key in ("title", "title_en", "description", "description_en")}}
        for table, schema in schemas.items()
    ]
    files += [{"name": name, "path": path, "mediatype": mediatype}
              for name, path, _fmt, mediatype in (*GRAPH_FILES, CONTEXT_FILE)]
    originators = sorted(
        (str(iris.organization_iri(base, row["id"])), row["legal_name"], row["ipa_code"])
        for row in tables.get("organisations", ())
        if row.get("kind") == "public-body" and row.get("ipa_code")
    )
    graph = catalog_graph(stage, files=files, publisher=publisher, originators=originators, nquads=stage / NQUADS,
                          modified=last_modified, version=version, base=base)
    write_catalog(stage / CATALOG_FILE[1], graph)
