"""Atomic publishing: stage a whole release, then swap it into place under a journal.

The published items are ``datapackage.json``, ``data/`` and the embedded store ``build/store``. A release is
written completely into ``build/.stage`` first; only then a journal is written and each item is renamed into
place. A crash before the journal leaves the previous release untouched (the stage is discarded on the next
run); a crash after it is rolled forward by :func:`recover`, because the stage is known to be complete.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from cowork_data.errors import PublishError

#: Marks a stage published without the store (its old store is moved out).
NO_STORE = ".no-store"
#: Published items: path in the stage → path under the output root.
ITEMS: tuple[tuple[str, str], ...] = (
    ("data", "data"),
    ("store", "build/store"),
    ("datapackage.json", "datapackage.json"),
)


def _paths(output: Path) -> tuple[Path, Path, Path]:
    build = output / "build"
    return build / ".stage", build / ".old", build / "publish.journal"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def recover(output: Path) -> str:
    """Finish or discard an interrupted publish; returns ``"rolled-forward"``, ``"cleaned"`` or ``"clean"``."""
    stage, old, journal = _paths(output)
    state = "clean"
    if journal.exists():
        _swap(output, stage, old)
        journal.unlink()
        state = "rolled-forward"
    for leftover in (stage, old):
        if leftover.exists():
            _remove(leftover)
            state = "cleaned" if state == "clean" else state
    return state


def _swap(output: Path, stage: Path, old: Path) -> None:
    old.mkdir(parents=True, exist_ok=True)
    without_store = (stage / NO_STORE).exists()
    for staged_name, target_name in ITEMS:
        staged, target = stage / staged_name, output / target_name
        if staged_name == "store" and without_store:  # the old store goes with the old release
            if target.exists():
                aside = old / staged_name
                _remove(aside)
                target.rename(aside)
            continue
        if not staged.exists() and not staged.is_symlink():
            continue  # already moved in by an earlier, interrupted swap
        if target.exists():
            aside = old / staged_name
            _remove(aside)
            target.rename(aside)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(target)
    _fsync_dir(output)


def publish(output: Path, write: Callable[[Path], None], *, store: bool = True) -> None:
    """Call ``write(stage)`` to produce a complete release in a fresh stage, then swap it into ``output``.

    ``store=False``: a release without the SPARQL store (``build --no-store``); a store published before is moved
    out with the old release, since it no longer matches the files.
    """
    output.mkdir(parents=True, exist_ok=True)
    recover(output)
    stage, old, journal = _paths(output)
    stage.mkdir(parents=True)
    try:
        write(stage)
    except BaseException:
        _remove(stage)
        raise
    for staged_name, _ in ITEMS:
        if staged_name == "store" and not store:
            (stage / NO_STORE).touch()
            continue
        if not (stage / staged_name).exists():
            _remove(stage)
            raise PublishError("error.publish-incomplete", item=staged_name)
    journal.write_text(json.dumps({"stage": str(stage)}), encoding="utf-8")
    with journal.open("rb") as fh:
        os.fsync(fh.fileno())
    _swap(output, stage, old)
    journal.unlink()
    _remove(stage)
    _remove(old)


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename, so a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)
