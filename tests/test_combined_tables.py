"""Every source's rows of a table, kept between builds (``pipeline.tables.Combined``): a rebuild replaces the rows
of the changed sources, reads a kept table only when some of its rows change, and a table whose keys are missing
or are not its own (a build killed while writing it) is made again from every source."""

from __future__ import annotations

import pickle
from pathlib import Path

import polars as pl
import pytest

from cowork_data.pipeline.cache import Entry
from cowork_data.pipeline.tables import Combined


def _entries(version: dict[str, int]) -> list[Entry]:
    """INVENTED sources: source ``s{n}`` has ``n + 1`` spaces named after its version; ``notes`` only in s1."""
    out = []
    for n, (sid, v) in enumerate(sorted(version.items())):
        tables = {"spaces": pl.DataFrame({"id": [f"{sid}-{i}" for i in range(n + 1)],
                                          "name": [f"Spazio {sid} v{v}"] * (n + 1)})}
        if sid == "s1":
            tables["notes"] = pl.DataFrame({"text": [f"nota v{v}"]})
        out.append(Entry(key=f"{sid}:{v}", source_id=sid, tables=tables, findings=[]))
    return out


def _fresh(entries: list[Entry], name: str) -> pl.DataFrame | None:
    return Combined(entries).table(name)


def test_a_rebuild_replaces_the_changed_rows_and_reads_only_the_changed_tables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    version = {f"s{n}": 0 for n in range(6)}
    first = Combined(_entries(version), tmp_path)
    assert first.table("spaces").equals(_fresh(_entries(version), "spaces"))  # type: ignore[union-attr]
    assert (tmp_path / "spaces.keys").is_file() and (tmp_path / "notes.keys").is_file()
    version["s3"] = 1
    entries = _entries(version)
    read: list[str] = []
    real = pickle.loads
    monkeypatch.setattr(pickle, "loads", lambda data: read.append(len(data)) or real(data))
    again = Combined(entries, tmp_path)
    again._prime()  # noqa: SLF001
    notes_size = (tmp_path / "notes.pickle").stat().st_size
    assert notes_size not in read  # the notes table kept all its rows: not read
    monkeypatch.undo()
    assert again.table("spaces").equals(_fresh(entries, "spaces"))  # type: ignore[union-attr]
    assert again.table("notes").equals(_fresh(entries, "notes"))  # type: ignore[union-attr]


@pytest.mark.parametrize("damage", ["keys missing", "keys of another table"])
def test_a_table_whose_keys_are_not_its_own_is_made_again(tmp_path: Path, damage: str) -> None:
    version = {f"s{n}": 0 for n in range(6)}
    Combined(_entries(version), tmp_path).table("spaces")
    old_keys = (tmp_path / "spaces.keys").read_bytes()
    version["s2"] = 1
    Combined(_entries(version), tmp_path).table("spaces")
    if damage == "keys missing":
        (tmp_path / "spaces.keys").unlink()
    else:  # the table of the second build beside the keys of the first
        (tmp_path / "spaces.keys").write_bytes(old_keys)
    version["s2"], version["s4"] = 0, 1  # back to the first build's s2: its recorded keys match it
    entries = _entries(version)
    assert Combined(entries, tmp_path).table("spaces").equals(_fresh(entries, "spaces"))  # type: ignore[union-attr]
