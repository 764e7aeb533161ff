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

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rdflib import URIRef

from cowork_data.cities import city_iri
from cowork_data.errors import UsageError
from cowork_data.namespaces import DEFAULT_BASE

__all__ = ["COUNTRY_AUTHORITY", "FRANCE", "ITALY", "PROFILES", "Box", "CompanyId", "Profile", "envelope", "profile",
           "row_profile"]

#: The EU Publications Office's country authority table (used by DCAT-AP): ``{COUNTRY_AUTHORITY}{ISO 3166-1 alpha-3}``.
COUNTRY_AUTHORITY = "http://publications.europa.eu/resource/authority/country/"


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

    country: str  #: ISO 3166-1 alpha-2 (``IT``), the rows' ``country``
    iso3: str  #: ISO 3166-1 alpha-3 (``ITA``), the key of the EU country authority table
    name_it: str
    name_en: str
    name_local: str  #: the country's name in its own language
    language: str  #: the country's language as a BCP 47 tag (``fr``)
    code_system: str  #: the name of the municipality code system, as shown to people
    code_field: str  #: the spaces field holding the municipality code (``comune_istat``)
    code_pattern: str  #: a regular expression a valid municipality code matches
    postcode_pattern: str  #: a regular expression a valid postcode matches
    phone_region: str  #: the region code phonenumbers parses national numbers with
    phone_pattern: str  #: a regular expression a phone number in E.164 form matches
    company_ids: tuple[CompanyId, ...]
    bounds: tuple[Box, ...]  #: the boxes every place of the country falls into (mainland, islands, overseas)
    city_iri: Callable[[str, str], URIRef]  #: (municipality code, base IRI) → the city's IRI
    scope: Callable[[str], str]  #: municipality code → the first segment of a space id (``f205``, ``fr-75056``)
    reference: Callable[[], object]  #: loads the list of the country's municipalities
    #: The named graph of the city nodes (``{base}graph/{city_graph}``), named after the reference list.
    city_graph: str = ""
    #: Fields of a spaces row holding the municipality codes (the first is the one the city IRI is keyed on).
    code_fields: tuple[str, ...] = ()

    @property
    def country_iri(self) -> URIRef:
        """The country in the EU authority table (``…/country/ITA``)."""
        return URIRef(f"{COUNTRY_AUTHORITY}{self.iso3}")

    def envelope(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) of the smallest rectangle holding every box of the country."""
        return envelope((self,))

    def bounded(self, spec: Mapping[str, object]) -> dict[str, object]:
        """A Table Schema field as it applies in this country: ``latitude`` and ``longitude`` bounded by the
        country's boxes (the schema's bounds hold every country with a profile); other fields unchanged."""
        out = dict(spec)
        if out.get("name") in ("latitude", "longitude"):
            south, west, north, east = self.envelope()
            low, high = (south, north) if out["name"] == "latitude" else (west, east)
            constraints = out.get("constraints")
            out["constraints"] = {**(constraints if isinstance(constraints, Mapping) else {}),
                                  "minimum": low, "maximum": high}
        return out

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
    country="IT", iso3="ITA", name_it="Italia", name_en="Italy", name_local="Italia", language="it",
    code_system="ISTAT (comune) + Belfiore (codice catastale)", code_field="comune_istat",
    code_pattern=r"^[0-9]{6}$", postcode_pattern=r"^[0-9]{5}$", phone_region="IT",
    phone_pattern=r"^\+39[0-9]{6,11}$",
    company_ids=(CompanyId("partita IVA / codice fiscale", 11, _iva_valid),),
    bounds=(Box("Italia", 35.0, 6.5, 47.2, 18.6),),
    city_iri=_italian_city,
    scope=lambda belfiore: belfiore.lower(),
    reference=_comuni,
    city_graph="istat",
    code_fields=("comune_istat", "comune_belfiore"),
)

FRANCE = Profile(
    country="FR", iso3="FRA", name_it="Francia", name_en="France", name_local="France", language="fr",
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
    city_graph="insee",
    code_fields=("commune_insee",),
)

PROFILES: dict[str, Profile] = {p.country: p for p in (ITALY, FRANCE)}


def profile(country: str) -> Profile:
    """The profile of an ISO 3166-1 alpha-2 code (`IT`, `FR`); an empty code is Italy, the first profile."""
    code = (country or "IT").strip().upper()
    if code not in PROFILES:
        known = ", ".join(sorted(PROFILES))
        raise UsageError("error.country-profile", country=country, known=known)
    return PROFILES[code]


def row_profile(row: Mapping[str, str]) -> Profile | None:
    """The profile of a canonical row by its ``country`` (none or empty is Italy); None for a country without a
    profile (the Table Schema's enum reports it)."""
    return PROFILES.get((row.get("country") or "IT").strip().upper())


def envelope(profiles: tuple[Profile, ...] | None = None) -> tuple[float, float, float, float]:
    """(south, west, north, east) around every box of ``profiles`` (default: all): the Table Schema's bounds of
    ``latitude`` and ``longitude``, which a test keeps equal to this."""
    boxes = [box for p in (profiles or tuple(PROFILES.values())) for box in p.bounds]
    return (min(b.south for b in boxes), min(b.west for b in boxes), max(b.north for b in boxes),
            max(b.east for b in boxes))
