"""Build benchmark (not a test): ``cowork-data build --root`` on a generated project against the store's own bulk load.

INVENTED DATA from ``bench/project.py`` (one source per comune, snapshots in the adapters' formats, 0.5 % planted
defects). For each size, in one run, each step in a fresh process (its peak RSS is its own, read by ``wait4``):

1. ``cold``: the build with no cache and no release, through the function ``cowork-data build --root P --output O
   --json`` calls, with a progress callback that records, at each step of the build (a stage, a part of the
   publish stage), the wall time, the CPU time of the process (every thread) and its resident and peak memory
   (``VmRSS``, ``VmHWM``): ``cold.steps``;
2. ``floor``: a new on-disk store bulk-loading the N-Quads files that build published, by the two loaders on
   offer: pyoxigraph's ``Store.bulk_load`` (the one the build uses, ``floor_pyoxigraph``) and the ``oxigraph``
   CLI's ``load`` (PyPI ``oxigraph``, every file in parallel, ``floor_cli``); ``floor`` is the faster of the two
   and ``ratio`` is cold / floor;
3. ``no_change``: the same build again (nothing changed);
4. ``one_source``: one comune's list changed (a space renamed, the snapshot's sha256 recorded again), built again;
5. with ``--verify`` (default up to 10k spaces): a cold build of the changed project into another directory, and
   whether it published the same bytes as the incremental one (``published_hashes``).

Also: triples and published bytes per space (each format). The machine is shared: the load average before and
after is recorded with the results. Usage::

    python bench/build.py                    # 10k and 100k spaces
    python bench/build.py --sizes 2000       # one size
    BENCH_1M=1 python bench/build.py         # also 1M

Results: printed and written to ``bench/results/build-{size}.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOOR = """
import sys, time, pyoxigraph as ox
store = ox.Store(sys.argv[1])
start = time.perf_counter()
for path in sys.argv[2:]:
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
store.flush()
print(time.perf_counter() - start, len(store))
"""


def _run(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd``; its wall time, CPU time (user + system), peak RSS (MB), exit code and output."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env={**os.environ, **(env or {})})
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return {"seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                "code": os.waitstatus_to_exitcode(status), "stdout": out.read().decode(),
                "stderr": err.read().decode()[-3000:]}


STEPS = """
import json, os, sys, time
from pathlib import Path
from cowork_data.pipeline import build

start, steps, last = time.perf_counter(), [], None

def cpu():
    times = os.times()
    return times.user + times.system

def memory():
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS", "VmHWM")):
                key, value = line.split(":")
                out[key] = round(int(value.split()[0]) / 1024)
    return out

def say(stage, message):
    global last
    step = stage + (": " + message if stage == "publish" or stage == "validate-graph" else "")
    if step != last and not (stage == "normalise" and last and last.startswith("normalise")):
        last = step
        found = memory()
        steps.append({"at_s": round(time.perf_counter() - start, 2), "cpu_s": round(cpu(), 2), "step": step[:60],
                      "rss_mb": found["VmRSS"], "peak_rss_mb": found["VmHWM"], "load": os.getloadavg()[0]})
        if os.environ.get("BENCH_STEPS"):  # what a run stopped before its end still leaves
            Path(os.environ["BENCH_STEPS"]).write_text(json.dumps(steps))

result = build(root=Path(sys.argv[1]), output=Path(sys.argv[2]), progress=say)
found = memory()
steps.append({"at_s": round(time.perf_counter() - start, 2), "cpu_s": round(cpu(), 2), "step": "done",
              "rss_mb": found["VmRSS"], "peak_rss_mb": found["VmHWM"]})
