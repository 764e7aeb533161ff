"""The graph stage in batches (issue 14): with more than one batch, the privacy scan of each batch's literals runs in
a process of its own; the findings, and where they are reported, are those of one batch scanned in the build's
process. INVENTED DATA: the generated project of ``bench/project.py`` with one invented person's name planted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.project import write_project
from cowork_data.errors import ValidationFailed
from cowork_data.pipeline import build
from cowork_data.pipeline import graphs as graph_stage
from tests.test_pipeline import rerecord

#: An invented person (not a real one), planted in one space's description.
PLANTED = "Fondato da Mario Rossi nel 2019."


def _plant(root: Path) -> str:
    """Put :data:`PLANTED` in the first comune's CSV list (its sha256 recorded again); returns its source id."""
    snapshot = min((root / "sources" / "snapshots").glob("spazi-*/spazi.csv"))
    data = snapshot.read_bytes()
    changed = data.replace(b";Spazio inventato numero", f";{PLANTED} Spazio inventato numero".encode(), 1)
    assert changed != data
    rerecord(snapshot, changed)
    return snapshot.parent.name


def _privacy(root: Path, out: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        build(root=root, output=out)
    report = failed.value.report
    return sorted((f.code, f.file, f.value) for f in report.findings if f.code.startswith("privacy-"))


def test_batches_scanned_in_another_process_find_what_one_batch_finds(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    write_project(root, spaces=60, seed=3, defects=0.0)
    source_id = _plant(root)
    one_batch = _privacy(root, tmp_path / "one")
    assert ("privacy-person-name", f"data/graph (graph/{source_id})", "Mario Rossi") in one_batch

    calls: list[int] = []
    pool = graph_stage.ProcessPoolExecutor

    class Counted(pool):  # type: ignore[misc, valid-type]
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(len(args[0]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(graph_stage, "BATCH_ROWS", 20)
    monkeypatch.setattr(graph_stage, "spawn_safe", lambda: True)  # however pytest was started
    monkeypatch.setattr(graph_stage, "ProcessPoolExecutor", Counted)
    assert _privacy(root, tmp_path / "batches") == one_batch
    assert len(calls) > 2 and all(calls)  # several batches, each scanned in the other process


def test_a_script_without_a_main_guard_is_not_run_again_by_the_scanning_process(tmp_path: Path) -> None:
    """The worker is started by ``spawn``, which imports the main module: a user's script calling ``build`` at its
    top level would run again there, so the scan stays in process for it; ``python -c``, ``python -m`` and the
    ``cowork-data`` command start the worker."""
    check = "from cowork_data.pipeline.graphs import spawn_safe; print(spawn_safe())"
    script = tmp_path / "my_build.py"
    script.write_text(check + "\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]

    def answer(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=root, check=True,
                              env={**os.environ, "PYTHONPATH": str(root)})
        return done.stdout.strip()

    assert answer(str(script)) == "False"
    assert answer("-c", check) == "True"
