"""The web server (``cowork-data serve``): one Starlette ASGI app, run by uvicorn.

:func:`create_app` assembles the app from route modules, one per page or endpoint (``validation`` serves
``/valida``); a new component (the SPARQL endpoint, the static site) adds its module's routes there.
"""

from __future__ import annotations

from cowork_data.serve.app import create_app

__all__ = ["create_app"]
