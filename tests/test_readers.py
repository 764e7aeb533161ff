"""The readers (issue 13): one package from bytes to sheets, for every format, with no process-wide state.

Rows are invented (``Spazio Prova …``; the samples in ``sources/samples`` say so too); places are real.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.errors import NotATableError, UnreadableFileError, UsageError
from cowork_data.readers import FORMATS, parse_csv, read, read_file
from cowork_data.readers.delimited import parse_plain, sniff_delimiter

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sources" / "samples"
HEADER = ["Denominazione", "Tipologia", "Indirizzo", "CAP", "Comune"]
ROWS = [["Spazio Prova Uno", "coworking", "Via Roma 1, int. 2", "47121", "Forlì"],
        ["Spazio Prova Due", "fablab", 'Via "Nuova" 2', "22063", "Cantù"]]


def test_public_names_are_sorted_and_exist() -> None:
    import cowork_data.readers as readers

    assert list(readers.__all__) == sorted(readers.__all__)
    assert all(hasattr(readers, name) for name in readers.__all__)


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_the_separator_is_sniffed_with_quotes_and_separators_inside_cells(delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([HEADER, *ROWS])
    book = read(out.getvalue().encode("utf-8"), name="elenco.csv")
    assert (book.format, book.delimiter, book.encoding) == ("csv", delimiter, "utf-8")
    assert book.sheets[0].rows == [HEADER, *ROWS]
    assert book.sheets[0].locators == ["row=1", "row=2", "row=3"]


def test_a_semicolon_file_with_commas_in_every_cell_keeps_the_semicolon() -> None:
    text = "Nome;Servizi;Comune\n" + "".join(f"Spazio {i};wifi, sale, stampa, caffè;Milano\n" for i in range(5))
    assert sniff_delimiter(text) == ";"


def test_plain_parser_reads_like_the_csv_module() -> None:
    """The parser used for cells beyond csv.field_size_limit() gives the csv module's records on generated text."""
    rng = random.Random(20260203)
    pieces = ["a", "b", ";", ",", '"', '""', "\r", "\n", "\r\n", " "]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        for delimiter in ";,":
            expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
            assert parse_plain(text, delimiter) == expected, (text, delimiter)


def test_a_cell_longer_than_the_csv_limit_is_read_without_touching_the_process_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """serve validates uploads in threads: a reader must never set csv.field_size_limit for the whole process.

    The limit is lowered for the test (libraries set it too: frictionless raises it when imported), so the cell is
    longer than it whatever ran before."""
    set_limit = csv.field_size_limit

    def refuse_to_set(*new: int) -> int:
        assert not new, "csv.field_size_limit set by a reader"
        return set_limit()

    before = set_limit(1000)
    try:
        monkeypatch.setattr(csv, "field_size_limit", refuse_to_set)
        long = "x" * 5000
        book = read(f"Nome;Descrizione\nSpazio Prova;{long}\n".encode(), name="lungo.csv")
        assert book.sheets[0].rows[1] == ["Spazio Prova", long]
        assert set_limit() == 1000
    finally:
        set_limit(before)


