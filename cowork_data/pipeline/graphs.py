"""The named graphs of a build: each source's lines (cached with the source), the links, the comuni.

Each source's canonical tables give the lines of its graph ``{base}graph/{source_id}`` (the declaration's writer,
:mod:`cowork_data.graph.writer`), written for many sources at once and then split by graph, sorted and made unique
per source; they are cached with the source together with the comuni its rows name and the figures VoID counts.
The links between the same space in two sources (``owl:sameAs``) and the comuni (graph ``istat``) depend on every
source, so they are made each build, from what the sources keep.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.cities import ONTOPIA_CITIES
from cowork_data.declaration import Declaration
from cowork_data.errors import ConfigError
from cowork_data.graph.writer import Writer, source_rows
from cowork_data.pipeline.cache import Cache, Entry, digest, let_go
from cowork_data.pipeline.privacy import literal_findings, plain_literals

__all__ = ["BATCH_ROWS", "graph_key", "graph_stats", "literal_values", "lookups", "place_graph", "privacy_of",
           "spawn_safe", "special_graphs", "write_source_graphs"]

#: Rows of canonical tables mapped together: many small sources in one go (the writer's cost is per frame), few
#: enough that the batch's lines stay small (10,000 rows: about 230,000 lines; 50,000 rows held 1.7 GB at 10k spaces).
BATCH_ROWS = 10_000
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
HAS_CITY = "<https://w3id.org/italia/onto/CLV/hasCity>"


def lookups(decl: Declaration, entries: Sequence[Entry]) -> dict[str, dict[str, str]]:
    """The values one table lends another's mapping (``[table.*.lookup]`` but the sources'), from every source."""
    out: dict[str, dict[str, str]] = {}
    for spec in decl.table.values():
        for name, lookup in spec.lookup.items():
            if lookup["table"] == "sources" or name in out:
                continue
            values: dict[str, str] = {}
            for entry in entries:
                frame = entry.tables.get(lookup["table"])
                let_go(entry)  # the frame read is enough; the source's other tables are not kept
                if frame is None or not len(frame):
                    continue
                pairs = frame.select(pl.col(lookup["key"]).str.strip_chars(), pl.col(lookup["value"]).str.strip_chars())
                for key, value in pairs.iter_rows():
                    if key and value:
                        values[key] = value
            out[name] = values
    return out


def graph_key(entry: Entry, base: str, lent: Mapping[str, Mapping[str, str]]) -> str:
    """What a source's graph depends on beyond its tables: the base IRI and the lookups (a call's publisher)."""
    return digest(entry.key, base, _lent_digest(lent))


_LENT: dict[int, tuple[Any, str]] = {}


def _lent_digest(lent: Mapping[str, Mapping[str, str]]) -> str:
    """The lookups' digest, computed once per lookups object (they are the same for every source of a build)."""
    known = _LENT.get(id(lent))
    if known is None or known[0] is not lent:
        known = (lent, digest(*(f"{k}\t{key}\t{value}" for k, v in sorted(lent.items())
                                for key, value in sorted(v.items()))))
        _LENT.clear()
        _LENT[id(lent)] = known
    return known[1]


def write_source_graphs(entries: Sequence[Entry], *, decl: Declaration, base: str, cache: Cache,
                        lent: Mapping[str, Mapping[str, str]]) -> None:
    """Write the graph of every entry whose cached graph is missing or stale (``graph_key``), in batches.

    With more than one batch, each batch's privacy scan (pure Python, a fifth of the stage's CPU time) runs in a
    process of its own while the next batch is mapped, and a batch's entries are saved once its scan is back."""
    todo = [e for e in entries if e.graph is None or e.stats.get("graph_key") != graph_key(e, base, lent)]
    batches: list[list[Entry]] = [[]]
    rows = 0
    for entry in todo:
        batches[-1].append(entry)
        rows += sum(len(f) for name, f in entry.tables.items() if not name.startswith("_"))
        if rows >= BATCH_ROWS:
            batches.append([])
            rows = 0
    batches = [b for b in batches if b]
    if len(batches) < 2 or not spawn_safe():
        for batch in batches:
            _write_batch(batch, decl, base, cache, lent, None).save()
        return
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        waiting: _Written | None = None
        for batch in batches:
            written = _write_batch(batch, decl, base, cache, lent, pool)
            if waiting is not None:
                waiting.save()
            waiting = written
        if waiting is not None:
            waiting.save()


