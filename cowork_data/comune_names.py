"""Comune names as people write them, resolved to the comune of the ISTAT list they mean.

A clerk writes ``MILANO``, ``Milan``, ``Monza (MB)``, ``Desio - Monza e Brianza``, ``Cinisello-Balsamo``,
``S. Donato Milanese``, ``CITTA' DI CASTELLO``, ``Bozen`` or ``Tremezzo`` (a comune merged into Tremezzina on
2014-02-04). :func:`resolve` says which comune each one is and how it was written, in this order (the first that
finds a comune wins):

1. the official name as ISTAT writes it, or its name in the other official language (``Bozen``), or both
   (``Bolzano/Bozen``): nothing to say;
2. the same name in another case, without accents or with accents typed as apostrophes (:func:`fold_name`);
3. a province written with the name: ``Nome (XX)``, ``Nome - Provincia``, ``Nome, XX``, ``Nome XX`` (sigla or the
   province's name, ``Monza e Brianza`` for ISTAT's ``Monza e della Brianza``); the name is then looked up in that
   province only;
4. hyphens, apostrophes and dots read as spaces (``Cinisello-Balsamo``), ``S.`` as San, Santo, Santa or Sant',
   a missing article (``Spezia`` for La Spezia);
5. the common English, French and German names of the larger comuni (``reference/exonyms/exonyms.csv``);
6. the names of comuni that ceased to exist (``reference/ontopia/ceased.csv``, derived from OntoPiA's history of
   the comuni), with the day and the comune that took their place;
7. otherwise the name is unknown, and the closest official name (rapidfuzz, with a score cutoff, within the
   province when one was written) is offered — never applied.

A name several comuni share (``Castro``: BG and LE) is ambiguous unless a province, an ISTAT code or the row's
point says which. Lookups are dictionaries built once per process; fuzzy matching goes through rapidfuzz's
``process.extractOne`` over the folded names (well under a millisecond a name).
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from cowork_data.reference import Comune, fold_name, load_comuni

__all__ = ["CEASED_FILE", "EXONYMS_FILE", "EXONYMS_SOURCE", "Ceased", "Resolution", "derive_ceased", "resolve",
           "write_ceased"]

ROOT = Path(__file__).resolve().parents[1]
CEASED_FILE = ROOT / "reference" / "ontopia" / "ceased.csv"
EXONYMS_FILE = ROOT / "reference" / "exonyms" / "exonyms.csv"
#: The attribution of the exonyms table, for the sources of ``datapackage.json`` (the ceased names derive from
#: OntoPiA's history, credited as :data:`cowork_data.cities.SOURCE`).
EXONYMS_SOURCE = {
    "title": "Wikidata / Wikipedia — nomi in inglese, francese e tedesco dei comuni maggiori (CC0; "
             "reference/exonyms/SOURCE.md)",
    "url": "https://www.wikidata.org/wiki/Property:P635",
}
#: The day of the ISTAT list the project ships: names that ceased after it are still in that list.
LIST_DAY = "2020-01-01"
#: Lowest rapidfuzz ratio (0-100) for a closest name to be offered.
SUGGEST_CUTOFF = 80.0
_CEASED_COLUMNS = ("name", "istat", "province", "ceased", "successor", "candidates")
_SAINTS = ("san", "santo", "santa", "sant")
_ARTICLES = ("la", "il", "lo", "l", "le", "i", "gli")
_PROVINCE_WORDS = re.compile(
    r"^(?:provincia|prov|citta metropolitana|cm|libero consorzio comunale)\b\.?\s*(?:di|del|della)?\s*")
_PUNCT = re.compile(r"[-'./,()]+")
_STOP = {"di", "del", "della", "e", "ed", "d"}


@dataclass(frozen=True)
class Ceased:
    """A comune name that ceased: its code, its province then, the day, and who took its place (ISTAT codes of the
    shipped list; ``successor`` empty when the day's changes in the province leave several ``candidates``)."""

    name: str
    istat: str
    province: str
    ceased: str
    successor: str
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """What a written name is.

    ``kind``: ``official`` (as ISTAT writes it), ``variant`` (the same name written another way: ``how`` says
    which), ``exonym`` (a name in ``language``), ``ceased`` (see ``ceased``), ``ambiguous`` (``candidates``) or
    ``unknown`` (``suggestion`` is the closest official name, or None). ``comune`` is the current comune meant.
    """

    kind: str
    written: str
    comune: Comune | None = None
    how: tuple[str, ...] = ()
    language: str = ""
    ceased: Ceased | None = None
    candidates: tuple[Comune, ...] = ()
    suggestion: Comune | None = None
    province: str = ""

    @property
    def found(self) -> bool:
        return self.comune is not None


def loose(name: str) -> str:
    """:func:`fold_name` with hyphens, apostrophes, dots, commas and slashes read as spaces."""
    return _loosen(fold_name(name))


def _loosen(folded: str) -> str:
    return " ".join(_PUNCT.sub(" ", folded).split())


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in loose(text).split() if w not in _STOP)


