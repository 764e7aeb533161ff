"""The one place that states the order of the stages (:mod:`cowork_data.pipeline.run`):

    sources/*.toml ─harvest→ snapshots ─normalise→ canonical tables ─validate (Table Schema)→
    ─graph→ N-Quads per source ─publish→ datapackage.json + data/ + data/graph/ ─bulk load→ build/store
    ─validate (SHACL, on that store)→ swap in

:func:`build` runs them all, redoing only what changed since the last build; each stage is also a function of its
own subpackage.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cowork_data.pipeline.run import STAGES, BuildResult, build, engines, note_line, published_hashes
from cowork_data.pipeline.sources import source_info

__all__ = ["STAGES", "BuildResult", "build", "collect", "engines", "note_line", "published_hashes", "source_info"]


def collect(root: Path, progress: Callable[[str, str], None]) -> tuple[dict[str, list[dict[str, str]]],
                                                                       list[dict[str, Any]], Any]:
    """Harvest (from the recorded snapshots) and normalise every source into canonical tables, in memory (small
    projects, tests): the tables (with ``same_as``, the links between sources), the sources' descriptions and the
    crosswalk."""
    import tempfile

    from cowork_data.config import load_sources
    from cowork_data.normalise.ids import Crosswalk
    from cowork_data.pipeline.cache import Cache
    from cowork_data.pipeline.run import links_of
    from cowork_data.pipeline.sources import prepare, rows_of
    from cowork_data.reference import load_comuni
    from cowork_data.table_schemas import TABLES

    crosswalk = Crosswalk.load(root / "ids" / "crosswalk.csv")
    with tempfile.TemporaryDirectory(prefix="collect-") as tmp:
        prepared = prepare(root, load_sources(root), cache=Cache(Path(tmp)), crosswalk=crosswalk,
                           comuni=load_comuni, versions="collect", check=None, progress=progress)
        tables: dict[str, list[dict[str, str]]] = {t: [] for t in TABLES}
        for entry in prepared.entries:
            for name, frame in entry.tables.items():
                if name in tables:
                    tables[name].extend(rows_of(frame))
        tables["same_as"] = links_of(root, prepared.entries, progress)
        return tables, [e.info for e in prepared.entries], crosswalk
