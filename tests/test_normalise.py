"""Normalisation of the shipped snapshots and of Milan-style edge cases into the canonical tables."""

from __future__ import annotations

import csv
import dataclasses
import importlib
import re
from pathlib import Path

import pytest
from stdnum.it import iva

from cowork_data.config import Source, load_sources
from cowork_data.harvest import Snapshot, load_snapshot
from cowork_data.normalise import CROSSWALK_FILE, Crosswalk, fields, normalise
from cowork_data.normalise.hours import opening_hours
from cowork_data.reference import load_comuni

ROOT = Path(__file__).resolve().parents[1]
Tables = dict[str, list[dict[str, str]]]


def _sections() -> list[tuple[str, str, str]]:
    text = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    return [(s.split()[0], *s.partition("\n")[::2]) for s in re.split(r"^## ", text, flags=re.M)[1:]]


def documented_keys() -> dict[str, list[str]]:
    """Primary keys per table, from the section titles of docs/tables.md."""
    return {table: re.findall(r"`([a-z_]+)`", title.partition("primary key")[2]) for table, title, _ in _sections()}


def documented_fields() -> dict[str, set[str]]:
    """Field names per table, read from docs/tables.md (the contract), independently of the code."""
    result: dict[str, set[str]] = {}
    for table, _, body in _sections():
        names: set[str] = set()
        if "| field |" in body:
            for line in body.splitlines():
                cell = line.split("|")[1].strip() if line.startswith("|") else ""
                if cell and cell != "field" and not cell.startswith("-"):
                    names.update(n.strip() for n in cell.split(","))
        else:
            prose = body.strip()
            while re.search(r"\([^()]*\)", prose):
                prose = re.sub(r"\([^()]*\)", "", prose)
            names.update(n.strip().rstrip(".") for n in prose.split(","))
        result[table] = names
    return result


def run(sources: list[Source], crosswalk: Crosswalk) -> Tables:
    tables: Tables = {}
    for source in sources:
        for table, rows in normalise(source, load_snapshot(source), comuni=load_comuni(), crosswalk=crosswalk).items():
            tables.setdefault(table, []).extend(rows)
    return tables


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return {s.id: s for s in load_sources()}


@pytest.fixture(scope="module")
def tables(sources: dict[str, Source]) -> Tables:
    """The Italian sources (Milan-style snapshots and the curated calls); the French inventory has its own tests
    (tests/test_cget.py)."""
    italian = [s for s in sources.values() if s.format != "cget-csv"]
    return run(italian, Crosswalk.load(ROOT / CROSSWALK_FILE))


def by_name(tables: Tables, name: str) -> dict[str, str]:
    return next(row for row in tables["spaces"] if row["name"] == name)


def test_no_field_outside_the_contract(tables: Tables) -> None:
    documented = documented_fields()
    assert set(tables) <= set(documented)
    assert {"spaces", "admissions", "organisations", "calls", "funding", "outcomes"} <= set(tables)
    for table, rows in tables.items():
        assert rows, table
        for row in rows:
            assert set(row) == documented[table], table
            assert all(isinstance(v, str) for v in row.values())
            assert row["source_id"] and row["source_url"]
            assert re.fullmatch(r"([a-z]+\.csv#)?row=[0-9]+", row["source_record"])


def test_rows_come_sorted_by_primary_key(sources: dict[str, Source]) -> None:
    primary_keys = documented_keys()
    for source in sources.values():
        result = normalise(source, load_snapshot(source), comuni=load_comuni(), crosswalk=Crosswalk())
        for table, rows in result.items():
            keys = [tuple(r[k] for k in primary_keys[table]) for r in rows]
            assert primary_keys[table] and keys == sorted(keys) and len(set(keys)) == len(keys), table


def test_mojibake_is_repaired(tables: Tables) -> None:
    texts = [v for row in tables["spaces"] for v in row.values()]
    assert "Coworking delle Specialità (esempio)" in texts
    assert not [t for t in texts if "Ã" in t or "Â" in t]
    assert "Corsi e attività per le scuole (dati inventati)." in texts


def test_coordinates_are_not_swapped(tables: Tables) -> None:
    located = [r for r in tables["spaces"] if r["latitude"]]
    assert len(located) == len(tables["spaces"]) - 1  # one row has no geocode
    for row in located:
        assert 45.40 < float(row["latitude"]) < 45.55, row["name"]
        assert 9.0 < float(row["longitude"]) < 9.3, row["name"]
    missing = by_name(tables, "Coworking Provvisorio Corvetto")
    assert (missing["latitude"], missing["longitude"], missing["postcode"]) == ("", "", "20139")


def test_float_noise_is_trimmed(tables: Tables) -> None:
    assert by_name(tables, "Officina Digitale di Prova Giambellino")["longitude"] == "9.142164"


