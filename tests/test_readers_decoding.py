"""One decoding for all (issue 17): the build and the validator read the same bytes the same way.

Real Italian place names, invented spaces (the rows are made up: "Spazio Prova …"), written in every encoding
municipal files come in: cp1252 and latin-1 (Excel on Windows), ISO-8859-15, UTF-8 with and without BOM, UTF-16
with and without BOM, double-encoded UTF-8, the DOS and Macintosh code pages of Excel's other "CSV" formats, bare
CR line breaks. Short files (three rows: the hard case for a statistical detector) and long ones.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from cowork_data.errors import UnreadableFileError
from cowork_data.harvest.adapters import parse_table
from cowork_data.readers import decode, read
from cowork_data.validate import read_tables, validate_file

PLACES = ["Forlì", "Cantù", "Città di Castello", "Sant'Agata de' Goti", "Bolzano/Bozen", "Nardò", "Canicattì",
          "Rio di Pusteria/Mühlbach", "Agliè"]
HEADER = "Denominazione;Indirizzo;Comune;Descrizione"


def rows_text(places: list[str], *, newline: str = "\n") -> str:
    lines = [HEADER] + [f"Spazio Prova {i};Via Roma {i};{place};Sala riunioni, wifi (dati inventati)"
                        for i, place in enumerate(places, start=1)]
    return newline.join(lines) + newline


SHORT = rows_text(["Forlì", "Cantù", "Nardò"])
LONG = rows_text(PLACES * 45)
#: encoding written → encoding the decoder names (latin-1 and cp1252 are the same bytes for these names)
ENCODINGS = {"cp1252": "cp1252", "latin-1": "cp1252", "iso8859_15": "cp1252", "utf-8": "utf-8",
             "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be", "cp850": "cp850"}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("text", [SHORT, LONG], ids=["3 rows", "405 rows"])
def test_italian_names_decode_in_every_encoding(encoding: str, text: str) -> None:
    decoded = decode(text.encode(encoding))
    assert decoded == (text, ENCODINGS[encoding])


@pytest.mark.parametrize("place", [*PLACES, "Sant’Agata di Militello", "Forlì-Cesena 10 €"])
def test_a_three_row_cp1252_file_keeps_each_name(place: str) -> None:
    """The case charset-normalizer got wrong: "Forlì" read as cp1250 "Forlě" or as "Forl" + a combining accent."""
    text = rows_text([place, "Milano", "Roma"])
    assert decode(text.encode("cp1252")).text == text


@pytest.mark.parametrize(("bom", "encoding", "named"), [
    (b"\xef\xbb\xbf", "utf-8", "utf-8"), (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"), (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le")])
def test_byte_order_marks_name_the_encoding_and_are_dropped(bom: bytes, encoding: str, named: str) -> None:
    assert decode(bom + SHORT.encode(encoding)) == (SHORT, named)


def test_euro_sign_tells_iso_8859_15_from_cp1252() -> None:
    text = rows_text(["Forlì"]).replace("wifi", "wifi 10 €")
    assert decode(text.encode("iso8859_15")) == (text, "iso8859_15")
    assert decode(text.encode("cp1252")) == (text, "cp1252")


def test_macintosh_file_with_bare_cr_is_read_as_mac_roman() -> None:
    text = rows_text(["Forlì", "Città di Castello", "Nardò"], newline="\r")
    assert decode(text.encode("mac_roman")) == (text, "mac_roman")


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_double_encoded_utf8_is_decoded_twice(codec: str) -> None:
    """UTF-8 read as cp1252 (or latin-1) and saved again as UTF-8: "CittÃ\xa0" everywhere, repaired in one step."""
    doubled = SHORT.encode("utf-8").decode(codec).encode("utf-8")
    assert "Ã" in doubled.decode("utf-8")
    assert decode(doubled) == (SHORT, "utf-8 (double-encoded)")
    book = read(doubled, name="elenco.csv")
    assert book.sheets[0].rows[1][2] == "Forlì" and book.notes == ["double-encoded UTF-8 decoded twice"]


def test_one_double_encoded_cell_among_correct_ones_is_left_to_the_mojibake_check() -> None:
    text = SHORT.replace("Cantù", "CantÃ¹")
    assert decode(text.encode("utf-8")) == (text, "utf-8")


def test_decomposed_accents_of_macos_are_composed() -> None:
    text = unicodedata.normalize("NFD", SHORT)
    assert text != SHORT
    assert decode(text.encode("utf-8")).text == SHORT


def test_mixed_utf8_and_cp1252_lines_are_refused() -> None:
    data = SHORT.encode("utf-8") + "Spazio Prova 9;Via Roma 9;Forlì;x\n".encode("cp1252")
    with pytest.raises(UnreadableFileError, match="mixes two character encodings"):
        decode(data, name="unito.csv")


def test_bare_cr_separates_records_and_stays_inside_quoted_cells() -> None:
    """Old Mac files end lines with a bare CR; a cell may hold one too. Descriptions full of commas must not make
    the comma the separator."""
    text = rows_text(["Forlì", "Cantù"], newline="\r").replace(
        "Sala riunioni, wifi (dati inventati)", '"Sala riunioni, wifi, stampante,\rcaffè, armadietti"')
    data = text.encode("cp1252")
    for rows in (read(data).sheets[0].rows, [parse_table("csv", data).header, *parse_table("csv", data).rows]):
        assert rows == [HEADER.split(";"),
                        ["Spazio Prova 1", "Via Roma 1", "Forlì", "Sala riunioni, wifi, stampante,\rcaffè, armadietti"],
                        ["Spazio Prova 2", "Via Roma 2", "Cantù", "Sala riunioni, wifi, stampante,\rcaffè, armadietti"]]


CASES = {
    "cp1252": SHORT.encode("cp1252"), "latin-1": SHORT.encode("latin-1"), "utf-8": SHORT.encode("utf-8"),
    "utf-8-bom": SHORT.encode("utf-8-sig"), "utf-16-bom": SHORT.encode("utf-16"),
    "utf-16-le": SHORT.encode("utf-16-le"), "utf-16-be": SHORT.encode("utf-16-be"),
    "double-encoded": SHORT.encode("utf-8").decode("cp1252").encode("utf-8"),
    "bare-cr": SHORT.replace("\n", "\r").encode("cp1252"), "long-cp1252": LONG.encode("cp1252"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_build_and_validator_read_the_same_cells(tmp_path: Path, case: str) -> None:
    """The build's adapter and the validator's reader give the same rows, and the right ones."""
    path = tmp_path / "elenco.csv"
    path.write_bytes(CASES[case])
    built = parse_table("csv", CASES[case])
    validated = read_tables(path)[0]
    expected = [r.split(";") for r in (LONG if case.startswith("long") else SHORT).splitlines()]
    assert [built.header, *built.rows] == validated.records == expected


def test_the_validator_knows_forli_in_a_three_row_cp1252_file(tmp_path: Path) -> None:
    """Issue 17: "Forlì" became another name, reported as an unknown comune."""
    path = tmp_path / "elenco.csv"
    path.write_bytes("Denominazione;Tipologia;Indirizzo;CAP;Comune\n"
                     "Spazio Prova Uno;coworking;Via Roma 1;47121;Forlì\n"
                     "Spazio Prova Due;coworking;Via Milano 2;22063;Cantù\n"
                     "Spazio Prova Tre;fablab;Piazza Garibaldi 3;73048;Nardò\n".encode("cp1252"))
    report = validate_file(path)
    assert report.findings == []
    assert [r[4] for r in report.sheets[0].records[1:]] == ["Forlì", "Cantù", "Nardò"]


def test_istat_list_is_read_as_windows_1252() -> None:
    """The ISTAT list is latin-1 but for "Š" and "ž" of two Slovenian names (cp1252 bytes 0x8A, 0x9E): read as
    latin-1 they were control characters and "Števerjan", "Devin Nabrežina" were unknown names."""
    from cowork_data.reference import load_comuni

    path = Path(__file__).resolve().parents[1] / "reference" / "istat" / "comuni-2020-01-01.csv"
    book = read(path.read_bytes(), name=path.name)
    assert (book.encoding, book.delimiter, len(book.sheets[0].rows)) == ("cp1252", ";", 7905)
    comuni = load_comuni()
    assert comuni.by_name("Števerjan").name == "San Floriano del Collio"
    assert comuni.by_name("Devin Nabrežina").istat == "032001"


def test_repair_skips_ftfy_only_where_ftfy_changes_nothing() -> None:
    """The ASCII shortcut of ``repair`` gives what ftfy gives, on random ASCII cells (entities, controls, CR)."""
    import random

    import ftfy

    from cowork_data.readers.decoding import repair

    rnd = random.Random(14)
    pieces = [chr(i) for i in range(128)] + ["&amp;", "&lt;", "&#39;", "\r\n", "\x1b[31m", " ", "Via Roma 3"]
    cells = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(20_000)]
    assert [repair(c) for c in cells] == [ftfy.fix_text(c).strip() if c else "" for c in cells]
    assert repair("  Caff\u00c3\u00a8 ") == "Caff\u00e8" and repair("A &amp; B") == "A & B"
