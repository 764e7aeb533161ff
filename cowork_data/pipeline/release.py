"""The publish stage: a complete release written into a stage, checked (SHACL on its store), then swapped in.

What a release holds is decided by its inputs only; ``manifest.json`` (in the cache) records the inputs and files of
the published one, so that a rebuild keeps the graph parts whose sources did not change (hard links), copies the
published store and replaces only the changed named graphs in it, and publishes nothing when nothing changed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data import atomic, i18n
from cowork_data.cities import SOURCE as CITIES_SOURCE
from cowork_data.comune_names import EXONYMS_SOURCE
from cowork_data.errors import ValidationFailed
from cowork_data.geo.boundaries import SOURCE as BOUNDARIES_SOURCE
from cowork_data.pipeline import store as store_stage
from cowork_data.pipeline.cache import Cache, Entry, code_version, digest, tree_digest
from cowork_data.pipeline.inputs import published_facts
from cowork_data.pipeline.parts import FORMATS, GraphInput, write_parts
from cowork_data.pipeline.tables import Combined, write_tables
from cowork_data.publish.package import descriptor, write_descriptor
from cowork_data.publish.rdf import context, prefixes, write_context
from cowork_data.validate.report import Finding

__all__ = ["Plan", "give_back", "publish", "still_published"]

Progress = Callable[[str, str], None]
ISTAT_SOURCE = {
    "title": "ISTAT — Elenco dei comuni italiani al 1° gennaio 2020 (CC BY 3.0 IT, Fonte: ISTAT)",
    "url": "https://www.istat.it/it/archivio/6789",
}
INSEE_SOURCE = {
    "title": "INSEE — Code officiel géographique 2026, mise en forme Etalab (@etalab/decoupage-administratif 6.0.0; "
             "Licence Ouverte 2.0, source : INSEE)",
    "url": "https://github.com/etalab/decoupage-administratif",
}


def package_source(info: Mapping[str, Any]) -> dict[str, str]:
    """A source as ``datapackage.json`` lists it: its title with the attribution and licence it asks for."""
    title = str(info["title"])
    if info.get("attribution"):
        licence = info.get("licence")
        name = licence.get("id", "") if isinstance(licence, Mapping) else str(licence or "")
        title = f"{info['attribution']} — {title}" + (f" ({name})" if name else "")
    return {"title": title, "url": str(info.get("url") or "")}


def _french(plan: Plan) -> bool:
    """Whether a source publishes French spaces (then INSEE's list is a source of the release)."""
    if plan.french is not None:
        return plan.french
    spaces = (plan.combined or Combined(plan.entries)).table("spaces")
    return spaces is not None and "country" in spaces.columns and bool((spaces["country"] == "FR").any())


@dataclass
class Plan:
    """Everything the publish stage needs from the stages before it."""

    root: Path
    output: Path
    cache: Cache
    entries: Sequence[Entry]
    istat: pl.Series
    links: Mapping[str, pl.Series]
    base: str
    engine: str
    store: bool
    version: str
    schemas: Mapping[str, Mapping[str, Any]]
    table_findings: Sequence[Finding]
    #: The graph ``insee``: the French communes the spaces name, their départements and régions.
    places: pl.Series = field(default_factory=lambda: pl.Series("line", [], dtype=pl.String))
    #: The sources' tables combined (:class:`cowork_data.pipeline.tables.Combined`; default: made from ``entries``).
    combined: Any = None
    #: Whether a space is French (None: read from the spaces' table when the descriptor is written).
    french: bool | None = None


def graph_inputs(plan: Plan) -> list[GraphInput]:
    """Every named graph of the release: one per source (its cached lines and its links), and the comuni."""
    out = []
    for entry in plan.entries:
        extra = plan.links.get(entry.source_id)
        extra_digest = digest(*extra.to_list()) if extra is not None else ""
        lines = entry.stats.get("triples", 0) + (len(extra) if extra is not None else 0)
        out.append(GraphInput(iri=f"{plan.base}graph/{entry.source_id}", source_id=entry.source_id,
                              path=entry.graph, extra=extra, lines=lines,
                              signature=digest(entry.stats.get("graph_key", ""), extra_digest)))
    istat_id = "istat"
    out.append(GraphInput(iri=f"{plan.base}graph/{istat_id}", source_id=istat_id, path=None, extra=plan.istat,
                          lines=len(plan.istat), signature=digest(*plan.istat.to_list())))
    if len(plan.places):
        out.append(GraphInput(iri=f"{plan.base}graph/insee", source_id="insee", path=None, extra=plan.places,
                              lines=len(plan.places), signature=digest(*plan.places.to_list())))
    return out


def _current_manifest(plan: Plan) -> dict[str, Any]:
    """The manifest, if it describes the release that is published now (a build stopped after its swap and before
    writing the manifest leaves the one of the release before: then nothing of the published release is reused)."""
    manifest = plan.cache.manifest()
    descriptor_file = plan.output / "datapackage.json"
    if not manifest or not descriptor_file.is_file():
        return {}
    from cowork_data.publish.package import file_facts

    return manifest if file_facts(descriptor_file)["hash"] == manifest.get("descriptor") else {}


def publish(plan: Plan, say: Progress) -> dict[str, Any]:
    manifest = _current_manifest(plan)
    graphs = graph_inputs(plan)
    checks_key = tree_digest([plan.root / "shapes", plan.root / "vocab"], plan.root)
    settings = digest(plan.base, code_version())
    key = digest(settings, checks_key, plan.engine, str(plan.store), plan.version,
                 *(f"{g.iri}\t{g.signature}" for g in graphs), *(e.key for e in plan.entries))
    if manifest.get("release") == key and _intact(plan.output, manifest, plan.store):
        say("publish", i18n.pair("cli.build.release-unchanged"))
        return {**manifest["result"], "warnings": _cached_warnings(plan, key), "published": False}
    infos = [e.info for e in plan.entries]
    last_modified = max((i["retrieved_at"] for i in infos if i.get("retrieved_at")), default="")
    previous = plan.output / "data" / "graph" if manifest else None
    out: dict[str, Any] = {}

    def write(stage: Path) -> None:
        data = stage / "data"
        say("publish", "data/graph")
        tmp = plan.output / "build" / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        loading: list[store_stage.Load] = []

        def load(nquads: list[Path]) -> None:  # the store fills on the other core while the formats are written
            started = store_stage.start(plan, stage, nquads, graphs, manifest)
            if started is not None:
                loading.append(started)

        try:
            out["parts"] = write_parts(graphs, data / "graph", previous=previous, recorded=manifest.get("parts", {}),
                                       settings=settings, prefixes=prefixes(plan.base), base=plan.base,
                                       context=context(plan.base)["@context"], tmp=tmp, on_nquads=load)
            write_context(data / "graph" / "context.jsonld", base=plan.base)
            say("publish", "data/*.csv, data/*.parquet")
            out["rows"] = write_tables(plan.combined or Combined(plan.entries), plan.schemas, data)
        except BaseException:
            for started in loading:  # never leave a loader writing into a stage that is being removed
                started.thread.join()
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        nquads = [data / "graph" / name for name in sorted(out["parts"])]
        give_back()
        say("validate-graph", "SHACL")
        checked = store_stage.check(plan, stage, nquads, graphs, manifest, say,
                                    load=loading[0] if loading else None)
        out["store_quads"], out["shacl"], out["vocab"] = checked.quads, checked.findings, checked.vocab
        out["shapes"] = checked.shapes
        give_back()
        errors = [f for f in checked.findings if f.severity == "error"]
        if errors:
            report = _report_of(checked.findings)
            raise ValidationFailed("error.build-shacl", count=len(errors), report=report)
        out["triples"] = sum(g.lines for g in graphs) if len(out["parts"]) > 1 else _lines(nquads, "nt")
        files = _files(out["parts"])
        say("publish", "data/catalog.ttl, datapackage.json")
        from cowork_data.pipeline.catalogue import write_catalogue

        write_catalogue(stage, plan, files=files, last_modified=last_modified)
        write_descriptor(stage / "datapackage.json",
                         descriptor(stage, schemas=plan.schemas,
                                    sources=[*map(package_source, infos), ISTAT_SOURCE, CITIES_SOURCE, EXONYMS_SOURCE,
                                             BOUNDARIES_SOURCE, *([INSEE_SOURCE] if _french(plan) else [])],
                                    last_modified=last_modified, version=plan.version, graph_parts=files))
        from cowork_data.pipeline.privacy import scan

        scan(stage, plan)

    atomic.publish(plan.output, write, store=plan.store)
    (plan.cache.directory / "shacl.pickle").write_bytes(_pickle(key, out["shacl"]))
    result = {"rows": out["rows"], "triples": out["triples"], "store_quads": out["store_quads"],
              "files": _published_facts(plan.output, out["parts"])}
    plan.cache.write_manifest({"release": key, "parts": out["parts"], "result": result,
                               "graphs": {g.iri: g.signature for g in graphs}, "store": plan.store,
                               "vocab": out["vocab"], "shapes": out["shapes"],
                               "descriptor": "sha256:" + result["files"]["datapackage.json"],
                               "published": published_facts(plan.output)})
    return {**result, "warnings": [*plan.table_findings, *out["shacl"]], "published": True}


def _lines(nquads: Sequence[Path], ext: str) -> int:
    from cowork_data.publish.lines import count_lines

    return sum(count_lines(p.with_suffix(f".{ext}")) for p in nquads)


def _files(parts: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Format → the files of its parts, in order, with their size and sha256."""
    out: dict[str, list[dict[str, Any]]] = {ext: [] for ext in FORMATS}
    for name in sorted(parts):
        for file, facts in sorted(parts[name]["files"].items()):
            ext = file.rsplit(".", 1)[-1]
            out[ext].append({"path": f"data/graph/{file}", "bytes": facts["bytes"], "hash": facts["hash"]})
    return out


def _published_facts(output: Path, parts: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for record in parts.values():
        for file, facts in record["files"].items():
            out[f"data/graph/{file}"] = facts["hash"].removeprefix("sha256:")
    for path in [output / "datapackage.json", *sorted((output / "data").glob("*.*")),
                 output / "data" / "graph" / "context.jsonld"]:
        if path.is_file():
            import hashlib

            out[str(path.relative_to(output))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(out.items()))


def give_back() -> None:
    """Return to the system the memory that the steps before freed: glibc keeps freed blocks in its arenas (the
    bulk load's thread has its own), so without this the resident set after the graph files and after SHACL holds
    what they once used, not what the build still holds (docs/decisions.md §19.15). Elsewhere than glibc, nothing."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def still_published(cache: Cache, output: Path, store: bool, descriptor: str) -> bool:
    """The release the manifest describes is the one in ``output``, untouched: its ``datapackage.json`` has the
    sha256 ``descriptor``, its graph files their recorded size and time, and the store is there if it has one."""
    manifest = cache.manifest()
    path = output / "datapackage.json"
    if not manifest or manifest.get("descriptor") != descriptor or bool(manifest.get("store")) != store \
            or not path.is_file():
        return False
    from cowork_data.publish.package import file_facts

    return file_facts(path)["hash"] == descriptor and _intact(output, manifest, store)


def _intact(output: Path, manifest: Mapping[str, Any], with_store: bool) -> bool:
    """The published release is still the one the manifest describes (every published file has the size, times
    and inode recorded, and the graph files their sizes)."""
    if not (output / "datapackage.json").is_file() or (with_store and not (output / "build" / "store").is_dir()):
        return False
    if manifest.get("published") != published_facts(output):
        return False
    for record in manifest.get("parts", {}).values():
        for file, facts in record["files"].items():
            path = output / "data" / "graph" / file
            try:
                stat = path.stat()
            except OSError:
                return False
            if stat.st_size != facts["bytes"] or stat.st_mtime_ns != facts["mtime_ns"]:
                return False
    return True


def _report_of(findings: Sequence[Finding]) -> Any:
    from cowork_data.validate.report import Report

    report = Report()
    report.extend(findings)
    return report


def _pickle(key: str, findings: Sequence[Finding]) -> bytes:
    import pickle

    return pickle.dumps((key, list(findings)), protocol=pickle.HIGHEST_PROTOCOL)


def shacl_findings(cache: Cache, key: str | None) -> list[Finding] | None:
    """The SHACL findings recorded for the release ``key`` (None: not recorded, or for another release)."""
    import pickle

    try:
        recorded, findings = pickle.loads((cache.directory / "shacl.pickle").read_bytes())
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
        return None
    return findings if key is not None and recorded == key else None


def _cached_warnings(plan: Plan, key: str) -> list[Finding]:
    return [*plan.table_findings, *(shacl_findings(plan.cache, key) or [])]


def facts_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True)
