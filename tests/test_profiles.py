"""Country profiles (Italy, France) and the INSEE list of French communes shipped in reference/insee/."""

from __future__ import annotations

import hashlib
import re

import pytest

from cowork_data.errors import UsageError
from cowork_data.profiles import FRANCE, ITALY, PROFILES, profile
from cowork_data.profiles.insee import INSEE_DIR, load_communes, size_class
from tests.conftest import ROOT

BASE = "https://w3id.org/cowork-data/"


def test_shipped_insee_files_are_the_recorded_bytes() -> None:
    note = (ROOT / INSEE_DIR / "SOURCE.md").read_text(encoding="utf-8")
    for name in ("communes.json", "departements.json", "regions.json"):
        digest = hashlib.sha256((ROOT / INSEE_DIR / name).read_bytes()).hexdigest()
        assert re.search(rf"`{re.escape(name)}` \([0-9,]+ bytes, (sha256 )?`{digest}`\)", note), name


def test_insee_list_counts_and_names() -> None:
    communes = load_communes()
    assert len(communes) == 34_969
    assert len(communes.departements) == 109 and len(communes.regions) == 26
    paris = communes.get("75056")
    assert paris is not None and paris.name == "Paris" and paris.departement == "75" and paris.region == "11"
    assert "75010" in paris.postcodes and size_class(paris.population) == "100000 et plus"
    assert communes.departement_name("2A") == "Corse-du-Sud" and communes.region_name("11") == "Île-de-France"


@pytest.mark.parametrize(("code", "current", "how"), [
    ("75110", "75056", "arrondissement"),  # Paris 10e
    ("13201", "13055", "arrondissement"),  # Marseille 1er
    ("39294", "39368", "delegated"),  # Lézat, a commune déléguée of Hauts de Bienne since 2016
    ("01126", "01033", "former"),  # merged into Valserhône in 2019, not kept as a commune déléguée
    ("01015", "01015", "current"),
    ("2a004", "2A004", "current"),  # Ajaccio, lower case as some files write it
])
def test_codes_of_older_lists_resolve_to_the_current_commune(code: str, current: str, how: str) -> None:
    resolution = load_communes().resolve(code)
    assert resolution is not None and (resolution.commune.code, resolution.how) == (current, how)


def test_unknown_codes_do_not_resolve() -> None:
    communes = load_communes()
    assert communes.resolve("0") is None and communes.resolve("99999") is None and communes.get("75110") is None


def test_names_fold_articles_saints_and_accents_and_narrow_by_postcode() -> None:
    communes = load_communes()
    assert [c.code for c in communes.by_name("Puy-en-Velay", postcode="43000")] == ["43157"]
    assert [c.code for c in communes.by_name("ST MALO")] == ["35288"]
    assert [c.code for c in communes.by_name("Morez")] == ["39368"]  # a delegated commune's name
    several = communes.by_name("Saint-Denis")
    assert len(several) > 2  # Seine-Saint-Denis, La Réunion, …: the caller must narrow
    assert [c.code for c in communes.by_name("Saint-Denis", postcode="97400")] == ["97411"]
    assert [c.code for c in communes.by_name("Saint-Denis", departement="93")] == ["93066"]


@pytest.mark.parametrize(("population", "label"), [(None, ""), (4_999, "0-5000"), (5_000, "5000-20000"),
                                                   (49_999, "20000-50000"), (99_999, "50000-100000"),
                                                   (100_000, "100000 et plus")])
def test_size_classes(population: int | None, label: str) -> None:
    assert size_class(population) == label


def test_profiles_know_their_bounds_ids_and_iris() -> None:
    assert set(PROFILES) == {"IT", "FR"} and profile("fr") is FRANCE and profile("") is ITALY
    assert ITALY.inside(45.4642, 9.19) and not ITALY.inside(48.8566, 2.3522)
    assert FRANCE.inside(48.8566, 2.3522) and FRANCE.inside(-21.115, 55.536)  # Paris, La Réunion
    assert FRANCE.box(16.24, -61.57).name == "Guadeloupe" and not FRANCE.inside(40.0, -3.7)  # Madrid
    siren, siret = FRANCE.company_ids
    assert siren.is_valid("552100554") and not siren.is_valid("552100555")  # Luhn check digit
    assert siret.is_valid("73282932000074") and not siret.is_valid("73282932000075")
    assert ITALY.company_ids[0].is_valid("01199250158") and not ITALY.company_ids[0].is_valid("01199250159")
    assert str(FRANCE.city_iri("2a004", BASE)) == f"{BASE}data/city/FR-2A004"
    assert str(ITALY.city_iri("015146", BASE)).endswith("/cities/015146-(2015-01-01)")
    assert FRANCE.scope("2A004") == "fr-2a004" and ITALY.scope("F205") == "f205"
    assert re.fullmatch(FRANCE.code_pattern, "2B033") and not re.fullmatch(FRANCE.code_pattern, "20033x")
    assert re.fullmatch(FRANCE.phone_pattern, "+33142000000") and re.fullmatch(FRANCE.phone_pattern, "+262262000000")
    assert len(FRANCE.reference()) == 34_969 and len(ITALY.reference()) == 7_904


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(UsageError) as info:
        profile("DE")
    assert "DE" in info.value.message_it and "profiles: FR, IT" in info.value.message_en
