"""How a source is harvested: the optional `[harvest]` table of its TOML file, or what its `[ckan]` table implies.

    [harvest]
    kind = "ckan"        # ckan | datastore | dcat | socrata | opendatasoft | file | html | pdf | overpass | wikidata
                         # | fablabs | local
    url = "https://…"    # the data file, or the package_show / package_search / catalogue URL of ckan and dcat,
                         # or the datastore_search URL of datastore (its pages followed through _links.next)
    format = "csv"       # csv | json | geojson | kml | xlsx | ods | html | pdf (default: the snapshot's suffix)
    dataset = "…"        # dcat: the dataset (@id, dct:identifier or title); ckan: the package id
    resource = "…"       # ckan: the resource id (default: the first resource in `formats`)
    formats = ["CSV"]    # ckan, dcat: distribution formats in order of preference
    country = "FR"       # overpass: ISO 3166-1 alpha-2 code of the country queried (the spaces' OSM tags)
    country_qid = "Q142" # wikidata: the country's item; `classes` (code → QID) overrides the space classes
    query = "…"          # overpass, wikidata: the whole query instead of the one built from the country
    crs = "EPSG:3003"    # the coordinates' reference system, when the file does not say it (see cowork_data.geo)

`url` of `overpass` is the interpreter (`https://overpass-api.de/api/interpreter`), of `wikidata` the SPARQL
endpoint (`https://query.wikidata.org/sparql`); the query goes into the GET URL, so a conditional GET can repeat
it. `fablabs` reads the labs list (`https://api.fablabs.io/0/labs.json`).

A source without `[harvest]` and with `[ckan]` is a CKAN package; a curated source is `local` (not fetched).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from cowork_data import i18n
from cowork_data.config import Source
from cowork_data.errors import ConfigError
from cowork_data.geo.crs import parse_crs
from cowork_data.harvest.adapters import CATALOGUES, FORMATS, overpass, sparql
from cowork_data.harvest.adapters.ckan import datastore_search_url, package_show_url

__all__ = ["KINDS", "HarvestSpec", "harvest_spec"]

KINDS = frozenset({"ckan", "datastore", "dcat", "socrata", "opendatasoft", "file", "html", "pdf", "overpass",
                   "wikidata", "fablabs", "local"})
#: The format each live-service kind answers in.
SERVICE_FORMATS = {"overpass": "overpass-json", "wikidata": "sparql-json", "fablabs": "fablabs-json",
                   "datastore": "ckan-datastore"}


@dataclass(frozen=True)
class HarvestSpec:
    """Where and how to fetch a source: `url` is the catalogue URL for ckan/dcat, else the data file."""

    kind: str
    url: str
    format: str
    dataset: str = ""
    resource: str = ""
    formats: tuple[str, ...] = ("CSV",)
    crs: str = ""

    @property
    def catalogue(self) -> bool:
        return self.kind in CATALOGUES


def _fail(source: Source, key: str, **params: object) -> ConfigError:
    """The error of the key ``harvest.<key>`` of a source, why in the catalogue's ``error.harvest-key.reason.<key>``."""
    return ConfigError("error.harvest-key", source=source.path.name, key=key, path=str(source.path),
                       reason=i18n.Text.of(f"error.harvest-key.reason.{key}", **params))


def harvest_spec(source: Source) -> HarvestSpec:
    """The harvest settings of `source` (raises `ConfigError` naming the key at fault): its `[harvest]` table as
    parsed with the rest of its catalogue file, or read from the file."""
    if source.harvest is not None:
        return _spec(source, source.harvest)
    try:
        table = _table(source.path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("error.source-file-unreadable", path=source.path, detail=str(exc)) from exc
    return _spec(source, table)


@lru_cache(maxsize=256)
def _table(text: str) -> dict:
    """The `[harvest]` table of a catalogue file's text (TOML parsing is slow; read only)."""
    return tomllib.loads(text).get("harvest", {})


def _spec(source: Source, table: dict) -> HarvestSpec:
    suffix = PurePosixPath(source.snapshots[0]).suffix.lstrip(".").lower()
    default_format = suffix if suffix in FORMATS else "csv"
    if not table:
        if source.ckan is not None:
            return HarvestSpec(kind="ckan", url=package_show_url(source.ckan.base_url, source.ckan.dataset_id),
                               format=default_format, dataset=source.ckan.dataset_id, resource=source.ckan.resource_id)
        return HarvestSpec(kind="local", url="", format=default_format)
    kind = table.get("kind", "file")
    if kind not in KINDS:
        raise _fail(source, "kind", value=repr(kind), allowed=", ".join(sorted(KINDS)))
    fmt = table.get("format", SERVICE_FORMATS.get(kind, default_format))
    if fmt not in FORMATS:
        raise _fail(source, "format", value=repr(fmt), allowed=", ".join(sorted(FORMATS)))
    url = table.get("url", "")
    if kind == "ckan" and not url and source.ckan is not None:
        url = package_show_url(source.ckan.base_url, source.ckan.dataset_id)
    if kind == "datastore" and not url and source.ckan is not None:
        url = datastore_search_url(source.ckan.base_url, source.ckan.resource_id)
    if kind != "local" and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise _fail(source, "url")
    if kind in ("overpass", "wikidata") and isinstance(url, str):
        url = _query_url(source, kind, url, table)
    formats = table.get("formats", ["CSV"])
    crs = table.get("crs", "")
    if not isinstance(crs, str) or (crs and parse_crs(crs) is None):
        raise ConfigError("error.harvest-crs", source=source.path.name, value=repr(crs), path=str(source.path))
    return HarvestSpec(kind=kind, url=url, format=fmt,
                       dataset=str(table.get("dataset", source.ckan.dataset_id if source.ckan else "")),
                       resource=str(table.get("resource", source.ckan.resource_id if source.ckan else "")),
                       formats=tuple(formats if isinstance(formats, list) else [formats]), crs=crs)


def _query_url(source: Source, kind: str, endpoint: str, table: dict) -> str:
    """The GET URL of an Overpass or SPARQL query: `query` as written, else built from the country."""
    text = table.get("query", "")
    if not text and kind == "overpass":
        country = table.get("country", "")
        if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
            raise _fail(source, "country")
        text = overpass.query(country)
    if not text and kind == "wikidata":
        qid = table.get("country_qid", "")
        classes = table.get("classes", {})
        if not (isinstance(qid, str) and qid[:1] == "Q" and qid[1:].isdigit()):
            raise _fail(source, "country_qid")
        if not isinstance(classes, dict):
            raise _fail(source, "classes")
        text = sparql.query(qid, {str(k): str(v) for k, v in classes.items()} or None)
    if not isinstance(text, str) or not text.strip():
        raise _fail(source, "query")
    build = overpass.query_url if kind == "overpass" else sparql.query_url
    return build(endpoint, text)
