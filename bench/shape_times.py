"""Per-check query time of the fast SHACL engine on generated data (not a test).

    python bench/shape_times.py 1000 10000 [--top 15] [--limit 120]

Prints, per size, the slowest compiled checks (shape, component, seconds, result rows). A check still running after
``--limit`` seconds is reported as "did not finish" (it runs in a child process that is then stopped).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _store(nt: Path):
    import pyoxigraph as ox

    from cowork_data.validate import shacl as reference

    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    for path in sorted(reference.DEFAULT_VOCAB_DIR.glob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _run_all(nt: str, conn) -> None:
    from cowork_data.validate import fast_shacl
    from cowork_data.validate.shacl import all_layers, load_shapes

    store = _store(Path(nt))
    checks = fast_shacl.compile_shapes(load_shapes(all_layers()))
    for i, check in enumerate(checks):
        start = time.perf_counter()
        n = len(fast_shacl.run(store, [check]))
        conn.send((i, str(check.shape).rsplit("#", 1)[-1], check.component, time.perf_counter() - start, n))
    conn.send(None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    from bench.generate import generate
    from cowork_data.graph import triples
    from cowork_data.graph.stream import write_ntriples_stream

    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="shape-times-") as tmp:
            tables, sources = generate(size, seed=1, defects=0.005)
            nt = Path(tmp) / "g.nt"
            n = write_ntriples_stream(triples(tables, sources=sources), nt)
            del tables
            parent, child = mp.Pipe()
            proc = mp.get_context("fork").Process(target=_run_all, args=(str(nt), child))
            proc.start()
            rows, total, last = [], 0.0, None
            while True:
                if not parent.poll(args.limit):
                    print(f"{size} spaces: a check after #{last} did not finish within {args.limit:.0f} s")
                    proc.kill()
                    break
                item = parent.recv()
                if item is None:
                    break
                rows.append(item)
                total += item[3]
                last = item[0], item[1], item[2]
            proc.join()
            print(f"{size} spaces, {n} triples, {len(rows)} checks, {total:.2f} s in queries")
            for i, shape, component, seconds, found in sorted(rows, key=lambda r: -r[3])[: args.top]:
                print(f"  #{i:<3} {seconds:8.3f} s  {found:6d}  {shape}  {component}")


if __name__ == "__main__":
    main()
