"""Crash safety: `build` killed with SIGKILL at any point never leaves a mixed release (issue 9).

Two project variants (A and B, differing in one invented fixture row) are built into one output, each build
replacing the other release; each build runs in a process of its own (forked from a builder that did the imports
once) that is killed with SIGKILL. After every kill, the output, as the next command sees it
(after journal recovery), must be exactly release A or exactly release B, its descriptor must match its files, and
the store must open. Finally an unkilled build must succeed.

Where the kill lands is defined by what the build does, not by the clock, so that the trials prove the same thing
on an idle machine and on a loaded one: the child counts the build's operations on the output (files opened for
writing, renames, removals, new folders, processes started on its paths; Python's audit events) and kills its own
process group just before operation *k*. Half of those kills are drawn before the publish journal is written, half
after, and each trial's outcome is predicted exactly: the old release if the journal was not yet written, the new
one if it was. A third of the trials are killed at a random time instead, which also lands inside the store's
bulk load and the writers' own buffers; for them the release must be one of the two, and the old one whenever the
build had not yet reached its journal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from cowork_data import atomic
from cowork_data.pipeline import published_hashes
from tests.conftest import WITHOUT_FRANCE, copy_project, figures

TRIALS = 48
SEED = 20261123
SNAPSHOT = Path("sources/snapshots/milano-coworking/coworking__joined__f.csv")
NEVER = -1


def make_variant(root: Path) -> None:
    """Rename one invented space and re-record the snapshot's sha256, as a new harvest would."""
    path = root / SNAPSHOT
    data = path.read_bytes().replace(b"Coworking Immaginario Isola", b"Coworking Immaginario Isola Due", 1)
    assert data != path.read_bytes()
    path.write_bytes(data)
    meta_path = path.with_name(path.name + ".provenance.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sha256"] = hashlib.sha256(data).hexdigest()
    meta["bytes"] = len(data)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


#: The builder: imports the toolkit once, says it is ready, then for every order (project, output, the operation to
#: die at) forks a build in a session of its own, says "pid <n>" and, when that build ends, "exit <code>". The build
#: counts its operations on the output and says "journal-open <n>" as it opens the publish journal, "journal <n>"
#: once the journal is written (at the next operation), "kill <n> …" just before it kills its process group and
#: "done <n>" when it finished. A fork starts each build in milliseconds, where a new interpreter spent two seconds
#: of CPU on its imports.
BUILDER = r"""
import os, signal, sys, traceback
from pathlib import Path
from cowork_data.pipeline import build
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
PATHS = {"os.rename": 2, "os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "shutil.rmtree": 1, "shutil.copyfile": 2,
         "shutil.copytree": 2, "os.truncate": 1, "os.link": 2, "os.symlink": 2}

def say(text):
    os.write(1, (text + "\n").encode())

def run(root, out, kill_at):
    prefix, journal = os.path.abspath(out) + os.sep, os.path.join(os.path.abspath(out), "build", "publish.journal")
    state = {"count": 0, "journal": False}

    def on_output(path):
        if isinstance(path, int):
            return False
        path = os.fsdecode(path)
        return os.path.isabs(path) and (path + os.sep).startswith(prefix)

    def hook(event, args):
        if event == "open":
            if not args[2] & WRITE or not on_output(args[0]):
                return
        elif event == "subprocess.Popen":
            if not any(on_output(a) for a in args[1] if isinstance(a, (str, bytes))):
                return
        elif event not in PATHS or not any(on_output(a) for a in args[:PATHS[event]]):
            return
        count = state["count"]
        if state["journal"] is None:  # the journal is written whole
            say(f"journal {count}")
            state["journal"] = True
        if count == kill_at:
            say(f"kill {count} {event} {args[0]}")
            os.killpg(os.getpgrp(), signal.SIGKILL)
        if event == "open" and os.fsdecode(args[0]) == journal:
            say(f"journal-open {count}")
            state["journal"] = None  # written once the next operation comes
        state["count"] = count + 1

    sys.addaudithook(hook)
    build(root=Path(root), output=Path(out))
    say(f"done {state['count']}")

say("ready")
for line in sys.stdin:
    root, out, at = line.rstrip("\n").split("\t")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setsid()  # its own process group: the kill takes its sort processes and nothing else
            run(root, out, int(at))
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    say(f"pid {pid}")
    say(f"exit {os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])}")
"""


class Builder:
    """The builder process and the lines it says (read by a thread, so that every wait has a time limit)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", BUILDER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.line() == "ready"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put("")

    def line(self, timeout: float = 300.0) -> str:
        line = self.lines.get(timeout=timeout)
        assert line, "the builder stopped"
        return line

    def start(self, root: Path, out: Path, kill_at: int) -> int:
        """Order a build; the pid of its process (the leader of its process group)."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{root}\t{out}\t{kill_at}\n")
        self.process.stdin.flush()
        word, pid = self.line().split()
        assert word == "pid"
        return int(pid)

    def finish(self) -> tuple[int, dict[str, int]]:
        """Wait for the build; its exit code and what it said ("journal", "kill", "done" → operation number)."""
        said: dict[str, int] = {}
        while not (line := self.line()).startswith("exit "):
            said[line.split()[0]] = int(line.split()[1])
        return int(line.split()[1]), said

    def build(self, root: Path, out: Path, kill_at: int = NEVER) -> tuple[int, dict[str, int]]:
        self.start(root, out, kill_at)
        return self.finish()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def descriptor_matches_files(out: Path) -> bool:
    data = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for resource in data["resources"]:
        digest = "sha256:" + hashlib.sha256((out / resource["path"]).read_bytes()).hexdigest()
        if digest != resource["hash"]:
            return False
    return True


