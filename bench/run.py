"""Benchmark harness (not a test): each stage with the reference engine and the fast one, same data, same run.

INVENTED DATA from ``bench/generate.py`` (deterministic, 0.5 % planted defects). Every measurement runs in a fresh
process so that its peak RSS (``ru_maxrss``) is its own. Stages:

- ``tables``: table validation, frictionless (``table.validate_tables``) vs ``fast_table``: rows/s;
- ``graph``: graph writing, rdflib ``Graph`` + sorted N-Triples (reference) vs the declaration's polars writer
  (``graph/writer.py``, engine ``fast``): triples/s and peak memory;
- ``shacl``: pySHACL vs ``fastshacl`` on the same N-Triples, parsed by rdflib or bulk-loaded in pyoxigraph outside
  the timing (``load_s``), on the same layer set for both engines, once per layer set (``core`` only, and ``all``
  layers): triples/s;
- ``query``: bulk-load in pyoxigraph and a 2-hop query (spaces → operator → its other spaces).

The reference engines only run up to ``REFERENCE_MAX`` spaces, and every run has a wall-clock limit
(``--reference-limit`` for reference runs, ``--fast-limit`` for fast ones; the limit covers the whole child process,
data generation and loading included). A run that hits it is recorded as ``did_not_finish_within_s`` instead of a
time. Nothing is extrapolated: a ratio is reported only where both engines were measured on the same size and
layers in this run; where the reference did not finish, ``speedup_at_least`` is the limit over the fast engine's
time (a measured lower bound). Usage::

    python bench/run.py                 # 10k and 100k spaces
    BENCH_1M=1 python bench/run.py      # also 1M
    python bench/run.py --sizes 200     # smoke run (the test suite does this)

Results: printed and written as JSON to ``bench/results/latest.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Largest size (spaces) each reference engine is run at.
REFERENCE_MAX = {"tables": 100_000, "graph": 10_000, "shacl": 10_000, "query": 0}
#: From this size the SHACL and query stages load an on-disk store: in memory pyoxigraph holds about 430 bytes a
#: triple (3.3 GB at 100k spaces, 7.7M triples), so 1M spaces (77M triples) would not fit in this machine's 23 GB.
DISK_STORE_FROM = 200_000
#: Layer sets the SHACL stage is measured on (both engines on the same set).
SHACL_LAYERS = ("core", "all")
DEFECTS = 0.005
TWO_HOP = """
PREFIX org: <http://www.w3.org/ns/org#>
SELECT (COUNT(*) AS ?n) WHERE { ?space org:siteOf ?operator . ?operator org:hasSite ?other . FILTER(?other != ?space) }
"""


def _layers(name: str) -> tuple[str, ...]:
    from cowork_data.validate.shacl import all_layers

    return tuple(all_layers()) if name == "all" else (name,)


def measure(stage: str, engine: str, size: int, layers: str = "") -> dict:
    """Run one (stage, engine, size[, layers]) in this process and return its figures."""
    from bench.generate import generate

    tables, sources = generate(size, seed=1, defects=DEFECTS)
    rows = sum(map(len, tables.values()))
    out: dict = {"stage": stage, "engine": engine, "spaces": size, "rows": rows}
    if layers:
        out["layers"] = layers
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        if stage == "tables":  # imports outside the timing: both engines pay only their work
            if engine == "reference":
                from cowork_data.validate.table import validate_tables
            else:
                from cowork_data.validate.fast_table import validate_tables
        start = time.perf_counter()
        if stage == "tables":
            report = validate_tables(tables)
            out["findings"] = len(report.findings)
            out["rows_per_s"] = None
        elif stage == "graph":  # engines: rdflib Graph (reference), the polars writer (fast)
            from cowork_data.graph import build_graph, write_nquads

            out["rss_before_mb"] = _rss_mb()  # the generated tables: the writer's own memory is the peak above it
            sampler = _RssSampler()
            start = time.perf_counter()  # the imports (rdflib, polars) are not the engines' work
            if engine == "reference":
                graph = build_graph(tables, sources=sources)  # rdflib terms, sorted unique N-Triples
                lines = sorted({f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph})
                (Path(tmp) / "g.nt").write_text("".join(lines), encoding="utf-8")
                out["triples"] = len(lines)
            else:
                out["triples"] = write_nquads(tables, Path(tmp) / "g.nt", sources=sources, quads=False)
            out["writer_rss_mb"] = round(sampler.stop() - out["rss_before_mb"], 1)
        elif stage in ("shacl", "query"):
            from cowork_data.graph import write_nquads

            nt = Path(tmp) / "g.nt"
            out["triples"] = write_nquads(tables, nt, sources=sources, quads=False)
            del tables
            start = time.perf_counter()
            if stage == "query":
                import pyoxigraph as ox

                store = _store(size, Path(tmp), out)
                store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
                out["load_s"] = round(time.perf_counter() - start, 3)
                q = time.perf_counter()
                out["two_hop_rows"] = int(next(iter(store.query(TWO_HOP)))["n"].value)
                out["query_s"] = round(time.perf_counter() - q, 3)
            elif engine == "reference":
                from rdflib import Graph

                from cowork_data.validate.shacl import validate_graph

                start = time.perf_counter()
                graph = Graph().parse(nt, format="nt")
                out["load_s"] = round(time.perf_counter() - start, 3)
                start = time.perf_counter()
                out["findings"] = len(validate_graph(graph, layers=_layers(layers)))
            else:
                # Same footing as the reference: the data graph is loaded outside the timing (pySHACL's rdflib
                # parse is too); shapes, vocabulary, compilation, queries and findings are inside it.
                import pyoxigraph as ox

                from cowork_data.validate import fastshacl
                from cowork_data.validate.shacl import DEFAULT_VOCAB_DIR, load_shapes

                start = time.perf_counter()  # imports outside the timing, as for the reference
                store = _store(size, Path(tmp), out)
                store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
                out["load_s"] = round(time.perf_counter() - start, 3)
                start = time.perf_counter()
                for path in sorted(DEFAULT_VOCAB_DIR.glob("*.ttl")):
                    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
                out["findings"] = len(fastshacl.validate_store(store, load_shapes(_layers(layers))))
                out["fallback"] = ""
        seconds = time.perf_counter() - start
    out["seconds"] = round(seconds, 3)
    out["rows_per_s"] = round(rows / seconds) if stage == "tables" else None
    if "triples" in out and stage != "query":
        out["triples_per_s"] = round(out["triples"] / seconds)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path("/proc/self/status").read_text().split("VmRSS:")[1].split()
    except (OSError, IndexError):
        return 0.0
    return round(int(fields[0]) / 1024, 1)


class _RssSampler:
    """Samples this process's resident memory every 20 ms in a thread, until :meth:`stop` (which returns the peak)."""

    def __init__(self) -> None:
        import threading

        self.peak = _rss_mb()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return max(self.peak, _rss_mb())


