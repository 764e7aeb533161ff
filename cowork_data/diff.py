"""Differences between two harvests of one source: spaces added, removed and changed field by field.

Both files are read with the source's adapter and normaliser, and spaces are matched on their id, which the
crosswalk keys on the source's own record id (or on name + address when the source has none), so a renamed
space with a record id is a change, not a removal plus an addition.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowork_data.config import Source, load_sources, project_root
from cowork_data.errors import UsageError
from cowork_data.harvest.snapshot import Snapshot, provenance_path
from cowork_data.normalise import Crosswalk, normalise
from cowork_data.normalise.ids import CROSSWALK_FILE
from cowork_data.reference import load_comuni

__all__ = ["Change", "SnapshotDiff", "diff_snapshots"]

#: fields that say where a row is, not what it says
_POSITION = frozenset({"source_record"})


@dataclass(frozen=True)
class Change:
    id: str
    field: str
    old: str
    new: str


@dataclass
class SnapshotDiff:
    source_id: str
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "added": [{"id": r["id"], "name": r["name"]} for r in self.added],
            "removed": [{"id": r["id"], "name": r["name"]} for r in self.removed],
            "changed": [{"id": c.id, "field": c.field, "old": c.old, "new": c.new} for c in self.changed],
        }


def _source_of(path: Path, sources: dict[str, Source]) -> str:
    meta = provenance_path(path)
    if meta.exists():
        try:
            source_id = json.loads(meta.read_text(encoding="utf-8")).get("source_id", "")
        except ValueError:
            source_id = ""
        if source_id in sources:
            return source_id
    return next((s for s in sources if s in path.parts), "")


def _spaces(source: Source, path: Path, crosswalk: Crosswalk) -> dict[str, dict[str, str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError("error.file-unreadable", path=path, detail=exc) from exc
    snapshot = Snapshot(source_id=source.id, path=path, data=data, provenance={})
    rows = normalise(source, snapshot, comuni=load_comuni(), crosswalk=crosswalk).get("spaces", [])
    return {row["id"]: row for row in rows}


def diff_snapshots(old: Path, new: Path, *, source_id: str = "", root: Path | None = None) -> SnapshotDiff:
    """Spaces added, removed and changed between two snapshot files of one source (`source_id` or guessed from
    the provenance beside the files or their path)."""
    root = Path(root) if root else project_root()
    sources = {s.id: s for s in load_sources(root)}
    source_id = source_id or _source_of(Path(old), sources) or _source_of(Path(new), sources)
    if source_id not in sources:
        raise UsageError("error.diff-source-missing")
    source = sources[source_id]
    if "spaces" not in source.tables:
        raise UsageError("error.diff-no-spaces", source=source_id)
    crosswalk = Crosswalk.load(root / CROSSWALK_FILE)
    before = _spaces(source, Path(old), copy.deepcopy(crosswalk))
    after = _spaces(source, Path(new), copy.deepcopy(crosswalk))
    result = SnapshotDiff(source_id=source_id)
    result.added = [after[i] for i in sorted(after.keys() - before.keys())]
    result.removed = [before[i] for i in sorted(before.keys() - after.keys())]
    for space_id in sorted(before.keys() & after.keys()):
        for name, value in before[space_id].items():
            if name not in _POSITION and after[space_id].get(name, "") != value:
                result.changed.append(Change(space_id, name, value, after[space_id].get(name, "")))
    return result
