"""The shared schema as a national semantic asset: ``assets/`` in the layout of the Italian National Data Catalog.

schema.gov.it (the Catalogo Nazionale Dati, NDC) harvests a repository's ``assets/`` folder: controlled
vocabularies in ``assets/controlled-vocabularies/{name}/`` (the SKOS scheme in Turtle with its DCAT-AP_IT metadata,
a CSV and a Frictionless data package whose schema has an ``x-jsonld-context``), schemas in
``assets/schemas/{name}/v{version}/`` (an OpenAPI 3 schema with ``x-jsonld-type`` / ``x-jsonld-context`` and an
``index.ttl`` describing it), ontologies in ``assets/ontologies/{name}/v{version}/``, and ``latest/`` holding the
newest version. Everything here is generated from the single sources of truth, ``schemas/*.json``,
``schemas/CHANGELOG.md``, ``vocab/*.ttl``, ``mapping/tables.toml`` and ``publisher.toml`` (the RDF by
:mod:`cowork_data.publish.asset_rdf`, the OpenAPI documents by :mod:`cowork_data.publish.oas`): ``cowork-data
assets`` writes it, and a test checks that the committed tree equals a fresh generation. Each table and the
ontology has its own semantic version, released in the changelog; a version once published is kept, and a
generation that would change what a published version says is refused (the version must be raised).

URLs: the schema of a version is ``{base}schemas/{table}/{version}/{table}.oas3.yaml`` (the static site serves
``schemas/{table}/{version}/`` and ``schemas/{table}/latest/``); the vocabularies and the ontology,
``{base}assets/…`` (the site copies those two trees).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cowork_data import i18n
from cowork_data.errors import ConfigError
from cowork_data.namespaces import DCT, DEFAULT_BASE
from cowork_data.publish.asset_rdf import (
    ADMSAPIT,
    ONTOLOGIES,
    Distribution,
    describe,
    metadata_graph,
    ontology_assets,
    ontology_name,
    ontology_source,
    turtle,
    vocabulary_assets,
)
from cowork_data.publish.oas import invalid_example, jsonld_type, openapi_document, valid_example
from cowork_data.publish.publisher import Publisher, load_publisher

__all__ = ["ASSETS", "AssetsResult", "SchemaVersion", "asset_files", "changelog", "schema_versions", "stale_assets",
           "write_assets"]

ASSETS = "assets"
SCHEMAS = "schemas"
#: ``## 0.2.0 (2026-12-01): spaces, outcomes`` (without the list of tables, a version of every table).
_RELEASE = re.compile(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)(?::\s*([a-z_, ]+?))?\s*$", re.M)


@dataclass
class AssetsResult:
    """What a generation wrote (relative paths) and removed, under ``{root}/assets``."""

    root: Path
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def changelog(root: Path) -> dict[tuple[str, str], str]:
    """(table or ontology, version) → release date, from ``schemas/CHANGELOG.md``.

    Each table, and the ontology (``vocab``), has its own semantic version; a heading
    ``## 0.2.0 (2026-12-01): spaces, outcomes`` releases it for the names listed, ``## 0.1.0 (2026-11-23)`` for all."""
    names = _releasable(root)
    path = root / "schemas" / "CHANGELOG.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("error.assets-changelog-unreadable", path=path, reason=exc) from exc
    out: dict[tuple[str, str], str] = {}
    for version, date, listed in _RELEASE.findall(text):
        released = [t.strip() for t in listed.split(",") if t.strip()] if listed else names
        unknown = sorted(set(released) - set(names))
        if unknown:
            raise ConfigError("error.assets-changelog-unknown", path=path, names=", ".join(unknown),
                              version=version, known=", ".join(names))
        for name in released:
            out.setdefault((name, version), date)
    return out


def _releasable(root: Path) -> list[str]:
    from cowork_data.table_schemas import TABLES

    return [*TABLES, ontology_name(ontology_source(root)[1])]


