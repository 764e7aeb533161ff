"""The shared schema as a national semantic asset: ``assets/`` in the layout of the Italian National Data Catalog.

schema.gov.it (the Catalogo Nazionale Dati, NDC) harvests a repository's ``assets/`` folder: controlled
vocabularies in ``assets/controlled-vocabularies/{name}/`` (the SKOS scheme in Turtle with its DCAT-AP_IT metadata,
a CSV and a Frictionless data package whose schema has an ``x-jsonld-context``), schemas in
``assets/schemas/{name}/{version}/`` (an OpenAPI 3 schema with ``x-jsonld-type`` / ``x-jsonld-context`` and an
``index.ttl`` describing it) and ``latest/`` holding the newest version. Everything here is generated from the
single sources of truth, ``schemas/*.json``, ``schemas/CHANGELOG.md``, ``vocab/*.ttl``, ``mapping/tables.toml`` and
``publisher.toml``: ``cowork-data assets`` writes it, and a test checks that the committed tree equals a fresh
generation. A schema version, once published, is kept: the directories of older versions are left as they are.

URLs: the schema of a version is ``{base}schemas/{table}/{version}/{table}.oas3.yaml`` (the static site serves
``schemas/{table}/{version}/`` and ``schemas/{table}/latest/``); the assets tree, ``{base}assets/…``.
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
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from cowork_data.errors import ConfigError
from cowork_data.namespaces import ADMS, DCAT, DCATAPIT, DCT, DEFAULT_BASE, FOAF, PREFIXES, VCARD, VOCAB_BASE
from cowork_data.publish.oas import invalid_example, jsonld_type, openapi_document, valid_example
from cowork_data.publish.publisher import Publisher, load_publisher

__all__ = ["ASSETS", "AssetsResult", "SchemaVersion", "asset_files", "changelog", "schema_versions", "stale_assets",
           "write_assets"]

ASSETS = "assets"
VOCABULARIES = "controlled-vocabularies"
SCHEMAS = "schemas"
NDC = Namespace("https://w3id.org/italia/onto/NDC/")
ADMSAPIT = Namespace("https://w3id.org/italia/onto/ADMS/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
CC0 = URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10")
PUBLIC_DOMAIN = URIRef("http://purl.org/adms/licencetype/PublicDomain")
THEME = URIRef(f"{EU}data-theme/ECON")
#: ``## 0.2.0 (2026-12-01): spaces, outcomes`` (without the list of tables, a version of every table).
_RELEASE = re.compile(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)(?::\s*([a-z_, ]+?))?\s*$", re.M)
_CSV_COLUMNS = ("code", "label_it", "label_en", "definition_it", "definition_en")


@dataclass
class AssetsResult:
    """What a generation wrote (relative paths) and removed, under ``{root}/assets``."""

    root: Path
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def changelog(root: Path) -> dict[tuple[str, str], str]:
    """(table, version) → release date, from ``schemas/CHANGELOG.md``.

    Each table has its own semantic version; a heading ``## 0.2.0 (2026-12-01): spaces, outcomes`` releases it for
    the tables listed, ``## 0.1.0 (2026-11-23)`` for every table."""
    from cowork_data.validate.schemas import TABLES

    path = root / "schemas" / "CHANGELOG.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Registro delle versioni illeggibile: {path} ({exc})",
                          f"Cannot read the changelog: {path} ({exc})") from exc
    out: dict[tuple[str, str], str] = {}
    for version, date, tables in _RELEASE.findall(text):
        names = [t.strip() for t in tables.split(",") if t.strip()] if tables else list(TABLES)
        unknown = sorted(set(names) - set(TABLES))
        if unknown:
            raise ConfigError(f"{path}: tabella sconosciuta {', '.join(unknown)} nella versione {version}.",
                              f"{path}: unknown table {', '.join(unknown)} in version {version}.",
                              hint_it=f"Tabelle: {', '.join(TABLES)}.", hint_en=f"Tables: {', '.join(TABLES)}.")
        for name in names:
            out.setdefault((name, version), date)
    return out


def _turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def _both(g: Graph, s: URIRef, p: URIRef, it: str, en: str) -> None:
    g.add((s, p, Literal(it, lang="it")))
    g.add((s, p, Literal(en, lang="en")))


