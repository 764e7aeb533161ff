"""The Data Package v2 descriptor (``datapackage.json``) of a release."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cowork_data.i18n import both, catalogue, pair

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PACKAGE_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
GRAPH_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("graph-turtle", "data/graph/cowork-data.ttl", "ttl", "text/turtle"),
    ("graph-ntriples", "data/graph/cowork-data.nt", "nt", "application/n-triples"),
    ("graph-nquads", "data/graph/cowork-data.nq", "nq", "application/n-quads"),
    ("graph-trig", "data/graph/cowork-data.trig", "trig", "application/trig"),
    ("graph-jsonld", "data/graph/cowork-data.jsonld", "jsonld", "application/ld+json"),
)
#: Published beside the graph files: the JSON-LD context and the catalogue (DCAT-AP_IT + VoID + SPARQL SD).
CONTEXT_FILE = ("graph-context", "data/graph/context.jsonld", "jsonld", "application/ld+json")
CATALOG_FILE = ("catalog", "data/catalog.ttl", "ttl", "text/turtle")


def file_texts(name: str) -> tuple[str, str, str, str]:
    """Title and description, in Italian and English, of a graph file (the tables' come from their schemas)."""
    return (*both(f"label.catalog.file-title.{name}"), *both(f"label.catalog.file-description.{name}"))


def graph_title(name: str) -> str:
    """The descriptor's title of a file of the graph (``label.package.graph-title.<name>``, else "RDF graph")."""
    key = f"label.package.graph-title.{name}"
    return pair(key if catalogue().has(key) else "label.package.rdf-graph")


PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
PARQUET_NOTE = ("The rows of the `{table}` resource, for analysts (DuckDB, pandas, polars, R arrow): the same "
                "columns, typed as its Table Schema says (integer, number, date, boolean; the rest text), "
                "zstd-compressed.")


def _facts(part: Mapping[str, Any]) -> dict[str, Any]:
    return {"bytes": part["bytes"], "hash": part["hash"]}


def file_facts(path: Path) -> dict[str, Any]:
    """Size and sha256 of a file, read in blocks (a national release's files do not fit in memory)."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            h.update(block)
            size += len(block)
    return {"bytes": size, "hash": "sha256:" + h.hexdigest()}


def descriptor(
    stage: Path,
    *,
    schemas: Mapping[str, Mapping[str, Any]],
    sources: Sequence[Mapping[str, Any]],
    last_modified: str,
    version: str,
    graph_parts: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Describe the files written under ``stage`` (``data/*.csv``, ``data/*.parquet`` and ``data/graph/*``).

    ``graph_parts`` gives, per graph format (file extension), its files with their ``bytes`` and ``hash`` when the
    build knows them: one file is described as always; several (a large graph written in parts) become one resource
    whose ``path`` lists them in order (their concatenation is the graph, for the line formats; each part of the
    others is a document of its own), with the total ``bytes``.
    """
    resources: list[dict[str, Any]] = []
    for table, schema in schemas.items():
        path = f"data/{table}.csv"
        resources.append({
            "name": table,
            "type": "table",
            "title": schema.get("title", table),
            "description": schema.get("description_en", schema.get("description", "")),
            "path": path,
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **file_facts(stage / path),
            "schema": dict(schema),
        })
    for table, schema in schemas.items():  # after every table: readers of the package read the CSVs
        parquet = f"data/{table}.parquet"
        if (stage / parquet).exists():
            resources.append({  # a file resource: its rows and schema are the CSV's
                "name": f"{table}-parquet",
                "title": f"{schema.get('title', table)} (Parquet)",
                "description": PARQUET_NOTE.format(table=table),
                "path": parquet,
                "scheme": "file",
                "format": "parquet",
                "mediatype": PARQUET_MEDIATYPE,
                **file_facts(stage / parquet),
            })
    for name, path, fmt, mediatype in (*GRAPH_FILES, CONTEXT_FILE, CATALOG_FILE):
        parts = (graph_parts or {}).get(fmt) if path in {f[1] for f in GRAPH_FILES} else None
        if parts and len(parts) > 1:
            resources.append({
                "name": name,
                "title": graph_title(name),
                "path": [part["path"] for part in parts],
                "scheme": "file",
                "format": fmt,
                "mediatype": mediatype,
                "encoding": "utf-8",
                "bytes": sum(part["bytes"] for part in parts),
            })
            continue
        if not (stage / path).exists():
            continue
        resources.append({
            "name": name,
            "title": graph_title(name),
            "path": path,
            "scheme": "file",
            "format": fmt,
            "mediatype": mediatype,
            "encoding": "utf-8",
            **(_facts(parts[0]) if parts else file_facts(stage / path)),
        })
    return {
        "$schema": PROFILE,
        "name": "cowork-data",
        "title": pair("label.catalog.dataset-title"),
        "description": pair("label.package.description"),
        "version": version,
        "homepage": "https://w3id.org/cowork-data/",
        "keywords": ["coworking", "fablab", "makerspace", "bandi", "open data", "comuni"],
        "licenses": [PACKAGE_LICENSE],
        "contributors": [{"title": "cowork-data", "roles": ["creator", "publisher"]}],
        "sources": [
            {k: v for k, v in (("title", s["title"]), ("path", s.get("url", ""))) if v} for s in sources
        ],
        "last_modified": last_modified,
        "resources": resources,
    }


def write_descriptor(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
