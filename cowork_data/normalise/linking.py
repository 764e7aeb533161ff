"""Linking the same space across sources (Milan's coworking list, its FabLab list, a network's directory).

Two records of different sources are the same place when their normalised addresses (street + house number)
are equal, their points (when both have one) are within `max_distance` metres, and their names share at least
half of their distinctive words (generic words such as `coworking`, `fablab`, `spazio` do not count). Both
records are kept; the later one is linked to the canonical id (the record of the first source in id order) in
`ids/same-as.csv`, frozen at first sight like the crosswalk. Same address but different names, or several
candidates in one source, is reported as ambiguous and not linked: a building often holds several spaces.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from cowork_data.normalise.text import fold
from cowork_data.publish.atomic import write_text_atomic

__all__ = ["SAME_AS_FILE", "Ambiguity", "Link", "LinkReport", "link_spaces", "load_links", "save_links", "update_links"]

SAME_AS_FILE = Path("ids") / "same-as.csv"
_COLUMNS = ("id", "same_as", "source_id", "score", "distance_m")
_GENERIC = {"coworking", "co", "working", "fablab", "fab", "lab", "makerspace", "maker", "space", "spazio", "spazi",
            "hackerspace", "esempio", "di", "del", "della", "dei", "delle", "il", "la", "lo", "le", "the", "e"}


@dataclass(frozen=True)
class Link:
    """`id` (a record of `source_id`) is the same place as `same_as`, the canonical id."""

    id: str
    same_as: str
    source_id: str
    score: str
    distance_m: str


@dataclass(frozen=True)
class Ambiguity:
    id: str
    candidates: tuple[str, ...]
    reason_it: str
    reason_en: str


@dataclass
class LinkReport:
    links: list[Link] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(name)) if w not in _GENERIC}


def _address(row: dict[str, str]) -> str:
    street = " ".join(re.findall(r"[a-z0-9]+", fold(row.get("street_address", ""))))
    return f"{street}|{row.get('house_number', '').lower()}" if street else ""


def _distance(a: dict[str, str], b: dict[str, str]) -> float | None:
    try:
        lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (a["latitude"], a["longitude"], b["latitude"],
                                                                  b["longitude"]))
    except (KeyError, ValueError):
        return None
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _similarity(a: dict[str, str], b: dict[str, str]) -> float:
    wa, wb = _words(a["name"]), _words(b["name"])
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def link_spaces(spaces: list[dict[str, str]], *, max_distance: float = 60.0) -> LinkReport:
    """Links between records of different sources that are the same place, and the ambiguous matches."""
    report = LinkReport()
    rows = sorted(spaces, key=lambda r: (r["source_id"], r["id"]))
    for i, row in enumerate(rows):
        by_source: dict[str, list[tuple[dict[str, str], float, float | None]]] = {}
        for other in rows[:i]:
            if other["source_id"] == row["source_id"] or not _address(row) or _address(row) != _address(other):
                continue
            distance = _distance(row, other)
            if distance is not None and distance > max_distance:
                continue
            by_source.setdefault(other["source_id"], []).append((other, _similarity(row, other), distance))
        for candidates in by_source.values():
            similar = [c for c in candidates if c[1] >= 0.5]
            if len(similar) == 1:
                other, score, distance = similar[0]
                report.links.append(Link(row["id"], other["id"], row["source_id"], f"{score:.2f}",
                                         "" if distance is None else f"{distance:.1f}"))
                continue
            ids = tuple(sorted(c[0]["id"] for c in candidates))
            if len(similar) > 1:
                report.ambiguous.append(Ambiguity(row["id"], ids, "più candidati con nome simile allo stesso indirizzo",
                                                  "several candidates with a similar name at the same address"))
            else:
                report.ambiguous.append(Ambiguity(row["id"], ids, "stesso indirizzo ma nome diverso",
                                                  "same address but a different name"))
    return report


def load_links(path: Path) -> list[Link]:
    """The frozen links; a missing file has none."""
    if not path.exists():
        return []
    return [Link(**{k: row[k] for k in _COLUMNS}) for row in csv.DictReader(io.StringIO(path.read_text("utf-8")))]


def save_links(path: Path, links: list[Link]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for link in sorted(links, key=lambda item: (item.id, item.same_as)):
        writer.writerow([link.id, link.same_as, link.source_id, link.score, link.distance_m])
    write_text_atomic(path, buffer.getvalue())  # the frozen ids must never be left half-written


def update_links(path: Path, spaces: list[dict[str, str]]) -> LinkReport:
    """Link `spaces` and add new links to the frozen ones in `path` (written only when it changes)."""
    report = link_spaces(spaces)
    frozen = load_links(path)
    linked = {link.id for link in frozen}
    merged = frozen + [link for link in report.links if link.id not in linked]
    if merged != frozen or (merged and not path.exists()):
        save_links(path, merged)
    report.links = sorted(merged, key=lambda item: (item.id, item.same_as))
    return report