def _agent(g: Graph, publisher: Publisher, base: str) -> URIRef:
    """The publisher as DCAT-AP_IT's agent (the catalogue's), and its contact point."""
    agent = URIRef(f"{base}agent/{publisher.identifier}")
    for cls in (FOAF.Agent, DCATAPIT.Agent):
        g.add((agent, RDF.type, cls))
    g.add((agent, FOAF.name, Literal(publisher.name)))
    g.add((agent, DCT.identifier, Literal(publisher.identifier)))
    contact = URIRef(f"{agent}#contact")
    for cls in (VCARD.Organization, VCARD.Kind, DCATAPIT.Organization):
        g.add((contact, RDF.type, cls))
    g.add((contact, VCARD.fn, Literal(publisher.name)))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}")))
    g.add((contact, VCARD.hasURL, URIRef(publisher.homepage)))
    return agent


@dataclass(frozen=True)
class _Distribution:
    node: URIRef
    url: str
    file_type: str
    media_type: str
    title: tuple[str, str]
    description: tuple[str, str]


def _describe(g: Graph, node: URIRef, *, identifier: str, title: tuple[str, str], description: tuple[str, str],
              version: str, modified: str, keywords: tuple[str, ...], distributions: list[_Distribution],
              publisher: Publisher, base: str) -> None:
    """The DCAT-AP_IT metadata of an asset (what NDC's rules and AgID's validator require)."""
    agent = _agent(g, publisher, base)
    for cls in (DCATAPIT.Dataset, DCAT.Dataset, ADMS.Asset):
        g.add((node, RDF.type, cls))
    g.add((node, DCT.identifier, Literal(identifier)))
    _both(g, node, DCT.title, *title)
    _both(g, node, DCT.description, *description)
    g.add((node, DCT.modified, Literal(modified, datatype=XSD.date)))
    g.add((node, OWL.versionInfo, Literal(version)))
    g.add((node, DCAT.theme, THEME))
    g.add((THEME, RDF.type, SKOS.Concept))
    g.add((node, DCT.rightsHolder, agent))
    g.add((node, DCT.publisher, agent))
    g.add((node, DCAT.contactPoint, URIRef(f"{agent}#contact")))
    frequency = URIRef(f"{EU}frequency/IRREG")
    g.add((node, DCT.accrualPeriodicity, frequency))
    g.add((frequency, RDF.type, DCT.Frequency))
    for language in ("ITA", "ENG"):
        iri = URIRef(f"{EU}language/{language}")
        g.add((node, DCT.language, iri))
        g.add((iri, RDF.type, DCT.LinguisticSystem))
    for keyword in keywords:
        g.add((node, DCAT.keyword, Literal(keyword)))
    for licence_class in (DCT.LicenseDocument, DCATAPIT.LicenseDocument):
        g.add((CC0, RDF.type, licence_class))
    g.add((CC0, DCT.type, PUBLIC_DOMAIN))
    g.add((PUBLIC_DOMAIN, RDF.type, SKOS.Concept))
    g.add((CC0, FOAF.name, Literal("Creative Commons CC0 1.0 Universale - Public Domain Dedication (CC0 1.0)",
                                   lang="it")))
    for d in distributions:
        g.add((node, DCAT.distribution, d.node))
        for cls in (DCATAPIT.Distribution, DCAT.Distribution):
            g.add((d.node, RDF.type, cls))
        _both(g, d.node, DCT.title, *d.title)
        _both(g, d.node, DCT.description, *d.description)
        g.add((d.node, DCAT.accessURL, URIRef(d.url)))
        g.add((d.node, DCAT.downloadURL, URIRef(d.url)))
        file_type, media = URIRef(f"{EU}file-type/{d.file_type}"), URIRef(f"{IANA}{d.media_type}")
        g.add((d.node, DCT["format"], file_type))
        g.add((file_type, RDF.type, DCT.MediaTypeOrExtent))
        g.add((d.node, DCAT.mediaType, media))
        for cls in (DCT.MediaType, DCT.MediaTypeOrExtent):
            g.add((media, RDF.type, cls))
        g.add((d.node, DCT.license, CC0))


