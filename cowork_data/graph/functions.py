"""The functions the declaration names (``mapping/tables.toml``): computed columns and the items of sub-resources.

Column functions take polars Series (or constant strings) and ``length`` and return a string Series (null: no value);
item functions take one row's argument values (``None`` when empty) and return the items, each a tuple of the item
fields listed in :data:`cowork_data.declaration.ITEM_FUNCTIONS`.
"""

from __future__ import annotations

import polars as pl

from cowork_data.graph.hours import opening_hours_specifications

__all__ = ["admission_tail", "country_iri", "feature_codes", "join", "opening_hours"]


def join(separator: str, *parts: pl.Series | str, length: int) -> pl.Series:
    """The non-empty parts joined by ``separator`` (``", ".join(p for p in parts if p)``), null when all are empty."""
    exprs = [pl.lit(p) if isinstance(p, pl.Series) else pl.lit(p) for p in parts]
    joined = pl.select(pl.concat_str(exprs, separator=separator, ignore_nulls=True)).to_series()
    return joined.zip_with(joined.fill_null("") != "", pl.Series([None] * len(joined), dtype=pl.String))


def country_iri(country: pl.Series, *, length: int) -> pl.Series:
    """The EU country table's IRI of each row's country profile (``IT`` → ``…/country/ITA``; empty: Italy, the first
    profile; a country without a profile: null, no triple)."""
    from cowork_data.profiles import PROFILES

    codes = country.fill_null("IT").str.strip_chars().str.to_uppercase().replace("", "IT")
    return codes.replace_strict(list(PROFILES), [str(p.country_iri) for p in PROFILES.values()], default=None,
                                return_dtype=pl.String)


def admission_tail(call_id: pl.Series, space_id: pl.Series, *, length: int) -> pl.Series:
    """The admission's part of its IRI: the space's slug when the space is in the call's comune (their ids start with
    the same belfiore), else the whole space id."""
    call_id, space_id = call_id.fill_null(""), space_id.fill_null("")
    belfiore = space_id.str.extract(r"(?s)^([^/]*)", 1)
    slug = space_id.str.extract(r"(?s)^[^/]*/(.*)$", 1).fill_null("")
    call_belfiore = call_id.str.extract(r"(?s)^([^/]*)", 1)
    return slug.zip_with(((slug != "") & (belfiore == call_belfiore)).fill_null(False), space_id)


def feature_codes(features: str | None, workstations: str | None) -> list[tuple[str]]:
    """The sorted distinct codes of ``features``, with ``workstations`` added when their number is known."""
    codes = set((features or "").split())
    if workstations:
        codes.add("workstations")
    return [(code,) for code in sorted(codes)]


def opening_hours(text: str | None) -> list[tuple[str, list[str], str, str]]:
    """``(n, days, opens, closes)`` of each simple OSM rule, numbered from 1 (:mod:`cowork_data.graph.hours`)."""
    return [(str(n), list(days), opens, closes)
            for n, (days, opens, closes) in enumerate(opening_hours_specifications(text or ""), 1)]