def store_holds_the_graph(out: Path) -> bool:
    """The store's named graphs (but the vocabulary's) are exactly the published N-Quads: a rebuild replaces only
    the changed graphs in a copy of the published store, so a store left from another release would show here."""
    from cowork_data.publish.store import VOCAB_GRAPH

    store = ox.Store.read_only(str(out / "build" / "store"))
    try:
        held = {str(q) for q in store if not (isinstance(q.graph_name, ox.NamedNode)
                                               and q.graph_name.value == VOCAB_GRAPH)}
    finally:
        del store
    loaded = ox.Store()  # literals as a store holds them (by value: "1.50"^^xsd:decimal is 1.5)
    loaded.bulk_load(path=str(out / "data" / "graph" / "cowork-data.nq"), format=ox.RdfFormat.N_QUADS)
    published = {str(q) for q in loaded}
    return bool(held) and held == published


def test_sigkill_at_any_point_leaves_old_or_new_release(tmp_path: Path) -> None:
    # the Italian sources alone: the property is the publication's, a smaller release only makes each trial shorter
    roots = [copy_project(tmp_path / "a", without=WITHOUT_FRANCE), copy_project(tmp_path / "b", without=WITHOUT_FRANCE)]
    make_variant(roots[1])

    # Calibration, unkilled: A into an empty output (release A), then B over A (what every trial does: replace a
    # release), which must publish what a cold build of B publishes (release B).
    out = tmp_path / "out"
    builder = Builder()
    try:
        assert builder.build(roots[0], out)[0] == 0
        releases = [published_hashes(out), {}]
        assert builder.build(roots[1], tmp_path / "cold-b")[0] == 0
        releases[1] = published_hashes(tmp_path / "cold-b")
        assert releases[0] != releases[1]
        started = time.perf_counter()
        code, said = builder.build(roots[1], out)
        duration = time.perf_counter() - started
        assert code == 0 and published_hashes(out) == releases[1]
        operations, journal = said["done"], said["journal"]  # operations in a rebuild; the first after the journal
        assert 0 < journal < operations

        rng = random.Random(SEED)
        outcomes = {"old": 0, "new": 0}
        kinds = {"before-journal": 0, "after-journal": 0, "timed": 0}
        for trial in range(TRIALS):
            current = published_hashes(out)
            target = 1 if current == releases[0] else 0  # every trial replaces the release it finds
            new = releases[target]
            if trial % 3 == 2:
                kind, kill_at = "timed", NEVER
            elif trial % 3 == 0:
                kind, kill_at = "before-journal", rng.randrange(0, journal)
            else:
                kind, kill_at = "after-journal", rng.randrange(journal, operations + 1)
            pid = builder.start(roots[target], out, kill_at)
            if kind == "timed":
                time.sleep(rng.uniform(0.0, duration * 1.2))
                kill_group(pid)
            code, said = builder.finish()
            kill_group(pid)  # nothing the build started outlives it
            assert code in (0, -signal.SIGKILL), f"trial {trial}: the build failed ({code}) instead of being killed"
            kinds[kind] += 1
            atomic.recover(out)
            after = published_hashes(out)
            if kind == "timed":
                assert after in (current, new), f"trial {trial}: a mixed release"
                if "journal-open" not in said and code != 0:
                    assert after == current, f"trial {trial}: killed before its journal, yet not the old release"
            else:  # killed just before an operation: the journal decides, exactly
                expected = new if "journal" in said or code == 0 else current
                assert after == expected, f"trial {trial} ({kind}, operation {kill_at}, said {said}): " + \
                    ("a mixed release" if after not in (current, new) else "the wrong release")
            outcomes["new" if after == new else "old"] += 1
            assert descriptor_matches_files(out), f"trial {trial}: descriptor and files disagree"
            assert store_holds_the_graph(out), f"trial {trial}: the store is not the release's graph"
        figures("crash-safety", {"trials": TRIALS, "seed": SEED, "rebuild_seconds": round(duration, 2),
                                 "operations_in_a_rebuild": operations, "journal_at_operation": journal, **kinds,
                                 "kept_old_release": outcomes["old"], "completed_new_release": outcomes["new"]})
        assert outcomes["old"] > 0 and outcomes["new"] > 0  # the kills landed both before and after the commit
        assert builder.build(roots[0], out)[0] == 0
        assert published_hashes(out) == releases[0]
    finally:
        builder.close()