def _graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix in ("adms", "dcat", "dcatapit", "dct", "foaf", "skos", "vcard", "cw"):
        g.bind(prefix, PREFIXES[prefix])
    for prefix, namespace in (("ndc", NDC), ("admsapit", ADMSAPIT), ("owl", OWL), ("rdfs", RDFS), ("xsd", XSD)):
        g.bind(prefix, str(namespace))
    return g


# Controlled vocabularies


def _text(g: Graph, s: URIRef, p: URIRef, lang: str) -> str:
    return next((str(o) for o in g.objects(s, p) if getattr(o, "language", None) == lang), "")


def vocabulary_assets(root: Path, publisher: Publisher, version: str, modified: str,
                      base: str = DEFAULT_BASE) -> dict[str, bytes]:
    """The files of every SKOS concept scheme in ``vocab/``, by path relative to ``assets/``."""
    out: dict[str, bytes] = {}
    for path in sorted((root / "vocab").glob("*.ttl")):
        source = Graph().parse(path, format="turtle")
        for scheme in sorted(source.subjects(RDF.type, SKOS.ConceptScheme)):
            name = str(scheme).removeprefix(VOCAB_BASE)
            folder = f"{VOCABULARIES}/{name}"
            g = _graph()
            g += source
            url = f"{base}{ASSETS}/{folder}/{name}"
            label = (_text(source, scheme, RDFS.label, "it"), _text(source, scheme, RDFS.label, "en"))
            _describe(g, scheme, identifier=f"{publisher.identifier}:{name}", title=label,
                      description=(_text(source, scheme, RDFS.comment, "it"),
                                   _text(source, scheme, RDFS.comment, "en")),
                      version=version, modified=modified, keywords=("coworking", label[0], label[1]),
                      publisher=publisher, base=base, distributions=[
                          _Distribution(URIRef(f"{scheme}#turtle"), f"{url}.ttl", "RDF_TURTLE", "text/turtle",
                                        (f"{label[0]} (Turtle)", f"{label[1]} (Turtle)"),
                                        ("Lo schema SKOS con i suoi metadati.", "The SKOS scheme with its metadata.")),
                          _Distribution(URIRef(f"{scheme}#csv"), f"{url}.csv", "CSV", "text/csv",
                                        (f"{label[0]} (CSV)", f"{label[1]} (CSV)"),
                                        ("Un concetto per riga: codice, etichette e definizioni in italiano e inglese.",
                                         "One concept per row: code, labels and definitions in Italian and English."))])
            g.add((scheme, NDC.keyConcept, Literal(name)))
            g.add((scheme, ADMS.representationTechnique, URIRef("http://purl.org/adms/representationtechnique/SKOS")))
            out[f"{folder}/{name}.ttl"] = _turtle(g)
            out[f"{folder}/{name}.csv"] = _vocabulary_csv(source, scheme)
            out[f"{folder}/datapackage.json"] = _vocabulary_package(name, str(scheme), label, version)
    return out


def _vocabulary_csv(g: Graph, scheme: URIRef) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for concept in sorted(g.subjects(SKOS.inScheme, scheme), key=lambda c: str(g.value(c, SKOS.notation))):
        writer.writerow([str(g.value(concept, SKOS.notation)),
                         *(_text(g, concept, p, lang) for p in (SKOS.prefLabel, SKOS.definition)
                           for lang in ("it", "en"))])
    return buffer.getvalue().encode("utf-8")


