"""The one place that states the order of the stages:

    sources/*.toml ─harvest→ snapshots ─normalise→ canonical tables ─validate (Table Schema)→
    ─graph→ RDF ─validate (SHACL)→ ─publish→ datapackage.json + data/ + data/graph/ + build/store

:func:`build` runs them all; each stage is also a function of its own subpackage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowork_data import __version__
from cowork_data.cities import SOURCE as CITIES_SOURCE
from cowork_data.config import Source, load_sources, project_root
from cowork_data.errors import UsageError, ValidationFailed
from cowork_data.graph import build_graph
from cowork_data.harvest import Snapshot, load_snapshot
from cowork_data.normalise import normalise
from cowork_data.normalise.ids import Crosswalk
from cowork_data.privacy import scan_release
from cowork_data.publish import atomic
from cowork_data.publish.graph_files import NQUADS, write_catalogue, write_graph_files
from cowork_data.publish.package import descriptor, write_descriptor
from cowork_data.publish.publisher import load_publisher
from cowork_data.publish.store import load_store
from cowork_data.publish.tables import write_table
from cowork_data.reference import load_comuni
from cowork_data.validate.report import Report
from cowork_data.validate.schemas import TABLES, schema_descriptor
from cowork_data.validate.shacl import all_layers, validate_graph
from cowork_data.validate.table import validate_tables

STAGES = ("harvest", "normalise", "validate-tables", "graph", "validate-graph", "publish")
Progress = Callable[[str, str], None]
ISTAT_SOURCE = {
    "title": "ISTAT — Elenco dei comuni italiani al 1° gennaio 2020 (CC BY 3.0 IT, Fonte: ISTAT)",
    "url": "https://www.istat.it/it/archivio/6789",
}


@dataclass
class BuildResult:
    """What a build published: row counts per table, graph size, warnings and the published files' sha256."""

    output: Path
    rows: dict[str, int]
    triples: int
    store_quads: int
    warnings: Report
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "rows": self.rows,
            "triples": self.triples,
            "store_quads": self.store_quads,
            "warnings": len(self.warnings.findings),
            "files": self.files,
        }


def source_info(source: Source, snapshot: Snapshot) -> dict[str, Any]:
    """The provenance of one source snapshot, as the graph and the package describe it."""
    prov = snapshot.provenance
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "licence": prov.get("licence") or source.licence,
        "sha256": prov.get("sha256", ""),
        "retrieved_at": prov.get("retrieved_at", ""),
        # A live harvest records real bytes: its provenance, not the catalogue, says whether rows are invented.
        "fixture": bool(prov.get("fixture", source.fixture)),
    }


def collect(root: Path, progress: Progress) -> tuple[dict[str, list[dict[str, str]]], list[dict[str, Any]], Crosswalk]:
    """Harvest (from the recorded snapshots) and normalise every source into canonical tables."""
    sources = load_sources(root)
    progress("harvest", f"{len(sources)} fonti / sources")
    snapshots = [(source, load_snapshot(source, root)) for source in sources]
    comuni = load_comuni()
    crosswalk_path = root / "ids" / "crosswalk.csv"
    crosswalk = Crosswalk.load(crosswalk_path)
    tables: dict[str, list[dict[str, str]]] = {t: [] for t in TABLES}
    infos = []
    for source, snapshot in snapshots:
        progress("normalise", source.id)
        for table, rows in normalise(source, snapshot, comuni=comuni, crosswalk=crosswalk).items():
            tables[table].extend(rows)
        infos.append(source_info(source, snapshot))
    from cowork_data.normalise.linking import SAME_AS_FILE, update_links

    links = update_links(root / SAME_AS_FILE, tables["spaces"])
    for doubt in links.ambiguous:
        progress("normalise", f"{doubt.id} ~ {', '.join(doubt.candidates)}: {doubt.reason_it} / {doubt.reason_en}")
    # Not a published table: the graph states these links as owl:sameAs.
    tables["same_as"] = [{"id": link.id, "same_as": link.same_as, "source_id": link.source_id,
                          "score": link.score, "distance_m": link.distance_m, "address_score": link.address_score}
                         for link in links.links]
    return tables, infos, crosswalk