print(json.dumps({**result.to_dict(), "steps": steps}))
"""


def _build(project: Path, output: Path, *, steps: bool = False) -> dict[str, Any]:
    cmd = ([sys.executable, "-c", STEPS, str(project), str(output)] if steps else
           [sys.executable, "-m", "cowork_data", "build", "--root", str(project), "--output", str(output), "--json"])
    done = _run(cmd, env={"BENCH_STEPS": str(output.with_name(output.name + "-steps.json"))} if steps else None)
    record = {k: done[k] for k in ("seconds", "cpu_seconds", "peak_rss_mb", "code")}
    if done["code"] != 0:
        return record | {"error": done["stderr"]}
    summary = json.loads(done["stdout"])
    record |= {"published": summary["published"], "sources_rebuilt": summary["sources_rebuilt"],
               "triples": summary["triples"], "store_quads": summary["store_quads"]}
    if steps:  # each step's time: until the next step starts
        marks = summary["steps"]
        record["steps"] = [{**m, "seconds": round(n["at_s"] - m["at_s"], 2),
                            "cpu_seconds": round(n["cpu_s"] - m["cpu_s"], 2)} for m, n in pairwise(marks)]
    return record


def _floors(work: Path, nquads: list[str]) -> dict[str, Any]:
    """The two loaders on the same files, each into a new on-disk store, in a process of its own."""
    py = _run([sys.executable, "-c", FLOOR, str(work / "floor-store"), *nquads])
    shutil.rmtree(work / "floor-store", ignore_errors=True)
    load_s, quads = py["stdout"].split()
    out: dict[str, Any] = {"floor_pyoxigraph": {
        "seconds": round(float(load_s), 2), "process_seconds": py["seconds"], "cpu_seconds": py["cpu_seconds"],
        "peak_rss_mb": py["peak_rss_mb"],
        "quads": int(quads), "quads_per_s": round(int(quads) / float(load_s))}}
    cli = Path(sys.executable).with_name("oxigraph")
    if cli.exists():
        done = _run([str(cli), "load", "--location", str(work / "floor-cli"), "--file", *nquads])
        shutil.rmtree(work / "floor-cli", ignore_errors=True)
        out["floor_cli"] = {"seconds": done["seconds"], "cpu_seconds": done["cpu_seconds"],
                            "peak_rss_mb": done["peak_rss_mb"], "code": done["code"],
                            "quads_per_s": round(int(quads) / done["seconds"]) if done["code"] == 0 else None}
    options = [(k, v["seconds"]) for k, v in out.items() if v.get("code", 0) == 0]
    loader, seconds = min(options, key=lambda item: item[1])
    out["floor"] = {"seconds": seconds, "loader": loader.removeprefix("floor_"), "quads": int(quads)}
    return out


def _change_one_source(project: Path) -> str:
    """Rename the first space of the first comune's CSV list and record the snapshot's new sha256."""
    snapshot = sorted((project / "sources" / "snapshots").glob("spazi-*/spazi.csv"))[0]
    data = snapshot.read_bytes()
    changed = data.replace(b"\nSpazio ", b"\nSpazio Rinnovato ", 1)
    assert changed != data, snapshot
    snapshot.write_bytes(changed)
    meta_path = snapshot.with_name(snapshot.name + ".provenance.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sha256"], meta["bytes"] = hashlib.sha256(changed).hexdigest(), len(changed)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return snapshot.parent.name


def _sizes(output: Path, spaces: int) -> dict[str, Any]:
    per_format: dict[str, int] = {}
    for path in [output / "datapackage.json", *(output / "data").rglob("*")]:
        if path.is_file():
            ext = path.name.rsplit(".", 1)[-1]
            per_format[ext] = per_format.get(ext, 0) + path.stat().st_size
    return {"bytes": sum(per_format.values()), "bytes_per_space": round(sum(per_format.values()) / spaces),
            "bytes_per_space_by_format": {k: round(v / spaces) for k, v in sorted(per_format.items())}}


def _commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() or "unknown"


def measure(spaces: int, work: Path, verify: bool, save: Any = None) -> dict[str, Any]:
    """Every step of one size; ``save(result)`` after each, so that a run stopped early keeps what it measured."""
    from bench.project import write_project
    from cowork_data.pipeline import published_hashes

    save = save or (lambda result: None)
    project, out = work / "project", work / "out"
    start = time.perf_counter()
    record = write_project(project, spaces=spaces)
    result: dict[str, Any] = {"spaces": spaces, "sources": record["sources"],
                              "generate_s": round(time.perf_counter() - start, 1),
                              "load_before": os.getloadavg()}
    save(result)
    result["cold"] = cold = _build(project, out, steps=True)
    result["load_after_cold"] = os.getloadavg()
    save(result)
    if "error" in cold:
        return result
    nquads = sorted(str(p) for p in (out / "data" / "graph").glob("cowork-data*.nq"))
    result |= _floors(work, nquads)
    result["ratio_cold_to_floor"] = round(cold["seconds"] / result["floor"]["seconds"], 2)
    result["triples_per_space"] = round(cold["triples"] / spaces, 1)
    result |= _sizes(out, spaces)
    result["load_after_floor"] = os.getloadavg()
    save(result)
    result["no_change"] = _build(project, out)
    save(result)
    result["changed_source"] = _change_one_source(project)
    result["one_source"] = one = _build(project, out)
    result["one_source_share_of_cold"] = round(one["seconds"] / cold["seconds"], 3)
    save(result)
    if verify:
        again = work / "cold-again"
        result["cold_of_changed"] = _build(project, again)
        result["incremental_equals_cold"] = published_hashes(out) == published_hashes(again)
        shutil.rmtree(again, ignore_errors=True)
    result["load_after"] = os.getloadavg()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--verify", choices=("auto", "yes", "no"), default="auto",
                        help="Also build the changed project cold and compare (auto: up to 10k spaces).")
    parser.add_argument("--work", type=Path, default=None, help="Where projects and builds go (a temporary "
                        "directory by default, removed afterwards).")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    sizes = args.sizes or ([10_000, 100_000] + ([1_000_000] if os.environ.get("BENCH_1M") else []))
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
               "note": "shared machine: other builds and test suites ran at the same time (see load_before/after)"}
    for spaces in sizes:
        work = args.work / str(spaces) if args.work else Path(tempfile.mkdtemp(prefix=f"bench-build-{spaces}-"))
        verify = args.verify == "yes" or (args.verify == "auto" and spaces <= 10_000)
        commit = _commit()
        args.results.mkdir(parents=True, exist_ok=True)
        target = args.results / f"build-{spaces}.json"

        def save(partial: dict[str, Any], *, done: bool = False, target: Path = target, commit: str = commit) -> None:
            summary = {"benchmark": "build", "commit": commit, "machine": machine, "complete": done, **partial}
            target.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

        try:
            result = measure(spaces, work, verify, save)
        finally:
            if not args.work:
                shutil.rmtree(work, ignore_errors=True)
        save(result, done=True)
        summary = json.loads(target.read_text(encoding="utf-8"))
        print(json.dumps(summary, indent=2), flush=True)
        print(headline(summary), flush=True)


def headline(result: dict[str, Any]) -> str:
    """The figures the issue asks for, in a few lines."""
    cold, floor = result.get("cold", {}), result.get("floor", {})
    if "error" in cold or not floor:
        return f"{result['spaces']} spaces: the cold build failed ({cold.get('error', '')[-300:]})"
    lines = [f"{result['spaces']} spaces in {result['sources']} sources, {cold['triples']} triples "
             f"({result['triples_per_space']} per space), {result['bytes_per_space']} bytes published per space",
             f"cold build {cold['seconds']} s, peak RSS {cold['peak_rss_mb']} MB; floor {floor['seconds']} s "
             f"({floor['loader']}; " + ", ".join(f"{k.removeprefix('floor_')} {v['seconds']} s"
                                                  for k, v in result.items() if k.startswith("floor_"))
             + f"): {result['ratio_cold_to_floor']}x",
             f"nothing changed {result['no_change']['seconds']} s; one source changed "
             f"{result['one_source']['seconds']} s ({round(100 * result['one_source_share_of_cold'], 1)} % of cold)"]
    lines += [f"  {s['step']:<50} {s['seconds']:>8} s {s.get('cpu_seconds', '')!s:>8} cpu s {s['peak_rss_mb']:>6} MB"
              for s in cold.get("steps", [])]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
