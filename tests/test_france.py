"""France in the default build (issue 16): the CGET 2019 inventory of tiers-lieux read from its real snapshot,
personal data dropped, communes checked against INSEE's list, the country rules of the profiles in the schema,
the checks, the graph and the shapes, and the answers of the French research queries.

The CGET rows are real (Licence Ouverte 2.0); the few rows written here to plant a defect are invented and say so.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.config import load_sources
from cowork_data.errors import ConfigError, HarvestError
from cowork_data.graph import build_graph
from cowork_data.harvest import load_snapshot
from cowork_data.normalise import normalise
from cowork_data.normalise.cget import CgetNotes, normalise_cget, shows_the_place, website
from cowork_data.normalise.ids import Crosswalk
from cowork_data.normalise.text import fold
from cowork_data.privacy import establishment_is_person, is_first_name, person_names, personal_email
from cowork_data.profiles import FRANCE, ITALY, PROFILES, envelope
from cowork_data.profiles.insee import load_communes
from cowork_data.readers import repair
from cowork_data.reference import load_comuni
from cowork_data.validate import checks
from cowork_data.validate.shacl import validate_graph
from cowork_data.validate.table import validate_rows
from tests.conftest import ROOT, figures

SOURCE_ID = "cget-tiers-lieux-2019"
SNAPSHOT = ROOT / "sources" / "snapshots" / SOURCE_ID / "CGET_TiersLieux_2019.csv"
TYPES = {"Tiers lieux à dominante coworking": "coworking", "Tiers lieux à dominante fablab": "fablab",
         "": "unspecified"}


def source_rows() -> list[dict[str, str]]:
    with SNAPSHOT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cget() -> tuple[list[dict[str, str]], CgetNotes]:
    source = next(s for s in load_sources() if s.id == SOURCE_ID)
    notes = CgetNotes()
    tables = normalise_cget(source, load_snapshot(source), crosswalk=Crosswalk(), notes=notes)
    return tables["spaces"], notes


def test_every_row_is_read_and_typologies_are_as_published(cget) -> None:
    spaces, notes = cget
    rows = source_rows()
    assert notes.rows == len(rows) == 1512
    assert len(spaces) == len(rows) - len(notes.unresolved) >= 1450
    left_out = {int(record.removeprefix("row=")) for record, _why in notes.unresolved}
    published = Counter(TYPES[r["TYPO"]] for n, r in enumerate(rows, start=2) if n not in left_out)
    assert Counter(s["type"] for s in spaces) == published
    assert Counter(TYPES[r["TYPO"]] for r in rows) == {"coworking": 1118, "fablab": 345, "unspecified": 49}


def test_communes_are_current_insee_communes(cget) -> None:
    spaces, notes = cget
    communes = load_communes()
    for space in spaces:
        commune = communes.get(space["commune_insee"])
        assert commune is not None and commune.name == space["comune_name"], space["id"]
        assert space["country"] == "FR" and space["id"].startswith(f"fr-{space['commune_insee'].lower()}/")
        assert not space["comune_istat"] and not space["comune_belfiore"]
    # the 2019 codes of arrondissements and merged communes are resolved, not dropped
    assert notes.communes["arrondissement"] > 250 and notes.communes["delegated"] + notes.communes["former"] > 0
    assert len(notes.unresolved) == 2 and all("non trovato" in why for _record, why in notes.unresolved)


def test_contact_persons_and_personal_emails_are_dropped(cget) -> None:
    spaces, notes = cget
    rows = source_rows()
    contacts = [(repair(r["CONTACT"]).strip(), repair(r["NOM_TL"]).strip()) for r in rows if r["CONTACT"].strip()]
    # every contact but the one that is the association running the space (its name is the space's name)
    people = [c for c, name in contacts if fold(c) != fold(name)]
    assert notes.contacts_dropped == len(contacts) == 52 and len(people) == 51
    assert sum(is_first_name(re.split(r"[\s/]+", c)[0]) for c in people) >= 40  # they are people's names
    text = fold(json.dumps(spaces, ensure_ascii=False))
    for person in people:
        assert fold(person) not in text
    published = {s["email"] for s in spaces if s["email"]}
    assert published and not any(personal_email(e) for e in published)
    mails = [m for r in rows for m in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", r["MAIL"])]
    dropped = [m.lower() for m in mails if m.lower() not in published]
    assert notes.emails_dropped == len(dropped) > 15
    assert not any(m in text for m in dropped)


def test_names_that_are_only_a_persons_name_are_withheld() -> None:
    assert establishment_is_person("Louise Martin") and establishment_is_person("Mme Giulia Bianchi")
    for place in ("Maison Jules Verne", "Incubateur Jean Moulin", "Dot Parade", "Kera Working", "Bob Coworking",
                  "Saint-Brieuc Factory", "La Cordée Jean Macé"):
        assert not establishment_is_person(place), place
    # French place names and sentence breaks are not people
    assert person_names("Saint-Martin-Boulogne, Pierre-Bénite, Tassin-la-Demi-Lune") == []
    assert person_names("for Milan. Only for spaces") == []
    assert person_names("Espace géré par Jean-Pierre Dupont, 4 rue Jean Moulin") == ["Jean-Pierre Dupont"]


def test_websites_are_read_from_messy_cells() -> None:
    assert website("http://fablab-vignes.org|fablab-vignes.org]]") == "http://fablab-vignes.org"
    assert website("Innovation studio\xa0http://theschoolab.com/") == "http://theschoolab.com/"
    for cell in ("en cours", "nomade.lyon@laposte.fr", "Madame Exemple", "www.exemple.netsuite-sans-barre"):
        assert website(cell) == "", cell


def test_reader_faults_say_what_and_where(tmp_path: Path) -> None:
    source = next(s for s in load_sources() if s.id == SOURCE_ID)
    snapshot = load_snapshot(source)
    import dataclasses

    unknown = dataclasses.replace(source, columns={**source.columns, "TWITTER": "twitter"})
    with pytest.raises(ConfigError) as info:
        normalise_cget(unknown, snapshot, crosswalk=Crosswalk())
    assert "TWITTER" in info.value.message("en") and "twitter" in info.value.message("it")
    missing = dataclasses.replace(source, columns={k: v for k, v in source.columns.items() if v != "commune_insee"})
    with pytest.raises(ConfigError) as info:
        normalise_cget(missing, snapshot, crosswalk=Crosswalk())
    assert "commune_insee" in info.value.message("en")
    renamed = dataclasses.replace(snapshot, data=snapshot.data.replace(b"INSEECOM", b"CODE_INSEE", 1))
    with pytest.raises(HarvestError) as info:
        normalise_cget(source, renamed, crosswalk=Crosswalk())
    assert "INSEECOM" in info.value.message("en") and "INSEECOM" in info.value.message("it")


def test_schema_bounds_hold_every_profile_and_the_user_file_is_bounded_by_its_country() -> None:
    spaces = json.loads((ROOT / "schemas" / "spaces.json").read_text(encoding="utf-8"))
    field = {f["name"]: f for f in spaces["fields"]}
    south, west, north, east = envelope()
    assert (field["latitude"]["constraints"]["minimum"], field["latitude"]["constraints"]["maximum"]) == (south, north)
    assert (field["longitude"]["constraints"]["minimum"], field["longitude"]["constraints"]["maximum"]) == (west, east)
    assert field["country"]["constraints"]["enum"] == list(PROFILES)
    header = ["name", "type", "comune_name", "latitude", "longitude", "country"]
    paris = ["Espace inventé", "coworking", "Paris", "48.8566", "2.3522"]
    italian = validate_rows("spaces", header[:5], [paris])  # a list without a country is Italian: Paris is abroad
    assert ("", "list-outside-italy") in {(f.field, f.code) for f in italian.findings}
    french = validate_rows("spaces", header, [[*paris, "FR"]])  # a French list: Paris is inside its bounds
    assert not any(f.field in ("latitude", "longitude") and f.code == "constraint-error" for f in french.findings)


def test_checks_follow_the_rows_country() -> None:
    rows = [{"latitude": "2.3522", "longitude": "48.8566", "country": "FR", "phone": "01 42 00 00 00"},
            {"latitude": "9.19", "longitude": "45.46", "country": "", "phone": "02 1234 5678"},
            {"latitude": "48.8566", "longitude": "2.3522", "country": "FR", "phone": "+33142000000"}]
    for check in checks.CHECKS:
        if check.name in ("swapped-coordinates", "phones"):
            assert check.rows("spaces", rows) == check.columns("spaces", checks.Columns.of_rows(rows)), check.name
    swapped = [h for c in checks.CHECKS if c.name == "swapped-coordinates" for h in c.rows("spaces", rows)]
    assert [h[0] for h in swapped] == [0, 1]
    phones = [h for c in checks.CHECKS if c.name == "phones" for h in c.rows("spaces", rows)]
    assert [(h[0], h[2], h[3].get("other")) for h in phones] == [(0, "phone-format", "+33142000000"),
                                                                  (1, "phone-format", "+390212345678")]


def _space(country: str, lat: str, lon: str, code: str = "") -> dict[str, str]:
    """An invented space at a point; the municipality code of its country (Paris, Milano by default)."""
    base = {"id": "fr-75056/test" if country == "FR" else "f205/test", "name": "Spazio di prova", "type": "coworking",
            "street_address": "Rue inventée", "house_number": "1", "comune_name": "Prova", "country": country,
            "latitude": lat, "longitude": lon, "source_id": "test", "source_record": "row=2"}
    if country == "FR":
        base["commune_insee"] = code or "75056"
    else:
        base.update(comune_istat=code or "015146", comune_belfiore="F205")
    return base


def _codes(row: dict[str, str]) -> set[str]:
    graph = build_graph({"spaces": [row]}, sources={})
    return {f.code for f in validate_graph(graph, layers=("core",)) if f.severity == "error"}


def _codes_each(rows: list[dict[str, str]]) -> list[set[str]]:
    """:func:`_codes` of each row, the rows validated together in one graph (each its own space)."""
    rows = [{**row, "id": f"{row['id']}-{i}"} for i, row in enumerate(rows)]
    found: list[set[str]] = [set() for _ in rows]
    ids = {row["id"].rsplit("/", 1)[-1]: i for i, row in enumerate(rows)}
    for finding in validate_graph(build_graph({"spaces": rows}, sources={}), layers=("core",)):
        if finding.severity == "error":
            at = ids.get(finding.focus_node.rsplit("/", 1)[-1])
            assert at is not None, f"an error on no row's space: {finding}"
            found[at].add(finding.code)
    return found


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_shape_bounds_are_the_profiles_boxes(profile) -> None:
    """Each box's corners are inside, a step beyond each side is outside (unless another box holds it)."""
    code = f"coordinates-outside-{ {'IT': 'italy', 'FR': 'france'}[profile.country] }"
    points: list[tuple[str, float, float, bool]] = []  # box, latitude, longitude, inside the shape's bounds
    for box in profile.bounds:
        points += [(box.name, lat, lon, True) for lat, lon in ((box.south, box.west), (box.north, box.east))]
        points += [(box.name, lat, lon, False) for lat, lon in ((box.south - 0.05, box.west),
                   (box.north + 0.05, box.east), (box.south, box.west - 0.05), (box.north, box.east + 0.05))
                   if not profile.inside(lat, lon)]
    rows = [_space(profile.country, str(lat) if inside else f"{lat:.2f}", str(lon) if inside else f"{lon:.2f}")
            for _name, lat, lon, inside in points]
    for (name, lat, lon, inside), codes in zip(points, _codes_each(rows), strict=True):
        assert (code not in codes) if inside else (code in codes), (name, lat, lon)


