"""Atomic publishing: a failed or interrupted publish never leaves a half-written release."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cowork_data import atomic


def release(stage: Path, tag: str) -> None:
    (stage / "data").mkdir()
    (stage / "data" / "spaces.csv").write_text(f"id\n{tag}\n")
    (stage / "store").mkdir()
    (stage / "store" / "db").write_text(tag)
    (stage / "datapackage.json").write_text(f'{{"version": "{tag}"}}')


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_publish_replaces_the_release(tmp_path: Path) -> None:
    atomic.publish(tmp_path, lambda s: release(s, "1"))
    atomic.publish(tmp_path, lambda s: release(s, "2"))
    assert (tmp_path / "data" / "spaces.csv").read_text() == "id\n2\n"
    assert (tmp_path / "build" / "store" / "db").read_text() == "2"
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["store"]


def test_failure_while_writing_keeps_the_old_release(tmp_path: Path) -> None:
    atomic.publish(tmp_path, lambda s: release(s, "1"))
    before = digest(tmp_path)

    def broken(stage: Path) -> None:
        (stage / "data").mkdir()
        (stage / "data" / "spaces.csv").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic.publish(tmp_path, broken)
    assert digest(tmp_path) == before


def test_interrupted_swap_is_rolled_forward(tmp_path: Path) -> None:
    atomic.publish(tmp_path, lambda s: release(s, "1"))
    stage, old, journal = atomic._paths(tmp_path)
    stage.mkdir(parents=True)
    release(stage, "2")
    journal.write_text("{}")
    # Crash after moving data/ in, before the store and the descriptor.
    old.mkdir()
    (tmp_path / "data").rename(old / "data")
    (stage / "data").rename(tmp_path / "data")
    assert atomic.recover(tmp_path) == "rolled-forward"
    assert (tmp_path / "datapackage.json").read_text() == '{"version": "2"}'
    assert (tmp_path / "build" / "store" / "db").read_text() == "2"
    assert not stage.exists() and not old.exists() and not journal.exists()


def test_stage_without_journal_is_discarded(tmp_path: Path) -> None:
    atomic.publish(tmp_path, lambda s: release(s, "1"))
    before = digest(tmp_path)
    stage, _, _ = atomic._paths(tmp_path)
    stage.mkdir(parents=True)
    (stage / "data").mkdir()
    assert atomic.recover(tmp_path) == "cleaned"
    assert digest(tmp_path) == before
