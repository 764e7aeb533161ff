"""Projected coordinates through the harvest and the build: a comune's GeoJSON in Gauss-Boaga harvested from a real
server on 127.0.0.1 states its system and conversion in provenance, and its spaces land in WGS 84 inside the comune."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cowork_data.config import load_sources
from cowork_data.errors import ConfigError
from cowork_data.harvest import load_snapshot
from cowork_data.harvest.run import harvest
from cowork_data.harvest.spec import harvest_spec
from cowork_data.normalise import normalise
from cowork_data.normalise.ids import Crosswalk
from cowork_data.reference import load_comuni
from tests.conftest import copy_project
from tests.fixtures.geo.comune_points import geojson, inside, rings
from tests.fixtures.harvest.project import POLICY
from tests.fixtures.harvest.server import ReplayServer, Route
from tests.fixtures.harvest.sources import write_source

MILANO = rings()
GEOJSON, WGS84 = geojson(40, 3003)
UNDECLARED, _ = geojson(40, 3003, declare=False)


def _source(root: Path, name: str, url: str, *, crs: str = "") -> None:
    write_source(root, name, title="Punti in Gauss-Boaga (punti inventati / invented points)",
                 publisher="Comune di Milano", adapter="file", snapshot="punti.geojson",
                 note=("Punti inventati dentro i confini del comune.", "Invented points inside the comune's boundary."),
                 harvest={"kind": "file", "url": url, "format": "geojson", **({"crs": crs} if crs else {})},
                 columns={"ID": "record_id", "DENOMINAZIONE": "name"})


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        running.routes["/punti.geojson"] = Route(body=GEOJSON, content_type="application/geo+json")
        running.routes["/punti-senza-crs.geojson"] = Route(body=UNDECLARED, content_type="application/geo+json")
        yield running


def _spaces(root: Path, name: str) -> list[dict[str, str]]:
    source = next(s for s in load_sources(root) if s.id == name)
    tables = normalise(source, load_snapshot(source, root), comuni=load_comuni(), crosswalk=Crosswalk())
    return tables["spaces"]


def test_a_gauss_boaga_geojson_is_harvested_with_its_system_in_provenance(tmp_path: Path,
                                                                          server: ReplayServer) -> None:
    root = copy_project(tmp_path / "root")
    _source(root, "punti-gb", f"{server.base}/punti.geojson")
    outcome = harvest(["punti-gb"], root=root, live=True, policy=POLICY).outcome("punti-gb")
    assert outcome.status == "updated", outcome
    source = next(s for s in load_sources(root) if s.id == "punti-gb")
    coordinates = load_snapshot(source, root).provenance["coordinates"]
    assert coordinates["crs"] == "EPSG:3003" and coordinates["converted_to"] == "EPSG:4326"
    assert coordinates["crs_declared"] == "urn:ogc:def:crs:EPSG::3003"
    assert coordinates["crs_name"]["it"] == "Gauss-Boaga fuso Ovest, EPSG:3003"
    assert "Monte Mario to WGS 84" in coordinates["transformation"] and "PROJ" in coordinates["engine"]
    spaces = _spaces(root, "punti-gb")
    assert len(spaces) == 40
    points = [(float(s["longitude"]), float(s["latitude"])) for s in spaces]
    assert all(inside(lon, lat, MILANO) for lon, lat in points)
    for space in spaces:  # "Punto 7" is the 7th point generated
        lon, lat = WGS84[int(space["name"].split()[-1]) - 1]
        assert float(space["longitude"]) == pytest.approx(lon, abs=1e-6)
        assert float(space["latitude"]) == pytest.approx(lat, abs=1e-6)


def test_without_crs_member_the_sources_comune_settles_the_system(tmp_path: Path, server: ReplayServer) -> None:
    """Gauss-Boaga fuso Ovest or Web Mercator both put these metres on Italian land (ambiguous by ranges, see
    test_geo_crs); only one puts them in the comune the source names."""
    root = copy_project(tmp_path / "root")
    _source(root, "punti-nocrs", f"{server.base}/punti-senza-crs.geojson")
    outcome = harvest(["punti-nocrs"], root=root, live=True, policy=POLICY).outcome("punti-nocrs")
    assert outcome.status == "updated"
    source = next(s for s in load_sources(root) if s.id == "punti-nocrs")
    coordinates = load_snapshot(source, root).provenance["coordinates"]
    assert coordinates["crs"] == "EPSG:3003" and coordinates["crs_declared"] == ""
    assert "Gauss-Boaga" in coordinates["crs_reason"]["it"] and "findings" not in coordinates
    points = [(float(s["longitude"]), float(s["latitude"])) for s in _spaces(root, "punti-nocrs")]
    assert len(points) == 40 and all(inside(lon, lat, MILANO) for lon, lat in points)
    _source(root, "punti-nocrs", f"{server.base}/punti-senza-crs.geojson", crs="EPSG:3003")  # or says it
    points = [(float(s["longitude"]), float(s["latitude"])) for s in _spaces(root, "punti-nocrs")]
    assert len(points) == 40 and all(inside(lon, lat, MILANO) for lon, lat in points)


def test_a_crs_that_names_no_system_is_a_config_error(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "root")
    _source(root, "punti-bad", "https://dati.example.org/punti.geojson", crs="Gauss-Boaga")
    source = next(s for s in load_sources(root) if s.id == "punti-bad")
    with pytest.raises(ConfigError) as info:
        harvest_spec(source)
    assert "harvest.crs" in info.value.message_it and "EPSG:3003" in info.value.message_en
