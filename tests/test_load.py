"""The SPARQL endpoint under load, short version (issue 9); `make bench` runs it for 60 s.

16 concurrent clients on loopback send light queries while heavy queries are cut by the timeout: zero errors
for the light ones, every heavy one answered 503, and an upload over the limit refused with 413.
"""

from __future__ import annotations

from bench.load_endpoint import free_port, run_load, start_server
from tests.conftest import figures

SECONDS = 8.0


def test_sixteen_clients_no_errors_heavy_queries_cut(release) -> None:
    port = free_port()
    server = start_server(release.output / "build" / "store", port=port, timeout=1.0, max_upload_mb=0.5)
    try:
        result = run_load(f"http://127.0.0.1:{port}", clients=16, seconds=SECONDS, max_upload_mb=0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures("endpoint-load", result)
    assert result["errors"] == 0, result["error_kinds"]
    assert result["requests"] > 16
    assert result["heavy"]["sent"] >= 2 and result["heavy"]["cut"] == result["heavy"]["sent"]
    assert result["upload_over_limit_status"] == 413
    assert result["p99_ms"] is not None and result["p99_ms"] < 5000  # light queries are not starved
