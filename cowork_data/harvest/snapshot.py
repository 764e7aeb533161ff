"""Recorded snapshots: the raw bytes of a source as fetched, with their provenance beside them.

`<file>` holds the bytes unchanged; `<file>.provenance.json` holds url, final_url, retrieved_at, status, headers,
sha256, licence, fixture and note. Reading a snapshot checks the bytes against the recorded sha256.

A source recorded as several files (the curated ones: one CSV per table) gives one composite `Snapshot` whose
`parts` are the files; its `data` is the `sha256sum`-style manifest of the parts, so its sha256 still pins
every byte.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowork_data import i18n
from cowork_data.config import Source, project_root
from cowork_data.errors import HarvestError

__all__ = ["PROVENANCE_SUFFIX", "Snapshot", "load_snapshot", "provenance_path"]

PROVENANCE_SUFFIX = ".provenance.json"


@dataclass(frozen=True)
class Snapshot:
    """The bytes of one recording of a source and where they came from."""

    source_id: str
    path: Path
    data: bytes = field(repr=False)
    provenance: dict[str, Any] = field(hash=False)
    parts: tuple[Snapshot, ...] = ()

    @property
    def files(self) -> tuple[Snapshot, ...]:
        """The single-file snapshots this one is made of (itself when it is one file)."""
        return self.parts or (self,)


def provenance_path(path: Path) -> Path:
    """Where the provenance of a snapshot file is recorded."""
    return path.with_name(path.name + PROVENANCE_SUFFIX)


def _error(source: Source, path: Path, what: i18n.Text) -> HarvestError:
    return HarvestError("error.snapshot", source=source.id, path=path, what=what)


def _read(source: Source, path: Path) -> Snapshot:
    meta_path = provenance_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(source, path, i18n.Text.of("error.snapshot.missing")) from exc
    try:
        provenance = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _error(source, meta_path, i18n.Text.of("error.snapshot.provenance")) from exc
    expected = provenance.get("sha256") if isinstance(provenance, dict) else None
    actual = hashlib.sha256(data).hexdigest()
    if expected != actual:
        raise _error(source, path, i18n.Text.of("error.snapshot.sha256", actual=actual, expected=expected))
    return Snapshot(source_id=source.id, path=path, data=data, provenance=provenance)


def _composite(source: Source, parts: list[Snapshot]) -> Snapshot:
    directory = Path(os.path.commonpath([p.path.parent for p in parts]))
    manifest = "".join(f"{p.provenance['sha256']}  {p.path.relative_to(directory)}\n" for p in parts).encode()
    first = parts[0].provenance
    provenance = {
        "url": first.get("url"),
        "retrieved_at": max(str(p.provenance.get("retrieved_at") or "") for p in parts),
        "sha256": hashlib.sha256(manifest).hexdigest(),
        "licence": first.get("licence"),
        "fixture": any(bool(p.provenance.get("fixture")) for p in parts),
        "note": first.get("note", ""),
        "files": {str(p.path.relative_to(directory)): p.provenance for p in parts},
    }
    return Snapshot(source_id=source.id, path=directory, data=manifest, provenance=provenance, parts=tuple(parts))


def load_snapshot(source: Source, root: Path | None = None) -> Snapshot:
    """The recorded snapshot of `source` (under `root`, default the project root), checked against its sha256."""
    base = root or project_root()
    parts = [_read(source, base / relative) for relative in source.snapshots]
    return parts[0] if len(parts) == 1 else _composite(source, parts)
