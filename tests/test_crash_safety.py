"""Crash safety: `build` killed with SIGKILL at any point never leaves a mixed release (issue 9).

Two project variants (A and B, differing in one invented fixture row) are built into one output, each build
replacing the other release; each build runs in a child process (the next child is started, and does its imports,
while the current one builds) that is killed with SIGKILL. After every kill, the output, as the next command sees it
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
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from cowork_data import atomic
from cowork_data.pipeline import build, published_hashes
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


#: The child: imports the toolkit, says it is ready, reads its orders (project, output, the operation to die at),
#: counts the build's operations on the output and prints "journal-open <n>" as it opens the publish journal,
#: "journal <n>" once the journal is written (at the next operation), "kill <n> ..." just before it kills itself and
#: "done <n>" when the build finished.
CHILD = r"""
import os, signal, sys
from pathlib import Path
from cowork_data.pipeline import build
print("ready", flush=True)
root, out, at = sys.stdin.readline().rstrip("\n").split("\t")
prefix, kill_at = os.path.abspath(out) + os.sep, int(at)
journal = os.path.join(prefix, "build", "publish.journal")
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
PATHS = {"os.rename": 2, "os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "shutil.rmtree": 1, "shutil.copyfile": 2,
         "shutil.copytree": 2, "os.truncate": 1, "os.link": 2, "os.symlink": 2}
count, after_journal = 0, False

def on_output(path):
    if isinstance(path, int):
        return False
    path = os.fsdecode(path)
    return os.path.isabs(path) and (path + os.sep).startswith(prefix)

def hook(event, args):
    global count, after_journal
    if event == "open":
        if not args[2] & WRITE or not on_output(args[0]):
            return
    elif event == "subprocess.Popen":
        if not any(on_output(a) for a in args[1] if isinstance(a, (str, bytes))):
            return
    elif event not in PATHS or not any(on_output(a) for a in args[:PATHS[event]]):
        return
    if after_journal is None:  # the journal is written whole
        print(f"journal {count}", flush=True)
        after_journal = True
    if count == kill_at:
        sys.stdout.write(f"kill {count} {event} {args[0]}\n")
        sys.stdout.flush()
        os.killpg(os.getpgrp(), signal.SIGKILL)
    if event == "open" and os.fsdecode(args[0]) == journal:
        print(f"journal-open {count}", flush=True)
        after_journal = None  # written once the next operation comes
    count += 1

assert os.getpgrp() == os.getpid()  # its own process group: the kill takes nothing else with it
sys.addaudithook(hook)
build(root=Path(root), output=Path(out))
print(f"done {count}", flush=True)
"""


def spawn() -> subprocess.Popen:
    """Start a child in a process group of its own; it imports the toolkit, says it is ready and waits."""
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def order(child: subprocess.Popen, root: Path, out: Path, kill_at: int) -> None:
    assert child.stdin is not None
    child.stdin.write(f"{root}\t{out}\t{kill_at}\n")
    child.stdin.flush()


def finish(child: subprocess.Popen) -> tuple[int, dict[str, int]]:
    """Wait for the child; its exit code and what it reported ("journal", "kill", "done" → operation number)."""
    assert child.stdout is not None
    said = {line.split()[0]: int(line.split()[1]) for line in child.stdout.read().splitlines() if line.strip()}
    return child.wait(timeout=300), said


def kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)


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
    releases = []
    for i, root in enumerate(roots):
        out = tmp_path / f"ref-{i}"
        build(root=root, output=out)
        releases.append(published_hashes(out))
    assert releases[0] != releases[1]

    # Calibration, unkilled: A into an empty output, then B over A (what every trial does: replace a release).
    out = tmp_path / "out"
    child, upcoming = spawn(), None
    order(child, roots[0], out, NEVER)
    upcoming = spawn()  # its imports overlap with the running build
    assert finish(child)[0] == 0
    child, upcoming = upcoming, spawn()
    started = time.perf_counter()
    order(child, roots[1], out, NEVER)
    code, said = finish(child)
    duration = time.perf_counter() - started
    assert code == 0 and published_hashes(out) == releases[1]
    operations, journal = said["done"], said["journal"]  # operations in a rebuild; the first after the journal
    assert 0 < journal < operations

    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    kinds = {"before-journal": 0, "after-journal": 0, "timed": 0}
    child = upcoming
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
        order(child, roots[target], out, kill_at)
        started = time.perf_counter()
        upcoming = spawn()  # its imports overlap with the running build
        if kind == "timed":
            time.sleep(max(0.0, rng.uniform(0.0, duration * 1.2) - (time.perf_counter() - started)))
            kill_group(child)
        code, said = finish(child)
        kill_group(child)  # nothing the build started outlives it
        child = upcoming
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
            assert after == expected, f"trial {trial} ({kind}, operation {kill_at}, reported {said}): " + \
                ("a mixed release" if after not in (current, new) else "the wrong release")
        outcomes["new" if after == new else "old"] += 1
        assert descriptor_matches_files(out), f"trial {trial}: descriptor and files disagree"
        assert store_holds_the_graph(out), f"trial {trial}: the store is not the release's graph"
    figures("crash-safety", {"trials": TRIALS, "seed": SEED, "rebuild_seconds": round(duration, 2),
                             "operations_in_a_rebuild": operations, "journal_at_operation": journal, **kinds,
                             "kept_old_release": outcomes["old"], "completed_new_release": outcomes["new"]})
    assert outcomes["old"] > 0 and outcomes["new"] > 0  # the kills landed both before and after the commit
    order(child, roots[0], out, NEVER)
    assert finish(child)[0] == 0
    assert published_hashes(out) == releases[0]
