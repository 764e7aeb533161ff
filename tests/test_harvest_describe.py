"""`cowork-data describe FILE|URL`: what a file is, in the JSON shape of the issue, and the source it writes, which
`cowork-data harvest NAME` then accepts (end to end, through the CLI and a real server on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.config import ROOT_ENV, load_sources
from cowork_data.harvest import load_snapshot
from cowork_data.harvest.describe import describe
from cowork_data.normalise import normalise
from cowork_data.normalise.ids import Crosswalk
from cowork_data.reference import load_comuni
from tests.conftest import ROOT, copy_project
from tests.fixtures.geo.comune_points import geojson, inside, rings
from tests.fixtures.harvest.server import ReplayServer, Route

MILANO = rings()
CKAN = ROOT / "tests" / "fixtures" / "harvest" / "ckan"
UNIBO = ROOT / "tests" / "fixtures" / "harvest" / "catalogues" / "catalog_dati_unibo.rdf"
COMUNE_TTL = ROOT / "tests" / "fixtures" / "harvest" / "catalogues" / "comune-esempio.ttl"
SHAPE = {"kind", "datasets", "table"}
TABLE = {"encoding", "delimiter", "header_row", "rows", "columns", "crs", "mapping", "points"}


def _run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={ROOT_ENV: str(root)}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "root")


def test_a_gauss_boaga_geojson_is_described_and_becomes_a_source_harvest_accepts(root: Path, tmp_path: Path) -> None:
    data, wgs84 = geojson(16000, 3003)
    path = tmp_path / "punti.geojson"
    path.write_bytes(data)
    code, out, _ = _run(root, "describe", str(path), "--json")
    assert code == 0
    described = json.loads(out)
    assert set(described) == SHAPE and described["kind"] == "table" and described["datasets"] == []
    table = described["table"]
    assert TABLE <= set(table) and table["rows"] == 16000 and table["crs"] == "EPSG:3003"
    assert table["encoding"] == "utf-8" and table["header_row"] is None
    assert len(table["points"]) == 5 and all(inside(lon, lat, MILANO) for lon, lat in table["points"])
    assert table["points"][0] == pytest.approx(list(wgs84[0]), abs=1e-6)
    assert table["mapping"] == {"ID": "record_id", "DENOMINAZIONE": "name"}
    small, _ = geojson(200, 3003)  # the same export, smaller: the source is then built row by row
    path.write_bytes(small)
    code, out, err = _run(root, "describe", str(path), "--write", "punti-milano", "--comune", "015146")
    assert code == 0, err
    assert "Gauss-Boaga fuso Ovest, EPSG:3003" in out and "punti-milano" in out + err
    code, out, err = _run(root, "harvest", "punti-milano", "--json")
    assert code == 0, out + err
    (outcome,) = json.loads(out)["sources"]
    assert outcome["status"] == "local" and outcome["records"] == 200
    source = next(s for s in load_sources(root) if s.id == "punti-milano")
    snapshot = load_snapshot(source, root)
    assert snapshot.provenance["coordinates"]["crs"] == "EPSG:3003"
    spaces = normalise(source, snapshot, comuni=load_comuni(), crosswalk=Crosswalk())["spaces"]
    assert len(spaces) == 200
    assert all(inside(float(s["longitude"]), float(s["latitude"]), MILANO) for s in spaces)
    code, _, err = _run(root, "describe", str(path), "--write", "punti-milano")
    assert code != 0 and "--overwrite" in err


def test_a_csv_in_metres_pins_the_system_it_was_told(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "sedi.csv"
    path.write_text("ID;DENOMINAZIONE;CoordX;CoordY\n1;Sede uno;514000,0;5034000,0\n2;Sede due;515000;5035000\n",
                    encoding="cp1252")
    description = describe(path)
    assert description.table["crs"] == "EPSG:32632" and description.table["delimiter"] == ";"
    assert description.table["header_row"] == 1 and "CoordX" in description.table["crs_reason"]["en"]
    code, _, err = _run(root, "describe", str(path), "--write", "sedi-utm", "--comune", "015146")
    assert code == 0, err
    text = (root / "sources" / "sedi-utm.toml").read_text(encoding="utf-8")
    assert 'crs = "EPSG:32632"' in text
    code, out, err = _run(root, "harvest", "sedi-utm")
    assert code == 0, out + err


def test_an_ambiguous_system_is_said_not_guessed(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "sedi.csv"
    path.write_text("NOME,X,Y\nSede,1514000,5034000\n", encoding="utf-8")
    table = describe(path).table
    assert table["crs"] == "" and table["points"] == [] and table["findings"][0]["code"] == "crs-ambiguous"
    assert describe(path, crs="EPSG:3003").table["crs"] == "EPSG:3003"
    code, out, _ = _run(root, "describe", str(path), "--json", "--comune", "015146")  # Milan: only Gauss-Boaga
    assert code == 0 and json.loads(out)["table"]["crs"] == "EPSG:3003"


def test_a_zip_holding_one_table_is_described(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("LEGGIMI.txt", "Elenco degli spazi.")
        archive.writestr("spazi.csv", "Denominazione,Latitudine,Longitudine\nSpazio,45.46416,9.19199\n")
    path = tmp_path / "export.zip"
    path.write_bytes(buffer.getvalue())
    table = describe(path).table
    assert table["rows"] == 1 and table["member"] == "spazi.csv" and table["points"] == [[9.19199, 45.46416]]
    assert table["mapping"] == {"Denominazione": "name", "Latitudine": "latitude", "Longitudine": "longitude"}


@pytest.mark.parametrize(("path", "kind", "datasets"), [
    (CKAN / "package_show.json", "ckan-package", 1), (CKAN / "package_search.json", "ckan-search", 2),
    (CKAN / "datastore_search_0.json", "ckan-datastore", 0), (UNIBO, "catalogue", 12),
    (COMUNE_TTL, "catalogue", 2)])
def test_catalogues_and_ckan_answers_are_told_apart(path: Path, kind: str, datasets: int) -> None:
    described = describe(path).to_dict()
    assert set(described) == SHAPE and described["kind"] == kind and len(described["datasets"]) == datasets
    if kind == "ckan-datastore":
        assert described["table"]["rows"] == 2 and described["table"]["crs"] == "EPSG:4326"
    else:
        assert described["table"] is None
        distribution = described["datasets"][0]["distributions"][0]
        assert set(distribution) == {"url", "format", "licence"} and distribution["url"].startswith("http")


def test_a_url_is_refused_without_live(root: Path) -> None:
    code, _, err = _run(root, "describe", "https://dati.example.org/export.csv")
    assert code != 0 and "--live" in err and "Traceback" not in err


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        show = (CKAN / "package_show.json").read_bytes().replace(b"https://dati.example.org/",
                                                                 running.base.encode() + b"/")
        running.routes["/api/3/action/package_show"] = Route(body=show, content_type="application/json")
        running.routes["/catalog.ttl"] = Route(body=COMUNE_TTL.read_bytes().replace(
            b"https://dati.example.org/", running.base.encode() + b"/"), content_type="text/turtle")
        running.routes["/files/spazi.csv"] = Route(body=(ROOT / "sources/samples/dcat/spazi.csv").read_bytes())
        pages = [(CKAN / f"datastore_search_{i}.json").read_bytes() for i in range(4)]

        def datastore(handler) -> None:  # noqa: ANN001 - the page CKAN answers for the offset asked
            offset = int(parse_qs(urlsplit(handler.path).query).get("offset", ["0"])[0])
            handler.send_body(200, pages[min(offset // 2, 3)], "application/json")
        running.routes["/api/3/action/datastore_search"] = Route(fault=datastore)
        running.routes["/dataset/5e2b/resource/0a1b/download/coworking.csv"] = Route(
            body=b"DENOMINAZIONE;INDIRIZZO;LAT;LON\nSpazio Esempio;Via Lecco, 9;45.479322;9.206531\n")
        yield running


def test_a_ckan_package_described_live_becomes_a_source(root: Path, server: ReplayServer) -> None:
    url = f"{server.base}/api/3/action/package_show?id=spazi-coworking-esempio"
    code, out, err = _run(root, "describe", url, "--live", "--allow-host", "127.0.0.1", "--json")
    assert code == 0, err
    described = json.loads(out)
    assert described["kind"] == "ckan-package"
    assert described["datasets"][0]["title"] == "Spazi di coworking (esempio)"
    assert {d["format"] for d in described["datasets"][0]["distributions"]} == {"html", "csv", "json"}
    code, out, err = _run(root, "describe", url, "--live", "--allow-host", "127.0.0.1", "--write", "ckan-esempio",
                          "--comune", "015146")
    assert code == 0, err
    text = (root / "sources" / "ckan-esempio.toml").read_text(encoding="utf-8")
    assert 'kind = "ckan"' in text and 'resource = "0a1b2c3d-1111-4111-8111-000000000002"' in text
    assert 'id = "CC-BY-4.0"' in text
    code, out, err = _run(root, "harvest", "ckan-esempio")  # offline, on the snapshot of the first live harvest
    assert code == 0, out + err


def test_a_dcat_catalogue_described_live_becomes_a_source(root: Path, server: ReplayServer) -> None:
    url = f"{server.base}/catalog.ttl"
    code, _, err = _run(root, "describe", url, "--live", "--allow-host", "127.0.0.1", "--write", "dcat-esempio")
    assert code != 0 and "c_x000:coworking" in err and "--dataset" in err  # two datasets: it must be told
    code, _, err = _run(root, "describe", url, "--live", "--allow-host", "127.0.0.1", "--write", "dcat-esempio",
                        "--dataset", "c_x000:coworking", "--comune", "015146")
    assert code == 0, err
    text = (root / "sources" / "dcat-esempio.toml").read_text(encoding="utf-8")
    assert 'kind = "dcat"' in text and 'dataset = "c_x000:coworking"' in text and 'id = "CC-BY-4.0"' in text
    assert 'title = "Spazi di coworking (inventati)"' in text
    code, out, err = _run(root, "harvest", "dcat-esempio")
    assert code == 0, out + err


def test_a_datastore_described_live_becomes_a_source(root: Path, server: ReplayServer) -> None:
    url = f"{server.base}/api/3/action/datastore_search?limit=2&resource_id=0a1b2c3d-1111-4111-8111-000000000002"
    code, out, err = _run(root, "describe", url, "--live", "--allow-host", "127.0.0.1", "--json",
                          "--write", "ds-esempio", "--comune", "015146")
    assert code == 0, err
    assert json.loads(out)["kind"] == "ckan-datastore"
    text = (root / "sources" / "ds-esempio.toml").read_text(encoding="utf-8")
    assert 'kind = "datastore"' in text and '"LAT" = "latitude"' in text
    code, out, err = _run(root, "harvest", "ds-esempio", "--live", "--allow-host", "127.0.0.1", "--interval", "0")
    assert code == 0, out + err
    source = next(s for s in load_sources(root) if s.id == "ds-esempio")
    assert len(json.loads(load_snapshot(source, root).data)["result"]["records"]) == 5  # every page, not the first
