"""OntoPiA city IRIs valid on a date: the comune a record names, as it was on the record's date.

OntoPiA's controlled vocabulary "Archivio storico dei comuni" (``…/territorial-classifications/cities/``) has one IRI
per version of a comune: ``{ISTAT6}-({validity start})``. A comune gets a new version when its code, name, province
or territory changes: Milano is ``015146-(1997-07-26)`` until 2014-12-31 and ``015146-(2015-01-01)`` since; Seregno
was ``015208-(1948-01-01)`` in the province of Milano until 2009-06-29 and is ``108039-(2009-06-30)`` in Monza e
Brianza since. ``reference/ontopia/cities.csv`` ships every version valid on some day since 1948-01-01, from
OntoPiA's ``cities.csv`` (CC BY 4.0, attribution in ``reference/ontopia/SOURCE.md``).

:func:`city_version` picks, for an ISTAT code and a date, the version whose validity ``[start, end)`` holds the
date. When the code itself was not valid then (a code given after a change of province, or used after it was
retired), it follows the change: a version of the same name that starts the day the code's first version starts
(backwards) or ends (forwards) is the same comune under its other code. When even that finds nothing (the comune
did not exist yet, or was merged into another), the version of that code nearest to the date is used, so the
IRI still names that comune as OntoPiA knows it. A code OntoPiA does not know is an error: there is no fallback IRI.
"""

from __future__ import annotations

import bisect
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import URIRef

from cowork_data.errors import ConfigError, UsageError
from cowork_data.namespaces import ONTOPIA_CITIES

__all__ = ["CITIES_FILE", "ONTOPIA_CITIES", "SOURCE", "CityVersion", "city_iri", "city_version", "city_versions",
           "read_ontopia_cities", "trim_ontopia_cities"]

CITIES_FILE = Path(__file__).resolve().parents[1] / "reference" / "ontopia" / "cities.csv"
OPEN_END = "9999-12-31"
#: The oldest versions shipped: those still valid on or after this day.
SINCE = "1948-01-01"
_COLUMNS = ("istat", "validity_start", "validity_end", "name")
#: The attribution of the shipped table, for the sources of ``datapackage.json``.
SOURCE = {
    "title": "OntoPiA — Vocabolario controllato «Archivio storico dei comuni» (CC BY 4.0, AgID / Team Digitale, "
             "dati ISTAT)",
    "url": "https://github.com/italia/daf-ontologie-vocabolari-controllati/tree/master/VocabolariControllati/"
           "territorial-classifications/cities",
}


@dataclass(frozen=True, order=True)
class CityVersion:
    """One version of a comune in OntoPiA: its ISTAT code, validity ``[start, end)`` and name (OntoPiA's label)."""

    istat: str
    start: str
    end: str
    name: str

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{ONTOPIA_CITIES}{self.istat}-({self.start})")

    def holds(self, day: str) -> bool:
        return self.start <= day < self.end


#: Of the pickled table (:mod:`cowork_data.kept`): a new layout of :class:`CityVersion` invalidates every kept file.
_FORMAT = "cities-1"


@cache
def city_versions(path: Path = CITIES_FILE) -> dict[str, tuple[CityVersion, ...]]:
    """ISTAT code → its versions, oldest first, from the shipped table; read once per process and kept between
    processes (:mod:`cowork_data.kept`, key: the table's bytes and this module's)."""
    from cowork_data.kept import content_key, remembered

    try:
        key = content_key([_FORMAT], [path, Path(__file__).resolve()])
    except OSError:  # reading it says what is wrong
        return _read_versions(path)
    return remembered("cities", key, lambda: _read_versions(path))


