"""Coordinate reference systems: declared, told by ranges, ambiguous as a finding, converted to WGS 84 offline."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pyproj
import pytest
from pyproj import Transformer

from cowork_data.geo.area import on_land
from cowork_data.geo.boundaries import boundaries
from cowork_data.geo.crs import detect, in_comune, parse_crs, system_name, to_wgs84
from cowork_data.geo.points import find_columns, number, table_points
from cowork_data.readers import read
from tests.fixtures.geo.comune_points import geojson, inside, points, rings

MILANO = rings()
# Real places (WGS 84): the Duomo di Milano, Bari's Basilica di San Nicola, Cagliari's Bastione di Saint Remy.
DUOMO, BARI, CAGLIARI = (9.19199, 45.46416), (16.87023, 41.13031), (9.11462, 39.21705)


def _in_milano(lon: float, lat: float) -> bool:
    return inside(lon, lat, MILANO)


def _project(epsg: int, lonlats: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    xs, ys = Transformer.from_crs(4326, epsg, always_xy=True).transform([p[0] for p in lonlats],
                                                                        [p[1] for p in lonlats])
    return list(xs), list(ys)


@pytest.mark.parametrize(("text", "code"), [
    ("urn:ogc:def:crs:EPSG::3003", 3003), ("urn:ogc:def:crs:EPSG:6.6:32632", 32632), ("EPSG:3004", 3004),
    ("http://www.opengis.net/def/crs/EPSG/0/25832", 25832), ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326),
    ("6707", 6707), ("epsg:3857", 3857), ("", None), ("not a system", None)])
def test_crs_names_as_files_write_them(text: str, code: int | None) -> None:
    assert parse_crs(text) == code


def test_projections_put_their_central_meridians_at_their_false_eastings() -> None:
    """Facts of the projections, not of pyproj: UTM 32N has 500 km at 9° E; Gauss-Boaga fuso Ovest 1,500 km at 9° E
    and fuso Est 2,520 km at 15° E (Monte Mario differs from WGS 84 by under 100 m there)."""
    assert to_wgs84(32632, [500000.0], [4983000.0])[0][0] == pytest.approx(9.0, abs=1e-9)
    lon, _ = to_wgs84(3003, [1500000.0], [4983000.0])[0]
    assert abs(lon - 9.0) < 0.002
    lon, _ = to_wgs84(3004, [2520000.0], [4540000.0])[0]
    assert abs(lon - 15.0) < 0.002


def test_pyproj_converts_offline_with_the_database_in_its_wheel() -> None:
    assert not pyproj.network.is_network_enabled()
    assert Path(pyproj.datadir.get_data_dir()).resolve().is_relative_to(Path(pyproj.__file__).resolve().parent)
    assert (Path(pyproj.datadir.get_data_dir()) / "proj.db").is_file()


@pytest.mark.parametrize(("epsg", "place"), [(3004, BARI), (32632, DUOMO), (32633, BARI), (25832, DUOMO),
                                             (7791, DUOMO), (3003, CAGLIARI)])
def test_undeclared_metres_are_told_by_their_ranges(epsg: int, place: tuple[float, float]) -> None:
    cluster = [(place[0] + dx / 1000, place[1] + dy / 1000) for dx in range(5) for dy in range(5)]
    xs, ys = _project(epsg, cluster)
    found = detect(xs, ys, where="X/Y")
    family = {25832: 32632, 7791: 32632}.get(epsg, epsg)  # ETRS89 / RDN2008 UTM agree with WGS 84 within a metre
    assert found.epsg == family, [f.message("en") for f in found.findings]
    assert found.findings == []
    for (lon, lat), original in zip(found.points, cluster, strict=False):
        assert abs(lon - original[0]) < 2e-5 and abs(lat - original[1]) < 2e-5  # ~2 m
    assert "X/Y" in found.reason.render("it") and system_name(family, "it") in found.reason.render("it")


def test_ranges_that_fit_two_systems_are_a_finding_never_a_guess() -> None:
    xs, ys = _project(3003, [DUOMO, (9.2, 45.47)])
    found = detect(xs, ys, where="CoordX/CoordY")
    assert found.epsg is None and found.points == [None, None]
    assert set(found.candidates) == {3003, 3857}
    message = found.findings[0].message("it")
    assert "Gauss-Boaga fuso Ovest, EPSG:3003" in message and "EPSG:3857" in message and "CoordX/CoordY" in message
    assert "EPSG" in found.findings[0].hint("en")
    # the comune the source names settles it: only Gauss-Boaga puts the points in Milan
    settled = detect(xs, ys, where="CoordX/CoordY", inside=_in_milano)
    assert settled.epsg == 3003 and settled.label("it") == "Gauss-Boaga fuso Ovest, EPSG:3003"
    assert _in_milano(*settled.points[0])
    by_boundary = detect(xs, ys, where="CoordX/CoordY", inside=in_comune("015146"))  # the shipped boundaries
    assert by_boundary.epsg == 3003 and by_boundary.points == settled.points
    assert "nel comune indicato" in by_boundary.reason.render("it")
    assert "comune given" in by_boundary.reason.render("en")
    assert in_comune("") is None
    unknown = detect(xs, ys, where="CoordX/CoordY", inside=in_comune("999999"))  # a code no boundary has
    assert unknown.epsg is None and set(unknown.candidates) == {3003, 3857}


def test_points_that_fit_no_system_are_a_finding() -> None:
    found = detect([123.0, 124.0], [-5000.0, -5001.0], where="X/Y")
    assert found.epsg is None and found.findings[0].code == "crs-unknown"
    assert "X/Y" in found.findings[0].message("en")


def test_a_declared_system_is_used_and_questioned_when_its_points_leave_italy() -> None:
    xs, ys = _project(32633, [BARI])  # UTM 33 coordinates declared as UTM 32: 6° off, in the sea east of Italy
    found = detect(xs, ys, declared="EPSG:32632", where="geometry")
    assert found.epsg == 32632 and found.findings[0].code == "crs-declared-outside"
    assert "EPSG:32632" in found.findings[0].message("it")
    unknown = detect(xs, ys, declared="urn:ogc:def:crs:FOO::1", where="geometry")
    assert unknown.epsg is None and unknown.findings[0].code == "crs-unknown-declared"


def test_latitude_and_longitude_swapped_are_told_by_italys_ranges() -> None:
    found = detect([45.46416, 41.13031], [9.19199, 16.87023], where="LAT/LON")
    assert found.epsg == 4326 and found.swapped
    assert found.points[0] == pytest.approx(DUOMO)


def test_a_comunes_geojson_of_16000_points_in_gauss_boaga_lands_inside_the_comune() -> None:
    data, wgs84 = geojson(16000, 3003)
    book = read(data, name="punti.geojson")
    sheet = book.sheets[0]
    found, columns = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format)
    assert found.epsg == 3003 and found.declared == "urn:ogc:def:crs:EPSG::3003"
    assert len(found.points) == 16000 and all(p is not None for p in found.points)
    assert all(_in_milano(*p) for p in found.points)
    located = boundaries().locate([p[0] for p in found.points], [p[1] for p in found.points])
    assert {boundaries().place(i).istat for i in located} == {"015146"}  # the comune's boundary, as shipped
    worst = max(max(abs(p[0] - q[0]), abs(p[1] - q[1])) for p, q in zip(found.points, wgs84, strict=False))
    assert worst < 1e-6  # the round trip through Gauss-Boaga, to the centimetre of the file
    provenance = found.provenance()
    assert provenance["crs"] == "EPSG:3003" and provenance["converted_to"] == "EPSG:4326"
    assert "Monte Mario to WGS 84" in provenance["transformation"]
    assert provenance["crs_name"]["en"] == "Gauss-Boaga west zone (Monte Mario), EPSG:3003"


def test_a_geojson_in_metres_without_crs_is_not_read_as_degrees() -> None:
    data, _ = geojson(50, 3003, declare=False)
    book = read(data, name="punti.geojson")
    sheet = book.sheets[0]
    found, _ = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format)
    assert found.epsg is None and found.findings[0].code == "crs-ambiguous"  # 3003 or 3857, says so
    found, _ = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format, inside=_in_milano)
    assert found.epsg == 3003 and all(_in_milano(*p) for p in found.points)
    found, _ = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format, crs="EPSG:3003")
    assert found.epsg == 3003 and found.reason.key == "geo.reason.declared"


def test_a_csv_with_coordx_coordy_and_decimal_commas() -> None:
    lonlats = points(20, MILANO)
    xs, ys = _project(32632, lonlats)
    lines = ["ID;DENOMINAZIONE;CoordX;CoordY"] + [f"{i};Sede {i};{x:.2f};{y:.2f}".replace(".", ",")
                                                  for i, (x, y) in enumerate(zip(xs, ys, strict=False))]
    book = read(("\n".join(lines) + "\n").encode("utf-8"), name="sedi.csv")
    sheet = book.sheets[0]
    found, columns = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format)
    assert columns is not None and columns.names == ("CoordX", "CoordY")
    assert found.epsg == 32632 and all(_in_milano(*p) for p in found.points)


def test_an_xlsx_with_est_nord_in_gauss_boaga_east() -> None:
    xs, ys = _project(3004, [BARI, (16.87, 41.12)])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nome", "EST", "NORD"])
    for i, (x, y) in enumerate(zip(xs, ys, strict=False)):
        sheet.append([f"Sede {i}", x, y])
    buffer = io.BytesIO()
    book.save(buffer)
    read_book = read(buffer.getvalue(), name="sedi.xlsx")
    table = read_book.sheets[0]
    found, columns = table_points(table.header_cells, table.data_rows, table.meta, fmt=read_book.format)
    assert columns.names == ("EST", "NORD") and found.epsg == 3004
    assert found.points[0] == pytest.approx(BARI, abs=2e-5)


def test_kml_is_wgs84() -> None:
    kml = (b"<?xml version='1.0' encoding='UTF-8'?><kml xmlns='http://www.opengis.net/kml/2.2'><Document>"
           b"<Placemark><name>Duomo</name><Point><coordinates>9.19199,45.46416,0</coordinates></Point></Placemark>"
           b"</Document></kml>")
    book = read(kml, name="sedi.kml")
    sheet = book.sheets[0]
    found, _ = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format)
    assert found.epsg == 4326 and found.points == [DUOMO]


def test_opendatasoft_geo_point_and_geo_point_2d() -> None:
    csv = b"Nome;Geo Point;Geo Shape\nDuomo;45.46416, 9.19199;\nBari;41.13031, 16.87023;\n"
    book = read(csv, name="export.csv")
    sheet = book.sheets[0]
    found, columns = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format)
    assert columns.names == ("Geo Point",) and found.epsg == 4326 and found.points == [DUOMO, BARI]
    records = json.dumps([{"nome": "Duomo", "geo_point_2d": {"lon": 9.19199, "lat": 45.46416}}]).encode()
    book = read(records, name="export.json")
    sheet = book.sheets[0]
    found, columns = table_points(sheet.header_cells, sheet.data_rows, sheet.meta, fmt=book.format)
    assert set(columns.names) == {"geo_point_2d.lon", "geo_point_2d.lat"} and found.points == [DUOMO]


@pytest.mark.parametrize(("header", "names", "declared"), [
    (["ID", "LONG_X_4326", "LAT_Y_4326", "Location"], ("LONG_X_4326", "LAT_Y_4326"), "EPSG:4326"),
    (["x_3003", "y_3003", "nome"], ("x_3003", "y_3003"), "EPSG:3003"),
    (["COORD_X", "COORD_Y"], ("COORD_X", "COORD_Y"), ""),
    (["Longitudine", "Latitudine"], ("Longitudine", "Latitudine"), ""),
    (["E", "N", "Nome"], ("E", "N"), ""),
    (["nome", "WKT"], ("WKT",), ""),
])
def test_coordinate_columns_by_name(header: list[str], names: tuple[str, ...], declared: str) -> None:
    columns = find_columns(header)
    assert columns is not None and columns.names == names and columns.declared == declared


def test_numbers_as_italian_files_write_them() -> None:
    assert number("1514000,50") == 1514000.5
    assert number("1.514.000,5") == 1514000.5
    assert number("45.46") == 45.46
    assert number("") is None and number("n.d.") is None


def test_the_land_mask_knows_italy_from_the_sea_around_it() -> None:
    assert all(on_land(*p) for p in (DUOMO, BARI, CAGLIARI, (12.4964, 41.9028), (15.0873, 37.5079)))
    assert not any(on_land(*p) for p in ((11.0, 41.0), (14.0, 44.0), (2.35, 48.85), (19.5, 38.0)))
