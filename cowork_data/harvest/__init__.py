"""Harvest: fetch each source and record its raw bytes with provenance.

`load_snapshot` reads a recorded snapshot; `harvest` checks them all (offline) or fetches them (`live=True`)
through the polite HTTP client of `harvest.http`; `harvest.adapters` turns bytes into raw records.
"""

from cowork_data.harvest.snapshot import Snapshot, load_snapshot, provenance_path

__all__ = ["Snapshot", "harvest", "load_snapshot", "provenance_path"]


def __getattr__(name: str):  # noqa: ANN202 - lazy, so that importing a snapshot does not import the HTTP stack
    if name == "harvest":
        from cowork_data.harvest.run import harvest

        return harvest
    raise AttributeError(name)