def _vocabulary_package(name: str, scheme: str, label: tuple[str, str], version: str) -> bytes:
    """A Data Package (v2) of the CSV; its schema's ``x-jsonld-context`` turns a row into the concept's triples."""
    context: dict[str, Any] = {
        "@base": f"{scheme}/", "skos": str(SKOS), "code": "@id",
        "label_it": {"@id": "skos:prefLabel", "@language": "it"},
        "label_en": {"@id": "skos:prefLabel", "@language": "en"},
        "definition_it": {"@id": "skos:definition", "@language": "it"},
        "definition_en": {"@id": "skos:definition", "@language": "en"},
    }
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name,
        "title": f"{label[0]} / {label[1]}",
        "version": version,
        "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
        "resources": [{
            "name": name, "type": "table", "path": f"{name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [{"name": c, "type": "string"} for c in _CSV_COLUMNS],
                "primaryKey": ["code"],
                "x-jsonld-context": context,
            },
        }],
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


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
    g = _graph()
    node = URIRef(url + oas_name)
    _describe(g, node, identifier=f"{publisher.identifier}:schema-{table}",
              title=(str(schema.get("title", table)), str(schema.get("title_en", table))),
              description=(str(schema.get("description", "")), str(schema.get("description_en", ""))),
              version=version, modified=modified, keywords=("coworking", "schema", table),
              publisher=publisher, base=base, distributions=[
                  # NDC describes its OAS3 YAML schemas as file-type JSON (YAML is a superset; the EU table's
                  # YAML code is newer than the tables copied for the tests).
                  _Distribution(URIRef(f"{url}#oas3"), url + oas_name, "JSON", "application/yaml",
                                ("Schema OpenAPI 3", "OpenAPI 3 schema"),
                                ("Lo schema di una riga, con il contesto JSON-LD.",
                                 "The schema of a row, with its JSON-LD context.")),
                  _Distribution(URIRef(f"{url}#table-schema"), f"{url}{table}.json", "JSON", "application/json",
                                ("Table Schema (Frictionless)", "Table Schema (Frictionless)"),
                                ("Lo schema della tabella CSV.", "The schema of the CSV table."))])
    key_class = URIRef(jsonld_type(table, root=root))
    g.add((node, ADMSAPIT.hasKeyClass, key_class))
    g.add((node, DCT.conformsTo, URIRef("https://spec.openapis.org/oas/v3.0.3")))
    g.add((URIRef("https://spec.openapis.org/oas/v3.0.3"), RDF.type, DCT.Standard))
    g.add((URIRef("https://spec.openapis.org/oas/v3.0.3"), DCT.identifier, Literal("OpenAPI 3.0.3")))
    return {
        oas_name: yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120).encode("utf-8"),
        "index.ttl": _turtle(g),
        f"{table}.json": (json.dumps(dict(schema), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        f"{table}.example.csv": _csv(valid_example(schema)),
        f"{table}.example-invalid.csv": _csv(rows),
        f"{table}.example-invalid.json": (json.dumps(expected, ensure_ascii=False, indent=1) + "\n").encode(),
    }


def _schemas(root: Path) -> list[dict[str, Any]]:
    """The Table Schemas as they are on disk now (not the validator's cached copies)."""
    from cowork_data.validate.schemas import TABLES

    out = []
    for table in TABLES:
        path = root / "schemas" / f"{table}.json"
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"Schema non leggibile: {path} ({exc})", f"Unreadable schema: {path} ({exc})") from exc
    return out


def _released(root: Path, schemas: list[dict[str, Any]]) -> tuple[str, str, dict[str, str]]:
    """The vocabularies' version and date (those of the newest schema release) and each schema's release date."""
    releases = changelog(root)
    dates: dict[str, str] = {}
    for schema in schemas:
        name, version = str(schema["name"]), str(schema.get("version"))
        if (name, version) not in releases:
            raise ConfigError(
                f"schemas/{name}.json: la versione {version} manca in schemas/CHANGELOG.md.",
                f"schemas/{name}.json: version {version} is missing from schemas/CHANGELOG.md.",
                hint_it=f"Aggiungi «## {version} (AAAA-MM-GG): {name}» con le modifiche.",
                hint_en=f"Add “## {version} (YYYY-MM-DD): {name}” with the changes.")
        dates[name] = releases[(name, version)]
    _key, version, date = max((_semver(str(s["version"])), str(s["version"]), dates[str(s["name"])]) for s in schemas)
    return version, date, dates


