"""The web server (``cowork-data serve``): one Starlette ASGI app, run by uvicorn.

:func:`create_app` assembles the app from route modules, one per page or endpoint (``validation`` serves
``/valida``); a new component (the SPARQL endpoint, the static site) adds its module's routes there.

The app is imported when :func:`create_app` is called, not with this package: the SPARQL worker processes import
``cowork_data.serve.sparql`` only, and should not pay for the validation page's imports (frictionless: 1.7 of the
2.1 s a worker took to start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["create_app"]


def create_app(**options: Any) -> Starlette:
    """The ASGI app with every page; the options are those of :func:`cowork_data.serve.app.create_app`."""
    from cowork_data.serve import app

    return app.create_app(**options)
