"""``cowork-data build``: every stage, streaming, one source at a time, redoing only what changed.

    sources/*.toml ─harvest→ snapshots ─normalise→ canonical tables (per source, cached) ─validate→
    ─graph→ N-Quads per source graph (cached) ─publish→ data/ (CSV, Parquet, graph files) ─bulk load→ store
    ─SHACL on the store→ datapackage.json, atomically

A rebuild reuses each source whose snapshot, catalogue file, ids and the versions of code, schemas and declaration
are unchanged (:mod:`cowork_data.pipeline.cache`); it rewrites only the parts of the graph files that hold a changed
source (:mod:`cowork_data.pipeline.parts`), replaces only the changed named graphs in a copy of the published store,
and publishes atomically (:mod:`cowork_data.atomic`). A rebuild with nothing changed publishes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowork_data import __version__, atomic, i18n
from cowork_data.config import project_root
from cowork_data.declaration import declaration
from cowork_data.errors import UsageError, ValidationFailed
from cowork_data.i18n import both
from cowork_data.namespaces import DEFAULT_BASE
from cowork_data.normalise.ids import Crosswalk
from cowork_data.normalise.linking import SAME_AS_FILE, Link, freeze_links, update_links
from cowork_data.pipeline import graphs as graph_stage
from cowork_data.pipeline import release
from cowork_data.pipeline.cache import Cache, Entry, code_version, digest, table_rows, tree_digest
from cowork_data.pipeline.checks import between_sources, source_check
from cowork_data.pipeline.inputs import SourceIndex, fingerprint, ids_digest, last_build, record_build
from cowork_data.pipeline.sources import prepare, rows_of
from cowork_data.pipeline.tables import Combined
from cowork_data.reference import load_comuni
from cowork_data.table_schemas import TABLES, schema_descriptor
from cowork_data.validate.report import Report

__all__ = ["STAGES", "BuildResult", "build", "engines", "links_of", "note_line", "published_hashes"]

STAGES = ("harvest", "normalise", "validate-tables", "graph", "publish", "validate-graph")
Progress = Callable[[str, str], None]


@dataclass
class BuildResult:
    """What a build published: row counts per table, graph size, warnings and the published files' sha256."""

    output: Path
    rows: dict[str, int]
    triples: int
    store_quads: int
    warnings: Report
    files: dict[str, str] = field(default_factory=dict)
    rebuilt: list[str] = field(default_factory=list)
    published: bool = True
    #: Per source, what its reader dropped or could not place (personal data, rows without a commune, doubts).
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "rows": self.rows,
            "triples": self.triples,
            "store_quads": self.store_quads,
            "warnings": len(self.warnings.findings),
            "files": self.files,
            "sources_rebuilt": len(self.rebuilt),
            "published": self.published,
            "notes": self.notes,
        }


def note_line(note: Mapping[str, Any]) -> str:
    """One line of what a reader dropped, in Italian and English (the build summary)."""
    it, en = both("cli.build.source-notes", rows=note.get("rows", 0), contacts=note.get("contacts_dropped", 0),
                  emails=note.get("emails_dropped", 0), names=note.get("names_withheld", 0),
                  unresolved=note.get("unresolved", 0), duplicates=note.get("duplicates", 0),
                  dubious=note.get("dubious", 0))
    return f"{it} / {en}"


def engines(engine: str) -> tuple[Callable[..., Report], Callable[..., list]]:
    """The table and graph validators of an engine (DESIGN.md section 6; docs/decisions.md)."""
    from cowork_data.validate.shacl import validate_graph
    from cowork_data.validate.table import validate_tables

    if engine == "reference":
        return validate_tables, validate_graph
    if engine == "fast":
        from cowork_data.validate import fast_table, fastshacl

        return fast_table.validate_tables, fastshacl.validate_graph
    raise UsageError("error.engine-unknown", engine=engine)


