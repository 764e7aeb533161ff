"""The ISTAT reader: the shipped file, its quirks, and the lookups."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from cowork_data.config import project_root
from cowork_data.errors import ConfigError, UsageError
from cowork_data.reference import ISTAT_FILE, Comuni, fold_name, load_comuni


@pytest.fixture(scope="module")
def comuni() -> Comuni:
    return load_comuni()


def test_shipped_file_matches_its_documented_sha256() -> None:
    path = project_root() / ISTAT_FILE
    documented = re.search(r"sha256 \| `([0-9a-f]{64})`", (path.parent / "SOURCE.md").read_text(encoding="utf-8"))
    assert documented, "SOURCE.md must state the sha256"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == documented.group(1)
    assert "Fonte: ISTAT" in (path.parent / "SOURCE.md").read_text(encoding="utf-8")


def test_every_comune_is_read(comuni: Comuni) -> None:
    assert len(comuni) == 7904
    assert all(re.fullmatch(r"[0-9]{6}", c.istat) for c in comuni)
    assert all(re.fullmatch(r"[A-Z][0-9]{3}", c.belfiore) for c in comuni)
    assert len({c.istat for c in comuni}) == 7904
    assert all(c.name == c.name.strip() and c.province_code and c.region for c in comuni)


@pytest.mark.parametrize("code", ["015146", "15146", 15146, " 015146 "])
def test_milano_by_istat_code_in_any_form(comuni: Comuni, code: str | int) -> None:
    milano = comuni.by_istat(code)
    assert milano is not None
    assert (milano.name, milano.belfiore, milano.province_code, milano.region) == ("Milano", "F205", "MI", "Lombardia")
    assert milano.population == 1242123


def test_seregno_by_belfiore_in_any_case(comuni: Comuni) -> None:
    seregno = comuni.by_belfiore("i625")
    assert seregno is not None and seregno == comuni.by_belfiore("I625")
    assert (seregno.istat, seregno.name, seregno.province_code) == ("108039", "Seregno", "MB")


def test_latin1_accents_and_padded_cells(comuni: Comuni) -> None:
    aglie = comuni.by_istat("001001")
    assert aglie is not None
    assert aglie.name == "Agliè"
    assert aglie.population == 2644  # "2.644" with a thousands separator


@pytest.mark.parametrize(
    ("typed", "official"),
    [
        ("CITTA' DI CASTELLO", "Città di Castello"),
        ("CANTU'", "Cantù"),
        ("  cantù ", "Cantù"),
        ("Cantu’", "Cantù"),
        ("MILANO", "Milano"),
        ("albiano  d'ivrea", "Albiano d'Ivrea"),
        ("Bozen", "Bolzano"),
    ],
)
def test_by_name_is_robust(comuni: Comuni, typed: str, official: str) -> None:
    found = comuni.by_name(typed)
    assert found is not None and found.name == official


def test_by_name_unknown_and_ambiguous(comuni: Comuni) -> None:
    assert comuni.by_name("Atlantide") is None
    with pytest.raises(UsageError) as info:
        comuni.by_name("Samone")
    assert "TO" in info.value.message_it and "TN" in info.value.message_en
    samone = comuni.by_name("Samone", province="tn")
    assert samone is not None and samone.province_code == "TN"


def test_fold_keeps_real_apostrophes() -> None:
    assert fold_name("CITTA'") == fold_name("Città") == "citta"
    assert fold_name("Sant' Angelo") == "sant'angelo"


def test_load_comuni_is_cached() -> None:
    assert load_comuni() is load_comuni()


def _write_istat(path: Path, header: str, rows: list[str]) -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("latin-1"))
    return path


HEADER = (
    'Codice Regione;"Codice Comune\nformato alfanumerico";Denominazione in italiano;Denominazione altra lingua;'
    "Denominazione regione;Sigla automobilistica;Codice Catastale del comune;Popolazione legale 2011 (09/10/2011)"
)


def test_reader_on_a_small_file(tmp_path: Path) -> None:
    path = _write_istat(tmp_path / "c.csv", HEADER, ["03; 015146 ;Milano;;Lombardia;MI;f205;1.242.123",
                                                     "01;001001;Agliè;;Piemonte;TO;A074;"])
    small = Comuni.from_csv(path)
    assert len(small) == 2
    milano = small.by_belfiore("F205")
    assert milano is not None and milano.istat == "015146" and milano.population == 1242123
    aglie = small.by_name("AGLIE'")
    assert aglie is not None and aglie.population is None


def test_reader_names_a_missing_column(tmp_path: Path) -> None:
    path = _write_istat(tmp_path / "broken.csv", HEADER.replace("Sigla automobilistica", "Sigla"), [])
    with pytest.raises(ConfigError) as info:
        Comuni.from_csv(path)
    assert "broken.csv" in info.value.message_it and "Sigla automobilistica" in info.value.message_en
