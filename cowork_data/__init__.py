"""cowork-data: open data on shared workplaces in Italy.

``cowork_data.open()`` gives the published release in one line (tables as polars DataFrames, SPARQL answers as
DataFrames, the graph as an rdflib Graph): see :mod:`cowork_data.release`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cowork_data.release import Release

__all__ = ["__version__", "open"]

__version__ = "0.1.0"


def open(path: str | os.PathLike[str] | None = None) -> Release:  # noqa: A001 - the package's one-line entry point
    """The published release at ``path`` (a folder with ``datapackage.json``; default: ``$COWORK_DATA_RELEASE``
    when set, else the project's release).

    Example::

        import cowork_data
        release = cowork_data.open()
        release.tables["spaces"]                                  # polars DataFrame
        release.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # polars DataFrame
    """
    from cowork_data.release import open_release

    return open_release(path)