def test_readers_run_in_threads() -> None:
    long = "y" * 300_000
    files = [(f"Nome;Descrizione\nSpazio Prova {i};{long if i % 2 else 'breve'}\n".encode("cp1252"), i)
             for i in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        books = list(pool.map(lambda item: read(item[0], name=f"{item[1]}.csv"), files))
    assert [b.sheets[0].rows[1][1] == (long if i % 2 else "breve") for i, b in enumerate(books)] == [True] * 16


def test_spreadsheets_xlsx_and_ods() -> None:
    for sample, fmt in (("xlsx/elenco.xlsx", "xlsx"), ("ods/elenco.ods", "ods")):
        book = read_file(SAMPLES / sample)
        sheet = book.sheets[0]
        assert book.format == fmt and "Denominazione" in sheet.header_cells, sample
        assert sheet.data_locators[0] == f"sheet={sheet.name}&row={sheet.header + 2}"
        assert len(sheet.data_rows) == 3


def test_geojson_keeps_the_declared_crs_and_each_row_geometry() -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3003"}}
    document = {"type": "FeatureCollection", "crs": crs,
                "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1514000.5, 5034000.25]},
                              "properties": {"nome": "Spazio Prova", "indirizzo": {"via": "Via Roma", "civico": 1}}},
                             {"type": "Feature", "geometry": None, "properties": {"nome": "Senza punto"}}]}
    book = read(json.dumps(document).encode(), name="spazi.geojson")
    sheet = book.sheets[0]
    assert book.format == "geojson"
    assert sheet.rows == [["nome", "indirizzo.via", "indirizzo.civico", "geometry.lon", "geometry.lat"],
                          ["Spazio Prova", "Via Roma", "1", "1514000.5", "5034000.25"],
                          ["Senza punto", "", "", "", ""]]
    assert sheet.meta == {"crs": "urn:ogc:def:crs:EPSG::3003",
                          "geometry": [None, document["features"][0]["geometry"], None]}
    assert sheet.locators == ["", "feature=1", "feature=2"]


def test_kml_rows_with_their_points() -> None:
    book = read_file(SAMPLES / "kml" / "spazi.kml")
    sheet = book.sheets[0]
    assert book.format == "kml" and sheet.meta["crs"] == "EPSG:4326"
    lon, lat = sheet.header_cells.index("geometry.lon"), sheet.header_cells.index("geometry.lat")
    for row, geometry in zip(sheet.data_rows, sheet.meta["geometry"][1:], strict=True):
        assert geometry["type"] == "Point" and geometry["coordinates"][:2] == [float(row[lon]), float(row[lat])]


def test_a_page_gives_one_sheet_per_table_and_pdf_one_sheet() -> None:
    page = read_file(SAMPLES / "html" / "pagina.html")
    assert [s.name for s in page.sheets] == ["tabella 1", "tabella 2"]
    assert page.sheets[0].rows == [["Home", "Servizi"]] and page.sheets[1].header_cells[0] == "Denominazione"
    pdf = read_file(SAMPLES / "pdf" / "elenco.pdf")
    assert pdf.format == "pdf" and pdf.sheets[0].header_cells[0] == "Denominazione"
    assert pdf.sheets[0].data_locators[0] == "page=1&row=2"


def test_json_records_of_the_paged_apis() -> None:
    book = read(json.dumps({"results": [{"nome": "Spazio Prova", "geo": {"lat": 45.4, "lon": 9.2}}]}).encode())
    assert book.format == "json"
    assert book.sheets[0].rows == [["nome", "geo.lat", "geo.lon"], ["Spazio Prova", "45.4", "9.2"]]


def test_a_csv_starting_with_a_bracket_is_still_a_csv() -> None:
    assert read(b"[Nome];[Comune]\nSpazio Prova;Milano\n").sheets[0].rows == [["[Nome]", "[Comune]"],
                                                                               ["Spazio Prova", "Milano"]]


GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.19, 45.46]}, "properties": {"nome": f"P{i}"}}
    for i in range(3)]}, indent=1)


@pytest.mark.parametrize(("data", "looks_like"), [
    (f"var spazi = {GEOJSON};\n".encode(),
     ("JavaScript program that wraps GeoJSON (3 features)", "GeoJSON (3 elementi)")),
    (f"// generated\nwindow.DATA = {GEOJSON}\n".encode(), ("JavaScript program that wraps GeoJSON", "JavaScript")),
    (f"callback({GEOJSON});".encode(), ("JavaScript program that wraps GeoJSON", "JavaScript")),
    (b"<!DOCTYPE html><html><head><title>Pagina non trovata</title></head><body><p>404</p></body></html>",
     ("web page (\u201cPagina non trovata\u201d) and there is no table in the page", "«Pagina non trovata»")),
    (b'{"version": 2, "updated": "2024-01-01", "count": 3}',
     ("JSON, but an object with the keys version, updated, count", "oggetto con le chiavi version")),
    (b"[1, 2, 3]", ("a list of 3 values that are not objects", "elenco di 3 valori")),
    (b"<?xml version='1.0'?><catalogo><voce/></catalogo>", ("XML document that is not KML", "XML")),
    (b"GIF89a\x01\x00\x01\x00", ("GIF image", "GIF")),
])
def test_what_is_no_table_says_what_it_is_and_how_to_fix_it(data: bytes, looks_like: tuple[str, str]) -> None:
    with pytest.raises(NotATableError) as caught:
        read(data, name="elenco.csv")
    error = caught.value
    assert looks_like[0] in error.message_en and looks_like[1] in error.message_it
    assert error.message_it.startswith("Il file elenco.csv non è una tabella") and error.hint_it and error.hint_en


