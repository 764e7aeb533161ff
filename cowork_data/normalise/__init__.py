"""Normalise: one source's recorded bytes → canonical rows (docs/tables.md), sorted by primary key."""

from __future__ import annotations

from cowork_data.config import Source
from cowork_data.errors import ConfigError
from cowork_data.harvest import Snapshot
from cowork_data.normalise.curated import normalise_curated
from cowork_data.normalise.ids import CROSSWALK_FILE, Crosswalk, slugify
from cowork_data.normalise.milano import normalise_milano
from cowork_data.normalise.tables import FIELDS, PRIMARY_KEYS, sort_rows
from cowork_data.reference import Comuni

__all__ = ["CROSSWALK_FILE", "Crosswalk", "FIELDS", "PRIMARY_KEYS", "normalise", "slugify"]


def normalise(source: Source, snapshot: Snapshot, *, comuni: Comuni, crosswalk: Crosswalk,
              notes: dict[str, dict[str, object]] | None = None) -> dict[str, list[dict[str, str]]]:
    """Canonical rows per table of `source.tables`: every field present, all strings, `""` for missing.

    New ids are minted into `crosswalk`; the caller saves it. A reader that drops data (personal data, rows it
    cannot place) says what and how much in `notes[source.id]` (the build summary prints it).
    """
    if source.format == "cget-csv":
        from cowork_data.normalise.cget import CgetNotes, normalise_cget

        found = CgetNotes()
        tables = normalise_cget(source, snapshot, crosswalk=crosswalk, notes=found)
        if notes is not None:
            notes[source.id] = found.summary()
    elif source.format == "milano-csv":
        tables = normalise_milano(source, snapshot, comuni=comuni, crosswalk=crosswalk)
    elif source.format == "curated-csv":
        tables = normalise_curated(source, snapshot, crosswalk=crosswalk)
    else:
        raise ConfigError("error.format-no-reader", source=source.path.name, format=repr(source.format))
    return {table: sort_rows(table, rows) for table, rows in tables.items()}
