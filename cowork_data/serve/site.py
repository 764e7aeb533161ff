"""``/sito``: the static site written by ``cowork-data site`` (map, pages, schema, downloads, charts).

The built directory is mounted as it is (``index.html`` for directories); when it has not been built yet the
route is absent rather than failing at request time.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

PREFIX = "/sito"


def default_site_dir(root: Path | None = None) -> Path:
    """Where ``cowork-data site`` writes by default: ``site/`` in the project root."""
    from cowork_data.config import project_root

    return (root or project_root()) / "site"


def routes(site_dir: Path | None = None, *, root: Path | None = None) -> list[Mount]:
    directory = Path(site_dir) if site_dir else default_site_dir(root)
    if not (directory / "index.html").is_file():
        return []
    return [Mount(PREFIX, app=StaticFiles(directory=directory, html=True), name="site")]
