"""Country profiles: what the toolkit needs to know about a country to read, check and publish its spaces.

A :class:`Profile` holds the municipality code system and its reference list, the postcode pattern, the phone
region, the company identifiers with their check digits, the coordinate bounds, the form of the city IRIs and
of the space ids, and the country's names. Italy (ISTAT + Belfiore, partita IVA, OntoPiA cities) is the first
profile; France (INSEE COG, SIREN/SIRET) the second. Rows carry their country as an ISO 3166-1 alpha-2 code
(`country`), and every country rule is looked up here by that code: :func:`profile`.

Italian IRIs never change (the crosswalk `ids/crosswalk.csv` holds them). French ones follow the same pattern,
keyed on the INSEE code: spaces `data/workspace/fr-{insee}/{slug}`, cities `data/city/FR-{insee}` (INSEE's own
`http://id.insee.fr/geo/commune/{uuid}` IRIs cannot be derived from the code; docs/decisions.md §12).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import URIRef

from cowork_data.cities import city_iri
from cowork_data.errors import UsageError
from cowork_data.namespaces import DEFAULT_BASE

__all__ = ["FRANCE", "ITALY", "PROFILES", "Box", "CompanyId", "Profile", "profile"]


@dataclass(frozen=True)
class Box:
    """A rectangle of latitude and longitude (WGS84, decimal degrees) that a country's places fall into."""

    name: str
    south: float
    west: float
    north: float
    east: float

    def __contains__(self, point: tuple[float, float]) -> bool:
        lat, lon = point
        return self.south <= lat <= self.north and self.west <= lon <= self.east


@dataclass(frozen=True)
class CompanyId:
    """A company identifier of a country, with the check of its check digits (python-stdnum)."""

    name: str
    length: int
    is_valid: Callable[[str], bool]


@dataclass(frozen=True)
class Profile:
    """The rules of one country (see the module docstring)."""

    country: str
    name_it: str
    name_en: str
    name_local: str
    language: str
    code_system: str
    code_field: str
    code_pattern: str
    postcode_pattern: str
    phone_region: str
    phone_pattern: str
    company_ids: tuple[CompanyId, ...]
    bounds: tuple[Box, ...]
    city_iri: Callable[[str, str], URIRef]
    scope: Callable[[str], str]
    reference: Callable[[], object]

    def inside(self, lat: float, lon: float) -> bool:
        """Whether a point is inside one of the country's boxes (mainland, islands, overseas départements)."""
        return any((lat, lon) in box for box in self.bounds)

    def box(self, lat: float, lon: float) -> Box | None:
        return next((box for box in self.bounds if (lat, lon) in box), None)


def _iva_valid(value: str) -> bool:
    from stdnum.it import iva

    return iva.is_valid(value)


def _siren_valid(value: str) -> bool:
    from stdnum.fr import siren

    return siren.is_valid(value)


def _siret_valid(value: str) -> bool:
    from stdnum.fr import siret

    return siret.is_valid(value)


def _comuni() -> object:
    from cowork_data.reference import load_comuni

    return load_comuni()


def _communes() -> object:
    from cowork_data.profiles.insee import load_communes

    return load_communes()


def _italian_city(code: str, base: str = DEFAULT_BASE) -> URIRef:
    """The current OntoPiA version of the comune (every Italian city IRI is OntoPiA's: ``base`` is not used)."""
    return city_iri(code)


def _french_city(code: str, base: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base}data/city/FR-{code.upper()}")


ITALY = Profile(
    country="IT", name_it="Italia", name_en="Italy", name_local="Italia", language="it",
    code_system="ISTAT (comune) + Belfiore (codice catastale)", code_field="comune_istat",
    code_pattern=r"^[0-9]{6}$", postcode_pattern=r"^[0-9]{5}$", phone_region="IT",
    phone_pattern=r"^\+39[0-9]{6,11}$",
    company_ids=(CompanyId("partita IVA / codice fiscale", 11, _iva_valid),),
    bounds=(Box("Italia", 35.0, 6.5, 47.2, 18.6),),
    city_iri=_italian_city,
    scope=lambda belfiore: belfiore.lower(),
    reference=_comuni,
)

FRANCE = Profile(
    country="FR", name_it="Francia", name_en="France", name_local="France", language="fr",
    code_system="INSEE (Code officiel géographique)", code_field="commune_insee",
    code_pattern=r"^(?:[0-9]{2}|2[AB])[0-9]{3}$", postcode_pattern=r"^[0-9]{5}$", phone_region="FR",
    phone_pattern=r"^\+(?:33[1-9][0-9]{8}|(?:262|269|590|594|596)[0-9]{9})$",
    company_ids=(CompanyId("SIREN", 9, _siren_valid), CompanyId("SIRET", 14, _siret_valid)),
    # Mainland France with Corsica, and the five overseas départements (DROM).
    bounds=(Box("France métropolitaine", 41.3, -5.3, 51.2, 9.6), Box("Guadeloupe", 15.8, -61.9, 16.6, -60.9),
            Box("Martinique", 14.3, -61.3, 14.9, -60.8), Box("Guyane", 2.1, -54.7, 5.8, -51.6),
            Box("La Réunion", -21.4, 55.2, -20.8, 55.9), Box("Mayotte", -13.1, 44.9, -12.6, 45.4)),
    city_iri=_french_city,
    scope=lambda insee: f"fr-{insee.lower()}",
    reference=_communes,
)

PROFILES: dict[str, Profile] = {p.country: p for p in (ITALY, FRANCE)}


def profile(country: str) -> Profile:
    """The profile of an ISO 3166-1 alpha-2 code (`IT`, `FR`); an empty code is Italy, the first profile."""
    code = (country or "IT").strip().upper()
    if code not in PROFILES:
        known = ", ".join(sorted(PROFILES))
        raise UsageError("error.country-profile", country=country, known=known)
    return PROFILES[code]
