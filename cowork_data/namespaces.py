"""Namespaces of the knowledge graph (DESIGN.md section 4).

Vocabularies whose terms we pick from a fixed list are ``DefinedNamespace`` classes made from that list, so a
mistyped term raises ``AttributeError`` instead of minting a new IRI: the project vocabulary ``CW`` (a test checks it
matches ``vocab/cw.ttl``) and the OntoPiA ontologies we use (COV, CLV, L0, TI, PRJ, CPV, only the terms we use). The
rest are plain ``Namespace`` objects.

City IRIs
---------
``clv:hasCity`` points at the OntoPiA "Archivio storico dei comuni" controlled vocabulary (``ONTOPIA_CITIES``), whose
IRIs end with ``{ISTAT6}-({validity start})``, e.g. Milano ``…/cities/015146-(2015-01-01)``: the version of the comune
valid on the record's date, chosen by :func:`cowork_data.cities.city_iri`.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta

DEFAULT_BASE = "https://w3id.org/cowork-data/"
VOCAB_BASE = "https://w3id.org/cowork-data/vocab/"
ONTOPIA_CITIES = "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/"


def _closed(name: str, iri: str, doc: str, terms: str) -> type[DefinedNamespace]:
    """A ``DefinedNamespace`` of exactly ``terms`` (separated by white space): a term not listed raises
    ``AttributeError`` instead of minting a new IRI."""
    return DefinedNamespaceMeta(name, (DefinedNamespace,), {
        "__doc__": doc, "__module__": __name__, "__annotations__": dict.fromkeys(terms.split(), URIRef),
        "_NS": Namespace(iri), "_fail": True})


CW = _closed("CW", "https://w3id.org/cowork-data/vocab#", "The project vocabulary, ``vocab/cw.ttl``.", """
    Workspace RegistryAdmission CallOutcome call admittedWorkspace awardCap awardCapShare legalAct applications
    admitted rejected pending asOf approximate fixture servicesNote openingHoursNote wheelchair nameSimilarity
    addressSimilarity distance population""")

COV = _closed("COV", "https://w3id.org/italia/onto/COV/", "OntoPiA Core Organization Vocabulary (terms we use).", """
    Organization PrivateOrganization PublicOrganization LegalStatus PrivateOrgActivityType legalName taxCode
    VATnumber IPAcode hasLegalStatus hasPrivateOrgActivityType""")

CLV = _closed("CLV", "https://w3id.org/italia/onto/CLV/", "OntoPiA Core Location Vocabulary (the terms we use).", """
    Address City hasAddress fullAddress postCode hasCity hasCountry hasProvince hasRegion Province Region
    situatedWithin""")

L0 = _closed("L0", "https://w3id.org/italia/onto/l0/", "OntoPiA top-level ontology (the terms we use).", """
    identifier name description""")

TI = _closed("TI", "https://w3id.org/italia/onto/TI/", "OntoPiA Time ontology (the terms we use).", """
    TimeInterval atTime startTime endTime""")

PRJ = _closed("PRJ", "https://w3id.org/italia/onto/Project/", "OntoPiA Project ontology (the terms we use).", """
    Call""")

CPV = _closed("CPV", "https://w3id.org/italia/onto/CPV/", "OntoPiA Core Person Vocabulary (the terms we use).", """
    Person""")


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