def build(
    *,
    root: Path | None = None,
    output: Path | None = None,
    progress: Progress | None = None,
    engine: str = "fast",
) -> BuildResult:
    """Run every stage offline from the recorded snapshots and publish atomically into ``output``.

    ``root`` is the project (sources, schemas, shapes, vocab); ``output`` defaults to it, so the repository
    root is the published package. A failure at any stage raises a :class:`~cowork_data.errors.CoworkDataError`
    and leaves the previous release untouched. ``engine`` picks the validators: ``fast`` (compiled Table Schema
    checks, SHACL as SPARQL on pyoxigraph) or ``reference`` (frictionless, pySHACL); both give the same findings.
    """
    check_tables, check_graph = engines(engine)
    root = Path(root) if root else project_root()
    output = Path(output) if output else root
    say = progress or (lambda stage, message: None)
    atomic.recover(output)

    tables, infos, crosswalk = collect(root, say)

    say("validate-tables", f"{sum(map(len, tables.values()))} righe / rows")
    table_report = check_tables(tables, root=root)
    if not table_report.valid:
        raise ValidationFailed(
            f"I dati non rispettano lo schema: {len(table_report.errors)} errori; nulla è stato pubblicato.",
            f"The data break the schema: {len(table_report.errors)} errors; nothing was published.",
            report=table_report,
        )

    say("graph", "RDF")
    sources = {i["id"]: i for i in infos}
    graph = build_graph(tables, sources=sources, root=root)

    say("validate-graph", f"{len(graph)} triple / triples")
    graph_report = Report()
    graph_report.extend(check_graph(graph, layers=all_layers(root / "shapes"), shapes_dir=root / "shapes",
                                       vocab_dir=root / "vocab"))
    if not graph_report.valid:
        raise ValidationFailed(
            f"Il grafo viola le forme SHACL: {len(graph_report.errors)} violazioni; nulla è stato pubblicato.",
            f"The graph violates the SHACL shapes: {len(graph_report.errors)} violations; nothing was published.",
            report=graph_report,
        )
    warnings = Report()
    warnings.extend(table_report.findings + graph_report.findings)

    schemas = {t: schema_descriptor(t, root) for t in TABLES}
    publisher = load_publisher(root)
    last_modified = max((i["retrieved_at"] for i in infos if i["retrieved_at"]), default="")
    counts: dict[str, int] = {}

    def write(stage: Path) -> None:
        say("publish", "data/*.csv")
        for table in TABLES:
            write_table(stage / "data" / f"{table}.csv", schemas[table], tables[table])
        say("publish", "data/graph")
        counts["triples"] = write_graph_files(stage, graph, tables, sources=sources, root=root)
        write_catalogue(stage, tables, schemas, last_modified=last_modified, version=__version__,
                        publisher=publisher)
        write_descriptor(
            stage / "datapackage.json",
            descriptor(stage, schemas=schemas, sources=[*infos, ISTAT_SOURCE, CITIES_SOURCE],
                       last_modified=last_modified, version=__version__),
        )
        personal = scan_release(stage)
        if personal:
            report = Report()
            report.extend(personal)
            raise ValidationFailed(
                f"Dati personali nei file da pubblicare: {len(personal)}; nulla è stato pubblicato.",
                f"Personal data in the files to publish: {len(personal)}; nothing was published.",
                report=report,
            )
        say("publish", "store")
        vocab = sorted((root / "vocab").glob("*.ttl"))
        counts["store"] = load_store(stage / "store", [stage / NQUADS, *vocab])

    atomic.publish(output, write)
    crosswalk.save(root / "ids" / "crosswalk.csv")
    return BuildResult(
        output=output,
        rows={t: len(tables[t]) for t in TABLES},
        triples=counts["triples"],
        store_quads=counts["store"],
        warnings=warnings,
        files=published_hashes(output),
    )


def engines(engine: str) -> tuple[Callable[..., Report], Callable[..., list]]:
    """The table and graph validators of an engine (DESIGN.md section 6; docs/decisions.md)."""
    if engine == "reference":
        return validate_tables, validate_graph
    if engine == "fast":
        from cowork_data.validate import fast_table, fastshacl

        return fast_table.validate_tables, fastshacl.validate_graph
    raise UsageError(f"Motore sconosciuto «{engine}»: usa fast o reference.",
                     f"Unknown engine “{engine}”: use fast or reference.")


def published_hashes(output: Path) -> dict[str, str]:
    """sha256 of every published file (``datapackage.json`` and everything under ``data/``)."""
    files = [output / "datapackage.json", *sorted(p for p in (output / "data").rglob("*") if p.is_file())]
    return {str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.exists()}