def test_validate_gives_one_error_for_a_script_not_thousands_of_blank_rows(tmp_path: Path) -> None:
    """Issue 17: a JavaScript file wrapping GeoJSON gave 2,115 "blank row" errors."""
    path = tmp_path / "spazi.js"
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.19, 45.46 + i / 1000]},
                 "properties": {"nome": f"Spazio Prova {i}", "comune": "Milano"}} for i in range(300)]
    path.write_text("var spazi = " + json.dumps({"type": "FeatureCollection", "features": features}, indent=2) + ";\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "is not a table: it is a JavaScript program that wraps GeoJSON (300 features)" in result.output
    assert "blank" not in result.output and "Traceback" not in result.output


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


CSV = "Denominazione;Comune\nSpazio Prova;Forlì\n".encode("cp1252")


def test_a_zip_with_one_table_is_read() -> None:
    book = read(_zip({"LEGGIMI.txt": b"Dati inventati", "__MACOSX/._spazi.csv": b"\x00\x05", "dati/spazi.csv": CSV,
                      "dati/descrizione.pdf": b"%PDF-1.4"}), name="spazi.zip")
    assert (book.format, book.container, book.member, book.encoding) == ("csv", "zip", "dati/spazi.csv", "cp1252")
    assert book.sheets[0].rows == [["Denominazione", "Comune"], ["Spazio Prova", "Forlì"]]


def test_a_zip_with_several_tables_names_them_and_one_can_be_chosen() -> None:
    data = _zip({"coworking.csv": CSV, "fablab.geojson": GEOJSON.encode()})
    with pytest.raises(UnreadableFileError) as caught:
        read(data, name="spazi.zip")
    assert "holding 2 tables: coworking.csv, fablab.geojson" in caught.value.message_en
    assert read(data, name="spazi.zip", member="fablab.geojson").format == "geojson"
    with pytest.raises(UsageError, match="holds no table altro.csv"):
        read(data, name="spazi.zip", member="altro.csv")


def test_a_zip_without_tables_or_inside_a_zip_is_refused() -> None:
    with pytest.raises(NotATableError, match="no table in it"):
        read(_zip({"LEGGIMI.txt": b"niente"}), name="vuoto.zip")
    with pytest.raises(UnreadableFileError, match="inside another archive"):
        read(_zip({"interno.zip": _zip({"spazi.csv": CSV})}), name="doppio.zip")


def test_a_zip_bomb_holding_a_csv_is_refused_while_inflating() -> None:
    from cowork_data.readers import MAX_INFLATED_BYTES

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("spazi.csv", "w", force_zip64=True) as member:
            member.write(b"Nome;Comune\n")
            block = b";" * (1 << 20)
            for _ in range(MAX_INFLATED_BYTES // len(block) + 2):
                member.write(block)
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read(out.getvalue(), name="bomba.zip")


def test_formats_and_delimited_helper() -> None:
    assert {"csv", "xlsx", "ods", "geojson", "kml", "html", "pdf", "json", "zip"} <= set(FORMATS)
    with pytest.raises(UsageError, match="Unknown format: 'docx'"):
        read(CSV, format="docx")
    assert parse_csv("a|b|c\n1|2|3\n") == [["a", "b", "c"], ["1", "2", "3"]]
    assert parse_csv("a;b\n", delimiter=",") == [["a;b"]]
