"""Load on the SPARQL endpoint (not a unit test): N concurrent clients for T seconds, loopback only.

Starts ``cowork-data serve`` on a free 127.0.0.1 port with the given store and a short query timeout, runs
``clients`` threads that each loop light SELECT queries until ``seconds`` have passed (bounded in time and in
count), while one more thread sends a heavy query (a triple cross join) every second, which the server must cut
with 503 at its timeout. It also posts an upload over the validation page's limit, which must get 413. Prints
p50/p99 latency of the light queries, error counts, throughput and how many light queries were answered while a
heavy one was running (``light_during_heavy``: more than zero means a heavy query does not hold the endpoint) as
JSON. Used by ``tests/test_load.py`` (a
short run) and ``make bench`` (60 s)::

    python bench/load_endpoint.py --seconds 60 --clients 16
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

LIGHT = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/cowork-data/vocab#Workspace> }",
    "SELECT ?name WHERE { ?s <http://schema.org/name> ?name } ORDER BY ?name LIMIT 20",
    "ASK { ?s <https://w3id.org/italia/onto/l0/identifier> \"f205/2013-bando-coworking\" }",
]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MAX_REQUESTS_PER_CLIENT = 100_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(store: Path, *, port: int, timeout: float, max_upload_mb: float,
                 spawn: Callable[..., subprocess.Popen] = subprocess.Popen) -> subprocess.Popen:
    """``cowork-data serve`` on ``port``, once it answers; ``spawn`` starts the process (the tests pass theirs, which
    ties the server's life to the test run's)."""
    command = [sys.executable, "-m", "cowork_data", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--store", str(store), "--query-timeout", str(timeout), "--max-upload-mb", str(max_upload_mb)]
    server = spawn(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=5).ok:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start: " + (server.stderr.read().decode() if server.stderr else ""))


def run_load(base: str, *, clients: int, seconds: float, max_upload_mb: float) -> dict:
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    heavy: dict[str, int] = {"sent": 0, "cut": 0, "other": 0}
    answered: list[tuple[float, float]] = []  # (sent, answered) of each light query answered without error
    heavy_spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def light_client(index: int) -> None:
        session = requests.Session()
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= stop:
                break
            query = LIGHT[(index + n) % len(LIGHT)]
            started = time.perf_counter()
            try:
                answer = session.get(f"{base}/sparql", params={"query": query},
                                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
                ok = answer.status_code == 200 and ("results" in answer.json() or "boolean" in answer.json())
                problem = "" if ok else f"HTTP {answer.status_code}"
            except (requests.RequestException, ValueError) as exc:
                problem = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(elapsed)
                    answered.append((started, started + elapsed))

    def heavy_client() -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            heavy["sent"] += 1
            sent = time.perf_counter()
            try:
                answer = session.get(f"{base}/sparql", params={"query": HEAVY}, timeout=60)
                heavy["cut" if answer.status_code == 503 else "other"] += 1
            except requests.RequestException:
                heavy["other"] += 1
            heavy_spans.append((sent, time.perf_counter()))
            time.sleep(1.0)

    threads = [threading.Thread(target=light_client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=heavy_client))
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    too_big = requests.post(f"{base}/valida", files={"file": ("big.csv", b"a;b\n" + b"x;y\n" * int(
        max_upload_mb * 1024 * 1024 / 4 + 1024))}, timeout=60)
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "throughput_rps": round(len(latencies) / wall, 1),
        "p50_ms": round(1000 * statistics.median(ordered), 1) if ordered else None,
        "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1) if ordered else None,
        "heavy": heavy,
        "light_during_heavy": sum(1 for sent, done in answered
                                  if any(start < sent and done < end for start, end in heavy_spans)),
        "upload_over_limit_status": too_big.status_code,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=Path(__file__).resolve().parents[1] / "build" / "store")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=1.0, help="the server's query timeout")
    parser.add_argument("--max-upload-mb", type=float, default=1.0)
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.store, port=port, timeout=args.timeout, max_upload_mb=args.max_upload_mb)
    try:
        result = run_load(f"http://127.0.0.1:{port}", clients=args.clients, seconds=args.seconds,
                          max_upload_mb=args.max_upload_mb)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(result, indent=2))
    ok = result["errors"] == 0 and result["heavy"]["other"] == 0 and result["upload_over_limit_status"] == 413
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
