"""The README's shell examples are executed (issue 13): every command of its ``sh`` blocks runs here, in a copy of the
project as ``make run`` leaves it (a release built offline in the test session), unless it is listed in
:data:`NOT_RUN` with the reason; its Python example runs too. A new example is run without any change here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Commands (prefixes) not run here, and why: each needs a server or a network peer, or is the set-up itself.
NOT_RUN = {
    "make run": "the whole set-up from scratch; the release it builds is built by this session's release fixture",
    "make test": "this very run",
    ".venv/bin/cowork-data serve": "a server that runs until stopped; tests/test_sparql_endpoint.py and "
                                   "tests/test_validator_serve.py serve the same app",
    "oxigraph serve": "starts a server in the background; tests/test_push.py starts its own",
    ".venv/bin/cowork-data push": "needs a triple store listening; tests/test_push.py pushes to real Oxigraph and "
                                  "Virtuoso servers",
    "COWORK_DATA_PUSH_PASSWORD=": "the same push, to Virtuoso",
}
#: Exit codes other than 0 that an example may end with (``validate`` says 1 when the list has findings).
EXITS = {".venv/bin/cowork-data validate": {0, 1}}
#: Files an example names that the reader brings along, and where the test takes them from.
INPUTS = {"my-list.xlsx": ROOT / "sources" / "samples" / "xlsx" / "elenco.xlsx"}
PUBLISHED = ("data", "datapackage.json", "build")
NOT_COPIED = {".git", ".venv", "test-artifacts", ".pytest_cache", ".ruff_cache", "__pycache__", *PUBLISHED}


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.S | re.M)


def commands() -> list[str]:
    """The commands of the README's ``sh`` blocks, continuation lines joined, comment lines left out."""
    found = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.append(line)
    return found


def _reason(command: str) -> str | None:
    return next((why for prefix, why in NOT_RUN.items() if command.startswith(prefix)), None)


@pytest.fixture(scope="module")
def workdir(release, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as ``make run`` leaves it: its inputs (linked, read-only), the release built in this session, the
    virtual environment, and the files the examples name."""
    root = tmp_path_factory.mktemp("readme") / "cowork-data"
    root.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in NOT_COPIED:
            (root / entry.name).symlink_to(entry)
    (root / ".venv").symlink_to(Path(sys.executable).parent.parent)
    for name in PUBLISHED:
        (root / name).symlink_to(release.output / name)
    for name, source in INPUTS.items():
        shutil.copyfile(source, root / name)
    return root


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COWORK_DATA_ROOT": str(cwd), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("COWORK_DATA_RELEASE", None)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_readme_has_examples_and_every_not_run_one_is_still_there() -> None:
    assert len(commands()) >= 5 and blocks("python")
    for prefix in NOT_RUN:
        assert any(c.startswith(prefix) for c in commands()), f"NOT_RUN lists {prefix!r}, no longer in the README"


@pytest.mark.parametrize("command", [c for c in commands() if _reason(c) is None])
def test_readme_shell_example_runs(command: str, workdir: Path) -> None:
    proc = _run(["bash", "-euo", "pipefail", "-c", command], workdir)
    allowed = next((codes for prefix, codes in EXITS.items() if command.startswith(prefix)), {0})
    assert proc.returncode in allowed, f"{command}\nexit {proc.returncode}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
    assert proc.stdout.strip(), f"{command} printed nothing"
    assert "Traceback" not in proc.stdout + proc.stderr
    for written in re.findall(r"(?:--html|-o)\s+(\S+)", command):
        assert (workdir / written).stat().st_size > 0, f"{command} did not write {written}"


def test_readme_python_example_runs(workdir: Path) -> None:
    for number, code in enumerate(blocks("python")):
        script = workdir.parent / f"readme-example-{number}.py"
        script.write_text(code, encoding="utf-8")
        proc = _run([sys.executable, str(script)], workdir)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "triples" in proc.stdout, proc.stdout[-2000:]
