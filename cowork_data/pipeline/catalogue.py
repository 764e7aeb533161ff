"""``data/catalog.ttl``: DCAT-AP_IT for every published file, VoID figures, the SPARQL service description.

The figures come from what each source's graph holds (counted once, when the graph is written, and cached with
it), not from reading the published graph again: triples, distinct subjects and instances per class are summed over
the named graphs (a triple two sources state counts in both). The catalogue is written like the other Turtle files,
by streaming from its sorted lines.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.graph import iris
from cowork_data.i18n import Text, both
from cowork_data.pipeline.cache import digest, let_go
from cowork_data.pipeline.graphs import graph_stats
from cowork_data.publish.catalog import catalog_lines
from cowork_data.publish.lines import line_chunks, sort_unique
from cowork_data.publish.package import CATALOG_FILE, CONTEXT_FILE, GRAPH_FILES
from cowork_data.publish.publisher import load_publisher
from cowork_data.publish.rdf import prefixes
from cowork_data.publish.turtle import write_turtle

__all__ = ["write_catalogue"]



class _Parts:
    """What the catalogue takes from each source, cached per source (``{cache}/catalogue.pickle``): the figures of
    its graph with its links, keyed by the graph's and the links' signature, and its public bodies, keyed by the
    entry's key and the base. A rebuild recomputes them for the changed sources only."""

    def __init__(self, plan: Any) -> None:
        self.path = plan.cache.directory / "catalogue.pickle"
        try:
            self.known: dict[str, dict[str, Any]] = pickle.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            self.known = {}
        self.now: dict[str, dict[str, Any]] = {}

    def get(self, entry: Any, part: str, key: str, make: Callable[[], Any]) -> Any:
        known = self.known.get(entry.source_id, {}).get(part)
        value = known[1] if known is not None and known[0] == key else make()
        self.now.setdefault(entry.source_id, {})[part] = (key, value)
        return value

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".catalogue.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(self.now, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.path)


def counts(plan: Any, parts: _Parts | None = None) -> tuple[int, Counter[str], Counter[str], int, int]:
    parts = parts or _Parts(plan)
    triples, subjects, links = 0, 0, 0
    classes: Counter[str] = Counter()
    graphs: Counter[str] = Counter()
    for entry in plan.entries:
        stats = entry.stats
        extra = plan.links.get(entry.source_id)
        if extra is not None and len(extra):  # the graph with its links: counted again, on both (links are few)
            def linked(entry: Any = entry, extra: pl.Series = extra) -> dict[str, Any]:
                lines = [extra, *line_chunks(entry.graph)] if entry.graph is not None else [extra]
                return graph_stats(pl.concat(lines).unique())

            stats = parts.get(entry, "stats", digest(entry.stats.get("graph_key", ""), *extra.to_list()), linked)
        n = stats.get("triples", 0)
        graphs[f"{plan.base}graph/{entry.source_id}"] = n
        triples += n
        subjects += stats.get("subjects", 0)
        classes.update(stats.get("classes", {}))
        links += stats.get("city_links", 0)
    for name, lines in (("istat", plan.istat), ("insee", plan.places)):
        if len(lines):
            graphs[f"{plan.base}graph/{name}"] = len(lines)
            triples += len(lines)
            subjects += lines.str.extract(r"^<([^>]*)>", 1).n_unique()
            types = lines.filter(lines.str.contains("> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <"))
            classes.update(types.str.extract(r"#type> <([^>]*)>", 1).to_list())
    return triples, classes, graphs, subjects, links


def write_catalogue(stage: Path, plan: Any, *, files: Mapping[str, Sequence[Mapping[str, Any]]],
                    last_modified: str) -> None:
    published: list[dict[str, Any]] = [
        {"name": table, "path": f"data/{table}.csv", "mediatype": "text/csv", "schema": f"schemas/{table}.json",
         **{key: str(schema.get(key) or schema.get(key.removesuffix("_en")) or table)
            for key in ("title", "title_en", "description", "description_en")}}
        for table, schema in plan.schemas.items()
    ]
    for name, path, _fmt, mediatype in (*GRAPH_FILES, CONTEXT_FILE):
        parts = files.get(path.rsplit(".", 1)[-1]) if name != CONTEXT_FILE[0] else None
        if parts and len(parts) > 1:
            title, text = Text.of(f"label.catalog.file-title.{name}"), Text.of(f"label.catalog.file-description.{name}")
            for n, part in enumerate(parts, 1):
                titles = both("label.catalog.part.title", title=title, n=n, count=len(parts))
                texts = both("label.catalog.part.description", text=text, n=n, count=len(parts))
                published.append({
                    "name": f"{name}-{n:04d}", "path": part["path"], "mediatype": mediatype,
                    "bytes": part["bytes"], "sha256": part["hash"].removeprefix("sha256:"),
                    "title": titles[0], "title_en": titles[1], "description": texts[0], "description_en": texts[1]})
        else:
            published.append({"name": name, "path": path, "mediatype": mediatype})
    parts = _Parts(plan)
    originators = []
    for entry in plan.entries:
        if "organisations" in entry.tables:
            originators += parts.get(entry, "originators", digest(entry.key, plan.base),
                                     lambda entry=entry: _public_bodies(entry, plan.base))
    dumps = [part["path"] for part in files.get("nt") or []] or ["data/graph/cowork-data.nt"]
    lines = catalog_lines(stage, files=published, publisher=load_publisher(plan.root),
                          originators=sorted(originators), counts=counts(plan, parts), modified=last_modified,
                          version=plan.version, base=plan.base, dumps=dumps,
                          source_datasets=[e.info for e in plan.entries if e.info.get("attribution")])
    path = stage / CATALOG_FILE[1]
    with tempfile.TemporaryDirectory(dir=stage) as tmp:
        unsorted = Path(tmp) / "catalog.nt"
        unsorted.write_text("".join(lines), encoding="utf-8")
        sorted_lines = Path(tmp) / "catalog.sorted.nt"
        sort_unique([unsorted], sorted_lines, tmp=Path(tmp))
        write_turtle(sorted_lines, path, prefixes(plan.base), f"{plan.base}")
    parts.save()


def _public_bodies(entry: Any, base: str) -> list[tuple[str, str, str]]:
    """The public bodies (with an IPA code) among a source's organisations: (IRI, name, code)."""
    frame = entry.tables["organisations"]
    let_go(entry)  # the source's other tables are not kept
    bodies = frame.filter((pl.col("kind") == "public-body") & (pl.col("ipa_code") != ""))
    return [(str(iris.organization_iri(base, row["id"])), row["legal_name"], row["ipa_code"])
            for row in bodies.select("id", "legal_name", "ipa_code").iter_rows(named=True)]