@dataclass
class _Index:
    comuni: list[Comune]
    official: dict[str, list[Comune]] = field(default_factory=dict)
    folded: dict[str, list[Comune]] = field(default_factory=dict)
    loose: dict[str, list[Comune]] = field(default_factory=dict)
    bare: dict[str, list[Comune]] = field(default_factory=dict)
    exonyms: dict[str, tuple[Comune, str]] = field(default_factory=dict)
    ceased: dict[str, list[Ceased]] = field(default_factory=dict)
    provinces: dict[str, str] = field(default_factory=dict)
    sigle: frozenset[str] = frozenset()
    #: A province's name (or one of its names), loose → (its place in :attr:`provinces`, its sigla); the same
    #: for the name's set of words (``Monza e Brianza`` for ISTAT's ``Monza e della Brianza``).
    province_keys: dict[str, tuple[int, str]] = field(default_factory=dict)
    province_words: dict[frozenset[str], tuple[int, str]] = field(default_factory=dict)
    by_istat: dict[str, Comune] = field(default_factory=dict)
    #: Per province sigla (``""``: all), the loose names sorted by length, their comuni and their lengths.
    choices: dict[str, tuple[list[str], list[Comune], list[int]]] = field(default_factory=dict)


def _add(table: dict[str, list[Comune]], key: str, comune: Comune) -> None:
    bucket = table.setdefault(key, [])
    if comune not in bucket:
        bucket.append(comune)


#: Of the pickled index (:mod:`cowork_data.kept`): a new layout of :class:`_Index` invalidates every kept file.
_FORMAT = "comune-names-2"
#: The code the index depends on: this module, the ISTAT list's reader and the readers it decodes the list with.
_CODE = (Path(__file__).resolve(), Path(__file__).resolve().parent / "reference.py",
         Path(__file__).resolve().parent / "readers")


@cache
def _index() -> _Index:
    """Built once per process and kept between processes (0.14 s to build, 0.02 s to read back): the key is the
    bytes of the ISTAT list, the exonyms, the ceased names and the code; the comuni are not in the kept file but
    referred to by ISTAT code, so that the index and :func:`load_comuni` share them."""
    from cowork_data.config import project_root
    from cowork_data.kept import content_key, remembered
    from cowork_data.reference import ISTAT_FILE

    comuni = load_comuni()
    try:
        key = content_key([_FORMAT], [project_root() / ISTAT_FILE, EXONYMS_FILE, CEASED_FILE,
                                      *_CODE])
    except OSError:  # a file missing: building the index says which
        return _build_index(list(comuni))
    by_istat = {c.istat: c for c in comuni}
    return remembered("comune-names", key, lambda: _build_index(list(comuni)),
                      refer=lambda obj: obj.istat if type(obj) is Comune else None, resolve=by_istat.__getitem__)


