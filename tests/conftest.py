"""Shared fixtures: the project root and one release built from the shipped snapshots per test session."""

from __future__ import annotations

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
