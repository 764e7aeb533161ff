"""Namespaces of the knowledge graph (DESIGN.md section 4).

Vocabularies whose terms we pick from a fixed list are ``DefinedNamespace`` classes, so a mistyped term raises
``AttributeError`` instead of minting a new IRI: the project vocabulary ``CW`` (a test checks it matches
``vocab/cw.ttl``) and the OntoPiA ontologies we use (COV, CLV, L0, TI, PRJ, CPV, only the terms we use). The rest are
plain ``Namespace`` objects.

City IRIs
---------
``clv:hasCity`` points at the OntoPiA "Archivio storico dei comuni" controlled vocabulary (``ONTOPIA_CITIES``), whose
IRIs end with ``{ISTAT6}-({validity start})``, e.g. Milano ``…/cities/015146-(2015-01-01)``: the version of the comune
valid on the record's date, chosen by :func:`cowork_data.cities.city_iri`.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

DEFAULT_BASE = "https://w3id.org/cowork-data/"
VOCAB_BASE = "https://w3id.org/cowork-data/vocab/"
ONTOPIA_CITIES = "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/"


class CW(DefinedNamespace):
    """The project vocabulary, ``vocab/cw.ttl``."""

    _NS = Namespace("https://w3id.org/cowork-data/vocab#")
    _fail = True

    Workspace: URIRef
    RegistryAdmission: URIRef
    CallOutcome: URIRef
    call: URIRef
    admittedWorkspace: URIRef
    awardCap: URIRef
    awardCapShare: URIRef
    legalAct: URIRef
    applications: URIRef
    admitted: URIRef
    rejected: URIRef
    pending: URIRef
    asOf: URIRef
    approximate: URIRef
    fixture: URIRef
    servicesNote: URIRef
    openingHoursNote: URIRef
    wheelchair: URIRef
    nameSimilarity: URIRef
    addressSimilarity: URIRef
    distance: URIRef
    population: URIRef


class COV(DefinedNamespace):
    """OntoPiA Core Organization Vocabulary (the terms we use)."""

    _NS = Namespace("https://w3id.org/italia/onto/COV/")
    _fail = True

    Organization: URIRef
    PrivateOrganization: URIRef
    PublicOrganization: URIRef
    LegalStatus: URIRef
    PrivateOrgActivityType: URIRef
    legalName: URIRef
    taxCode: URIRef
    VATnumber: URIRef
    IPAcode: URIRef
    hasLegalStatus: URIRef
    hasPrivateOrgActivityType: URIRef


class CLV(DefinedNamespace):
    """OntoPiA Core Location Vocabulary (the terms we use)."""

    _NS = Namespace("https://w3id.org/italia/onto/CLV/")
    _fail = True

    Address: URIRef
    City: URIRef
    hasAddress: URIRef
    fullAddress: URIRef
    postCode: URIRef
    hasCity: URIRef
    hasCountry: URIRef
    hasProvince: URIRef
    hasRegion: URIRef
    Province: URIRef
    Region: URIRef
    situatedWithin: URIRef


class L0(DefinedNamespace):
    """OntoPiA top-level ontology (the terms we use)."""

    _NS = Namespace("https://w3id.org/italia/onto/l0/")
    _fail = True

    identifier: URIRef
    name: URIRef
    description: URIRef


class TI(DefinedNamespace):
    """OntoPiA Time ontology (the terms we use)."""

    _NS = Namespace("https://w3id.org/italia/onto/TI/")
    _fail = True

    TimeInterval: URIRef
    atTime: URIRef
    startTime: URIRef
    endTime: URIRef


class PRJ(DefinedNamespace):
    """OntoPiA Project ontology (the terms we use)."""

    _NS = Namespace("https://w3id.org/italia/onto/Project/")
    _fail = True

    Call: URIRef


class CPV(DefinedNamespace):
    """OntoPiA Core Person Vocabulary (the terms we use)."""

    _NS = Namespace("https://w3id.org/italia/onto/CPV/")
    _fail = True

    Person: URIRef


SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CWS = Namespace("https://w3id.org/cowork-data/shapes#")

SPACE_TYPE = Namespace(VOCAB_BASE + "space-types/")
FEATURE = Namespace(VOCAB_BASE + "features/")
CALL_TYPE = Namespace(VOCAB_BASE + "call-types/")
AWARD_STATUS = Namespace(VOCAB_BASE + "award-statuses/")
ADMISSION_STATUS = Namespace(VOCAB_BASE + "admission-statuses/")

PREFIXES: dict[str, str] = {
    "adms": str(ADMS),
    "clv": str(CLV._NS),
    "cov": str(COV._NS),
    "cpv": str(CPV._NS),
    "cw": str(CW._NS),
    "dcat": str(DCAT),
    "dcatapit": str(DCATAPIT),
    "dct": str(DCT),
    "foaf": str(FOAF),
    "geo": str(GEO),
    "l0": str(L0._NS),
    "locn": str(LOCN),
    "org": str(ORG),
    "prj": str(PRJ._NS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "sd": str(SD),
    "skos": str(SKOS),
    "spdx": str(SPDX),
    "ti": str(TI._NS),
    "vcard": str(VCARD),
    "void": str(VOID),
    "wgs": str(WGS),
}


def graph_iri(source_id: str, *, base: str = DEFAULT_BASE) -> URIRef:
    """The named graph holding what was derived from one source: ``{base}graph/{source_id}``."""
    return URIRef(f"{base}graph/{source_id}")

