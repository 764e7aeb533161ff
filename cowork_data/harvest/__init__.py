"""Harvest: fetch each source and record its raw bytes with provenance.

`load_snapshot` reads a recorded snapshot; `harvest` checks them all (offline) or fetches them (`live=True`)
through the polite HTTP client of `harvest.http`; `harvest.adapters` turns bytes into raw records.
"""

__all__ = ["Snapshot", "harvest", "load_snapshot", "provenance_path"]


def __getattr__(name: str):  # noqa: ANN202 - lazy: importing an adapter (describe) needs neither the HTTP stack
    if name == "harvest":     # nor the sources' configuration
        from cowork_data.harvest.run import harvest

        return harvest
    if name in ("Snapshot", "load_snapshot", "provenance_path"):
        from cowork_data.harvest import snapshot

        return getattr(snapshot, name)
    raise AttributeError(name)
