"""The snapshot store: the last good snapshot of each source, and an archive of every harvest.

The last good snapshot is the file named by the source's `snapshot` key (what the build reads), with its
`.provenance.json`. A new harvest is first written to the archive, `build/harvests/<source>/<time>-<sha12>/`
(accepted) or `build/harvests/<source>/rejected/<time>-<sha12>/` (failed the shape checks, kept for inspection);
only an accepted one then replaces the last good snapshot, each file through a temporary file and `os.replace`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cowork_data.config import Source
from cowork_data.harvest.snapshot import provenance_path

__all__ = ["ARCHIVE", "archive", "provenance_json", "replace_last_good"]

ARCHIVE = Path("build") / "harvests"


def provenance_json(provenance: dict[str, Any]) -> bytes:
    return (json.dumps(provenance, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def archive(root: Path, source: Source, data: bytes, provenance: dict[str, Any], *, rejected: bool = False) -> Path:
    """Keep a harvest in the archive; returns the path of its data file."""
    stamp = str(provenance.get("retrieved_at", "")).replace(":", "").replace("-", "")
    sha = hashlib.sha256(data).hexdigest()[:12]
    folder = root / ARCHIVE / source.id / ("rejected" if rejected else "") / f"{stamp}-{sha}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(source.snapshots[0]).name
    _write(path, data)
    _write(provenance_path(path), provenance_json(provenance))
    return path


def replace_last_good(root: Path, source: Source, data: bytes, provenance: dict[str, Any]) -> Path:
    """Make these bytes the source's last good snapshot (data first, then its provenance)."""
    path = root / source.snapshots[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, data)
    _write(provenance_path(path), provenance_json(provenance))
    return path