def _read_versions(path: Path) -> dict[str, tuple[CityVersion, ...]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != _COLUMNS:
                raise ConfigError("error.cities-columns", path=path, columns=", ".join(_COLUMNS))
            rows = [CityVersion(r["istat"], r["validity_start"], r["validity_end"], r["name"]) for r in reader]
    except OSError as exc:
        raise ConfigError("error.cities-unreadable", path=path, detail=str(exc)) from exc
    out: dict[str, list[CityVersion]] = {}
    for version in sorted(rows):
        out.setdefault(version.istat, []).append(version)
    return {code: tuple(versions) for code, versions in out.items()}


@cache
def _by_start_and_end(path: Path) -> tuple[dict[tuple[str, str], list[CityVersion]],
                                           dict[tuple[str, str], list[CityVersion]]]:
    starts: dict[tuple[str, str], list[CityVersion]] = {}
    ends: dict[tuple[str, str], list[CityVersion]] = {}
    for versions in city_versions(path).values():
        for v in versions:
            starts.setdefault((v.start, v.name), []).append(v)
            ends.setdefault((v.end, v.name), []).append(v)
    return starts, ends


def _renamed_code(versions: tuple[CityVersion, ...], day: str, path: Path) -> CityVersion | None:
    """The version valid on ``day`` of the same comune under another code, reached by a change of code."""
    starts, ends = _by_start_and_end(path)
    seen: set[str] = {versions[0].istat}
    while True:
        if day < versions[0].start:
            successors = [v for v in ends.get((versions[0].start, versions[0].name), ()) if v.istat not in seen]
        elif day >= versions[-1].end:
            successors = [v for v in starts.get((versions[-1].end, versions[-1].name), ()) if v.istat not in seen]
        else:
            return None
        if len(successors) != 1:
            return None
        versions = city_versions(path)[successors[0].istat]
        seen.add(versions[0].istat)
        for v in versions:
            if v.holds(day):
                return v


def city_version(istat: str, on: str | None = None, *, path: Path = CITIES_FILE) -> CityVersion | None:
    """The OntoPiA version of comune ``istat`` valid on ``on`` (ISO date or date-time; ``None``: the current one).

    ``None`` when OntoPiA does not know the code: the graph then gives the address no city, which the core shapes
    report (the build's table checks reject an unknown code before that).
    """
    versions = city_versions(path).get(istat)
    if not versions:
        return None
    if on is None:
        return versions[-1]
    day = on[:10]
    for v in versions:
        if v.holds(day):
            return v
    if renamed := _renamed_code(versions, day, path):
        return renamed
    if day < versions[0].start:
        return versions[0]
    # The last version that ended on or before ``day`` (the code was retired or merged away).
    return versions[bisect.bisect_right([v.end for v in versions], day) - 1]


def city_iri(istat: str, *, on: str | None = None) -> URIRef:
    """The OntoPiA city IRI of ``istat`` valid on the date ``on`` (``None``: the current version)."""
    version = city_version(istat, on)
    if version is None:
        raise UsageError("error.cities-code-unknown", code=istat, file=CITIES_FILE.name)
    return version.iri


def _iso(day: str) -> str:
    """``17-03-1861`` (OntoPiA's cities.csv) → ``1861-03-17``."""
    dd, mm, yyyy = day.split("-")
    return f"{yyyy}-{mm}-{dd}"


def read_ontopia_cities(lines: Iterable[str], *, since: str = SINCE) -> Iterator[CityVersion]:
    """The distinct versions of OntoPiA's ``cities.csv`` valid on some day on or after ``since``, sorted."""
    found = set()
    for row in csv.DictReader(lines):
        start, end = _iso(row["DATA_INIZIO_VALIDITA"]), _iso(row["DATA_FINE_VALIDITA"])
        code = row["CODICE_COMUNE"]
        if row["ID_COMUNE"] != f"{code}-({start})":
            raise ConfigError("error.cities-id", found=row["ID_COMUNE"], expected=f"{code}-({start})")
        if end > since and end > start:  # a version valid for no day is never the answer
            found.add(CityVersion(code, start, end, row["LABEL_COMUNE_IT"]))
    yield from sorted(found)


def trim_ontopia_cities(source: Path, dest: Path, *, since: str = SINCE) -> int:
    """Write the shipped table ``dest`` from OntoPiA's ``cities.csv``; returns the number of versions written."""
    with source.open(encoding="utf-8", newline="") as f:
        versions = list(read_ontopia_cities(f, since=since))
    with dest.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(_COLUMNS)
        writer.writerows((v.istat, v.start, v.end, v.name) for v in versions)
    return len(versions)