def _build_index(comuni: list[Comune]) -> _Index:
    index = _Index(comuni=comuni, by_istat={c.istat: c for c in comuni})
    by_province: dict[str, list[tuple[str, Comune]]] = {}
    for c in comuni:
        names = [c.name, *c.other_names]
        if c.other_names:
            names.append("/".join(names))
        for name in names:
            folded = fold_name(name)
            key = _loosen(folded)
            _add(index.official, name, c)
            _add(index.folded, folded, c)
            if c not in index.loose.get(key, ()):
                by_province.setdefault(c.province_code, []).append((key, c))
            _add(index.loose, key, c)
            first, _, rest = key.partition(" ")
            if first in _ARTICLES and rest:
                _add(index.bare, rest, c)
        index.provinces.setdefault(c.province_code, c.province_name)
    index.sigle = frozenset(index.provinces)
    for order, (sigla, name) in enumerate(index.provinces.items()):
        for part in [name, *name.split("/")]:
            index.province_keys.setdefault(loose(part), (order, sigla))
            index.province_words.setdefault(_words(part), (order, sigla))
    for row in _read_csv(EXONYMS_FILE):
        comune = index.by_istat.get(row["istat"])
        if comune is not None:
            index.exonyms.setdefault(loose(row["name"]), (comune, row["language"]))
    for ceased in read_ceased():
        index.ceased.setdefault(loose(ceased.name), []).append(ceased)
    everything = [pair for pairs in by_province.values() for pair in pairs]
    for sigla, pairs in [("", everything), *by_province.items()]:
        pairs = sorted(pairs, key=lambda pair: (len(pair[0]), pair[0], pair[1].istat))
        index.choices[sigla] = ([k for k, _ in pairs], [c for _, c in pairs], [len(k) for k, _ in pairs])
    return index


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def read_ceased(path: Path = CEASED_FILE) -> tuple[Ceased, ...]:
    """The shipped table of ceased names."""
    return tuple(Ceased(r["name"], r["istat"], r["province"], r["ceased"], r["successor"],
                        tuple(r["candidates"].split())) for r in _read_csv(path))


def province_sigla(text: str) -> str:
    """The sigla of a province written as a sigla (``MB``) or a name (``Monza e Brianza``, ``Provincia di Vicenza``);
    ``""`` when it names no province."""
    index = _index()
    raw = text.strip().strip("()").strip()
    if raw.upper() in index.sigle and len(raw) == 2:
        return raw.upper()
    key = _PROVINCE_WORDS.sub("", loose(raw))
    if not key:
        return ""
    # the first province, in the list's order, one of whose names is the key or has its words
    found = [m for m in (index.province_keys.get(key), index.province_words.get(_words(key))) if m is not None]
    return min(found)[1] if found else ""


_SPLITS = (re.compile(r"^(?P<name>.+?)\s*\((?P<province>[^()]+)\)\s*$"),
           re.compile(r"^(?P<name>.+?)\s+[-–—]\s+(?P<province>.+)$"),
           re.compile(r"^(?P<name>.+?)\s*,\s*(?P<province>.+)$"),
           re.compile(r"^(?P<name>.+?)\s+(?P<province>[A-Za-z]{2})$"))


def _pick(candidates: Sequence[Comune], province: str, near: Callable[[Comune], bool] | None) -> list[Comune]:
    chosen = [c for c in candidates if not province or c.province_code == province]
    if len(chosen) > 1 and near is not None:
        inside = [c for c in chosen if near(c)]
        chosen = inside or chosen
    return chosen


def resolve(text: str, province: str = "", near: Callable[[Comune], bool] | None = None) -> Resolution:
    """What comune ``text`` names (see the module docstring). ``province`` is a sigla the row gives; ``near`` says
    whether the row's point is in a comune, to choose between comuni of the same name."""
    if near is None:
        return _resolve_cached(text.strip(), province.strip().upper())
    return _resolve(text.strip(), province.strip().upper(), near)


@lru_cache(maxsize=65536)
def _resolve_cached(text: str, province: str) -> Resolution:
    return _resolve(text, province, None)


def _resolve(text: str, province: str, near: Callable[[Comune], bool] | None) -> Resolution:
    index = _index()
    if not text:
        return Resolution("unknown", text)
    found = _lookup(text, province, near, index)
    if found is not None:
        return found
    for pattern in _SPLITS:
        match = pattern.match(text)
        if not match:
            continue
        sigla = province_sigla(match["province"])
        if sigla and (not province or sigla == province):
            inner = _lookup(match["name"].strip(), sigla, near, index)
            if inner is not None and inner.comune is not None:
                kind = "variant" if inner.kind == "official" else inner.kind
                return Resolution(kind, text, inner.comune, ("province", *inner.how), inner.language, inner.ceased,
                                  inner.candidates, province=sigla)
    return _unknown(text, province, index)


