"""Test helpers: the app of ``cowork-data serve`` on a store; serving an ASGI app with uvicorn on a free 127.0.0.1
port, in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app, *, start_timeout: float = 30.0, port: int | None = None) -> Iterator[str]:  # noqa: ANN001 - any ASGI app
    """Yield the base URL while ``app`` is served (on ``port``, default a free one); stop the server afterwards."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port or free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def sparql_app(store: Path, **settings: Any) -> Iterator[Any]:  # noqa: ANN401 - SparqlSettings' fields
    """The app of ``cowork-data serve`` answering from ``store`` (``settings``: the other ``SparqlSettings``); its
    query worker processes are stopped on the way out."""
    from cowork_data.serve import create_app
    from cowork_data.serve.sparql import SparqlSettings

    app = create_app(sparql_settings=SparqlSettings(store_path=store, **settings))
    try:
        yield app
    finally:
        if getattr(app.state, "sparql_pool", None) is not None:
            app.state.sparql_pool.close()
