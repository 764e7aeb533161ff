"""The published package as the site reads it: ``datapackage.json``, the tables in ``data/`` and the sources' notes.

Everything comes from the published files (not the pipeline), so a site can be built from any release directory.
Where the sources catalogue (``sources/*.toml``) is next to the package, its fixture flag and notes say which rows are
invented; otherwise the package's source titles do.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowork_data import i18n
from cowork_data.declaration import codes, scheme_of, tables
from cowork_data.errors import ConfigError

Row = dict[str, str]

TABLE_NAMES = tables()

class CodeLabels(Mapping[str, tuple[str, str]]):
    """The (Italian, English) labels of a code list, from the catalogue section ``prefix`` (``label.status``)."""

    def __init__(self, prefix: str, codes: tuple[str, ...]) -> None:
        self.prefix = prefix
        self.codes = codes

    def __getitem__(self, code: str) -> tuple[str, str]:
        if code not in self.codes:
            raise KeyError(code)
        return i18n.both(f"{self.prefix}.{code}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)


def _scheme(table: str, field: str) -> tuple[str, ...]:
    """The codes of a coded field: its concept scheme's (``vocab/*.ttl``, named by ``mapping/tables.toml``)."""
    return tuple(codes(scheme_of(table, field) or ""))


#: Labels of the coded values shown on the pages (the codes are the concept schemes', the labels the catalogue's).
SPACE_TYPES = CodeLabels("label.space-type", _scheme("spaces", "type"))
CALL_TYPES = CodeLabels("label.call-type", _scheme("calls", "type"))
STATUSES = CodeLabels("label.status", _scheme("admissions", "status") + _scheme("awards", "status"))
FEATURES = CodeLabels("label.feature", _scheme("spaces", "features"))
WHEELCHAIR = CodeLabels("label.wheelchair", ("yes", "limited", "no"))  # OSM's values: no concept scheme


def label(labels: Mapping[str, tuple[str, str]], code: str) -> tuple[str, str]:
    """The (Italian, English) label of a code; the code itself when it has none."""
    return labels.get(code, (code, code))


@dataclass(frozen=True)
class FixtureNote:
    """A source whose offline rows are invented: its title and notes, shown on every page with its rows."""

    source_id: str
    title: str
    url: str
    note_it: str
    note_en: str


@dataclass
class Comune:
    """A municipality: its codes (ISTAT and Belfiore in Italy, INSEE in France), name, population and the
    region and subdivision it lies in (page keys of :mod:`cowork_data.site.places`: ``regioni/FR-11``)."""

    istat: str  #: the six-digit ISTAT code (``015146``); empty outside Italy
    belfiore: str  #: the cadastral (Belfiore) code of the fiscal codes (``F205``); empty outside Italy
    name: str
    country: str = "IT"  #: ISO 3166-1 alpha-2
    insee: str = ""  #: the five-character INSEE code of a French commune (``75056``)
    population: int | None = None  #: the legal population of the reference list (Italy: the 2011 census)
    region: str = ""  #: the region's page key (``regioni/IT-lombardia``)
    region_name: str = ""
    subregion: str = ""  #: the province's or département's page key (``province/IT-MI``, ``dipartimenti/FR-75``)
    subregion_name: str = ""

    @property
    def key(self) -> str:
        """The page key: the ISTAT code in Italy, ``FR-{INSEE}`` in France."""
        return self.istat if self.country == "IT" else f"{self.country}-{self.insee}"

    @property
    def code(self) -> str:
        return self.istat if self.country == "IT" else self.insee


@dataclass
class SiteData:
    """The published tables (rows sorted as published), the package descriptor and derived indexes."""

    root: Path
    package: dict[str, Any]
    tables: dict[str, list[Row]]
    fixtures: dict[str, FixtureNote] = field(default_factory=dict)
    comuni: dict[str, Comune] = field(default_factory=dict)
    areas: dict[str, Any] = field(default_factory=dict)  # page key → places.Area

    @property
    def spaces(self) -> list[Row]:
        return self.tables["spaces"]

    @property
    def calls(self) -> list[Row]:
        return self.tables["calls"]

    def organisation(self, org_id: str) -> Row | None:
        return next((o for o in self.tables["organisations"] if o["id"] == org_id), None)

    def call(self, call_id: str) -> Row | None:
        return next((c for c in self.calls if c["id"] == call_id), None)

    def space(self, space_id: str) -> Row | None:
        return next((s for s in self.spaces if s["id"] == space_id), None)

    def rows(self, table: str, **where: str) -> list[Row]:
        return [r for r in self.tables[table] if all(r.get(k) == v for k, v in where.items())]

    def schemas(self) -> list[dict[str, Any]]:
        """The Table Schemas embedded in the package, in its order."""
        return [r["schema"] for r in self.package.get("resources", []) if isinstance(r.get("schema"), dict)]

    def fixture_notes(self, rows: list[Row]) -> list[FixtureNote]:
        """The invented-data notes of the sources behind ``rows``, one per source, sorted by source id."""
        ids = sorted({r.get("source_id", "") for r in rows} & set(self.fixtures))
        return [self.fixtures[i] for i in ids]


def read_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def load_site_data(root: Path) -> SiteData:
    """Read the package at ``root`` (``datapackage.json`` and its tables)."""
    descriptor = root / "datapackage.json"
    if not descriptor.is_file():
        raise ConfigError("error.site-package-missing", path=descriptor)
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in package.get("resources", []) if r.get("name") in TABLE_NAMES}
    tables: dict[str, list[Row]] = {}
    for name in TABLE_NAMES:
        path = root / paths.get(name, f"data/{name}.csv")
        tables[name] = read_csv(path) if path.is_file() else []
    data = SiteData(root=root, package=package, tables=tables)
    data.fixtures = _fixtures(root, package, tables)
    from cowork_data.site.places import areas, municipalities

    data.comuni = municipalities(tables)
    data.areas = areas(data.comuni)
    return data


def _fixtures(root: Path, package: dict[str, Any], tables: dict[str, list[Row]]) -> dict[str, FixtureNote]:
    """Invented-data sources: from ``sources/*.toml`` when present, else from the package's source titles."""
    if (root / "sources").is_dir():
        from cowork_data.config import load_sources

        return {s.id: FixtureNote(s.id, s.title, s.url, s.fixture_note_it, s.fixture_note_en)
                for s in load_sources(root) if s.fixture}
    notes: dict[str, FixtureNote] = {}
    for source in package.get("sources", []):
        title = source.get("title", "")
        if "inventat" not in title.lower() and "invented" not in title.lower():
            continue
        url = source.get("path", "")
        ids = {r.get("source_id", "") for rows in tables.values() for r in rows if r.get("source_url") == url}
        for source_id in sorted(ids - {""}):
            notes[source_id] = FixtureNote(
                source_id, title, url, *i18n.both("label.site.fixture-note"))
    return notes
