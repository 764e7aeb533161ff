"""The privacy scan of a release (:mod:`cowork_data.privacy`), at any size.

Every value a source publishes is a literal of its named graph (the tables' cells are mapped, the rest are codes):
each source's distinct plain literals are scanned once, when its graph is written, and the findings are cached with
the source. The small files written from the whole build (``datapackage.json``, the catalogue, the JSON-LD
context) are scanned in full every build. Typed literals (numbers, dates, codes) cannot hold a name and are skipped.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.errors import ValidationFailed
from cowork_data.privacy import SKIP_PREDICATES, scan_paths, scan_text
from cowork_data.publish.lines import unescape_literal
from cowork_data.publish.package import CATALOG_FILE, CONTEXT_FILE
from cowork_data.validate.report import Finding, Report

__all__ = ["literal_findings", "plain_literals", "scan"]


def plain_literals(data: pl.DataFrame) -> pl.DataFrame:
    """The plain and language-tagged literals of N-Quads objects (``o``: the rest of the line after the predicate
    ``p``), with their text still escaped; typed literals (numbers, dates, codes) cannot hold a name."""
    return (data.filter(pl.col("o").str.starts_with('"'))
            .with_columns(text=pl.col("o").str.extract(r'^"(.*)"(?:@[A-Za-z0-9-]+)? <[^<>]*> \.$', 1))
            .drop_nulls("text").drop("o"))


def literal_findings(values: pl.DataFrame) -> dict[tuple[str, str], list[Finding]]:
    """Personal data in each distinct (predicate, escaped text) of ``values``."""
    found: dict[tuple[str, str], list[Finding]] = {}
    for predicate, text in values.select("p", "text").iter_rows():
        name = predicate.strip("<>")
        field = "url" if any(k in name for k in SKIP_PREDICATES) else name
        hits = list(scan_text(unescape_literal(text), where={"file": "", "field": field}))
        if hits:
            found[(predicate, text)] = hits
    return found


def _catalogue(path: Path, clean: Path | None = None) -> list[Finding]:
    """The catalogue's literals (read by pyoxigraph: it grows with the sources). ``clean``: a file of the
    (field, text) pairs a scan by this code found nothing in, kept between builds, so that a rebuild scans only
    new texts."""
    import pyoxigraph as ox

    from cowork_data.pipeline.cache import code_version

    known: set[tuple[str, str]] = set()
    if clean is not None:  # the pairs found clean by this version of the code (its rules may change)
        try:
            version, known = pickle.loads(clean.read_bytes())
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            version = None
        known = known if version == code_version() else set()
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    now: set[tuple[str, str]] = set()
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if isinstance(triple.object, ox.Literal) and not _typed(triple.object):
            key = (triple.predicate.value, triple.object.value)
            if key in seen:
                continue
            seen.add(key)
            field = "url" if any(k in key[0] for k in SKIP_PREDICATES) else key[0]
            if (field, key[1]) in known:
                now.add((field, key[1]))
                continue
            hits = list(scan_text(key[1], where={"file": str(path), "field": field,
                                                 "focus_node": str(triple.subject.value)}))
            if not hits:
                now.add((field, key[1]))
            found.extend(hits)
    if clean is not None and now != known:
        clean.parent.mkdir(parents=True, exist_ok=True)
        tmp = clean.with_name(f".{clean.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((code_version(), now), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, clean)
    return found


def _typed(literal: object) -> bool:
    datatype = getattr(literal, "datatype", None)
    return datatype is not None and datatype.value not in (
        "http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


def scan(stage: Path, plan: Any) -> None:
    """Raise :class:`ValidationFailed` if the release would publish personal data of natural persons."""
    found = [f for entry in plan.entries for f in entry.stats.get("privacy", [])]
    found += scan_paths([stage / "datapackage.json", stage / CONTEXT_FILE[1]])
    found += _catalogue(stage / CATALOG_FILE[1], plan.cache.directory / "privacy-clean.pickle")
    if found:
        report = Report()
        report.extend(found)
        raise ValidationFailed(
            f"Dati personali nei file da pubblicare: {len(found)}; nulla è stato pubblicato.",
            f"Personal data in the files to publish: {len(found)}; nothing was published.",
            report=report,
        )