def test_city_iri_follows_the_country() -> None:
    paris = build_graph({"spaces": [_space("FR", "48.8566", "2.3522")]}, sources={})
    cities = {str(o) for o in paris.objects(None, None) if "/data/city/" in str(o)}
    assert cities == {str(FRANCE.city_iri("75056", "https://w3id.org/cowork-data/"))}
    assert _codes(_space("FR", "48.8566", "2.3522")) == set()
    assert _codes(_space("IT", "45.46", "9.19")) == set()
    wrong = _space("FR", "48.8566", "2.3522")
    wrong["country"] = "IT"  # an Italian row keyed on a French code: no OntoPiA city, the shapes say so
    assert _codes(wrong)
    assert ITALY.country_iri.endswith("/ITA") and FRANCE.country_iri.endswith("/FRA")


def test_release_publishes_france_with_its_attribution(release) -> None:
    with (release.output / "data" / "spaces.csv").open(encoding="utf-8", newline="") as handle:
        spaces = list(csv.DictReader(handle))
    french = [s for s in spaces if s["country"] == "FR"]
    assert len(french) >= 1450 and all(s["country"] in ("IT", "FR") for s in spaces)
    assert release.notes[SOURCE_ID]["contacts_dropped"] == 52
    package = json.loads((release.output / "datapackage.json").read_text(encoding="utf-8"))
    titles = [s["title"] for s in package["sources"]]
    assert any(t.startswith("CGET, Mission Coworking, 2019") and "etalab-2.0" in t for t in titles)
    assert any("INSEE" in t for t in titles)
    catalog = (release.output / "data" / "catalog.ttl").read_text(encoding="utf-8")
    assert "dataset/cget-tiers-lieux-2019" in catalog and "CGET, Mission Coworking, 2019" in catalog
    assert "licence-ouverte-open-licence" in catalog
    result = CliRunner().invoke(cli, ["query", "--store", str(release.output / "build" / "store"), "--format", "csv",
                                      "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/cowork-data/"
                                      "vocab#Workspace> ; <https://w3id.org/italia/onto/CLV/hasAddress>/<https://w3id"
                                      ".org/italia/onto/CLV/hasCountry> <http://publications.europa.eu/resource/"
                                      "authority/country/FRA> }"])
    assert result.exit_code == 0 and int(result.output.splitlines()[1]) == len(french)


