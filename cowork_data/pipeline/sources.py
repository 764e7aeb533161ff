"""One source at a time: its snapshot, its canonical tables and the checks that need no other source (cached).

:func:`prepare` gives every source of the catalogue an :class:`~cowork_data.pipeline.cache.Entry`: from the cache
when nothing it depends on changed, else by normalising its snapshot (``cowork_data.normalise``) and validating its
tables alone (the Table Schema checks of each row and key within the source; the checks between sources — foreign
keys, keys repeated in two sources — are :mod:`cowork_data.pipeline.checks`'). Only one source's rows are in memory
at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.config import Source
from cowork_data.harvest import Snapshot, load_snapshot
from cowork_data.normalise import normalise
from cowork_data.normalise.ids import Crosswalk
from cowork_data.normalise.tables import fields
from cowork_data.pipeline.cache import Cache, Entry, digest
from cowork_data.pipeline.inputs import ReadAhead, snapshot_files
from cowork_data.reference import Comuni

__all__ = ["Prepared", "batch_frames", "frames_of", "prepare", "rows_of", "source_info"]

Progress = Callable[[str, str], None]
#: Checks the rows of many sources at once: ``[(source id, rows per table)]`` → findings per source id.
BatchCheck = Callable[[list[tuple[str, dict[str, list[dict[str, str]]]]], Path], dict[str, list[Any]]]
#: Rows of the sources normalised since the last check before they are checked together.
CHECK_ROWS = 50_000
#: What :mod:`cowork_data.normalise.linking` compares, kept per space so that linking needs no full rows.
LINK_FIELDS = ("id", "source_id", "name", "street_address", "house_number", "latitude", "longitude", "comune_istat",
               "country", "commune_insee")


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
        "attribution": source.attribution,
        "published": str(prov.get("published", "")),
        "bytes": prov.get("bytes"),
        "download_url": _download_url(source, prov),
    }


def _download_url(source: Source, provenance: Mapping[str, Any]) -> str:
    """Where the snapshot's bytes come from: the data file a ``file`` harvest fetches, else the recorded URL."""
    from cowork_data.harvest.spec import harvest_spec

    spec = harvest_spec(source)
    return spec.url if spec.kind == "file" else str(provenance.get("url") or "")


def frames_of(tables: Mapping[str, Sequence[Mapping[str, str]]], root: Path | None) -> dict[str, pl.DataFrame]:
    """Canonical rows as string frames in schema field order (every field present)."""
    return batch_frames([tables], root)[0]


def batch_frames(batch: Sequence[Mapping[str, Sequence[Mapping[str, str]]]],
                 root: Path | None) -> list[dict[str, pl.DataFrame]]:
    """:func:`frames_of` of many sources' rows at once: one frame per table, cut into the sources' frames (a frame
    per source costs more than its rows when sources hold a few rows each); the ``spaces`` of a source also give its
    ``_links`` (:func:`link_frame`)."""
    out: list[dict[str, pl.DataFrame]] = [{} for _ in batch]
    names_seen = sorted({name for tables in batch for name in tables})
    for name in names_seen:
        names = fields(name, root)
        owners: list[int] = []
        rows: list[Mapping[str, str]] = []
        for k, tables in enumerate(batch):
            if name in tables:
                owners += [k] * len(tables[name])
                rows += tables[name]
        frame = pl.DataFrame({"_owner": owners, **{f: [row.get(f, "") for row in rows] for f in names}},
                             schema={"_owner": pl.Int64, **dict.fromkeys(names, pl.String)})
        parts = frame.partition_by("_owner", as_dict=True, include_key=False, maintain_order=True)
        empty = frame.clear().drop("_owner")
        # the link fields of the whole batch, then cut per source (a select per source costs more than its rows)
        links = link_frame(frame).hstack([frame["_owner"]]).partition_by(
            "_owner", as_dict=True, include_key=False, maintain_order=True) if name == "spaces" else {}
        no_links = link_frame(empty) if name == "spaces" else None
        for k, tables in enumerate(batch):
            if name in tables:
                out[k][name] = parts.get((k,), empty)
                if no_links is not None:
                    out[k]["_links"] = links.get((k,), no_links)
    return out


def rows_of(frame: pl.DataFrame) -> list[dict[str, str]]:
    return frame.to_dicts()