def test_phones_get_back_their_leading_zero(tables: Tables) -> None:
    assert by_name(tables, "Spazio Esempio Sarpi")["phone"] == "+390289093111"
    assert by_name(tables, "Laboratorio Creativo Tortona (esempio)")["phone"] == "+390240000002"  # second column
    phones = [r["phone"] for r in tables["spaces"] if r["phone"]]
    assert len(phones) == len(tables["spaces"]) - 1
    assert all(re.fullmatch(r"\+39[0-9]{6,11}", p) for p in phones)


@pytest.mark.parametrize(
    ("published", "e164"),
    [("289093111", "+390289093111"), ("289093111.0", "+390289093111"), ("02 8909 3111", "+390289093111"),
     ("+39 02 8909 3111", "+390289093111"), ("3331234567", "+393331234567"), ("800123456", "+39800123456"),
     ("da definire", ""), ("", "")],
)
def test_phone(published: str, e164: str) -> None:
    assert fields.phone(published) == e164


def test_comune_comes_from_istat(tables: Tables) -> None:
    assert {(r["comune_istat"], r["comune_belfiore"], r["comune_name"]) for r in tables["spaces"]} == {
        ("015146", "F205", "Milano")
    }


def test_space_without_source_id_gets_a_stable_id(sources: dict[str, Source], tables: Tables) -> None:
    source = sources["milano-coworking"]
    first = by_name(run([source], Crosswalk()), "Tavolo Comune Città Studi")["id"]
    assert re.fullmatch(r"f205/[a-z0-9]+(-[a-z0-9]+)*", first)
    assert by_name(run([source], Crosswalk()), "Tavolo Comune Città Studi")["id"] == first
    assert by_name(tables, "Tavolo Comune Città Studi")["id"] == first
    with (ROOT / CROSSWALK_FILE).open(encoding="utf-8", newline="") as handle:
        frozen = [r for r in csv.DictReader(handle) if r["source_id"] == source.id and r["id"] == first]
    assert len(frozen) == 1 and frozen[0]["source_key"]


def test_ids_survive_reordered_rows(sources: dict[str, Source]) -> None:
    source = sources["milano-coworking"]
    snapshot = load_snapshot(source)
    header, *rows = snapshot.data.decode().splitlines(keepends=True)
    shuffled = dataclasses.replace(snapshot, data="".join([header, *reversed(rows)]).encode())
    crosswalk = Crosswalk()
    before = {r["name"]: r["id"] for r in run([source], crosswalk)["spaces"]}
    after = normalise(source, shuffled, comuni=load_comuni(), crosswalk=Crosswalk())["spaces"]
    assert {r["name"]: r["id"] for r in after} == before


