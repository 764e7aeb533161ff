"""The build cache (``{output}/build/cache``): what a source gave, keyed by everything it depends on.

A source's entry holds its canonical tables (read on first use, :class:`Tables`), its table findings, the lines of
its named graph (sorted, unique N-Quads), the comuni its rows name and the figures the catalogue counts. The entry's
key is the sha256 of the snapshot's sha256, the source's catalogue file, the frozen ids the crosswalk holds for the
source, the versions of the code, the Table Schemas, the declaration and the reference lists, and the values other
tables lend the source's mapping (a call's publisher funds its awards). Entries are written into a temporary
directory and renamed into place, so an interrupted build leaves no half entry. ``manifest.json`` describes the last
published release: the keys it was built from and the files it holds, so a rebuild knows what it may reuse.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data import __version__

__all__ = ["Cache", "Entry", "Tables", "code_version", "digest", "let_go", "table_rows", "tree_digest"]

FORMAT = 2  # of the entries; a new layout invalidates every entry


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def tree_digest(paths: Iterable[Path], root: Path) -> str:
    """sha256 over the relative names and bytes of files (directories: every file below them)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        elif path.is_file():
            files.append(path)
    h = hashlib.sha256()
    for file in sorted(set(files)):
        h.update(str(file.relative_to(root) if file.is_relative_to(root) else file).encode("utf-8") + b"\0")
        h.update(hashlib.sha256(file.read_bytes()).digest())
    return h.hexdigest()


@cache
def code_version() -> str:
    """The toolkit's version and the sha256 of its code and shipped reference lists (any change of either counts)."""
    package = Path(__file__).resolve().parents[1]
    return digest(__version__, str(FORMAT), tree_digest([package, package.parent / "reference"], package.parent))


class Tables(Mapping[str, pl.DataFrame]):
    """A source's tables in the cache (``{key}.tables``), read on first use: a build that does not map, check or
    combine a source's rows again never reads them, and holds them only while it uses them. ``rows``: the rows
    per table, known without reading."""

    def __init__(self, path: Path, rows: Mapping[str, int]) -> None:
        self.path = path
        self.rows = dict(rows)
        self._frames: dict[str, pl.DataFrame] | None = None

    def __getitem__(self, name: str) -> pl.DataFrame:
        if self._frames is None:
            if name not in self.rows:
                return {}[name]  # the KeyError of a mapping, without reading the file
            self._frames = pickle.loads(self.path.read_bytes())
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, name: object) -> bool:
        return name in self.rows

    def release(self) -> None:
        """Let go of the frames read (they are read again when used)."""
        self._frames = None

    @property
    def loaded(self) -> bool:
        """Whether the frames are in memory (read and not let go)."""
        return self._frames is not None


def let_go(entry: Entry) -> None:
    """Let go of the frames an entry's cached tables read (they are read again when used)."""
    if isinstance(entry.tables, Tables):
        entry.tables.release()


def table_rows(tables: Mapping[str, pl.DataFrame], name: str) -> int:
    """The rows of one of a source's tables (without reading a cached one)."""
    return tables.rows[name] if isinstance(tables, Tables) else len(tables[name])


@dataclass
class Entry:
    """What one source gave (see the module docstring); ``dirty``: built in this run, not yet saved."""

    key: str
    source_id: str
    tables: Mapping[str, pl.DataFrame]
    findings: list[Any]
    graph: Path | None = None
    cities: list[tuple[str, str, str]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    crosswalk: list[tuple[str, str, str, str]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    #: What the source's reader dropped or could not place (:func:`cowork_data.normalise.normalise`'s notes).
    notes: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False


class Cache:
    """Entries as ``{output}/build/cache/sources/{source_id}/{key}.entry`` (what the source gave, one pickle),
    ``{key}.tables`` (its tables, one pickle) and ``{key}.nq`` (its graph's lines); a source keeps its newest entry
    only."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sources = directory / "sources"

    def path(self, source_id: str, key: str) -> Path:
        return self.sources / source_id / f"{key}.entry"

    def load(self, source_id: str, key: str) -> Entry | None:
        """The entry of ``source_id`` under ``key``, or None (missing, or unreadable: it is then rebuilt)."""
        where = self.path(source_id, key)
        try:
            meta = pickle.loads(where.read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError):
            return None
        tables = where.with_suffix(".tables")
        if not isinstance(meta, dict) or "rows" not in meta or not tables.is_file():
            return None
        graph = where.with_suffix(".nq")
        return Entry(key=key, source_id=source_id, tables=Tables(tables, meta["rows"]), findings=meta["findings"],
                     graph=graph if graph.exists() else None, cities=meta["cities"], stats=meta["stats"],
                     crosswalk=meta["crosswalk"], info=meta["info"], notes=meta.get("notes", {}))

    def save_tables(self, entry: Entry) -> None:
        """Write the entry's tables (by rename) and let it read them back when they are used; what else the entry
        holds is written by :meth:`save`, which alone makes the entry loadable."""
        final = self.path(entry.source_id, entry.key).with_suffix(".tables")
        if isinstance(entry.tables, Tables) and entry.tables.path == final:
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        tables = {name: entry.tables[name] for name in entry.tables}
        tmp = final.with_name(f".{entry.key}.{os.getpid()}.tables.tmp")
        tmp.write_bytes(pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, final)
        entry.tables = Tables(final, {name: frame.height for name, frame in tables.items()})

    def save(self, entry: Entry, graph_lines: Path | None) -> Entry:
        """Write ``entry`` (its tables, and ``graph_lines`` moved beside it) by renames; the source's other entries
        go. The entry then reads its tables back from the cache when they are used again."""
        final = self.path(entry.source_id, entry.key)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.save_tables(entry)
        assert isinstance(entry.tables, Tables)
        meta = {"rows": entry.tables.rows, "findings": entry.findings, "cities": entry.cities, "stats": entry.stats,
                "crosswalk": entry.crosswalk, "info": entry.info, "notes": entry.notes}
        tmp = final.with_name(f".{entry.key}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL))
        if graph_lines is not None:  # the lines first: an entry never names lines that are not there
            graph_lines.replace(final.with_suffix(".nq"))
        os.replace(tmp, final)
        for other in final.parent.iterdir():
            if other.name.split(".")[0] != entry.key:
                other.unlink(missing_ok=True)
        entry.graph = final.with_suffix(".nq") if final.with_suffix(".nq").exists() else None
        entry.tables.release()  # what was read is let go
        return entry

    def forget(self, keep: set[str]) -> None:
        """Remove the entries of sources that are no longer in the catalogue."""
        if not self.sources.is_dir():
            return
        for directory in self.sources.iterdir():
            if directory.name not in keep:
                shutil.rmtree(directory, ignore_errors=True)

    # the manifest of the published release

    def manifest(self) -> dict[str, Any]:
        try:
            return json.loads((self.directory / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def write_manifest(self, data: Mapping[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".manifest.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.directory / "manifest.json")
