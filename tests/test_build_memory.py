"""What a build keeps in memory once its graph stage is done (issue 14, acceptance 4: memory flat with the number
of spaces): no source's rows. The stages after it — the graph files, the tables, the store, the catalogue — read
what they need from the cache, one table or one source at a time, and let it go; a rebuild (some sources taken from
the cache, one read again) keeps none either."""

from __future__ import annotations

import gc
from pathlib import Path

import polars as pl
import pytest

from bench.project import write_project
from cowork_data.pipeline import build, release
from cowork_data.pipeline.cache import Tables
from tests.test_pipeline import rerecord


def _rows_held(plan: release.Plan) -> list[str]:
    """What of the sources' rows the build holds: each entry's tables read and not let go, the plan's frames, and
    any frame alive with a column of the combined tables (``_src``: every source's rows of a table)."""
    gc.collect()
    held = [f"entry {e.source_id}" for e in plan.entries if not isinstance(e.tables, Tables) or e.tables.loaded]
    held += [f"plan.{name}" for name, value in vars(plan).items() if isinstance(value, pl.DataFrame)]
    held += [f"combined {name}" for name, frame in plan.combined.frames.items() if frame is not None]
    combined = [o for o in gc.get_objects() if isinstance(o, pl.DataFrame) and "_src" in o.columns]
    return held + [f"a combined frame of {len(f)} rows" for f in combined]


def test_after_the_graph_stage_the_build_holds_no_source_s_rows(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    write_project(root, spaces=40, seed=3)  # INVENTED DATA: one source per comune, operators and calls per region
    real = release.publish
    seen: list[tuple[str, list[str], list[str]]] = []

    def publish(plan: release.Plan, say):  # noqa: ANN001, ANN202 - the stage as the build calls it
        before = _rows_held(plan)
        result = real(plan, say)
        seen.append((str(len(plan.entries)), before, _rows_held(plan)))
        return result

    monkeypatch.setattr(release, "publish", publish)
    assert build(root=root, output=tmp_path / "out").published
    snapshot = sorted((root / "sources" / "snapshots").glob("spazi-*/spazi.csv"))[0]
    data = snapshot.read_bytes()
    rerecord(snapshot, data.replace(b"\nSpazio ", b"\nSpazio Rinnovato ", 1))
    again = build(root=root, output=tmp_path / "out")
    assert again.published and len(again.rebuilt) == 1
    assert len(seen) == 2 and int(seen[0][0]) > 40
    for _entries, before, after in seen:
        assert before == [] and after == []