def test_crosswalk_keeps_frozen_ids_and_saves_deterministically(tmp_path: Path) -> None:
    crosswalk = Crosswalk()
    first = crosswalk.assign("spaces", "s", "1", "Spazio Uno", "F205")
    assert first == "f205/spazio-uno"
    assert crosswalk.assign("spaces", "s", "2", "Spazio  UNO!", "F205") == "f205/spazio-uno-2"
    assert crosswalk.assign("spaces", "s", "1", "Renamed", "F205") == first
    crosswalk.save(tmp_path / "a.csv")
    reloaded = Crosswalk.load(tmp_path / "a.csv")
    assert reloaded.assign("spaces", "s", "1", "Other", "F205") == first
    reloaded.save(tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_committed_crosswalk_covers_the_shipped_snapshots(sources: dict[str, Source], tmp_path: Path) -> None:
    crosswalk = Crosswalk.load(ROOT / CROSSWALK_FILE)
    run(list(sources.values()), crosswalk)
    crosswalk.save(tmp_path / "crosswalk.csv")
    assert (tmp_path / "crosswalk.csv").read_bytes() == (ROOT / CROSSWALK_FILE).read_bytes()


def test_workstations_and_other_values(tables: Tables) -> None:
    isola = by_name(tables, "Coworking Immaginario Isola")
    assert isola["workstations"] == "30"  # "circa 30"
    assert isola["opening_hours"] == "Mo-Fr 09:00-18:00"
    assert isola["open_since"] == "2016-03"
    assert by_name(tables, "La Scrivania Fittizia")["workstations"] == "15"  # "15 postazioni"
    assert by_name(tables, "Tavolo Comune Città Studi")["workstations"] == ""  # "da definire"
    sarpi = by_name(tables, "Spazio Esempio Sarpi")
    assert (sarpi["street_address"], sarpi["house_number"], sarpi["postcode"]) == ("Via Paolo Sarpi", "42", "20154")
    assert sarpi["website"] == "http://www.spazio-esempio-sarpi.example.org"
    assert sarpi["wheelchair"] == "yes" and sarpi["type"] == "coworking"
    fablab = by_name(tables, "FabLab Officina Inventata")
    assert fablab["type"] == "fablab"
    assert set(fablab["features"].split()) >= {"3d-printer", "laser-cutter", "cnc-machine", "meeting-room"}


def test_spaces_sharing_a_point_or_an_email_are_all_kept(tables: Tables) -> None:
    spaces = [r for r in tables["spaces"] if r["source_id"] == "milano-coworking"]
    assert len(spaces) == 12 and len({r["id"] for r in spaces}) == 12
    assert len({(r["latitude"], r["longitude"]) for r in spaces if r["latitude"]}) == 10
    assert len({r["email"] for r in spaces}) == 11


def test_registry_rows_are_admissions(tables: Tables) -> None:
    coworking = {r["id"] for r in tables["spaces"] if r["source_id"] == "milano-coworking"}
    admissions = tables["admissions"]
    assert {r["space_id"] for r in admissions} == coworking
    assert {(r["call_id"], r["status"], r["source_id"]) for r in admissions} == {
        ("f205/2020-elenco-qualificato-coworking", "admitted", "milano-coworking")
    }
    assert {r["call_id"] for r in admissions} <= {r["id"] for r in tables["calls"]}


def test_2013_funding(tables: Tables) -> None:
    funding = [r for r in tables["funding"] if r["call_id"] == "f205/2013-bando-coworking"]
    assert sum(float(r["amount"]) for r in funding) == 298240
    assert {r["funder_id"]: float(r["amount"]) for r in funding} == {
        "01199250158": 198240, "nc-camera-di-commercio-milano": 100000
    }


def test_references_between_curated_tables_resolve(tables: Tables) -> None:
    organisations = {r["id"]: r for r in tables["organisations"]}
    calls = {r["id"]: r for r in tables["calls"]}
    assert {r["funder_id"] for r in tables["funding"]} <= set(organisations)
    assert {r["call_id"] for r in tables["funding"] + tables["outcomes"]} <= set(calls)
    assert {r["publisher_id"] for r in calls.values()} <= set(organisations)
    assert {r["parent_id"] for r in calls.values() if r["parent_id"]} <= set(calls)
    milano = organisations["01199250158"]
    assert iva.is_valid(milano["vat_number"]) and milano["ipa_code"] == "c_f205"
    assert organisations["ipa-c_i625"]["tax_code"] == ""
    assert all(re.fullmatch(r"[a-z][0-9]{3}/[0-9]{4}-[a-z0-9-]+(/[a-z0-9-]+)?", c) for c in calls)


def test_outcomes_2013(tables: Tables) -> None:
    outcomes = {r["call_id"]: r for r in tables["outcomes"] if r["as_of"] == "2013"}
    one, two = outcomes["f205/2013-bando-coworking/misura-1"], outcomes["f205/2013-bando-coworking/misura-2"]
    assert int(one["applications"]) == int(one["admitted"]) + int(one["rejected"]) + int(one["pending"])
    assert "deriv" in one["note"] and one["approximate"] == "false"
    assert (two["applications"], two["admitted"], two["approximate"]) == ("100", "54", "true")


def _milan_snapshot(source: Source, text: str) -> Snapshot:
    return Snapshot(source_id=source.id, path=Path("test.csv"), data=text.encode("utf-8-sig"), provenance={})


def test_location_is_read_when_x_y_are_missing_and_swapped_x_y_are_fixed(sources: dict[str, Source]) -> None:
    source = dataclasses.replace(sources["milano-coworking"], admissions_call="")
    text = (
        "spazio;sede;id;long_x_4326;lat_y_4326;location\n"
        "A;Via Roma 1;X1;;;(45.4700000, 9.1800000)\n"
        "B;Via Roma 2;X2;45.4710000;9.1810000;(45.4710000, 9.1810000)\n"
    )
    rows = normalise(source, _milan_snapshot(source, text), comuni=load_comuni(), crosswalk=Crosswalk())["spaces"]
    assert [(r["latitude"], r["longitude"]) for r in rows] == [("45.47", "9.18"), ("45.471", "9.181")]


@pytest.mark.parametrize(
    ("published", "osm"),
    [("lun-ven 9-19", "Mo-Fr 09:00-19:00"), ("lun-ven 8.30-19.30, sab 9-13", "Mo-Fr 08:30-19:30; Sa 09:00-13:00"),
     ("h24", "24/7"), ("su appuntamento", ""), ("lun-ven 9-25", "")],
)
def test_opening_hours(published: str, osm: str) -> None:
    assert opening_hours(published) == osm


@pytest.mark.parametrize(
    "module",
    ["cowork_data.config", "cowork_data.reference", "cowork_data.harvest", "cowork_data.normalise",
     "cowork_data.normalise.ids", "cowork_data.normalise.fields"],
)
def test_public_names_are_sorted_and_exist(module: str) -> None:
    imported = importlib.import_module(module)
    assert list(imported.__all__) == sorted(imported.__all__)
    assert all(hasattr(imported, name) for name in imported.__all__)
