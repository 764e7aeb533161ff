"""The suite's own hygiene: servers never outlive a killed run, and the guard that fails a run which wrote into the
repository sees what it must see."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox

from tests.conftest import ROOT, changed_paths, repository_state

HANG_GUARD = 60.0  # seconds: only so that a broken case fails instead of hanging the suite; never a speed limit


def _state(pid: int) -> str | None:
    """The process's state letter (``R``, ``S``, ``Z``…), or ``None`` once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _gone(pid: int) -> bool:
    return _state(pid) in (None, "Z", "X")  # a zombie has ended; only its parent's reaping is left


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _wait(condition, what: str) -> None:  # noqa: ANN001 - a callable returning bool
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _python(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_query_worker_ends_when_its_server_is_killed_mid_query(tmp_path: Path) -> None:
    store = ox.Store(str(tmp_path / "store"))
    store.extend(ox.Quad(ox.NamedNode(f"https://example.org/{i}"), ox.NamedNode("https://example.org/p"),
                         ox.Literal(str(i))) for i in range(300))
    store.flush()
    del store
    server = _python(f"""
        from pathlib import Path
        from cowork_data.serve.sparql import QueryPool
        pool = QueryPool(Path({str(tmp_path / "store")!r}), workers=1)
        print("ready", flush=True)
        pool.run("SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }}", "json", 3600.0)
    """)
    workers: list[int] = []
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        workers = [pid for pid in _children(server.pid) if b"spawn_main" in _cmdline(pid)]  # not the resource tracker
        assert len(workers) == 1, workers
        worker = workers[0]
        _wait(lambda: _cpu_ticks(worker) > 20, "the worker never started evaluating the query")  # busy, not idle
        server.send_signal(signal.SIGKILL)
        server.wait()
        _wait(lambda: _gone(worker), "the query worker outlived its killed server")
    finally:
        server.kill()
        for pid in workers + _children(server.pid):
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_spawned_server_dies_with_a_killed_test_process_and_stop_ends_its_group() -> None:
    run = _python("""
        import time
        from tests.processes import spawn
        child = spawn(["sleep", "600"])
        print(child.pid, flush=True)
        time.sleep(600)
    """)
    assert run.stdout is not None
    sleeper = int(run.stdout.readline())
    assert not _gone(sleeper)
    run.send_signal(signal.SIGKILL)  # no atexit, no fixture teardown: only the kernel can stop the server now
    run.wait()
    _wait(lambda: _gone(sleeper), "a server outlived the SIGKILLed test process")

    from tests.processes import spawn, stop

    leader = spawn(["sh", "-c", "sleep 600 & wait"])
    _wait(lambda: len(_children(leader.pid)) == 1, "the shell did not start its child")
    grandchild = _children(leader.pid)[0]
    assert stop(leader) != 0
    _wait(lambda: _gone(grandchild), "stop() left a process of the server's group running")


def test_the_repository_guard_sees_new_changed_and_ignored_files_but_not_caches(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    (repo / ".gitignore").write_text("build/\n__pycache__/\n", encoding="utf-8")
    (repo / "data.csv").write_text("id\n1\n", encoding="utf-8")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "m.py").write_text("", encoding="utf-8")
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=repo, check=True)
    before = repository_state(repo)
    assert before == {}
    (repo / "pkg" / "__pycache__").mkdir()
    (repo / "pkg" / "__pycache__" / "m.pyc").write_bytes(b"cache")
    assert changed_paths(before, repository_state(repo)) == []
    (repo / "data.csv").write_text("id\n2\n", encoding="utf-8")
    (repo / "shot.png").write_bytes(b"png")
    (repo / "build").mkdir()
    (repo / "build" / "x").write_text("x", encoding="utf-8")
    assert changed_paths(before, repository_state(repo)) == ["build/", "data.csv", "shot.png"]
    middle = repository_state(repo)
    (repo / "build" / "x").write_text("rewritten", encoding="utf-8")  # a file rewritten inside an ignored folder
    os.utime(repo / "build" / "x", ns=(time.time_ns() + 10**9,) * 2)
    assert changed_paths(middle, repository_state(repo)) == ["build/"]
    assert repository_state(tmp_path / "not-a-repo") is None
