"""Linking the same space across sources (a registry, OpenStreetMap, a network's directory, Milan's two lists).

Two records of different sources are compared when they are near each other (both points within
:attr:`Thresholds.near` metres) or, lacking a point, in the same municipality. Three pieces of evidence are
measured with rapidfuzz (a maintained string-matching library):

- *name*: the normalised Indel similarity (``fuzz.ratio``) of the names folded (case, accents) and without generic
  words (``coworking``, ``fablab``, ``espace``, ``spazio``, articles), so ``FabLab Officina Inventata`` and
  ``Officina Inventata Ortica`` agree (0.84) and ``Pharmacie de la Gare`` does not match ``Coworking de la Gare``
  (token-set scores give such subsets 1.0: measured, they cost precision);
- *address*: ``token_sort_ratio`` of street and house number (0 when both numbers are given and differ);
- *distance*: metres between the points (haversine).

A pair is a *match* when the names agree (``name ≥ Thresholds.name``) and the place does too (``distance ≤
Thresholds.distance`` or ``address ≥ Thresholds.address``). The thresholds are measured on a labelled sample
(``tests/fixtures/linking/``, precision and recall printed by ``tests/test_harvest_linking.py``). Both records are
kept; the later one (by source, then id) is linked to the other in ``ids/same-as.csv`` with its evidence, frozen at
first sight like the crosswalk, and the graph states ``owl:sameAs`` with that evidence. Never guessed, reported as
ambiguous instead: several matches in one source, and the same address or point with another name (a building often
holds several spaces).

A rebuild links again only the records a change can move (:func:`relink`): a record's result is a function of its
own fields and of its candidates' (being a candidate is symmetric), so the records added, removed or changed and
the candidates of each of them are compared again, each with all its candidates, and every other record keeps the
result the build cache holds for it. :func:`link_spaces` is the full computation, the reference it is tested
against (``tests/test_linking_incremental.py``).
"""

from __future__ import annotations

import csv
import io
import math
import os
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from cowork_data.atomic import write_text_atomic
from cowork_data.i18n import both
from cowork_data.normalise.text import fold

__all__ = ["SAME_AS_FILE", "THRESHOLDS", "Ambiguity", "Evidence", "Link", "LinkReport", "Thresholds", "evidence",
           "freeze_links", "link_spaces", "load_links", "relink", "save_links", "update_links"]

