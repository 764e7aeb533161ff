"""The Data Package v2 descriptor (``datapackage.json``) of a release."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PACKAGE_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
GRAPH_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("graph-turtle", "data/graph/cowork-data.ttl", "ttl", "text/turtle"),
    ("graph-ntriples", "data/graph/cowork-data.nt", "nt", "application/n-triples"),
)


def file_facts(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def descriptor(
    stage: Path,
    *,
    schemas: Mapping[str, Mapping[str, Any]],
    sources: Sequence[Mapping[str, Any]],
    last_modified: str,
    version: str,
) -> dict[str, Any]:
    """Describe the files written under ``stage`` (``data/*.csv`` and ``data/graph/*``)."""
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
    for name, path, fmt, mediatype in GRAPH_FILES:
        resources.append({
            "name": name,
            "title": "Grafo RDF / RDF knowledge graph",
            "path": path,
            "scheme": "file",
            "format": fmt,
            "mediatype": mediatype,
            "encoding": "utf-8",
            **file_facts(stage / path),
        })
    return {
        "$schema": PROFILE,
        "name": "cowork-data",
        "title": "Spazi di lavoro condiviso in Italia / Shared workplaces in Italy",
        "description": (
            "Spazi di coworking, fablab e makerspace, chi li gestisce e i bandi pubblici che li elencano e li "
            "finanziano, dai registri dei comuni. / Coworking spaces, fablabs and makerspaces, the organisations "
            "that run them and the public calls that list and fund them, from municipal registries."
        ),
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