def build(
    *,
    root: Path | None = None,
    output: Path | None = None,
    progress: Progress | None = None,
    engine: str = "fast",
    store: bool = True,
    base: str = DEFAULT_BASE,
) -> BuildResult:
    """Run every stage offline from the recorded snapshots and publish atomically into ``output``.

    ``root`` is the project (sources, schemas, mapping, shapes, vocab, ids); ``output`` defaults to it, so the
    repository root is the published package. A failure at any stage raises a
    :class:`~cowork_data.errors.CoworkDataError` and leaves the previous release untouched. ``engine`` picks the
    validators: ``fast`` (compiled Table Schema checks, SHACL as SPARQL on the store) or ``reference``
    (frictionless, pySHACL on rdflib); both give the same findings and publish the same bytes. ``store=False``
    publishes the files without the SPARQL store (the graph is still checked, on a store of its own).
    """
    if engine not in ("fast", "reference"):
        engines(engine)  # the usage error
    root = Path(root).resolve() if root else project_root()
    output = Path(output) if output else root
    say = progress or (lambda stage, message: None)
    atomic.recover(output)
    cache = Cache(output / "build" / "cache")
    inputs = fingerprint(root, engine=engine, store=store, base=base, version=__version__)
    done = last_build(cache, digest(inputs, ids_digest(root)), output)
    if done is not None and release.still_published(cache, output, store, done["descriptor"]):
        say("publish", i18n.pair("cli.build.nothing-changed"))
        return BuildResult(output=output, rows=done["result"]["rows"], triples=done["result"]["triples"],
                           store_quads=done["result"]["store_quads"], warnings=_report(done["result"]["warnings"]),
                           files=done["result"]["files"], rebuilt=[], published=False)
    decl = declaration(root)
    versions = digest(code_version(), tree_digest([root / "schemas", root / "mapping"], root), engine)
    index = SourceIndex(cache, root, versions)
    sources = index.sources()
    say("harvest", f"{len(sources)} {i18n.pair('cli.build.unit.sources')}")
    crosswalk = Crosswalk.load(root / "ids" / "crosswalk.csv")
    prepared = prepare(root, sources, cache=cache, crosswalk=crosswalk, comuni=load_comuni, versions=versions,
                       check=source_check(engine), progress=say, index=index)
    entries = prepared.entries
    cache.forget({s.id for s in sources})
    notes = {e.source_id: e.notes for e in entries if e.notes}
    for source_id, note in sorted(notes.items()):
        say("normalise", f"{source_id}: {note_line(note)}")
    combined = Combined(entries, cache.directory / "tables")
    links = links_of(root, entries, say, combined, state=cache.directory / "links.pickle")

    rows = sum(table_rows(e.tables, t) for e in entries for t in e.tables)
    say("validate-tables", f"{rows} {i18n.pair('cli.build.unit.rows')}")
    table_report = _check_tables(entries, root, engine, combined)
    if not table_report.valid:
        raise ValidationFailed("error.build-schema", count=len(table_report.errors), report=table_report)

    say("graph", "RDF")
    graph_stage.write_source_graphs(entries, decl=decl, base=base, cache=cache,
                                    lent=graph_stage.lookups(decl, entries))
    istat, link_lines = graph_stage.special_graphs(entries, links, decl=decl, base=base)
    places, french = _places(combined, decl, base)
    # From here on the build holds no source's rows: each stage reads the tables it needs from the cache.
    plan = release.Plan(root=root, output=output, cache=cache, entries=entries, istat=istat, links=link_lines,
                        places=places, combined=combined, french=french,
                        base=base, engine=engine, store=store, version=__version__,
                        schemas={t: schema_descriptor(t, root) for t in TABLES}, table_findings=table_report.findings)
    result = release.publish(plan, say)
    index.save({s.id for s in sources})
    # The ids and the links between them are frozen together, once the release that uses them is published: a
    # build that fails before leaves both files as they were (links frozen earlier named ids never kept).
    crosswalk.save(root / "ids" / "crosswalk.csv")
    freeze_links(root / SAME_AS_FILE, [Link(**row) for row in links])
    record_build(cache, digest(inputs, ids_digest(root)), "sha256:" + result["files"]["datapackage.json"],
                 {key: result[key] for key in ("rows", "triples", "store_quads", "files", "warnings")}, output)
    return BuildResult(output=output, rows=result["rows"], triples=result["triples"],
                       store_quads=result["store_quads"], warnings=_report(result["warnings"]),
                       files=result["files"], rebuilt=prepared.rebuilt, published=result["published"],
                       notes=notes)


def _places(combined: Combined, decl: Any, base: str) -> tuple[Any, bool]:
    """The graph ``insee`` and whether a space is French, from every source's spaces at once (the combined table,
    read from the cache and let go)."""
    spaces = combined.table("spaces")
    if spaces is None:
        return graph_stage.place_graph([], decl=decl, base=base), False
    french = "country" in spaces.columns and bool((spaces["country"] == "FR").any())
    return graph_stage.place_graph([Entry(key="", source_id="", tables={"spaces": spaces}, findings=[])],
                                   decl=decl, base=base), french


def _report(findings: Sequence[Any]) -> Report:
    report = Report()
    report.extend(findings)
    return report


def links_of(root: Path, entries: Sequence[Entry], say: Progress, combined: Combined | None = None,
             state: Path | None = None) -> list[dict[str, str]]:
    """The same space in two sources (:mod:`cowork_data.normalise.linking`): the links frozen in
    ``ids/same-as.csv`` and the new ones, which :func:`build` freezes only once it has published. With ``state``
    (in the build's cache) only the records a change can move are linked again."""
    frame = (combined or Combined(entries)).table("_links")
    spaces = frame.drop("_src", "_row").fill_null("").to_dicts() if frame is not None else []
    found = update_links(root / SAME_AS_FILE, spaces, save=False, state=state, version=code_version())
    for doubt in found.ambiguous:
        say("normalise", f"{doubt.id} ~ {', '.join(doubt.candidates)}: {doubt.reason_it} / {doubt.reason_en}")
    return [{"id": link.id, "same_as": link.same_as, "source_id": link.source_id, "score": link.score,
             "distance_m": link.distance_m, "address_score": link.address_score} for link in found.links]


def _check_tables(entries: Sequence[Entry], root: Path, engine: str, combined: Combined) -> Report:
    report = Report()
    if engine == "reference":
        from cowork_data.validate.table import validate_tables

        tables: dict[str, list[dict[str, str]]] = {t: [] for t in TABLES}
        for entry in entries:
            for name, frame in entry.tables.items():
                if name in tables:
                    tables[name].extend(rows_of(frame))
        report.extend(validate_tables(tables, root=root).findings)
        return report
    report.extend([f for e in entries for f in e.findings] + between_sources(combined, root))
    return report


def published_hashes(output: Path) -> dict[str, str]:
    """sha256 of every published file (``datapackage.json`` and everything under ``data/``)."""
    files = [output / "datapackage.json", *sorted(p for p in (output / "data").rglob("*") if p.is_file())]
    out = {}
    for path in files:
        if path.exists():
            h = hashlib.sha256()
            with path.open("rb") as fh:
                while block := fh.read(1 << 22):
                    h.update(block)
            out[str(path.relative_to(output))] = h.hexdigest()
    return out
