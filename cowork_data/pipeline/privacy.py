"""The privacy scan of a release (:mod:`cowork_data.privacy`), at any size.

Every value a source publishes is a literal of its named graph (the tables' cells are mapped, the rest are codes):
each source's distinct plain literals are scanned once, when its graph is written, and the findings are cached with
the source. The small files written from the whole build (``datapackage.json``, the catalogue, the JSON-LD
context) are scanned in full every build. Typed literals (numbers, dates, codes) cannot hold a name and are skipped.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.errors import ValidationFailed
from cowork_data.privacy import SKIP_PREDICATES, json_strings, scan_text
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
        hits = list(scan_text(unescape_literal(text), where={"file": "", "field": _field(predicate.strip("<>"))}))
        if hits:
            found[(predicate, text)] = hits
    return found


class _Clean:
    """The (field, text) pairs a scan by this version of the code found nothing in, kept between builds in
    ``path`` (the rules may change with the code), so that a rebuild scans only the texts it has not seen: what
    :func:`cowork_data.privacy.scan_text` finds depends on the text and its field alone."""

    def __init__(self, path: Path) -> None:
        from cowork_data.pipeline.cache import code_version

        self.path, self.version = path, code_version()
        try:
            version, known = pickle.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            version, known = None, set()
        self.known: set[tuple[str, str]] = known if version == self.version else set()
        self.now: set[tuple[str, str]] = set()

    def scan(self, text: str, where: dict[str, Any]) -> list[Finding]:
        key = (str(where.get("field", "")), text)
        if key in self.known:
            self.now.add(key)
            return []
        hits = list(scan_text(text, where=where))
        if not hits:
            self.now.add(key)
        return hits

    def save(self) -> None:
        if self.now == self.known:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((self.version, self.now), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.path)


def _field(name: str) -> str:
    return "url" if any(k in name for k in SKIP_PREDICATES) else name


def _json(path: Path, clean: _Clean) -> list[Finding]:
    """:func:`cowork_data.privacy.scan_json`, each text scanned unless found clean before."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [f for key, text in json_strings(data)
            for f in clean.scan(text, {"file": str(path), "field": _field(key)})]


def _catalogue(path: Path, clean: _Clean) -> list[Finding]:
    """The catalogue's literals (read by pyoxigraph: it grows with the sources), each distinct one once."""
    import pyoxigraph as ox

    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if isinstance(triple.object, ox.Literal) and not _typed(triple.object):
            key = (triple.predicate.value, triple.object.value)
            if key in seen:
                continue
            seen.add(key)
            found.extend(clean.scan(key[1], {"file": str(path), "field": _field(key[0]),
                                             "focus_node": str(triple.subject.value)}))
    return found


def _typed(literal: object) -> bool:
    datatype = getattr(literal, "datatype", None)
    return datatype is not None and datatype.value not in (
        "http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


def scan(stage: Path, plan: Any) -> None:
    """Raise :class:`ValidationFailed` if the release would publish personal data of natural persons."""
    found = [f for entry in plan.entries for f in entry.stats.get("privacy", [])]
    clean = _Clean(plan.cache.directory / "privacy-clean.pickle")
    for path in sorted([stage / "datapackage.json", stage / CONTEXT_FILE[1]]):  # as scan_paths orders them
        found += _json(path, clean)
    found += _catalogue(stage / CATALOG_FILE[1], clean)
    clean.save()
    if found:
        report = Report()
        report.extend(found)
        raise ValidationFailed("error.build-personal-data", count=len(found), report=report)
