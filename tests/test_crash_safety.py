"""Crash safety: `build` killed with SIGKILL at random points never leaves a mixed release (issue 9).

Two project variants (A and B, differing in one invented fixture row) are built alternately into one output;
each build runs in a child process that is killed after a random delay from the moment it starts building (the
next child is started, and does its imports, while the current one builds). After every kill, the output, as the
next command sees it (after journal recovery), must be exactly release A or exactly release B, its descriptor
must match its files, and the store must open. Finally an unkilled build must succeed.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from cowork_data import atomic
from cowork_data.pipeline import build, published_hashes
from tests.conftest import WITHOUT_FRANCE, copy_project, figures

TRIALS = 50
SEED = 20261123
SNAPSHOT = Path("sources/snapshots/milano-coworking/coworking__joined__f.csv")


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


CHILD = """
import sys
from pathlib import Path
from cowork_data.pipeline import build
print("ready", flush=True)
root, out = sys.stdin.readline().split("\\t")
build(root=Path(root), output=Path(out.strip()))
"""


def spawn() -> subprocess.Popen:
    """Start a child; it imports the toolkit, says it is ready and waits for its orders."""
    return subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)


def ready(child: subprocess.Popen) -> subprocess.Popen:
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def build_in_child(child: subprocess.Popen, root: Path, out: Path, delay: float | None) -> int:
    assert child.stdin is not None
    child.stdin.write(f"{root}\t{out}\n")
    child.stdin.flush()
    if delay is not None:
        time.sleep(delay)
        child.kill()
    return child.wait(timeout=300)


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


def test_sigkill_at_random_points_leaves_old_or_new_release(tmp_path: Path) -> None:
    # the Italian sources alone: the property is the publication's, a smaller release only makes each trial shorter
    roots = [copy_project(tmp_path / "a", without=WITHOUT_FRANCE), copy_project(tmp_path / "b", without=WITHOUT_FRANCE)]
    make_variant(roots[1])
    releases = []
    for i, root in enumerate(roots):
        out = tmp_path / f"ref-{i}"
        build(root=root, output=out)
        releases.append(published_hashes(out))
    assert releases[0] != releases[1]

    out = tmp_path / "out"
    child = ready(spawn())
    started = time.perf_counter()
    upcoming = spawn()  # measured as the trials run: the next child's imports beside the build
    assert build_in_child(child, roots[0], out, None) == 0
    duration = time.perf_counter() - started

    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    child = ready(upcoming)
    for trial in range(TRIALS):
        current = published_hashes(out)
        new = releases[(trial + 1) % 2]
        running = child
        assert running.stdin is not None
        running.stdin.write(f"{roots[(trial + 1) % 2]}\t{out}\n")
        running.stdin.flush()
        started = time.perf_counter()
        upcoming = spawn()  # its imports overlap with the running build
        time.sleep(max(0.0, rng.uniform(0.0, duration * 1.2) - (time.perf_counter() - started)))
        running.kill()
        running.wait(timeout=300)
        child = ready(upcoming)
        atomic.recover(out)
        after = published_hashes(out)
        assert after in (current, new), f"trial {trial}: a mixed release"
        outcomes["new" if after == new and after != current else "old"] += 1
        assert descriptor_matches_files(out), f"trial {trial}: descriptor and files disagree"
        assert store_holds_the_graph(out), f"trial {trial}: the store is not the release's graph"
    figures("crash-safety", {"trials": TRIALS, "seed": SEED, "build_seconds": round(duration, 2),
                             "kept_old_release": outcomes["old"], "completed_new_release": outcomes["new"]})
    assert outcomes["old"] > 0 and outcomes["new"] > 0  # the kills landed both before and after the commit
    assert build_in_child(child, roots[0], out, None) == 0
    assert published_hashes(out) == releases[0]
