"""Every adapter harvests a recorded response in its portal's real shape (sources/samples/, invented rows) from a
real local HTTP server into the same canonical rows; a second harvest is conditional and stores nothing new."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowork_data.config import load_sources
from cowork_data.harvest import load_snapshot
from cowork_data.harvest.run import harvest
from cowork_data.normalise import Crosswalk, normalise
from cowork_data.reference import load_comuni
from tests.conftest import ROOT, copy_project
from tests.fixtures.harvest.project import POLICY, sha_tree
from tests.fixtures.harvest.server import ReplayServer, Route
from tests.fixtures.harvest.sources import source_toml as fixture_source

SAMPLES = ROOT / "sources" / "samples"
IT = {"Denominazione": "name", "Tipologia": "type", "Indirizzo": "address", "CAP": "postcode", "Telefono": "phone",
      "Email": "email", "Sito web": "website", "Postazioni": "workstations", "Latitudine": "latitude",
      "Longitudine": "longitude"}
SNAKE = {"spazio": "name", "tipologia": "type", "sede": "address", "cap": "postcode", "telefono": "phone",
         "e_mail": "email", "web": "website", "numero_postazioni": "workstations"}
GEO = {"tipologia": "type", "indirizzo": "address", "cap": "postcode", "telefono": "phone", "email": "email",
       "sito": "website", "postazioni": "workstations", "geometry.lon": "longitude", "geometry.lat": "latitude"}
CKAN_DATASET = "00000000-0000-4000-8000-000000000001"
CKAN_FILE = f"/dataset/{CKAN_DATASET}/resource/00000000-0000-4000-8000-000000000002/download/elenco-coworking.csv"

# id → (harvest table, columns, routes: server path → sample file)
CASES: dict[str, tuple[dict[str, str], dict[str, str], dict[str, str]]] = {
    "ckan": ({"kind": "ckan", "url": f"/api/3/action/package_show?id={CKAN_DATASET}", "format": "csv"},
             {"SPAZIO": "name", "TIPOLOGIA": "type", "SEDE": "address", "CAP": "postcode", "TELEFONO_1": "phone",
              "E_MAIL": "email", "WEB": "website", "NUMERO_POSTAZIONI": "workstations", "LONG_X_4326": "longitude",
              "LAT_Y_4326": "latitude", "Location": "location"},
             {"/api/3/action/package_show": "ckan/package_show.json", CKAN_FILE: "ckan/elenco-coworking.csv"}),
    "socrata-json": ({"kind": "socrata", "url": "/resource/abcd-1234.json", "format": "json"},
                     {**SNAKE, "location.latitude": "latitude", "location.longitude": "longitude"},
                     {"/resource/abcd-1234.json": "socrata/rows.json"}),
    "socrata-csv": ({"kind": "socrata", "url": "/api/views/abcd-1234/rows.csv?accessType=DOWNLOAD", "format": "csv"},
                    {**SNAKE, "location": "location"}, {"/api/views/abcd-1234/rows.csv": "socrata/rows.csv"}),
    "opendatasoft-json": (
        {"kind": "opendatasoft", "url": "/api/explore/v2.1/catalog/datasets/spazi/exports/json", "format": "json"},
        {**SNAKE, "geo_point_2d.lat": "latitude", "geo_point_2d.lon": "longitude"},
        {"/api/explore/v2.1/catalog/datasets/spazi/exports/json": "opendatasoft/exports.json"}),
    "opendatasoft-csv": (
        {"kind": "opendatasoft", "url": "/api/explore/v2.1/catalog/datasets/spazi/exports/csv", "format": "csv"},
        {**SNAKE, "geo_point_2d": "location"},
        {"/api/explore/v2.1/catalog/datasets/spazi/exports/csv": "opendatasoft/exports.csv"}),
    "dcat": ({"kind": "dcat", "url": "/catalog.jsonld", "format": "csv", "dataset": "c_x000:spazi-coworking"}, IT,
             {"/catalog.jsonld": "dcat/catalog.jsonld", "/files/spazi.csv": "dcat/spazi.csv"}),
    "html": ({"kind": "html", "url": "/spazi-coworking", "format": "html"}, IT,
             {"/spazi-coworking": "html/pagina.html"}),
    "pdf": ({"kind": "pdf", "url": "/elenco.pdf", "format": "pdf"}, IT, {"/elenco.pdf": "pdf/elenco.pdf"}),
    "xlsx": ({"kind": "file", "url": "/elenco.xlsx", "format": "xlsx"}, IT, {"/elenco.xlsx": "xlsx/elenco.xlsx"}),
    "ods": ({"kind": "file", "url": "/elenco.ods", "format": "ods"}, IT, {"/elenco.ods": "ods/elenco.ods"}),
    "geojson": ({"kind": "file", "url": "/spazi.geojson", "format": "geojson"}, {"denominazione": "name", **GEO},
                {"/spazi.geojson": "geojson/spazi.geojson"}),
    "kml": ({"kind": "file", "url": "/spazi.kml", "format": "kml"}, {"name": "name", **GEO},
            {"/spazi.kml": "kml/spazi.kml"}),
}
SUFFIX = {"csv": "csv", "json": "json", "html": "html", "pdf": "pdf", "xlsx": "xlsx", "ods": "ods",
          "geojson": "geojson", "kml": "kml"}
COMPARED = ("name", "type", "street_address", "house_number", "postcode", "comune_istat", "comune_belfiore",
            "comune_name", "latitude", "longitude", "workstations", "features", "website", "email", "phone")
EXPECTED = [
    ("Spazio Esempio Sarpi", "coworking", "Via Paolo Sarpi", "42", "20154", "015146", "F205", "Milano", "45.4809317",
     "9.1771204", "20", "workstations", "http://www.spazio-esempio-sarpi.example.org", "sarpi@example.org",
     "+390289093111"),
    ("Coworking delle Specialità (esempio)", "coworking", "Via Lecco", "9", "20124", "015146", "F205", "Milano",
     "45.479322", "9.206531", "12", "workstations", "https://www.specialita.example.org", "specialita@example.org",
     "+390220400000"),
    ("FabLab Officina Inventata", "fablab", "Via San Faustino", "62", "20134", "015146", "F205", "Milano", "45.476852",
     "9.242319", "8", "workstations", "http://www.officina-inventata.example.org/fablab", "fablab.ortica@example.org",
     "+390221110000"),
]


def source_toml(case: str, base: str) -> str:
    table, columns, _ = CASES[case]
    return fixture_source(f"sample-{case}", title=f"Esempio {case} (righe inventate / invented rows)", adapter="ckan",
                          snapshot=f"elenco.{SUFFIX[table['format']]}", columns=columns,
                          harvest={**table, "url": base + table["url"]})


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        for _, _, routes in CASES.values():
            for path, sample in routes.items():
                body = (SAMPLES / sample).read_bytes().replace(b"https://dati.example.org", running.base.encode())
                running.routes[path] = Route(body=body, etag=f'"{len(body)}-{path[-6:]}"',
                                             last_modified="Fri, 30 Jan 2026 00:00:00 GMT")
        yield running


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, server: ReplayServer) -> Path:
    root = copy_project(tmp_path_factory.mktemp("adapters") / "root")
    for case in CASES:
        (root / "sources" / f"sample-{case}.toml").write_text(source_toml(case, server.base), encoding="utf-8")
    return root


def canonical(root: Path, source_id: str) -> list[tuple[str, ...]]:
    source = next(s for s in load_sources(root) if s.id == source_id)
    rows = normalise(source, load_snapshot(source, root), comuni=load_comuni(), crosswalk=Crosswalk())["spaces"]
    return sorted(tuple(row[f] for f in COMPARED) for row in rows)


@pytest.mark.parametrize("case", list(CASES))
def test_adapter_harvests_the_same_canonical_rows(project: Path, server: ReplayServer, case: str) -> None:
    report = harvest([f"sample-{case}"], root=project, live=True, policy=POLICY)
    outcome = report.outcome(f"sample-{case}")
    assert outcome.status == "updated", outcome
    assert outcome.records == 3
    assert canonical(project, f"sample-{case}") == sorted(EXPECTED)
    provenance = load_snapshot(next(s for s in load_sources(project) if s.id == f"sample-{case}"), project).provenance
    assert provenance["status"] == 200 and re.fullmatch(r"[0-9a-f]{64}", provenance["sha256"])
    assert provenance["url"].startswith(server.base) and provenance["final_url"].startswith(server.base)
    assert provenance["retrieved_at"].endswith("Z") and provenance["headers"]["ETag"]
    if case == "ckan":
        assert provenance["licence"]["id"] == "CC-BY-4.0"  # read per package from CKAN
        assert provenance["catalogue"]["url"].startswith(f"{server.base}/api/3/action/package_show")
    for _, headers in server.requests:
        assert headers["User-Agent"].startswith("cowork-data/") and "https://w3id.org/cowork-data/" in headers[
            "User-Agent"]


def test_second_harvest_is_conditional_and_stores_nothing(project: Path, server: ReplayServer) -> None:
    case = "xlsx"
    harvest([f"sample-{case}"], root=project, live=True, policy=POLICY)  # a first harvest, if not run yet
    archive = project / "build" / "harvests" / f"sample-{case}"
    before, archived = sha_tree(project), sorted(archive.rglob("*"))
    report = harvest([f"sample-{case}"], root=project, live=True, policy=POLICY)
    outcome = report.outcome(f"sample-{case}")
    assert outcome.status == "unchanged" and outcome.cause == "not-modified", outcome
    last = server.seen("/elenco.xlsx")[-1]
    assert last["If-None-Match"] == server.routes["/elenco.xlsx"].etag
    assert last["If-Modified-Since"] == "Fri, 30 Jan 2026 00:00:00 GMT"
    assert sha_tree(project) == before and sorted(archive.rglob("*")) == archived


def test_offline_harvest_checks_the_recorded_snapshots(project: Path) -> None:
    report = harvest(["milano-coworking", "bandi-milano"], root=project)
    assert report.ok
    assert [(o.source_id, o.status, o.records) for o in report.outcomes] == [
        ("milano-coworking", "recorded", 12), ("bandi-milano", "local", 19)]
