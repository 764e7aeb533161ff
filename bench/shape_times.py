"""Per-check query time of the fast SHACL engine on generated data (not a test).

    python bench/shape_times.py 1000 10000 [--top 15] [--limit 120]

Prints, per size, the time of all checks run together as a validation runs them (merged count checks, threads),
then the slowest compiled checks run one at a time (node shape, path, component, seconds, result rows). A check
still running after ``--limit`` seconds is reported as "did not finish" (it runs in a child process that is then
stopped).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _store(nt: Path):  # noqa: ANN202 - pyoxigraph.Store, imported in the child
    import pyoxigraph as ox

    from cowork_data.validate.shapes import vocab_files

    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    for path in vocab_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _label(shapes, check) -> str:  # noqa: ANN001
    from cowork_data.validate.shapes import node_shape, path_text

    shape = str(node_shape(shapes, check.shape)).rsplit("#", 1)[-1]
    path = path_text(shapes, check.path).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return f"{shape} {path}".strip()


def _run_all(nt: str, conn) -> None:  # noqa: ANN001
    logging.disable(logging.WARNING)  # rdflib's notes on the planted ill-typed literals
    from cowork_data.validate import fastshacl
    from cowork_data.validate.shapes import all_layers, load_shapes

    store = _store(Path(nt))
    shapes = load_shapes(all_layers())
    checks = fastshacl.compile_shapes(shapes)
    start = time.perf_counter()
    together = len(fastshacl.run(store, checks))
    conn.send(("all", time.perf_counter() - start, together))
    for i, check in enumerate(checks):
        start = time.perf_counter()
        n = len(fastshacl.run(store, [check]))
        conn.send((i, _label(shapes, check), check.component, time.perf_counter() - start, n))
    conn.send(None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from bench.generate import generate
    from cowork_data.graph import write_nquads

    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="shape-times-") as tmp:
            tables, sources = generate(size, seed=1, defects=0.005)
            nt = Path(tmp) / "g.nt"
            n = write_nquads(tables, nt, sources=sources, quads=False)
            del tables
            parent, child = mp.Pipe()
            proc = mp.get_context("fork").Process(target=_run_all, args=(str(nt), child))
            proc.start()
            rows, total, last, together = [], 0.0, None, None
            while True:
                if not parent.poll(args.limit):
                    print(f"{size} spaces: a check after #{last} did not finish within {args.limit:.0f} s")
                    proc.kill()
                    break
                item = parent.recv()
                if item is None:
                    break
                if item[0] == "all":
                    together = item
                    continue
                rows.append(item)
                total += item[3]
                last = item[0], item[1], item[2]
            proc.join()
            if together:
                print(f"{size} spaces, {n} triples: all {len(rows)} checks together {together[1]:.2f} s "
                      f"({together[2]} results)")
            print(f"{size} spaces, {n} triples, {len(rows)} checks one at a time, {total:.2f} s in queries")
            for i, label, component, seconds, found in sorted(rows, key=lambda r: -r[3])[: args.top]:
                print(f"  #{i:<3} {seconds:8.3f} s  {found:6d}  {label}  {component}")


if __name__ == "__main__":
    main()
