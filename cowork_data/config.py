"""The sources catalogue: one TOML file per source in `sources/`, read into frozen `Source` records."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowork_data.declaration import tables as declared_tables
from cowork_data.errors import ConfigError
from cowork_data.i18n import Text

__all__ = ["CkanRef", "ROOT_ENV", "Source", "load_source", "load_sources", "project_root", "sources_dir"]

ROOT_ENV = "COWORK_DATA_ROOT"

#: Where a source lives; the harvest kinds of `harvest.spec.KINDS` plus `curated` (facts compiled in the repository).
ADAPTERS = frozenset({"ckan", "curated", "dcat", "socrata", "opendatasoft", "file", "html", "pdf", "overpass",
                      "wikidata", "fablabs", "local"})
FORMATS = frozenset({"milano-csv", "curated-csv", "cget-csv"})


def project_root() -> Path:
    """The repository root (holding `sources/` and `schemas/`); `$COWORK_DATA_ROOT` overrides it."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CkanRef:
    """Where a source lives on a CKAN portal."""

    base_url: str
    dataset_id: str
    resource_id: str
    download_url: str


@dataclass(frozen=True)
class Source:
    """One entry of the sources catalogue (`sources/<id>.toml`)."""

    id: str  #: the file name without ``.toml``
    title: str
    publisher: str
    url: str  #: the landing page, the ``source_url`` of the rows
    licence_id: str
    licence_url: str
    adapter: str  #: how it is harvested, one of :data:`ADAPTERS`
    format: str  #: which normaliser reads the snapshot, one of :data:`FORMATS`
    tables: tuple[str, ...]  #: the canonical tables it produces (names of ``mapping/tables.toml``)
    snapshots: tuple[str, ...]  #: the recorded files, relative to the repository root (a curated source: one a table)
    fixture: bool  #: the snapshot holds invented rows; the fixture note says so
    path: Path  #: the ``sources/<id>.toml`` file it was read from
    licence_note: str = ""
    fixture_note_it: str = ""
    fixture_note_en: str = ""
    ckan: CkanRef | None = None
    comune: str = ""  #: ISTAT code of the comune of every row, when the file does not say it
    space_type: str = ""  #: the type of every space whose row does not give one (``coworking``, ``fablab``)
    admissions_call: str = ""  #: the id of the call every listed space is admitted to
    #: The attribution the licence asks for ("CGET, Mission Coworking, 2019"), repeated where the data is published.
    attribution: str = ""
    columns: dict[str, str] = field(default_factory=dict, hash=False)
    #: The file's `[harvest]` table as parsed with the rest (None: not parsed; `harvest_spec` reads the file).
    harvest: dict[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def licence(self) -> dict[str, str]:
        """The licence as the package descriptor lists it: id, url and note."""
        return {"id": self.licence_id, "url": self.licence_url, "note": self.licence_note}


class _Reader:
    """Typed access to one parsed TOML file, raising a `ConfigError` that names the file and the key."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, what: str, **params: object) -> ConfigError:
        """The error for ``key``; ``what`` names the problem (``error.source-key.<what>`` in the catalogue)."""
        return ConfigError("error.source-key", file=self.path.name, key=key, path=self.path,
                           what=Text.of(f"error.source-key.{what}", **params))

    def get(self, key: str, kind: type, *, required: bool = True, table: dict[str, Any] | None = None,
            prefix: str = "") -> Any:
        data = self.data if table is None else table
        name = f"{prefix}{key}"
        if key not in data:
            if required:
                raise self.fail(name, "missing")
            return kind()
        value = data[key]
        if not isinstance(value, kind) or (kind is str and required and not value.strip()):
            raise self.fail(name, "type", kind=kind.__name__)
        return value

    def choice(self, key: str, allowed: frozenset[str]) -> str:
        value = self.get(key, str)
        if value not in allowed:
            options = ", ".join(sorted(allowed))
            raise self.fail(key, "choice", value=repr(value), options=options)
        return value

    def str_list(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "str-list")
        return tuple(value)


def _parse(path: Path) -> Source:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("error.source-toml", file=path.name, detail=str(exc), path=path) from exc
    r = _Reader(path, data)
    source_id = r.get("id", str)
    if source_id != path.stem:
        raise r.fail("id", "id-file", value=repr(source_id))
    tables = r.str_list("tables")
    declared = declared_tables(path.parent.parent)
    for table in tables:
        if table not in declared:
            raise r.fail("tables", "table", value=repr(table))
    licence = r.get("licence", dict)
    fixture = r.get("fixture", bool)
    note = r.get("fixture_note", dict, required=fixture)
    ckan = None
    if "ckan" in data:
        ref = r.get("ckan", dict)
        ckan = CkanRef(*(r.get(k, str, table=ref, prefix="ckan.")
                         for k in ("base_url", "dataset_id", "resource_id", "download_url")))
    columns = r.get("columns", dict, required=False)
    for header, target in columns.items():
        if not isinstance(target, str):
            raise r.fail(f"columns.{header}", "string")
    return Source(
        id=source_id,
        title=r.get("title", str),
        publisher=r.get("publisher", str),
        url=r.get("url", str),
        licence_id=r.get("id", str, table=licence, prefix="licence."),
        licence_url=r.get("url", str, table=licence, prefix="licence."),
        licence_note=r.get("note", str, table=licence, prefix="licence.", required=False),
        adapter=r.choice("adapter", ADAPTERS),
        format=r.choice("format", FORMATS),
        tables=tables,
        snapshots=r.str_list("snapshot"),
        fixture=fixture,
        fixture_note_it=r.get("it", str, table=note, prefix="fixture_note.") if fixture else "",
        fixture_note_en=r.get("en", str, table=note, prefix="fixture_note.") if fixture else "",
        ckan=ckan,
        comune=r.get("comune", str, required=False),
        space_type=r.get("space_type", str, required=False),
        admissions_call=r.get("admissions_call", str, required=False),
        attribution=r.get("attribution", str, required=False),
        columns=dict(columns),
        path=path,
        harvest=data.get("harvest", {}),
    )


def load_source(path: Path) -> Source:
    """One source's catalogue file (`<root>/sources/<id>.toml`), checked."""
    return _parse(path)


def sources_dir(root: Path | None = None) -> Path:
    """`<root>/sources`, or a clear error when there is none."""
    directory = (root or project_root()) / "sources"
    if not directory.is_dir():
        raise ConfigError("error.sources-dir", path=directory, env=ROOT_ENV)
    return directory


def load_sources(root: Path | None = None) -> list[Source]:
    """Every source of `<root>/sources/*.toml`, sorted by id."""
    return sorted((_parse(path) for path in sources_dir(root).glob("*.toml")), key=lambda s: s.id)