def _lookup(text: str, province: str, near: Callable[[Comune], bool] | None, index: _Index) -> Resolution | None:
    for kind, table, key, how in (("official", index.official, text, ()),
                                  ("variant", index.folded, fold_name(text), ("case",)),
                                  ("variant", index.loose, loose(text), ("spelling",))):
        candidates = table.get(key)
        if candidates:
            chosen = _pick(candidates, province, near)
            if len(chosen) == 1:
                return Resolution(kind, text, chosen[0], how, province=province)
            if len(chosen) > 1:
                return Resolution("ambiguous", text, None, how, candidates=tuple(chosen), province=province)
    key = loose(text)
    words = key.split()
    if "s" in words[:-1]:
        at = words.index("s")
        matches = {c for saint in _SAINTS for c in index.loose.get(" ".join([*words[:at], saint, *words[at + 1:]]), ())}
        chosen = _pick(sorted(matches, key=lambda c: c.istat), province, near)
        if len(chosen) == 1:
            return Resolution("variant", text, chosen[0], ("saint",), province=province)
    chosen = _pick(index.bare.get(key, ()), province, near)
    if len(chosen) == 1 and key not in index.loose:
        return Resolution("variant", text, chosen[0], ("article",), province=province)
    exonym = index.exonyms.get(key)
    if exonym and (not province or exonym[0].province_code == province):
        if exonym[1] == "it":  # the short form Italians write too (Reggio Emilia): a variant, not a foreign name
            return Resolution("variant", text, exonym[0], ("short",), province=province)
        return Resolution("exonym", text, exonym[0], ("exonym",), exonym[1], province=province)
    ceased = [c for c in index.ceased.get(key, ()) if not province or c.province == province]
    if ceased:
        latest = max(ceased, key=lambda c: c.ceased)
        successor = index.by_istat.get(latest.successor)
        options = tuple(index.by_istat[code] for code in latest.candidates if code in index.by_istat)
        if successor is None and near is not None:
            inside = [c for c in options if near(c)]
            successor = inside[0] if len(inside) == 1 else None
        return Resolution("ceased", text, successor, ("ceased",), ceased=latest, candidates=options,
                          province=province)
    return None


def _unknown(text: str, province: str, index: _Index) -> Resolution:
    return Resolution("unknown", text, suggestion=closest(text, province), province=province)


