"""The app factory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route

from cowork_data.config import project_root
from cowork_data.serve import dereference, graph_store, site, sparql, sparql_page, validation

DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """What the route modules need to know; read from ``request.app.state.settings``."""

    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    root: Path | None = None


def create_app(*, max_upload_bytes: int = DEFAULT_MAX_UPLOAD, root: Path | None = None,
               site_dir: Path | None = None, store_path: Path | None = None,
               sparql_settings: sparql.SparqlSettings | None = None) -> Starlette:
    """The ASGI app with every page: ``/valida`` (validation), ``/sito`` (the built static site, from ``site_dir``,
    default ``site/`` in the project root, when it exists); ``/`` redirects to ``/valida``."""
    routes = [
        Route("/", lambda request: RedirectResponse("/valida"), methods=["GET"]),
        *validation.routes(),
        *site.routes(site_dir, root=root),
        *sparql_page.routes(),  # /sparql: the page for browsers, else the protocol (sparql_page.dispatch)
        *sparql.routes(),
        *graph_store.routes(),  # /store: Graph Store Protocol, read-only
        *dereference.routes(),
    ]
    app = Starlette(routes=routes)
    app.state.settings = Settings(max_upload_bytes=max_upload_bytes, root=root)
    # /sparql and /data/…: the embedded store (default build/store of the project), limits in SparqlSettings.
    project = root or project_root()
    app.state.sparql = sparql_settings or sparql.SparqlSettings(
        store_path=store_path or project / "build" / "store", queries_dir=project / "queries")
    return app
