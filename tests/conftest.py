"""Shared fixtures: the project root and one release built from the shipped snapshots per test session.

Test hygiene, for every run (also under pytest-xdist, where the hooks below run in the controller):

- nothing is written into the repository: figures and screenshots go to :data:`ARTIFACTS`, a directory outside it
  (``$COWORK_DATA_TEST_ARTIFACTS``, or a fresh temporary directory per run), and the run fails when
  ``git status`` differs at its end from its start (:func:`repository_state`);
- the run prints its wall time and the figures the hardening tests measured.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_STARTED = time.monotonic()
_SESSION_START = time.time()


def _artifacts() -> Path:
    folder = os.environ.get("COWORK_DATA_TEST_ARTIFACTS")
    if not folder:  # the controller makes one per run; xdist workers and child processes inherit it
        folder = tempfile.mkdtemp(prefix="cowork-data-test-")
        os.environ["COWORK_DATA_TEST_ARTIFACTS"] = folder
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


#: Where tests put what a person may want to look at after the run (screenshots, figures): never the repository.
ARTIFACTS = _artifacts()

#: The toolkit's own cache (the validator's compiled shapes) is the run's too: tests leave nothing in the user's
#: ~/.cache, and each run starts from a cold cache.
os.environ["COWORK_DATA_CACHE"] = str(ARTIFACTS / "cache")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - the pipeline's Release
    """A release built offline into a temporary directory (the repository's own data/ stays untouched), once per
    run: under xdist the first worker that needs it builds it into the run's shared temporary directory, under a
    lock, and the others read it there (the tests only read a release; those that change one copy it)."""
    from cowork_data.pipeline import build

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp("release")
        return build(root=copy_project(tmp_path_factory.mktemp("work") / "root"), output=out)
    shared = tmp_path_factory.getbasetemp().parent / "release"  # the run's folder, above each worker's own
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = shared / "result.pickle"
        if not made.exists():  # (a worker whose build failed leaves no result: the next one builds afresh)
            work = Path(tempfile.mkdtemp(dir=shared))
            result = build(root=copy_project(work / "root"), output=work / "out")
            made.write_bytes(pickle.dumps(result))
        return pickle.loads(made.read_bytes())  # noqa: S301 - written just above by this run


#: The sources of the Italian project alone (without the French national inventory): a build of ~2 s instead of ~15,
#: for the tests whose property does not depend on the size of the data (crash safety, renaming a space).
WITHOUT_FRANCE = ("cget-tiers-lieux-2019",)


def copy_project(dest: Path, *, without: tuple[str, ...] = ()) -> Path:
    """A copy of the project's inputs (no published files), so a test build never rewrites committed files;
    ``without`` leaves those sources (by id) out of the copy's catalogue."""
    skip = shutil.ignore_patterns(".venv", "build", ".git", "data", "datapackage.json", "__pycache__", ".pytest_cache",
                                  ".ruff_cache", "test-artifacts")
    shutil.copytree(ROOT, dest, ignore=skip)
    for source_id in without:
        (dest / "sources" / f"{source_id}.toml").unlink()
    return dest


def figures(name: str, data: object) -> None:
    """Record a test's figures: printed in the run's summary and kept in ``ARTIFACTS/{name}-figures.json``."""
    path = ARTIFACTS / f"{name}-figures.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


# The order in which the test modules are handed to the xdist workers

#: The modules that take longest (measured in full runs, docs/decisions.md §15 "The suite's wall time"), longest
#: first. `make test` hands whole modules to its two workers in collection order (``--dist loadfile
#: --no-loadscope-reorder``), so these start first and the many short modules fill the gaps around them
#: (longest-first scheduling); without it the longest module, one test, started last and ran alone.
#: A module missing here only runs later; the order changes no test's outcome.
SLOWEST_FIRST = (
    "test_crash_safety", "test_pipeline", "test_site_build", "test_engines_shacl", "test_graph_files",
    "test_engines_build", "test_corpus", "test_site_browser", "test_build", "test_load", "test_sparql_browser",
    "test_validator_serve",
    "test_release", "test_push", "test_readme", "test_privacy", "test_notebooks", "test_validator_template",
    "test_frozen_ids", "test_france", "test_catalog", "test_queries", "test_harvest_http",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: the rest keep their order


# Nothing written into the repository

#: Paths that running Python and pytest may create or change: caches, the virtualenv, the editable install.
_ALLOWED = (".venv/", ".pytest_cache/", ".ruff_cache/", "cowork_data.egg-info/")


def repository_state(root: Path = ROOT) -> dict[str, tuple[str, int, int]] | None:
    """Every path ``git status`` reports (ignored ones too, but not caches), with its status, size and mtime;
    ``None`` outside a git checkout."""
    try:
        proc = subprocess.run(["git", "status", "--porcelain", "-z", "--ignored"], cwd=root, capture_output=True,
                              timeout=120, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    state: dict[str, tuple[str, int, int]] = {}
    entries = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    for entry in entries:
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if path.startswith(_ALLOWED) or "__pycache__" in path.split("/"):
            continue
        try:
            stat = (root / path).stat()
            state[path] = (status, *_tree(root / path)) if path.endswith("/") else \
                (status, stat.st_size, stat.st_mtime_ns)
        except OSError:
            state[path] = (status, -1, -1)
    return state


def _tree(folder: Path) -> tuple[int, int]:
    """A folder git reports whole (untracked or ignored): how many files it holds and their latest mtime, so a
    file written or rewritten anywhere inside shows."""
    count, latest = 0, folder.stat().st_mtime_ns
    for base, _dirs, files in os.walk(folder):
        for name in files:
            try:
                latest = max(latest, os.stat(os.path.join(base, name), follow_symlinks=False).st_mtime_ns)
                count += 1
            except OSError:
                continue
    return count, latest


def changed_paths(before: dict[str, tuple[str, int, int]], after: dict[str, tuple[str, int, int]]) -> list[str]:
    """The paths whose git status, size or mtime differ between two :func:`repository_state` snapshots."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def _controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")  # an xdist worker has workerinput


def pytest_sessionstart(session: pytest.Session) -> None:
    if _controller(session.config):
        session.config.stash[_BEFORE] = repository_state()


_BEFORE = pytest.StashKey[dict | None]()
_WRITTEN = pytest.StashKey[list[str]]()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _controller(session.config):
        return
    before = session.config.stash.get(_BEFORE, None)
    after = repository_state() if before is not None else None
    written = changed_paths(before, after) if before is not None and after is not None else []
    session.config.stash[_WRITTEN] = written
    if written:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Print the figures the hardening tests measured in this run (load, corpus, crash safety, …), what the run
    wrote into the repository (it must be nothing) and the run's wall time."""
    fresh = sorted(p for p in ARTIFACTS.glob("*-figures.json") if p.stat().st_mtime >= _SESSION_START)
    if fresh:
        terminalreporter.section("figures measured by this run")
        for path in fresh:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):  # the totals, not the per-item lists
                data = {k: v for k, v in data.items() if len(json.dumps(v)) < 300}
            name = path.name.removesuffix("-figures.json")
            terminalreporter.write_line(f"{name}: {json.dumps(data, ensure_ascii=False)}")
    written = config.stash.get(_WRITTEN, [])
    if written:
        terminalreporter.section("the tests wrote into the repository", red=True)
        for path in written:
            terminalreporter.write_line(f"  {path}")
        terminalreporter.write_line("Tests write into tmp_path or tests.conftest.ARTIFACTS, never into the checkout.")
    workers = getattr(config.option, "numprocesses", None) or 0
    terminalreporter.write_sep("-", f"suite wall time {time.monotonic() - _STARTED:.1f} s on {os.cpu_count()} CPUs"
                                    f" ({workers or 'no'} xdist workers); artifacts in {ARTIFACTS}")