def test_italian_rows_are_unchanged_apart_from_the_country(release) -> None:
    """The Italian spaces of the release are the rows a build of the Italian sources alone gives, plus `IT`."""
    italian = [s for s in load_sources() if s.format != "cget-csv"]
    crosswalk = Crosswalk.load(ROOT / "ids" / "crosswalk.csv")
    rows = [r for s in italian for r in normalise(s, load_snapshot(s), comuni=load_comuni(),
                                                  crosswalk=crosswalk).get("spaces", [])]
    with (release.output / "data" / "spaces.csv").open(encoding="utf-8", newline="") as handle:
        published = {r["id"]: r for r in csv.DictReader(handle) if r["country"] == "IT"}
    assert {r["id"] for r in rows} == set(published)
    for row in rows:
        assert {k: v for k, v in published[row["id"]].items() if k not in ("country", "commune_insee")} == \
            {k: v for k, v in row.items() if k not in ("country", "commune_insee")}


#: Invented people, none of them in the CGET file, written the ways French and Italian lists write them.
INVENTED_PEOPLE = ["Contact : Gwenaëlle KERBRAT", "géré par Benoit Marchand", "Mme Durand", "M. Lefèvre",
                   "THIBAULT GIRAUD", "AurélieMorel", "Dominique Besson", "Sig.ra Bianchi", "Hélène Faure-Dumas",
                   "Jean-Baptiste ROUSSEL", "Monsieur Garnier", "Responsable : Maëlle Tanguy", "Solène Caradec"]