def closest(text: str, province: str = "") -> Comune | None:
    """The comune whose name is closest to ``text`` (rapidfuzz's Indel ratio ≥ :data:`SUGGEST_CUTOFF`), within the
    province when one is given; None when no name is that close.

    Only names whose length allows the cutoff are compared (a ratio of 80 needs lengths within a factor of 1.5).
    """
    index = _index()
    keys, comuni, lengths = index.choices.get(province) or index.choices[""]
    key = loose(text)
    low = bisect.bisect_left(lengths, len(key) * 2 // 3)
    high = bisect.bisect_right(lengths, len(key) * 3 // 2 + 1)
    best = process.extractOne(key, keys[low:high], scorer=fuzz.ratio, processor=None, score_cutoff=SUGGEST_CUTOFF)
    return comuni[low + best[2]] if best else None


# --- the shipped table of ceased names, derived from OntoPiA's cities.csv -------------------------------------


@dataclass(frozen=True, order=True)
class _Version:
    start: str
    end: str
    istat: str
    name: str
    province: str


def _iso(day: str) -> str:
    dd, mm, yyyy = day.split("-")
    return f"{yyyy}-{mm}-{dd}"


def derive_ceased(lines: Iterable[str], current: Iterable[Comune], *, until: str = LIST_DAY,
                  since: str = "1948-01-01") -> list[Ceased]:
    """The names of comuni that ceased between ``since`` and ``until`` (the ISTAT list's day) with who took their
    place, from OntoPiA's ``cities.csv`` (columns ``SIGLA_AUTOMOBILISTICA``, ``CODICE_COMUNE``, ``LABEL_COMUNE_IT``,
    ``DATA_INIZIO_VALIDITA``, ``DATA_FINE_VALIDITA``).

    A name ceased on day D when its last version ends on D and no version of the same name starts on D (a change of
    code or province is no cessation). The comune that took its place is, in the same province on D: the same code
    under its new name (a renaming); else the one comune whose version starts on D; else, of several, the one whose
    name is clearly the closest (Tremezzo → Tremezzina); else none, the candidates listed (up to six; a province
    reorganised as a whole gives more and none is listed). Successors are followed to the comune of the ISTAT list
    valid on ``until``.
    """
    versions = set()
    for row in csv.DictReader(lines):
        start, end = _iso(row["DATA_INIZIO_VALIDITA"]), _iso(row["DATA_FINE_VALIDITA"])
        if end > start:
            versions.add(_Version(start, end, row["CODICE_COMUNE"], row["LABEL_COMUNE_IT"],
                                  row["SIGLA_AUTOMOBILISTICA"]))
    current_codes = {c.istat for c in current}
    starting: dict[tuple[str, str], list[_Version]] = {}
    names_starting: set[tuple[str, str]] = set()
    last: dict[tuple[str, str], _Version] = {}
    for v in sorted(versions):
        starting.setdefault((v.start, v.province), []).append(v)
        names_starting.add((v.start, fold_name(v.name)))
        key = (v.istat, v.name)
        if key not in last or v.end > last[key].end:
            last[key] = v
    found: dict[tuple[str, str], Ceased] = {}
    for (code, name), v in sorted(last.items()):
        if not since < v.end <= until or (v.end, fold_name(name)) in names_starting:
            continue
        others = [s for s in starting.get((v.end, v.province), ()) if s.istat != code or s.name != name]
        renamed = [s for s in others if s.istat == code]
        successor = renamed[0] if renamed else (others[0] if len(others) == 1 else _closest(name, others))
        codes = sorted({s.istat for s in others}) if len(others) <= 6 else []
        found[(code, name)] = Ceased(name, code, v.province, v.end, successor.istat if successor else "",
                                     tuple(codes))
    resolved = [_follow(c, found, current_codes, versions) for c in found.values()]
    return sorted(resolved, key=lambda c: (c.name, c.province, c.ceased, c.istat))


def _closest(name: str, others: Sequence[_Version]) -> _Version | None:
    scored = sorted(((fuzz.ratio(fold_name(name), fold_name(o.name)), o.istat, o) for o in others), reverse=True)
    if scored and scored[0][0] >= 70 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 20):
        return scored[0][2]
    return None


def _follow(c: Ceased, found: dict[tuple[str, str], Ceased], current: set[str], versions: set[_Version]) -> Ceased:
    """The ceased name with its successor and candidates followed to comuni of the shipped list."""
    from cowork_data.cities import city_version

    def current_code(code: str, day: str, depth: int = 0) -> str:
        if code in current or depth > 10:
            return code if code in current else ""
        version = city_version(code, LIST_DAY)
        if version is not None and version.istat in current:
            return version.istat
        later = [x for (k, _n), x in found.items() if k == code and x.ceased >= day]
        if len(later) == 1 and later[0].successor:
            return current_code(later[0].successor, later[0].ceased, depth + 1)
        return ""

    successor = current_code(c.successor, c.ceased) if c.successor else ""
    candidates = tuple(sorted({x for x in (current_code(k, c.ceased) for k in c.candidates) if x}))
    return Ceased(c.name, c.istat, c.province, c.ceased, successor, candidates)


def write_ceased(source: Path, dest: Path = CEASED_FILE) -> int:
    """Write the shipped table from OntoPiA's ``cities.csv``; the number of names written."""
    with source.open(encoding="utf-8", newline="") as f:
        rows = derive_ceased(f, load_comuni())
    with dest.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(_CEASED_COLUMNS)
        writer.writerows((c.name, c.istat, c.province, c.ceased, c.successor, " ".join(c.candidates)) for c in rows)
    return len(rows)
