"""The SPARQL endpoint under load, short version (issue 9); `make bench` runs it for 60 s.

16 concurrent clients on loopback send light queries while heavy queries are cut by the timeout: zero errors
for the light ones, light ones answered while a heavy one runs (a heavy query does not hold the endpoint), every
heavy one answered 503, and an upload over the limit refused with 413. Latency and throughput are figures only
(printed in the run's summary): they depend on the machine's load, so the benchmark measures them, not an assert.
"""

from __future__ import annotations

from bench.load_endpoint import free_port, run_load, start_server
from tests.conftest import figures
from tests.processes import spawn, stop

SECONDS = 8.0


def test_sixteen_clients_no_errors_heavy_queries_cut(release) -> None:
    port = free_port()
    server = start_server(release.output / "build" / "store", port=port, timeout=1.0, max_upload_mb=0.5,
                          spawn=spawn)
    try:
        result = run_load(f"http://127.0.0.1:{port}", clients=16, seconds=SECONDS, max_upload_mb=0.5)
    finally:
        stop(server)
    figures("endpoint-load", result)
    assert result["errors"] == 0, result["error_kinds"]
    assert result["requests"] > 16
    assert result["heavy"]["sent"] >= 2 and result["heavy"]["cut"] == result["heavy"]["sent"]
    assert result["upload_over_limit_status"] == 413
    assert result["light_during_heavy"] > 0  # light queries are not starved while a heavy one runs