SAME_AS_FILE = Path("ids") / "same-as.csv"
_COLUMNS = ("id", "same_as", "source_id", "score", "distance_m", "address_score")
_GENERIC = frozenset(
    "coworking co working cowork fablab fab lab labs makerspace maker space spazio spazi hackerspace hacklab esempio "
    "espace espaces tiers lieu lieux il la lo le les l the e et di del della dei delle de du des d a au aux en "
    "and of".split())


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds of :func:`link_spaces` (similarities from 0 to 1, distances in metres)."""

    name: float = 0.75  #: the least name similarity of a link
    distance: float = 150.0  #: metres: two points closer than this are the same place
    address: float = 0.8  #: the least address similarity that makes two records the same place without points
    near: float = 300.0  #: metres: records farther apart are never compared
    #: same point (within this distance) but another name: reported, not linked
    same_point: float = 25.0


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Link:
    """`id` (a record of `source_id`) is the same place as `same_as`; `score` is the name similarity."""

    id: str
    same_as: str
    source_id: str
    score: str
    distance_m: str
    address_score: str = ""


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


@dataclass(frozen=True)
class Evidence:
    """How alike two records are: name and address similarity (0–1, None when a side lacks it), distance."""

    name: float
    address: float | None
    distance: float | None


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(name).replace("'", " "))


def _name(name: str) -> str:
    words = _words(name)
    kept = [w for w in words if w not in _GENERIC]
    return " ".join(kept or words)


def _address(row: dict[str, str]) -> tuple[str, str]:
    return " ".join(_words(row.get("street_address", ""))), re.sub(r"\s+", "", row.get("house_number", "")).lower()


def _point(row: dict[str, str]) -> tuple[float, float] | None:
    try:
        return float(row["latitude"]), float(row["longitude"])
    except (KeyError, ValueError):
        return None


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _municipality(row: dict[str, str]) -> str:
    code = row.get("commune_insee") or row.get("comune_istat") or ""
    return f"{row.get('country', '')}:{code}" if code else ""


#: What a record's evidence is measured from: its name without generic words, its address, its point.
Features = tuple[str, tuple[str, str], tuple[float, float] | None]


def _features(row: dict[str, str]) -> Features:
    return _name(row.get("name", "")), _address(row), _point(row)


def evidence(a: dict[str, str], b: dict[str, str]) -> Evidence:
    """The name, address and distance evidence of two records."""
    return _evidence(_features(a), _features(b))


def _evidence(a: Features, b: Features) -> Evidence:
    name = fuzz.ratio(a[0], b[0]) / 100
    (street_a, number_a), (street_b, number_b) = a[1], b[1]
    address = None
    if street_a and street_b:
        address = 0.0 if number_a and number_b and number_a != number_b else \
            fuzz.token_sort_ratio(f"{street_a} {number_a}", f"{street_b} {number_b}") / 100
    pa, pb = a[2], b[2]
    return Evidence(name, address, _metres(pa, pb) if pa and pb else None)


def _cell(lat: float, lon: float, size: float) -> tuple[int, int]:
    return int(lat // size), int(lon // size)


def _candidates(rows: list[dict[str, str]], near: float, features: list[Features]) -> dict[int, set[int]]:
    """Pairs of rows worth comparing: near points (a grid of cells about `near` metres wide), the same street and
    house number, or the same municipality when a side has no point."""
    size = near / 111_000
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_municipality: dict[str, list[int]] = defaultdict(list)
    by_address: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        _, address, point = features[i]
        if point:
            cells[_cell(*point, size)].append(i)
        if key := _municipality(row):
            by_municipality[key].append(i)
        if address[0]:
            by_address[address].append(i)
    pairs: dict[int, set[int]] = defaultdict(set)
    for members in by_address.values():
        for i in members:
            pairs[i].update(members)
    for (y, x), members in cells.items():
        for i in members:
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    pairs[i].update(cells.get((y + dy, x + dx), ()))
    for members in by_municipality.values():
        unplaced = [i for i in members if features[i][2] is None]
        for i in unplaced:
            pairs[i].update(members)
            for j in members:
                pairs[j].add(i)
    return pairs


def link_spaces(spaces: list[dict[str, str]], *, thresholds: Thresholds = THRESHOLDS) -> LinkReport:
    """Links between records of different sources that are the same place, and the ambiguous matches."""
    rows = _sorted(spaces)
    features = [_features(row) for row in rows]  # once per record, not once per pair
    pairs = _candidates(rows, thresholds.near, features)
    return _report(_link(i, rows, features, pairs.get(i, ()), thresholds) for i in range(len(rows)))


#: What linking found for one record: the links from it and its ambiguous matches, one per other source.
Found = tuple[tuple[Link, ...], tuple[Ambiguity, ...]]


def _sorted(spaces: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(spaces, key=lambda r: (r["source_id"], r["id"]))


def _report(found: Iterable[Found]) -> LinkReport:
    report = LinkReport()
    for links, ambiguous in found:
        report.links += links
        report.ambiguous += ambiguous
    return report


def _link(i: int, rows: list[dict[str, str]], features: list[Features], candidates: Iterable[int],
          t: Thresholds) -> Found:
    """Row ``i`` against its candidates that sort before it (by source: a row is never compared with one of its
    own source), so each pair is compared once and the later record is the one linked."""
    row = rows[i]
    matches: dict[str, list[tuple[dict[str, str], Evidence]]] = defaultdict(list)
    doubts: dict[str, list[dict[str, str]]] = defaultdict(list)
    for j in sorted(candidates):
        other = rows[j]
        if j >= i or other["source_id"] == row["source_id"]:
            continue
        found = _evidence(features[i], features[j])
        if found.distance is not None and found.distance > t.near:
            continue
        place = (found.distance is not None and found.distance <= t.distance) or (
            found.address is not None and found.address >= t.address)
        if found.name >= t.name and place:
            matches[other["source_id"]].append((other, found))
        elif (found.address is not None and found.address >= t.address) or (
                found.distance is not None and found.distance <= t.same_point):
            doubts[other["source_id"]].append(other)
    links: list[Link] = []
    ambiguous: list[Ambiguity] = []
    for source_id in sorted(set(matches) | set(doubts)):
        found_matches = matches.get(source_id, [])
        if len(found_matches) == 1:
            other, ev = found_matches[0]
            links.append(Link(row["id"], other["id"], row["source_id"], f"{ev.name:.2f}",
                              "" if ev.distance is None else f"{ev.distance:.1f}",
                              "" if ev.address is None else f"{ev.address:.2f}"))
        elif found_matches:
            ids = tuple(sorted(o["id"] for o, _ in found_matches))
            ambiguous.append(Ambiguity(row["id"], ids, *both("cli.build.link-doubt.similar-names")))
        else:
            ids = tuple(sorted(o["id"] for o in doubts[source_id]))
            ambiguous.append(Ambiguity(row["id"], ids, *both("cli.build.link-doubt.other-name")))
    return tuple(links), tuple(ambiguous)


#: A record as the state keeps it: the values of its fields (the state's columns, every field linking reads).
Record = tuple[str, ...]
#: What linking found for one record, as the state keeps it: the fields of its links and of its doubts.
Kept = tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, tuple[str, ...], str, str], ...]]
_STATE_FORMAT = 2


class _Index:
    """Where the candidates of a record are (:func:`_candidates` record by record): the rows of each grid cell, of
    each street and house number, of each municipality and the unplaced ones of each municipality. Being a
    candidate is symmetric, so the records that have a record as a candidate are its candidates too."""

    def __init__(self, features: list[Features], municipalities: list[str], near: float) -> None:
        self.size = near / 111_000
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.addresses: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.municipalities: dict[str, list[int]] = defaultdict(list)
        self.unplaced: dict[str, list[int]] = defaultdict(list)
        for i, ((_, address, point), municipality) in enumerate(zip(features, municipalities, strict=True)):
            if point:
                self.cells[_cell(*point, self.size)].append(i)
            if address[0]:
                self.addresses[address].append(i)
            if municipality:
                self.municipalities[municipality].append(i)
                if point is None:
                    self.unplaced[municipality].append(i)

    def candidates(self, features: Features, municipality: str) -> set[int]:
        _, address, point = features
        found: set[int] = set(self.addresses.get(address, ())) if address[0] else set()
        if point:
            y, x = _cell(*point, self.size)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    found.update(self.cells.get((y + dy, x + dx), ()))
        if municipality:
            found.update((self.municipalities if point is None else self.unplaced).get(municipality, ()))
        return found


def relink(spaces: list[dict[str, str]], state: Path, *, version: str,
           thresholds: Thresholds = THRESHOLDS) -> LinkReport:
    """:func:`link_spaces` of ``spaces``, comparing again only the records a change can move since the call that
    wrote ``state``: the records added, removed or changed and those that have one of them as a candidate, each with
    all its candidates; every other record keeps the result kept in ``state`` (a record's result is a function of
    its fields and of its candidates' fields). ``state`` (written by rename, so a killed build leaves the previous
    one) holds each record with its features, municipality and result; a missing, unreadable or stale one (another
    ``version`` of the code, other thresholds or fields) gives the full computation, which writes it."""
    rows = _sorted(spaces)
    columns = sorted({name for row in rows for name in row})  # a field a row lacks reads as "" (as linking reads it)
    keys: list[Record] = [tuple(row.get(name, "") for name in columns) for row in rows]
    stamp = f"{_STATE_FORMAT}\n{version}\n{thresholds!r}\n{columns!r}"
    kept = _load_state(state, stamp)
    old_keys, old_features, old_municipalities, old_found = kept if kept is not None else ([], [], [], [])
    old = {k: i for i, k in enumerate(old_keys)}
    where = [old.get(k) for k in keys]
    features = [_features(row) if w is None else old_features[w] for w, row in zip(where, rows, strict=True)]
    municipalities = [_municipality(row) if w is None else old_municipalities[w]
                      for w, row in zip(where, rows, strict=True)]
    now, before = Counter(keys), Counter(old_keys)
    changed = {k for k, n in now.items() if before.get(k) != n} | {k for k in before if k not in now}
    texts: dict[str, str] = {}
    if kept is None:
        pairs = _candidates(rows, thresholds.near, features)
        found = [_kept(_link(i, rows, features, pairs.get(i, ()), thresholds), texts) for i in range(len(rows))]
    else:
        index = _Index(features, municipalities, thresholds.near)
        again = {i for i, k in enumerate(keys) if k in changed}
        first = {k: i for i, k in reversed(list(enumerate(keys)))}
        for k in changed:
            again |= index.candidates(*((old_features[old[k]], old_municipalities[old[k]]) if k in old else
                                        (features[first[k]], municipalities[first[k]])))
        found = [_kept(_link(i, rows, features, index.candidates(features[i], municipalities[i]), thresholds), texts)
                 if i in again else old_found[w] for i, w in enumerate(where)]  # type: ignore[index]
    if changed or kept is None:
        _save_state(state, {"stamp": stamp, "keys": keys, "features": features, "municipalities": municipalities,
                            "found": found})
    return LinkReport([Link(*link) for links, _ in found for link in links],
                      [Ambiguity(*doubt) for _, doubts in found for doubt in doubts])


def _kept(found: Found, texts: dict[str, str]) -> Kept:
    """A record's result as plain values, each doubt's texts shared (the state is read at every rebuild)."""
    links, doubts = found
    return (tuple((k.id, k.same_as, k.source_id, k.score, k.distance_m, k.address_score) for k in links),
            tuple((a.id, a.candidates, texts.setdefault(a.reason_it, a.reason_it),
                   texts.setdefault(a.reason_en, a.reason_en)) for a in doubts))


def _load_state(path: Path, stamp: str) -> tuple[list[Record], list[Features], list[str], list[Kept]] | None:
    try:
        data = pickle.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None
    parts = ("keys", "features", "municipalities", "found")
    if not isinstance(data, dict) or data.get("stamp") != stamp or not set(parts) <= data.keys():
        return None
    return data["keys"], data["features"], data["municipalities"], data["found"]


def _save_state(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)


def load_links(path: Path) -> list[Link]:
    """The frozen links; a missing file has none (files written before `address_score` existed read too)."""
    if not path.exists():
        return []
    return [Link(**{k: row.get(k) or "" for k in _COLUMNS})
            for row in csv.DictReader(io.StringIO(path.read_text("utf-8")))]


def save_links(path: Path, links: list[Link]) -> None:
    write_text_atomic(path, _links_text(links))  # the frozen ids must never be left half-written


def _links_text(links: list[Link]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for link in sorted(links, key=_order):
        writer.writerow([link.id, link.same_as, link.source_id, link.score, link.distance_m, link.address_score])
    return buffer.getvalue()


def freeze_links(path: Path, links: list[Link]) -> bool:
    """Write ``links`` to ``path`` unless it already holds exactly them; whether it wrote. A file that holds the
    bytes :func:`save_links` would write is not parsed again (the build read it a moment before)."""
    text = _links_text(links)
    try:
        if path.read_text("utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    frozen = load_links(path)
    if sorted(frozen, key=_order) == sorted(links, key=_order) and (path.exists() or not links):
        return False
    write_text_atomic(path, text)
    return True


def _order(link: Link) -> tuple[str, str]:
    return link.id, link.same_as


def update_links(path: Path, spaces: list[dict[str, str]], *, thresholds: Thresholds = THRESHOLDS,
                 save: bool = True, state: Path | None = None, version: str = "") -> LinkReport:
    """Link `spaces` and add new links to the frozen ones in `path`. With ``save`` the file is written when it
    changes; without, the caller writes ``report.links`` with :func:`freeze_links` once the records the links name
    are kept (the build does it after publishing, beside the crosswalk of their ids). With ``state`` the records
    are linked by :func:`relink` (the build keeps its state in its cache, ``version`` being the code's)."""
    report = (link_spaces(spaces, thresholds=thresholds) if state is None else
              relink(spaces, state, version=version, thresholds=thresholds))
    frozen = load_links(path)
    linked = {link.id for link in frozen}
    merged = frozen + [link for link in report.links if link.id not in linked]
    if save:
        freeze_links(path, merged)
    report.links = sorted(merged, key=_order)
    return report
