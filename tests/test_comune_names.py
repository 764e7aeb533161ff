"""Comune names as people write them (issue 17): variants, provinces written with the name, exonyms, ceased
comuni, ambiguity and the closest name — resolved, reported as warnings with the official name and code, and
repaired by ``fix``.

The rows are INVENTED spaces; the names, provinces and codes are real (ISTAT list, OntoPiA history)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cowork_data import comune_names
from cowork_data.comune_names import derive_ceased, read_ceased, resolve
from cowork_data.reference import load_comuni
from cowork_data.validate import validate_file, validate_rows
from cowork_data.validate.fix import fix_file

ROOT = Path(__file__).resolve().parents[1]

WRITTEN = [
    # (as written, kind, official name, ISTAT code)
    ("Milano", "official", "Milano", "015146"),
    ("MILANO", "variant", "Milano", "015146"),
    (" milano ", "variant", "Milano", "015146"),
    ("Milan", "exonym", "Milano", "015146"),
    ("Mailand", "exonym", "Milano", "015146"),
    ("Florence", "exonym", "Firenze", "048017"),
    ("Genoa", "exonym", "Genova", "010025"),
    ("Gênes", "exonym", "Genova", "010025"),
    ("Reggio Emilia", "variant", "Reggio nell'Emilia", "035033"),  # the short form of common use, not English
    ("Monza (MB)", "variant", "Monza", "108033"),
    ("Desio - Monza e Brianza", "variant", "Desio", "108023"),
    ("Bassano del Grappa - Vicenza", "variant", "Bassano del Grappa", "024012"),
    ("Seregno, MB", "variant", "Seregno", "108039"),
    ("Seregno (Provincia di Monza e Brianza)", "variant", "Seregno", "108039"),
    ("Cinisello-Balsamo", "variant", "Cinisello Balsamo", "015077"),
    ("CITTA' DI CASTELLO", "variant", "Città di Castello", "054013"),
    ("Forli", "variant", "Forlì", "040012"),
    ("S. Donato Milanese", "variant", "San Donato Milanese", "015192"),
    ("Sesto S. Giovanni", "variant", "Sesto San Giovanni", "015209"),
    ("S.Angelo Lodigiano", "variant", "Sant'Angelo Lodigiano", "098050"),
    ("Spezia", "variant", "La Spezia", "011015"),
    ("Bolzano/Bozen", "official", "Bolzano", "021008"),
    ("Bozen", "official", "Bolzano", "021008"),
    ("Tremezzo", "ceased", "Tremezzina", "013252"),
]


@pytest.mark.parametrize(("written", "kind", "official", "istat"), WRITTEN)
def test_names_as_people_write_them(written: str, kind: str, official: str, istat: str) -> None:
    resolution = resolve(written)
    assert (resolution.kind, resolution.comune.name, resolution.comune.istat) == (kind, official, istat)


def test_ambiguous_names_need_a_province_or_the_point() -> None:
    castro = resolve("Castro")
    assert castro.kind == "ambiguous" and {c.province_code for c in castro.candidates} == {"BG", "LE"}
    assert resolve("Castro (LE)").comune.istat == "075096"
    assert resolve("Castro", "BG").comune.province_code == "BG"
    assert resolve("Castro", near=lambda c: c.province_code == "LE").comune.istat == "075096"


def test_a_ceased_comune_is_dated_and_named_with_its_successor() -> None:
    tremezzo = resolve("Tremezzo")
    assert tremezzo.ceased.ceased == "2014-02-04" and tremezzo.ceased.province == "CO"
    # Civenna went to one of three comuni created in the province of Como that day: never a guess
    civenna = resolve("Civenna")
    assert civenna.kind == "ceased" and civenna.comune is None
    assert sorted(c.name for c in civenna.candidates) == ["Bellagio", "Colverde", "Tremezzina"]
    assert resolve("Civenna", near=lambda c: c.name == "Bellagio").comune.name == "Bellagio"


def test_unknown_names_get_the_closest_official_name_fast() -> None:
    assert resolve("Milnao").kind == "unknown" and resolve("Milnao").suggestion.name == "Milano"
    assert resolve("Xyzzyq").suggestion is None
    assert resolve("Fornace").kind == "official"  # a real comune (TN), not Florence's closest name
    # the time per name is measured in bench/bench_validate.py, never asserted here
    assert comune_names.closest("Spazio inventato di sopra") is None
    assert comune_names.closest("Cinisello Balsamoo").name == "Cinisello Balsamo"


def test_ceased_table_is_derived_from_ontopia_rows() -> None:
    """Invented upstream rows in OntoPiA's layout: a merger with one new comune, a renaming, a change of province
    (no cessation) and a merger into one of two new comuni (ambiguous)."""
    header = ("CODICE_REGIONE,CODICE_PROVINCIA,SIGLA_AUTOMOBILISTICA,ID_COMUNE,CODICE_COMUNE,LABEL_COMUNE_IT,"
              "LABEL_COMUNE_DE,DATA_INIZIO_VALIDITA,DATA_FINE_VALIDITA")
    rows = [
        "03,015,MI,015001-(1948-01-01),015001,ALFA,,01-01-1948,01-01-2010",
        "03,015,MI,015002-(1948-01-01),015002,BETA,,01-01-1948,01-01-2010",
        "03,015,MI,015900-(2010-01-01),015900,ALFABETA,,01-01-2010,31-12-9999",
        "03,015,MI,015003-(1948-01-01),015003,GAMMA,,01-01-1948,01-01-2012",
        "03,015,MI,015003-(2012-01-01),015003,GAMMA NUOVA,,01-01-2012,31-12-9999",
        "03,015,MI,015004-(1948-01-01),015004,DELTA,,01-01-1948,01-01-2009",
        "03,108,MB,108004-(2009-01-01),108004,DELTA,,01-01-2009,31-12-9999",
        "03,016,BG,016001-(1948-01-01),016001,EPSILON,,01-01-1948,01-01-2015",
        "03,016,BG,016900-(2015-01-01),016900,ZETA,,01-01-2015,31-12-9999",
        "03,016,BG,016901-(2015-01-01),016901,ETA,,01-01-2015,31-12-9999",
    ]
    comuni = [type("C", (), {"istat": code})() for code in ("015900", "015003", "108004", "016900", "016901")]
    found = {c.name: c for c in derive_ceased([header, *rows], comuni)}
    assert sorted(found) == ["ALFA", "BETA", "EPSILON", "GAMMA"]
    assert (found["ALFA"].ceased, found["ALFA"].successor) == ("2010-01-01", "015900")
    assert found["GAMMA"].successor == "015003"  # renamed: the same code goes on
    assert found["EPSILON"].successor == "" and found["EPSILON"].candidates == ("016900", "016901")


def test_shipped_ceased_table_and_exonyms_name_comuni_of_the_list() -> None:
    comuni = load_comuni()
    ceased = read_ceased()
    assert len(ceased) > 500
    for c in ceased:
        assert c.ceased <= comune_names.LIST_DAY
        assert all(comuni.by_istat(code) is not None for code in (c.successor, *c.candidates) if code)
    with (ROOT / "reference" / "exonyms" / "exonyms.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 60
    for row in rows:
        assert comuni.by_istat(row["istat"]).name == row["official"], row
        assert row["language"] in ("en", "fr", "de", "it")


def test_each_resolution_is_a_warning_with_the_official_name_and_code() -> None:
    header = ["Denominazione", "Tipologia", "Comune"]
    rows = [[f"Spazio inventato {i}", "coworking", name] for i, name in
            enumerate(["Milano", "Milan", "Monza (MB)", "Tremezzo", "Civenna", "Castro", "Xyz", "Milnao"])]
    report = validate_rows("spaces", header, rows)
    found = [(f.row, f.code, f.severity) for f in report.findings if f.field == "comune_name"]
    assert found == [(3, "comune-exonym", "warning"), (4, "comune-name-variant", "warning"),
                     (5, "comune-ceased", "warning"), (6, "comune-ceased-split", "error"),
                     (7, "comune-ambiguous", "error"), (8, "comune-unknown", "error"),
                     (9, "comune-unknown", "error")]
    by_row = {f.row: f for f in report.findings}
    assert "Milano" in by_row[3].message_it and "015146" in by_row[3].message_en and "English" in by_row[3].message_en
    assert "2014-02-04" in by_row[5].message_it and "Tremezzina" in by_row[5].message_it
    assert "Milano (MI)" in by_row[9].message_en
    assert "Fornace" not in by_row[8].message_en


def test_fix_writes_the_official_names(tmp_path: Path) -> None:
    source = tmp_path / "elenco.csv"
    source.write_text("Denominazione;Tipologia;Comune\nSpazio inventato 1;coworking;Florence\n"
                      "Spazio inventato 2;coworking;Desio - Monza e Brianza\nSpazio inventato 3;coworking;Tremezzo\n"
                      "Spazio inventato 4;coworking;Civenna\n", encoding="utf-8")
    result = fix_file(source, tmp_path / "corretto.csv")
    assert [(c.cell, c.old, c.new) for c in result.changes if c.code.startswith("comune")] == [
        ("C2", "Florence", "Firenze"), ("C3", "Desio - Monza e Brianza", "Desio"), ("C4", "Tremezzo", "Tremezzina")]
    after = validate_file(tmp_path / "corretto.csv")
    assert [f.code for f in after.findings if f.field == "comune_name"] == ["comune-ceased-split"]


def test_province_sigla_reads_the_index_as_the_list_of_provinces_would() -> None:
    """The provinces' names are looked up in two tables of the index; the answer is the one the list's order gives
    (the first province one of whose names is the text, or has its words)."""
    index = comune_names._index()

    def by_list(text: str) -> str:  # the lookup as a walk over the provinces, in their order
        raw = text.strip().strip("()").strip()
        if raw.upper() in index.sigle and len(raw) == 2:
            return raw.upper()
        key = comune_names._PROVINCE_WORDS.sub("", comune_names.loose(raw))
        if not key:
            return ""
        words = comune_names._words(key)
        for sigla, name in index.provinces.items():
            if any(comune_names.loose(p) == key or comune_names._words(p) == words for p in [name, *name.split("/")]):
                return sigla
        return ""

    texts = ["MB", "(mi)", "Monza e Brianza", "Provincia di Vicenza", "prov. di Bolzano", "Bozen", "Città metropolitana"
             " di Milano", "Reggio nell'Emilia", "Reggio Emilia", "Forlì-Cesena", "Forli Cesena", "Massa Carrara",
             "Pesaro e Urbino", "Sud Sardegna", "di", "", "Brianza", "London", "Valle d'Aosta/Vallée d'Aoste"]
    texts += [name for name in index.provinces.values()] + [p for n in index.provinces.values() for p in n.split("/")]
    texts += [name.upper().replace(" ", "-") for name in index.provinces.values()]
    found = {text: comune_names.province_sigla(text) for text in texts}
    assert found == {text: by_list(text) for text in texts}
    assert found["Monza e Brianza"] == "MB" and found["Provincia di Vicenza"] == "VI" and found["London"] == ""
