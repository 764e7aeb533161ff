"""Shared fixtures: the project root and one release built from the shipped snapshots per test session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory):
    """A release built offline into a temporary directory (the repository's own data/ stays untouched)."""
    from cowork_data.pipeline import build

    out = tmp_path_factory.mktemp("release")
    return build(root=copy_project(tmp_path_factory.mktemp("work") / "root"), output=out)


def copy_project(dest: Path) -> Path:
    """A copy of the project's inputs (no published files), so a test build never rewrites committed files."""
    skip = shutil.ignore_patterns(".venv", "build", ".git", "data", "datapackage.json", "__pycache__", ".pytest_cache",
                                  ".ruff_cache", "test-artifacts")
    shutil.copytree(ROOT, dest, ignore=skip)
    return dest


def figures(name: str, data: object) -> None:
    """Record a test's figures: printed in the run's summary and kept in ``test-artifacts/{name}-figures.json``."""
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}-figures.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


_SESSION_START = __import__("time").time()


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest's hook signature
    """Print the figures the hardening tests measured in this run (load, corpus, crash safety, …)."""
    folder = ROOT / "test-artifacts"
    fresh = sorted(p for p in folder.glob("*-figures.json") if p.stat().st_mtime >= _SESSION_START) \
        if folder.is_dir() else []
    if not fresh:
        return
    terminalreporter.section("figures measured by this run")
    for path in fresh:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):  # the totals, not the per-item lists
            data = {k: v for k, v in data.items() if len(json.dumps(v)) < 300}
        name = path.name.removesuffix("-figures.json")
        terminalreporter.write_line(f"{name}: {json.dumps(data, ensure_ascii=False)}")