def _store(size: int, tmp: Path, out: dict):  # noqa: ANN202 (pyoxigraph imported lazily)
    """An in-memory pyoxigraph store, or an on-disk one from ``DISK_STORE_FROM`` spaces (recorded in ``out``)."""
    import pyoxigraph as ox

    out["store"] = "disk" if size >= DISK_STORE_FROM else "memory"
    return ox.Store(str(tmp / "store")) if out["store"] == "disk" else ox.Store()


def _child(stage: str, engine: str, size: int, layers: str, limit: float) -> dict:
    cmd = [sys.executable, __file__, "--child", stage, engine, str(size)] + (["--layers", layers] if layers else [])
    head: dict = {"stage": stage, "engine": engine, "spaces": size} | ({"layers": layers} if layers else {})
    try:  # subprocess.run kills this one child when the limit is reached
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False, timeout=limit)
    except subprocess.TimeoutExpired:
        return head | {"did_not_finish_within_s": limit}
    if done.returncode != 0:
        return head | {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def plan(sizes: list[int]) -> list[tuple[str, str, int, str]]:
    runs = []
    for size in sizes:
        for stage, engines in (("tables", ("reference", "fast")),
                               ("graph", ("reference", "fast")),
                               ("shacl", ("reference", "fast")), ("query", ("fast",))):
            for layers in SHACL_LAYERS if stage == "shacl" else ("",):
                for engine in engines:
                    if engine == "reference" and size > REFERENCE_MAX[stage]:
                        continue
                    runs.append((stage, engine, size, layers))
    return runs


def ratios(results: list[dict]) -> list[dict]:
    """Fast / reference throughput, only where both ran on the same size (and layers) in this run."""
    out = []
    for ref in (r for r in results if r.get("engine") == "reference" and "error" not in r):
        for fast in (r for r in results if r.get("stage") == ref["stage"] and r.get("spaces") == ref["spaces"]
                     and r.get("layers") == ref.get("layers") and r.get("engine", "").startswith("fast")
                     and "seconds" in r):
            row = {"stage": ref["stage"], "spaces": ref["spaces"], "engine": fast["engine"]}
            if ref.get("layers"):
                row["layers"] = ref["layers"]
            if "seconds" in ref:
                row["speedup"] = round(ref["seconds"] / max(fast["seconds"], 1e-9), 1)
                row["same_findings_count"] = ref.get("findings") == fast.get("findings") if "findings" in ref else None
            else:
                row["reference_did_not_finish_within_s"] = ref["did_not_finish_within_s"]
                row["speedup_at_least"] = round(ref["did_not_finish_within_s"] / max(fast["seconds"], 1e-9), 1)
            out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "ENGINE", "SIZE"))
    parser.add_argument("--layers", default="", help=argparse.SUPPRESS)
    parser.add_argument("--only-fast", action="store_true", help="Skip the reference engines (smoke runs).")
    parser.add_argument("--reference-limit", type=float, default=240.0,
                        help="Wall-clock limit (s) of one reference run (default 240).")
    parser.add_argument("--fast-limit", type=float, default=900.0,
                        help="Wall-clock limit (s) of one fast run (default 900).")
    args = parser.parse_args()
    if args.child:
        stage, engine, size = args.child
        print(json.dumps(measure(stage, engine, int(size), args.layers)))
        return
    sizes = args.sizes or ([10_000, 100_000] + ([1_000_000] if os.environ.get("BENCH_1M") else []))
    results = []
    began = time.perf_counter()
    for stage, engine, size, layers in plan(sizes):
        if args.only_fast and engine == "reference":
            continue
        limit = args.reference_limit if engine == "reference" else args.fast_limit
        result = _child(stage, engine, size, layers, limit)
        results.append(result)
        print(json.dumps(result), flush=True)
    summary = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "defects": DEFECTS,
               "sizes": sizes, "limits_s": {"reference": args.reference_limit, "fast": args.fast_limit},
               "wall_s": round(time.perf_counter() - began, 1), "results": results, "ratios": ratios(results)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary["ratios"], indent=2))


if __name__ == "__main__":
    main()
