"""CKAN as it answers: package_show, package_search (the source picks, or is told it must), datastore_search read page
after page through _links.next within the limits; dates from the resource or the package; OpenDataSoft labels."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cowork_data.config import load_sources
from cowork_data.errors import UnreadableSnapshot
from cowork_data.harvest import load_snapshot
from cowork_data.harvest.adapters import parse_table
from cowork_data.harvest.adapters.ckan import answer, answer_kind, locate, packages
from cowork_data.harvest.http import HttpClient
from cowork_data.harvest.paging import PagingError, fetch_pages
from cowork_data.harvest.run import harvest
from cowork_data.normalise import normalise
from cowork_data.normalise.ids import Crosswalk
from cowork_data.reference import load_comuni
from tests.conftest import ROOT, copy_project
from tests.fixtures.harvest.project import POLICY
from tests.fixtures.harvest.server import ReplayServer, Route
from tests.fixtures.harvest.sources import write_source

HERE = ROOT / "tests" / "fixtures" / "harvest" / "ckan"
SHOW = (HERE / "package_show.json").read_bytes()
SEARCH = (HERE / "package_search.json").read_bytes()
PAGES = [(HERE / f"datastore_search_{i}.json").read_bytes() for i in range(4)]
RESOURCE = "0a1b2c3d-1111-4111-8111-000000000002"
DATASTORE = f"/api/3/action/datastore_search?limit=2&resource_id={RESOURCE}"


def test_package_show_dates_from_the_resource_else_the_package() -> None:
    (package,) = packages(SHOW)
    assert package.title == "Spazi di coworking (esempio)"  # Italian, though English is the untranslated title
    assert package.titles == {"it": "Spazi di coworking (esempio)", "en": "Coworking spaces (example)",
                              "": "Coworking spaces (example)"}
    csv = locate(SHOW)
    assert csv.url.endswith("/download/coworking.csv") and csv.format == "csv"
    assert csv.modified == "2025-10-14T16:03:27.118842"  # the resource has no date: the package's metadata_modified
    json_resource = locate(SHOW, formats=("JSON",))
    assert json_resource.modified == "2025-09-30T08:00:00"  # the resource's own last_modified
    assert csv.licence["id"] == "CC-BY-4.0" and csv.licence["concept"].endswith("/A21_CCBY40")
    assert csv.licence["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert locate(SHOW, resource="0a1b2c3d-1111-4111-8111-000000000003").format == "json"


def test_package_search_picks_by_id_or_name_and_says_when_it_must_choose() -> None:
    assert answer_kind(answer(SEARCH)) == "ckan-search"
    assert [p.identifier for p in packages(SEARCH)] == ["spazi-coworking-esempio", "fablab-esempio"]
    by_name = locate(SEARCH, dataset="fablab-esempio")
    assert by_name.url.endswith("/fablab.csv") and by_name.licence["id"] == "IODL-2.0"
    assert by_name.modified == "2024-05-02T10:00:00.000001"
    by_id = locate(SEARCH, dataset="5e2b4c1a-7d0e-4c55-9f3e-1a2b3c4d5e6f")
    assert by_id.url.endswith("/coworking.csv")
    with pytest.raises(UnreadableSnapshot) as info:
        locate(SEARCH)
    assert "spazi-coworking-esempio" in info.value.message_it and "fablab-esempio" in info.value.message_en
    assert "harvest.dataset" in info.value.message_en
    with pytest.raises(UnreadableSnapshot) as info:
        locate(SEARCH, dataset="non-esiste")
    assert "non-esiste" in info.value.message_it and "fablab-esempio" in info.value.message_it
    only_json = locate(SEARCH, formats=("JSON",))  # one package offers JSON: no choice left
    assert only_json.url.endswith("/coworking.json")


def test_a_ckan_error_answer_is_a_clear_error() -> None:
    with pytest.raises(UnreadableSnapshot) as info:
        packages((HERE / "not_found.json").read_bytes())
    assert "Not found" in info.value.message_it and "error" in info.value.message_en
    with pytest.raises(UnreadableSnapshot) as info:
        packages(b"<html>Service unavailable</html>")
    assert "JSON" in info.value.message_en


def test_datastore_records_are_a_table() -> None:
    assert answer_kind(answer(PAGES[0])) == "ckan-datastore"
    table = parse_table("ckan-datastore", PAGES[1])
    assert table.header == ["DENOMINAZIONE", "INDIRIZZO", "LAT", "LON"]  # CKAN's _id dropped
    assert table.rows[0][0] == "Officina Esempio" and table.locators == ["record=3", "record=4"]


# ---- at harvest, through a real server --------------------------------------------------------------------------

def _pages(stall: float = 0.0):  # noqa: ANN202 - a fault of the replay server
    def fault(handler) -> None:  # noqa: ANN001
        offset = int(parse_qs(urlsplit(handler.path).query).get("offset", ["0"])[0])
        if stall:
            time.sleep(stall)
        handler.send_body(200, PAGES[min(offset // 2, 3)], "application/json")
    return fault


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        running.routes["/api/3/action/datastore_search"] = Route(fault=_pages())
        running.routes["/slow/api/3/action/datastore_search"] = Route(fault=_pages(stall=0.3))
        running.routes["/api/3/action/package_search"] = Route(
            body=SEARCH.replace(b"https://dati.example.org/", running.base.encode() + b"/"),
            content_type="application/json")
        running.routes["/dataset/9f8e/resource/0a1b/download/fablab.csv"] = Route(
            body=b"DENOMINAZIONE;INDIRIZZO\nFabLab Esempio;Via Ventura, 5\n")
        running.routes["/ods/exports/csv"] = Route(body=(
            b"Spazio;Sede;Numero postazioni;Geo Point\n"
            b"Spazio Esempio Sarpi;Via Paolo Sarpi, 42;20;45.4809317, 9.1771204\n"))
        yield running


def _source(root: Path, name: str, kind: str, url: str, columns: dict[str, str], *, snapshot: str,
            dataset: str = "") -> None:
    write_source(root, name, title="Esempio CKAN (righe inventate / invented rows)",
                 adapter=kind if kind != "datastore" else "ckan", snapshot=snapshot, columns=columns,
                 harvest={"kind": kind, "url": url, **({"dataset": dataset} if dataset else {})})


def _spaces(root: Path, name: str) -> list[dict[str, str]]:
    source = next(s for s in load_sources(root) if s.id == name)
    return normalise(source, load_snapshot(source, root), comuni=load_comuni(), crosswalk=Crosswalk())["spaces"]


COLUMNS = {"DENOMINAZIONE": "name", "INDIRIZZO": "address", "LAT": "latitude", "LON": "longitude"}


def test_a_datastore_is_harvested_page_after_page(tmp_path: Path, server: ReplayServer) -> None:
    root = copy_project(tmp_path / "root")
    _source(root, "ds", "datastore", server.base + DATASTORE, COLUMNS, snapshot="records.json")
    outcome = harvest(["ds"], root=root, live=True, policy=POLICY).outcome("ds")
    assert outcome.status == "updated" and outcome.records == 5, outcome
    source = next(s for s in load_sources(root) if s.id == "ds")
    provenance = load_snapshot(source, root).provenance
    assert [urlsplit(p["url"]).query.split("&")[0] for p in provenance["pages"]] == ["limit=2", "offset=2",
                                                                                     "offset=4"]
    spaces = _spaces(root, "ds")
    assert [s["name"] for s in spaces][:1] and len(spaces) == 5
    assert {(s["latitude"], s["longitude"]) for s in spaces} >= {("45.4809317", "9.1771204")}
    again = harvest(["ds"], root=root, live=True, policy=POLICY).outcome("ds")
    assert again.status == "unchanged" and again.cause == "same-bytes"
    assert harvest(["ds"], root=root).outcome("ds").status == "recorded"  # offline: the joined snapshot checks


def test_datastore_pages_stop_at_the_size_page_and_time_limits(tmp_path: Path, server: ReplayServer) -> None:
    root = copy_project(tmp_path / "root")
    _source(root, "ds-big", "datastore", server.base + DATASTORE, COLUMNS, snapshot="records.json")
    small = replace(POLICY, max_bytes=len(PAGES[0]) + 10)
    outcome = harvest(["ds-big"], root=root, live=True, policy=small).outcome("ds-big")
    assert outcome.status == "failed" and outcome.cause == "too-large"
    assert "datastore" in outcome.message_it and "datastore" in outcome.message_en
    assert not (root / "sources" / "snapshots" / "ds-big" / "records.json").exists()
    client = HttpClient(POLICY)
    slow = HttpClient(replace(POLICY, max_seconds=0.2))
    try:
        with pytest.raises(PagingError) as info:
            fetch_pages(client, server.base + DATASTORE, max_pages=2)
        assert info.value.cause == "too-many-pages" and "2 pages" in info.value.message_en
        with pytest.raises(PagingError) as info:  # each page takes 0.3 s: the second is never asked for
            fetch_pages(slow, server.base + "/slow" + DATASTORE)
        assert info.value.cause == "too-slow" and "0.2 s" in info.value.message_en
    finally:
        client.close()
        slow.close()


def test_a_package_search_source_names_its_package(tmp_path: Path, server: ReplayServer) -> None:
    root = copy_project(tmp_path / "root")
    url = server.base + "/api/3/action/package_search?q=coworking"
    _source(root, "search-none", "ckan", url, {"DENOMINAZIONE": "name"}, snapshot="elenco.csv")
    outcome = harvest(["search-none"], root=root, live=True, policy=POLICY).outcome("search-none")
    assert outcome.status == "failed" and "harvest.dataset" in outcome.message_en
    _source(root, "search-fablab", "ckan", url, {"DENOMINAZIONE": "name"}, snapshot="elenco.csv",
            dataset="fablab-esempio")
    outcome = harvest(["search-fablab"], root=root, live=True, policy=POLICY).outcome("search-fablab")
    assert outcome.status == "updated", outcome
    source = next(s for s in load_sources(root) if s.id == "search-fablab")
    provenance = load_snapshot(source, root).provenance
    assert provenance["licence"]["id"] == "IODL-2.0" and provenance["distribution"]["modified"].startswith("2024-05")


def test_an_opendatasoft_export_with_labels_matches_the_field_names(tmp_path: Path, server: ReplayServer) -> None:
    root = copy_project(tmp_path / "root")
    _source(root, "ods", "opendatasoft", server.base + "/ods/exports/csv",
            {"spazio": "name", "sede": "address", "numero_postazioni": "workstations", "geo_point_2d": "location"},
            snapshot="exports.csv")
    outcome = harvest(["ods"], root=root, live=True, policy=POLICY).outcome("ods")
    assert outcome.status == "updated", outcome
    (space,) = _spaces(root, "ods")
    assert space["name"] == "Spazio Esempio Sarpi" and space["workstations"] == "20"
    assert (space["latitude"], space["longitude"]) == ("45.4809317", "9.1771204")