#: Organisations and places named after people (real names of the kind, no row of any source).
NAMED_AFTER_PEOPLE = ["Fondation Jean Jaurès", "Lycée Victor Hugo", "Association Léo Lagrange",
                      "Centre Georges Pompidou", "Médiathèque François Mitterrand", "Espace Simone Veil",
                      "Pépinière d'entreprises Marcel Dassault", "Maison Jules Verne", "Campus Pierre Mendès France",
                      "Communauté de communes Pierre-Bénite", "Institut Pasteur", "Casa Alessandro Manzoni"]


def _scan_column(tmp_path: Path, column: str, cells: list[str]) -> list[str]:
    from cowork_data.privacy import scan_paths

    path = tmp_path / f"{column}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", column], *([f"r{i}", c] for i, c in enumerate(cells))])
    return [f.value for f in scan_paths([path])]


def test_privacy_scan_finds_french_people_it_was_not_shown(tmp_path: Path) -> None:
    """Names and addresses of people in general, not a list: invented ones, and the real file's contact persons
    planted in a column they never reach (the scan is not told them)."""
    assert len(_scan_column(tmp_path, "description", INVENTED_PEOPLE)) == len(INVENTED_PEOPLE)
    people = [c for r in source_rows() if (c := repair(r["CONTACT"]).strip()) and fold(c) != fold(repair(r["NOM_TL"]))]
    in_text = {v for v in _scan_column(tmp_path, "description", [f"Espace animé par {p}." for p in people])}
    in_contact = _scan_column(tmp_path, "contact", people)
    found_text = sum(any(v in p for v in in_text) for p in people)
    found_contact = sum(any(v in p for v in in_contact) for p in people)
    figures("privacy-french-people", {"people": len(people), "found_in_text": found_text,
                                      "found_in_contact_column": found_contact})
    assert found_text >= 0.8 * len(people) and found_contact >= 0.95 * len(people)
    mails = ["gwenaelle.kerbrat@orange.fr", "b.marchand@wanadoo.fr", "thibaultgiraud@gmail.com",
             "aurelie_morel@free.fr", "maelle@tierslieu.example"]
    assert _scan_column(tmp_path, "description", mails) == mails


def test_privacy_scan_leaves_communes_and_organisations_alone(tmp_path: Path) -> None:
    names = [m.name for p in PROFILES.values() for m in p.reference()]
    assert len(names) > 40_000
    assert _scan_column(tmp_path, "comune_name", names) == []
    assert _scan_column(tmp_path, "description", NAMED_AFTER_PEOPLE) == []
    assert _scan_column(tmp_path, "email", ["contact@fablab-exemple.fr", "accueil@mairie-exemple.fr"]) == []


def test_only_addresses_shown_to_be_the_places_are_kept() -> None:
    row = {"name": "Télécentre de Vabre l'Abbaye", "commune_name": "Vabre", "website": "http://vabre.example/"}
    for kept in ("contact@x.example", "accueil-pepinieres09@x.example", "mds.vabres@orange.fr", "vabre@x.example"):
        assert shows_the_place(kept, row), kept
    for dropped in ("jdupont@laposte.net", "4cx@webmail.example", "k.moreau@x.example"):
        assert not shows_the_place(dropped, row) or personal_email(dropped), dropped