def spawn_safe() -> bool:
    """Whether a ``spawn`` worker can start without running the caller's own code again: it imports the main
    module, so a script without a ``__main__`` guard would run its build a second time there. Safe: no main file
    (a notebook, ``python -c``), a package's ``__main__`` (``python -m cowork_data``, ``python -m pytest``) and the
    ``cowork-data`` command (its script only imports :func:`cowork_data.cli.main`); anything else scans in process."""
    import sys

    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if main is None or (spec is None and not getattr(main, "__file__", None)):
        return True
    if spec is not None and spec.name.rpartition(".")[2] == "__main__":
        return True
    return spec is None and getattr(getattr(main, "main", None), "__module__", "") == "cowork_data.cli"


@dataclasses.dataclass
class _Written:
    """A batch's graph files, written, and its entries, saved to the cache once their privacy findings are in."""

    cache: Cache
    done: list[tuple[Entry, dict[str, Any], Path]]
    values: pl.DataFrame
    scan: Any = None  # the future of privacy_of(values) in the scanning process

    def save(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            privacy = self.scan.result() if self.scan is not None else privacy_of(self.values)
        except BrokenProcessPool:  # the scanning process died (out of memory): scan here
            privacy = privacy_of(self.values)
        for entry, stats, path in self.done:
            entry.stats = {**stats, "privacy": privacy.get(entry.source_id, [])}
            self.cache.save(entry, path)
            entry.dirty = False


def _write_batch(batch: Sequence[Entry], decl: Declaration, base: str, cache: Cache,
                 lent: Mapping[str, Mapping[str, str]], pool: Any) -> _Written:
    sources = {e.source_id: e.info for e in batch}
    writer = Writer(decl, base=base, sources=sources, lookups=lent)
    chunks = []
    for table in decl.tables:
        frames = [e.tables[table] for e in batch if table in e.tables and len(e.tables[table])]
        if frames:
            chunks += list(writer.table(table, pl.concat(frames, how="diagonal_relaxed")))
    chunks += list(writer.table("sources", source_rows(sources)))
    lines = pl.concat(chunks) if chunks else pl.Series("line", [], dtype=pl.String)
    prefix = f"{base}graph/"
    frame = (pl.DataFrame({"line": lines.str.strip_suffix("\n")})
             .with_columns(graph=pl.col("line").str.extract(r" <([^<>]*)> \.$", 1).str.strip_prefix(prefix))
             .unique().sort(["graph", "line"]))
    known = {e.source_id for e in batch}
    stray = set(frame["graph"].unique().to_list()) - known
    if stray:  # every row of a source names that source (the normalisers set source_id)
        raise ConfigError("error.graph-stray-lines", graphs=sorted(stray)[:3])
    stats = batch_stats(frame)
    values = literal_values(frame)
    scan = pool.submit(privacy_of, values) if pool is not None and len(values) else None
    # Each graph's lines as one text (one polars pass, not one writer call per source).
    texts = dict(frame.group_by("graph", maintain_order=True).agg(pl.col("line").str.join("\n")).iter_rows())
    cache.directory.mkdir(parents=True, exist_ok=True)
    done = []
    for entry in batch:
        text = texts.get(entry.source_id)
        with tempfile.NamedTemporaryFile("wb", dir=cache.directory, delete=False, suffix=".nq") as fh:
            if text:
                fh.write(text.encode("utf-8") + b"\n")
        entry_stats = {**stats.get(entry.source_id, graph_stats(pl.Series("line", [], dtype=pl.String))),
                       "graph_key": graph_key(entry, base, lent)}
        entry.cities = sorted((iri, code, name) for iri, (code, names) in
                              writer.cities_by_source.get(entry.source_id, {}).items() for name in (names or {""}))
        done.append((entry, entry_stats, Path(fh.name)))
    return _Written(cache, done, values, scan)


def batch_stats(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """:func:`graph_stats` of every graph of a frame of unique (``graph``, ``line``) rows, at once."""
    parts = frame["line"].str.splitn(" ", 3).struct.unnest()
    data = pl.DataFrame({"graph": frame["graph"], "s": parts["field_0"], "p": parts["field_1"],
                         "o": parts["field_2"]})
    totals = data.group_by("graph").agg(
        triples=pl.len(), subjects=pl.col("s").n_unique(),
        city_links=((pl.col("p") == HAS_CITY) & pl.col("o").str.starts_with(f"<{ONTOPIA_CITIES}")).sum())
    types = (data.filter(pl.col("p") == RDF_TYPE).with_columns(cls=pl.col("o").str.extract(r"^<([^>]*)>", 1))
             .group_by(["graph", "cls"]).len().sort(["graph", "cls"]))
    classes: dict[str, dict[str, int]] = {}
    for graph, cls, n in types.iter_rows():
        classes.setdefault(graph, {})[cls] = n
    return {graph: {"triples": n, "subjects": subjects, "classes": classes.get(graph, {}), "city_links": links}
            for graph, n, subjects, links in totals.select("graph", "triples", "subjects", "city_links").iter_rows()}


def batch_privacy(frame: pl.DataFrame) -> dict[str, list[Any]]:
    """The privacy findings (:func:`cowork_data.pipeline.privacy.literal_findings`) of every graph of the frame:
    each distinct (predicate, plain literal) is scanned once."""
    return privacy_of(literal_values(frame))


def literal_values(frame: pl.DataFrame) -> pl.DataFrame:
    """``graph``, ``p`` and the escaped ``text`` of the plain literals of a frame of (``graph``, ``line``) rows."""
    parts = frame["line"].str.splitn(" ", 3).struct.unnest()
    return plain_literals(pl.DataFrame({"graph": frame["graph"], "p": parts["field_1"], "o": parts["field_2"]}))


def privacy_of(values: pl.DataFrame) -> dict[str, list[Any]]:
    """The privacy findings of :func:`literal_values`, per graph."""
    if not len(values):
        return {}
    found = literal_findings(values.select("p", "text").unique())
    if not found:
        return {}
    out: dict[str, list[Any]] = {}
    keys = pl.DataFrame({"p": [k[0] for k in found], "text": [k[1] for k in found]}).to_struct()
    for graph, predicate, text in values.filter(pl.struct("p", "text").is_in(keys.implode())).iter_rows():
        out.setdefault(graph, []).extend(dataclasses.replace(f, file=f"data/graph (graph/{graph})")
                                         for f in found[(predicate, text)])
    return out


def graph_stats(lines: pl.Series) -> dict[str, Any]:
    """Lines, distinct subjects, instances per class and links to OntoPiA comuni of one graph's unique lines."""
    if not len(lines):
        return {"triples": 0, "subjects": 0, "classes": {}, "city_links": 0}
    parts = lines.str.splitn(" ", 3).struct.unnest()
    s, p, rest = parts["field_0"], parts["field_1"], parts["field_2"]
    types = rest.filter(p == RDF_TYPE).str.extract(r"^<([^>]*)>", 1)
    classes = Counter(types.drop_nulls().to_list())
    links = int(((p == HAS_CITY) & rest.str.starts_with(f"<{ONTOPIA_CITIES}")).sum())
    return {"triples": len(lines), "subjects": s.n_unique(), "classes": dict(sorted(classes.items())),
            "city_links": links}


def special_graphs(entries: Sequence[Entry], links: Sequence[Mapping[str, str]], *, decl: Declaration,
                   base: str) -> tuple[pl.Series, dict[str, pl.Series]]:
    """The comuni's graph (the version IRIs every source's rows name, with their names) and the ``owl:sameAs``
    lines of each source's links, as sorted unique N-Quads lines (no line break)."""
    cities: dict[str, tuple[str, set[str]]] = {}
    for entry in entries:
        for iri, code, name in entry.cities:
            names = cities.setdefault(iri, (code, set()))[1]
            if name:
                names.add(name)
    rows = [{"iri": iri, "istat": cities[iri][0], "name": name} for iri in sorted(cities)
            for name in (sorted(cities[iri][1]) or [None])]
    writer = Writer(decl, base=base, sources={}, lookups={})
    istat = _unique(writer.table("cities", rows))
    by_source: dict[str, pl.Series] = {}
    if links:
        frame = pl.DataFrame({"line": _unique(writer.table("same_as", list(links)))})
        frame = frame.with_columns(graph=pl.col("line").str.extract(r" <([^<>]*)> \.$", 1))
        for (graph,), part in frame.group_by("graph"):
            by_source[str(graph).removeprefix(f"{base}graph/")] = part["line"].sort()
    return istat, by_source


def place_graph(entries: Sequence[Entry], *, decl: Declaration, base: str) -> pl.Series:
    """The French communes the spaces of every source name, with their population, département and région
    (graph ``insee``: :mod:`cowork_data.graph.places`), as sorted unique N-Quads lines; empty without French
    spaces."""
    from cowork_data.graph.places import place_rows

    frames = [e.tables["spaces"].select("country", "commune_insee", "comune_name") for e in entries
              if "spaces" in e.tables and {"country", "commune_insee"} <= set(e.tables["spaces"].columns)]
    if not frames:
        return _unique([])
    writer = Writer(decl, base=base, sources={}, lookups={})
    return _unique(chunk for name, rows in place_rows(pl.concat(frames)).items() for chunk in writer.table(name, rows))


def _unique(chunks: Any) -> pl.Series:
    found = list(chunks)
    if not found:
        return pl.Series("line", [], dtype=pl.String)
    return pl.concat(found).str.strip_suffix("\n").unique().sort()