def asset_files(root: Path, *, base: str = DEFAULT_BASE) -> dict[str, bytes]:
    """Every generated file, by path relative to ``assets/``: deterministic (same sources, same bytes)."""
    publisher = load_publisher(root)
    schemas = _schemas(root)
    newest, date, dates = _released(root, schemas)
    out = vocabulary_assets(root, publisher, newest, date, base)
    for schema in schemas:
        version = str(schema["version"])
        files = schema_assets(schema, publisher, dates[str(schema["name"])], base=base, root=root)
        for name, data in files.items():
            out[f"{SCHEMAS}/{schema['name']}/v{version}/{name}"] = data
            out[f"{SCHEMAS}/{schema['name']}/latest/{name}"] = data
    out["README.md"] = _readme(schemas).encode("utf-8")
    return dict(sorted(out.items()))


def _readme(schemas: list[dict[str, Any]]) -> str:
    lines = ["# Risorse semantiche / Semantic assets", "",
             "Generato da `cowork-data assets` a partire da `schemas/`, `vocab/`, `mapping/tables.toml` e",
             "`publisher.toml`: non modificare a mano. / Written by `cowork-data assets` from those sources: do not",
             "edit by hand.", "",
             "Layout of the Italian National Data Catalog (schema.gov.it):", "",
             "- `controlled-vocabularies/{name}/`: the SKOS scheme (`{name}.ttl`, with its DCAT-AP_IT metadata), a CSV",
             "  and `datapackage.json`, whose schema's `x-jsonld-context` turns a row into the concept's triples;",
             "- `schemas/{table}/v{version}/` and `latest/`: `{table}.oas3.yaml` (OpenAPI 3, `x-jsonld-type`,",
             "  `x-jsonld-context`), `index.ttl` (its metadata), the Table Schema, a valid example and an invalid one",
             "  (`.example-invalid.json` lists the error each of its rows gives).", "",
             "| table | version |", "|---|---|"]
    lines += [f"| `{s['name']}` | {s['version']} |" for s in schemas]
    return "\n".join(lines) + "\n"


def _owned(relative: str, current: Mapping[str, str]) -> bool:
    """Files the generation rewrites: all but those of older schema versions, which stay as published."""
    parts = relative.split("/")
    if parts[0] == SCHEMAS and len(parts) >= 3 and parts[2].startswith("v"):
        return current.get(parts[1]) == parts[2]
    return True


def stale_assets(root: Path, *, base: str = DEFAULT_BASE) -> list[str]:
    """Paths under ``assets/`` that differ from a fresh generation (missing, changed, or left over)."""
    fresh = asset_files(root, base=base)
    folder = root / ASSETS
    current = {str(s["name"]): f"v{s['version']}" for s in _schemas(root)}
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()
    stale = [path for path, data in fresh.items() if path not in found or (folder / path).read_bytes() != data]
    stale += [path for path in found - set(fresh) if _owned(path, current)]
    return sorted(stale)


def write_assets(root: Path, *, base: str = DEFAULT_BASE) -> AssetsResult:
    """Regenerate ``{root}/assets``: write what differs, remove what the sources no longer give."""
    fresh = asset_files(root, base=base)
    folder = root / ASSETS
    result = AssetsResult(root=folder)
    current = {str(s["name"]): f"v{s['version']}" for s in _schemas(root)}
    for table, version in current.items():  # a released schema is never rewritten: a change needs a new version
        released = folder / SCHEMAS / table / version / f"{table}.json"
        if released.is_file() and released.read_bytes() != fresh[f"{SCHEMAS}/{table}/{version}/{table}.json"]:
            raise ConfigError(
                f"schemas/{table}.json è cambiato ma la versione {version[1:]} è già pubblicata in "
                f"assets/{SCHEMAS}/{table}/{version}/.",
                f"schemas/{table}.json changed but version {version[1:]} is already published in "
                f"assets/{SCHEMAS}/{table}/{version}/.",
                hint_it="Alza la versione (patch per testi ed esempi, minor per campi facoltativi o valori nuovi, "
                        "major per il resto) e aggiungila a schemas/CHANGELOG.md; se quella versione non è mai uscita, "
                        f"cancella assets/{SCHEMAS}/{table}/{version}/.",
                hint_en="Raise the version (patch for texts and examples, minor for new optional fields or values, "
                        "major for the rest) and add it to schemas/CHANGELOG.md; if that version never went out, "
                        f"delete assets/{SCHEMAS}/{table}/{version}/.")
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