@dataclass
class Prepared:
    """The entries of the catalogue's sources, in source id order, and how many were rebuilt."""

    entries: list[Entry]
    rebuilt: list[str]


def prepare(root: Path, sources: Sequence[Source], *, cache: Cache, crosswalk: Crosswalk, comuni: Callable[[], Comuni],
            versions: str, check: BatchCheck | None, progress: Progress, index: Any = None) -> Prepared:
    """An entry per source: cached, or normalised (and, with ``check``, validated) now; new entries are ``dirty``
    (saved with their graph). ``comuni`` gives the ISTAT list, read only if a source is normalised. Sources are
    checked many at a time (the checks' cost is per table, not per row). With ``index``
    (:class:`cowork_data.pipeline.inputs.SourceIndex`), a source whose files kept their file system facts is
    taken from the cache without reading its snapshot."""
    entries: list[Entry | None] = []
    rebuilt: list[str] = []
    pending: list[tuple[int, Source, dict[str, Any], dict[str, list[dict[str, str]]]]] = []
    notes: dict[str, dict[str, Any]] = {}

    def flush() -> None:
        findings = check([(s.id, rows) for _i, s, _info, rows in pending], root) if check else {}
        frames = batch_frames([rows for _i, _s, _info, rows in pending], root)
        for (i, source, info, _rows), tables in zip(pending, frames, strict=True):
            entries[i] = Entry(key=entry_key(source, info, crosswalk, versions), source_id=source.id, tables=tables,
                               findings=findings.get(source.id, []), crosswalk=crosswalk.rows(source.id), info=info,
                               notes=notes.get(source.id, {}), dirty=True)
            cache.save_tables(entries[i])  # read back when used: the build holds a batch of rows, not every source's
            if index:  # the key with the identifiers minted now, as the next build will compute it
                index.remember(source, index.facts(source, frozen(source.id)), entries[i].key)
        pending.clear()

    def frozen(source_id: str) -> str:
        return "\n".join("\t".join(row) for row in crosswalk.rows(source_id))

    rows_pending = 0
    listed: Comuni | None = None
    # A source's facts and known key do not change while others are normalised (a source's ids are its own).
    facts_of = [index.facts(source, frozen(source.id)) if index else "" for source in sources]
    known_of = [index.key(source, facts) if index else None for source, facts in zip(sources, facts_of, strict=True)]
    with ReadAhead([snapshot_files(root, s) for s, known in zip(sources, known_of, strict=True) if not known]) as ahead:
        for n, source in enumerate(sources, 1):
            facts, known = facts_of[n - 1], known_of[n - 1]
            entry = cache.load(source.id, known) if known else None
            if entry is not None:
                entries.append(entry)
                continue
            if not known:
                ahead.advance()
            snapshot = load_snapshot(source, root)
            info = source_info(source, snapshot)
            key = entry_key(source, info, crosswalk, versions)
            if index:
                index.remember(source, facts, key)
            entry = cache.load(source.id, key)
            entries.append(entry)
            if entry is not None:
                continue
            if not rebuilt or len(rebuilt) % 500 == 0:
                progress("normalise", f"{source.id} ({n}/{len(sources)})")
            if listed is None:
                listed = comuni()
            rows = normalise(source, snapshot, comuni=listed, crosswalk=crosswalk, notes=notes)
            pending.append((len(entries) - 1, source, info, rows))
            rebuilt.append(source.id)
            rows_pending += sum(map(len, rows.values()))
            if rows_pending >= CHECK_ROWS:
                flush()
                rows_pending = 0
    flush()
    return Prepared(entries=[e for e in entries if e is not None], rebuilt=rebuilt)


def entry_key(source: Source, info: Mapping[str, Any], crosswalk: Crosswalk, versions: str) -> str:
    """What a source's tables depend on: its snapshot, its catalogue file, its frozen ids and the versions."""
    frozen = "\n".join("\t".join(row) for row in crosswalk.rows(source.id))
    return digest(versions, str(info.get("sha256", "")), source.path.read_bytes(), frozen,
                  repr(sorted(info.items())))


def link_frame(spaces: pl.DataFrame) -> pl.DataFrame:
    """The fields linking compares (those the table has)."""
    return spaces.select(f for f in LINK_FIELDS if f in spaces.columns)
