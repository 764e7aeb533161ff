"""Harvest: fetch each source and record its raw bytes with provenance (offline part: read the recordings)."""

from cowork_data.harvest.snapshot import Snapshot, load_snapshot, provenance_path

__all__ = ["Snapshot", "load_snapshot", "provenance_path"]
