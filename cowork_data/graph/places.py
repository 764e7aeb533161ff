"""The rows of ``other.communes`` and ``other.areas`` (``mapping/tables.toml``): the French communes the spaces
name, with their legal population and the département and région they lie in, from INSEE's COG in
``reference/insee/`` (:mod:`cowork_data.profiles.insee`). Italian comuni are OntoPiA's (``city(…)``): their
regions are OntoPiA's too, and the graph does not repeat them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

__all__ = ["place_rows"]


def place_rows(spaces: Sequence[Mapping[str, Any]] | pl.DataFrame) -> dict[str, list[dict[str, str]]]:
    """``communes``: one row per (French commune, name the rows give it); ``areas``: each of their départements and
    régions once. Empty when no space is in France."""
    if isinstance(spaces, pl.DataFrame):
        if "country" not in spaces.columns:
            return {}
        frame = spaces.select("country", "commune_insee", "comune_name")
        rows = frame.iter_rows()
    else:
        rows = ((s.get("country"), s.get("commune_insee"), s.get("comune_name")) for s in spaces)
    found = sorted({((code or "").strip(), (name or "").strip()) for country, code, name in rows
                    if (country or "").strip().upper() == "FR" and (code or "").strip()})
    if not found:
        return {}
    from cowork_data.profiles.insee import load_communes

    communes = load_communes()
    out: list[dict[str, str]] = []
    areas: set[tuple[str, str, str]] = set()
    for code, name in found:
        commune = communes.get(code)
        row = {"code": code, "name": name, "population": "", "departement": "", "region": ""}
        if commune is not None:
            row.update(population="" if commune.population is None else str(commune.population),
                       departement=commune.departement, region=commune.region)
            if commune.departement:
                areas.add(("departement", commune.departement, communes.departement_name(commune.departement)))
            if commune.region:
                areas.add(("region", commune.region, communes.region_name(commune.region)))
        out.append(row)
    return {"communes": out, "areas": [{"kind": k, "code": c, "name": n} for k, c, n in sorted(areas)]}