# Schemas


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def schema_assets(schema: Mapping[str, Any], publisher: Publisher, modified: str, *, base: str = DEFAULT_BASE,
                  root: Path | None = None) -> dict[str, bytes]:
    """The files of one version of one Table Schema, by name: OAS3, ``index.ttl``, the example CSVs."""
    table, version = str(schema["name"]), str(schema["version"])
    url = f"{base}{SCHEMAS}/{table}/{version}/"
    oas_name = f"{table}.oas3.yaml"
    document = openapi_document(schema, publisher=asdict(publisher), base=base, root=root)
    rows, expected = invalid_example(schema)
    g = metadata_graph()
    node = URIRef(url + oas_name)
    describe(g, node, identifier=f"{publisher.identifier}:schema-{table}",
              title=(str(schema.get("title", table)), str(schema.get("title_en", table))),
              description=(str(schema.get("description", "")), str(schema.get("description_en", ""))),
              version=version, modified=modified, keywords=("coworking", "schema", table),
              publisher=publisher, base=base, distributions=[
                  # NDC describes its OAS3 YAML schemas as file-type JSON (YAML is a superset; the EU table's
                  # YAML code is newer than the tables copied for the tests).
                  Distribution(URIRef(f"{url}#oas3"), url + oas_name, "JSON", "application/yaml",
                                i18n.both("label.asset.openapi-title"), i18n.both("label.asset.openapi-description")),
                  Distribution(URIRef(f"{url}#table-schema"), f"{url}{table}.json", "JSON", "application/json",
                                i18n.both("label.asset.table-schema-title"),
                                i18n.both("label.asset.table-schema-description"))])
    key_class = URIRef(jsonld_type(table, root=root))
    g.add((node, ADMSAPIT.hasKeyClass, key_class))
    g.add((node, DCT.conformsTo, URIRef("https://spec.openapis.org/oas/v3.0.3")))
    g.add((URIRef("https://spec.openapis.org/oas/v3.0.3"), RDF.type, DCT.Standard))
    g.add((URIRef("https://spec.openapis.org/oas/v3.0.3"), DCT.identifier, Literal("OpenAPI 3.0.3")))
    return {
        oas_name: yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120).encode("utf-8"),
        "index.ttl": turtle(g),
        f"{table}.json": (json.dumps(dict(schema), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        f"{table}.example.csv": _csv(valid_example(schema)),
        f"{table}.example-invalid.csv": _csv(rows),
        f"{table}.example-invalid.json": (json.dumps(expected, ensure_ascii=False, indent=1) + "\n").encode(),
    }


def _schemas(root: Path) -> list[dict[str, Any]]:
    """The Table Schemas as they are on disk now (not the validator's cached copies)."""
    from cowork_data.table_schemas import TABLES

    out = []
    for table in TABLES:
        path = root / "schemas" / f"{table}.json"
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise ConfigError("error.assets-schema-unreadable", path=path, reason=exc) from exc
    return out


def _current(root: Path, schemas: list[dict[str, Any]]) -> dict[str, str]:
    """Name → current version of every table and of the ontology."""
    _graph, node, version = ontology_source(root)
    return {**{str(s["name"]): str(s.get("version")) for s in schemas}, ontology_name(node): version}


def _released(root: Path, current: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Name → (first release date, date of the current version), refusing a version the changelog lacks."""
    releases = changelog(root)
    out: dict[str, tuple[str, str]] = {}
    for name, version in current.items():
        if (name, version) not in releases:
            where = "vocab/cw.ttl (owl:versionInfo)" if name not in _schema_names() else f"schemas/{name}.json"
            raise ConfigError("error.assets-version-unreleased", where=where, name=name, version=version)
        out[name] = (min(d for (n, _v), d in releases.items() if n == name), releases[(name, version)])
    return out


def _schema_names() -> tuple[str, ...]:
    from cowork_data.table_schemas import TABLES

    return tuple(TABLES)


def asset_files(root: Path, *, base: str = DEFAULT_BASE) -> dict[str, bytes]:
    """Every generated file, by path relative to ``assets/``: deterministic (same sources, same bytes)."""
    publisher = load_publisher(root)
    schemas = _schemas(root)
    current = _current(root, schemas)
    dates = _released(root, current)
    newest = max((_semver(current[str(s["name"])]), str(s["name"])) for s in schemas)[1]
    out = vocabulary_assets(root, publisher, current[newest], dates[newest][1], base)
    for schema in schemas:
        version = str(schema["version"])
        files = schema_assets(schema, publisher, dates[str(schema["name"])][1], base=base, root=root)
        for name, data in files.items():
            out[f"{SCHEMAS}/{schema['name']}/v{version}/{name}"] = data
            out[f"{SCHEMAS}/{schema['name']}/latest/{name}"] = data
    ontology = next(name for name in current if name not in _schema_names())
    issued, modified = dates[ontology]
    data = ontology_assets(root, publisher, issued=issued, modified=modified, base=base)
    for label in (f"v{current[ontology]}", "latest"):
        out[f"{ONTOLOGIES}/{ontology}/{label}/{ontology}.ttl"] = data
    out["README.md"] = _readme(schemas, ontology, current[ontology]).encode("utf-8")
    return dict(sorted(out.items()))


def _readme(schemas: list[dict[str, Any]], ontology: str, version: str) -> str:
    lines = ["# Risorse semantiche / Semantic assets", "",
             "Generato da `cowork-data assets` a partire da `schemas/`, `vocab/`, `mapping/tables.toml` e",
             "`publisher.toml`: non modificare a mano. / Written by `cowork-data assets` from those sources: do not",
             "edit by hand.", "",
             "Layout of the Italian National Data Catalog (schema.gov.it):", "",
             "- `controlled-vocabularies/{name}/`: the SKOS scheme (`{name}.ttl`, with its DCAT-AP_IT metadata), a CSV",
             "  and `datapackage.json`, whose schema's `x-jsonld-context` turns a row into the concept's triples;",
             "- `schemas/{table}/v{version}/` and `latest/`: `{table}.oas3.yaml` (OpenAPI 3, `x-jsonld-type`,",
             "  `x-jsonld-context`), `index.ttl` (its metadata), the Table Schema, a valid example and an invalid one",
             "  (`.example-invalid.json` lists the error each of its rows gives);",
             f"- `ontologies/{ontology}/v{{version}}/` and `latest/`: the project's ontology (`vocab/cw.ttl`) with the",
             "  metadata the catalogue asks of an ontology.", "",
             "Every version is listed in `schemas/CHANGELOG.md`; older version folders are kept as published.", "",
             "| asset | version |", "|---|---|"]
    lines += [f"| `{s['name']}` | {s['version']} |" for s in schemas]
    lines.append(f"| `{ontology}` (ontology) | {version} |")
    return "\n".join(lines) + "\n"


def _owned(relative: str, current: Mapping[str, str]) -> bool:
    """Files the generation rewrites: all but those of older versions, which stay as published."""
    parts = relative.split("/")
    if parts[0] in (SCHEMAS, ONTOLOGIES) and len(parts) >= 3 and parts[2].startswith("v"):
        return current.get(parts[1]) == parts[2]
    return True


def stale_assets(root: Path, *, base: str = DEFAULT_BASE) -> list[str]:
    """Paths under ``assets/`` that differ from a fresh generation (missing, changed, or left over)."""
    fresh = asset_files(root, base=base)
    folder = root / ASSETS
    current = {name: f"v{version}" for name, version in _current(root, _schemas(root)).items()}
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()
    stale = [path for path, data in fresh.items() if path not in found or (folder / path).read_bytes() != data]
    stale += [path for path in found - set(fresh) if _owned(path, current)]
    return sorted(stale)


def write_assets(root: Path, *, base: str = DEFAULT_BASE) -> AssetsResult:
    """Regenerate ``{root}/assets``: write what differs, remove what the sources no longer give."""
    fresh = asset_files(root, base=base)
    folder = root / ASSETS
    result = AssetsResult(root=folder)
    schemas = _schemas(root)
    current = {name: f"v{version}" for name, version in _current(root, schemas).items()}
    for table in (str(s["name"]) for s in schemas):  # a released schema is never rewritten: it needs a new version
        version = current[table]
        released = folder / SCHEMAS / table / version / f"{table}.json"
        if released.is_file() and released.read_bytes() != fresh[f"{SCHEMAS}/{table}/{version}/{table}.json"]:
            raise ConfigError("error.assets-published-schema-changed", table=table, version=version[1:],
                              folder=f"assets/{SCHEMAS}/{table}/{version}/")
    _keep_published_ontology(root, folder, current)
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            relative = path.relative_to(folder).as_posix()
            if relative not in fresh and _owned(relative, current):
                path.unlink()
                result.removed.append(relative)
    for relative, data in fresh.items():
        target = folder / relative
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        result.written.append(relative)
    for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(directory.iterdir()):
            shutil.rmtree(directory)
    return result


def _keep_published_ontology(root: Path, folder: Path, current: Mapping[str, str]) -> None:
    """Refuse to rewrite a published version of the ontology whose terms changed (its metadata may be refreshed)."""
    source, node, _version = ontology_source(root)
    name = ontology_name(node)
    published = folder / ONTOLOGIES / name / current[name] / f"{name}.ttl"
    if not published.is_file():
        return
    before = Graph().parse(published, format="turtle")

    def terms(graph: Graph) -> set:  # what the ontology defines: its terms' triples (cw:Workspace …)
        return {t for t in graph if str(t[0]).startswith(f"{node}#")}

    if terms(before) != terms(source):
        version = current[name][1:]
        raise ConfigError("error.assets-published-ontology-changed", version=version, name=name,
                          folder=f"assets/{ONTOLOGIES}/{name}/{current[name]}/")


@dataclass(frozen=True)
class SchemaVersion:
    """One published version of one schema as the site serves it: ``schemas/{table}/{label}/``."""

    table: str
    label: str  #: the version without its ``v`` (``0.1.0``), or ``latest``
    folder: Path  #: its directory under ``assets/schemas``
    files: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"{SCHEMAS}/{self.table}/{self.label}/"


def _semver(label: str) -> tuple[int, ...]:
    return tuple(int(x) for x in label.split("."))


def schema_versions(root: Path) -> list[SchemaVersion]:
    """Every version directory of ``{root}/assets/schemas`` (older ones included, so their URLs stay), newest first,
    each table's ``latest`` first of all; nothing when the project has no ``assets/``."""
    out: list[SchemaVersion] = []
    for table in sorted(p for p in (root / ASSETS / SCHEMAS).glob("*") if p.is_dir()):
        found = [(p.name[1:], p) for p in table.iterdir() if p.is_dir() and re.fullmatch(r"v\d+\.\d+\.\d+", p.name)]
        found.sort(key=lambda item: _semver(item[0]), reverse=True)
        if (table / "latest").is_dir():
            found.insert(0, ("latest", table / "latest"))
        out += [SchemaVersion(table.name, label, folder, tuple(sorted(f.name for f in folder.iterdir() if f.is_file())))
                for label, folder in found]
    return out
