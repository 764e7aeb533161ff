"""Canonical rows to RDF triples (DESIGN.md section 4; field names from docs/tables.md).

Each table has one mapper yielding the triples of one row. Superclass types are written out (no reasoner). Empty
strings are missing values and give no triple. Every field of every table is mapped; the free-text fields kept "as
published" (``services``, ``opening_hours_note``) and the OSM ``wheelchair`` code use the three ``cw:`` terms that
have no equivalent elsewhere (docs/decisions.md). Opening hours in OSM syntax are kept as ``schema:openingHours`` and,
for the simple day-range and time-range rules, also as ``schema:OpeningHoursSpecification`` nodes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from cowork_data.cities import city_version
from cowork_data.graph import iris, literals
from cowork_data.graph.hours import opening_hours_specifications
from cowork_data.namespaces import (
    ADMISSION_STATUS,
    ADMS,
    AWARD_STATUS,
    CALL_TYPE,
    CLV,
    COV,
    CPV,
    CW,
    DCT,
    FEATURE,
    FOAF,
    GEO,
    L0,
    LOCN,
    ORG,
    PRJ,
    PROV,
    SCHEMA,
    SPACE_TYPE,
    SPDX,
    TI,
    WGS,
)

Triple = tuple[Node, Node, Node]
Row = Mapping[str, str]

FIXTURE_COMMENT_IT = (
    "Dati di prova: le righe di questa fonte sono inventate e non descrivono spazi, enti o bandi reali."
)
FIXTURE_COMMENT_EN = (
    "Test fixture: the rows of this source are invented and do not describe real spaces, bodies or calls."
)


def _get(row: Row, field: str) -> str:
    return (row.get(field) or "").strip()


def _licence(value: Any) -> str:
    """A licence as recorded in a snapshot's provenance: a URL or name, or a mapping with ``url`` / ``id``."""
    if isinstance(value, Mapping):
        return str(value.get("url") or value.get("id") or "")
    return str(value or "")


class Mapper:
    """Maps the rows of all tables of one build, knowing the base IRI and the cross-table facts it needs."""

    def __init__(self, tables: Mapping[str, Sequence[Row]], base: str,
                 sources: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.base = base
        self.snapshots = {
            source_id: iris.snapshot_iri(base, source_id, str(meta.get("sha256")))
            for source_id, meta in (sources or {}).items() if meta.get("sha256")
        }
        self.call_publisher = {
            _get(r, "id"): _get(r, "publisher_id") for r in tables.get("calls", ()) if _get(r, "publisher_id")
        }
        # A record's city is the comune's version valid on the day its snapshot was retrieved (docs/decisions.md).
        self.dates = {source_id: str(meta.get("retrieved_at") or "")[:10] or None
                      for source_id, meta in (sources or {}).items()}
        self.city_names: dict[URIRef, tuple[str, set[str]]] = {}

    # shared helpers

    def _city(self, istat: str, row: Row, name: str = "") -> URIRef | None:
        version = city_version(istat, self.dates.get(_get(row, "source_id")))
        if version is None:  # a code OntoPiA does not know: no city (the core shapes report it)
            return None
        names = self.city_names.setdefault(version.iri, (version.istat, set()))[1]
        if name:
            names.add(name)
        return version.iri

    def _provenance(self, subject: URIRef, row: Row) -> Iterator[Triple]:
        source_id = _get(row, "source_id")
        if source_id:
            yield subject, PROV.wasDerivedFrom, iris.source_iri(self.base, source_id)
        snapshot, record = self.snapshots.get(source_id), _get(row, "source_record")
        if snapshot is not None and record:
            fragment = iris.record_iri(snapshot, record)
            yield subject, PROV.wasDerivedFrom, fragment
            yield fragment, RDF.type, PROV.Entity
            yield fragment, DCT.isPartOf, snapshot
        url = _get(row, "source_url")
        if url:
            yield subject, DCT.source, iris.web_iri(url)

    def _amount(self, node: URIRef, value: str, currency: str = "") -> Iterator[Triple]:
        yield node, RDF.type, SCHEMA.MonetaryAmount
        yield node, SCHEMA.value, literals.decimal(value)
        yield node, SCHEMA.currency, Literal(currency or "EUR")

    def _interval(self, node: URIRef, start: str, end: str) -> Iterator[Triple]:
        yield node, RDF.type, TI.TimeInterval
        if start:
            yield node, TI.startTime, literals.date(start)
        if end:
            yield node, TI.endTime, literals.date(end)

    # tables

    def space(self, row: Row) -> Iterator[Triple]:
        s = iris.workspace_iri(self.base, _get(row, "id"))
        for cls in (CW.Workspace, SCHEMA.Place, ORG.Site):
            yield s, RDF.type, cls
        if name := _get(row, "name"):
            yield s, SCHEMA.name, Literal(name)
        if kind := _get(row, "type"):
            yield s, DCT.type, SPACE_TYPE[kind]
        if operator := _get(row, "operator_id"):
            org = iris.organization_iri(self.base, operator)
            yield s, ORG.siteOf, org
            yield org, ORG.hasSite, s
        yield from self._address(s, row)
        yield from self._position(s, row)
        yield from self._features(s, row)
        for field, prop in (("opening_hours", SCHEMA.openingHours), ("email", SCHEMA.email),
                            ("phone", SCHEMA.telephone), ("description", SCHEMA.description),
                            ("services", CW.servicesNote), ("opening_hours_note", CW.openingHoursNote),
                            ("wheelchair", CW.wheelchair)):
            if value := _get(row, field):
                yield s, prop, Literal(value)
        for n, (days, opens, closes) in enumerate(opening_hours_specifications(_get(row, "opening_hours")), 1):
            h = iris.hash_iri(s, f"opening-hours-{n}")
            yield s, SCHEMA.openingHoursSpecification, h
            yield h, RDF.type, SCHEMA.OpeningHoursSpecification
            for day in days:
                yield h, SCHEMA.dayOfWeek, SCHEMA[day]
            yield h, SCHEMA.opens, Literal(opens, datatype=XSD.time)
            yield h, SCHEMA.closes, Literal(closes, datatype=XSD.time)
        if website := _get(row, "website"):
            yield s, SCHEMA.url, iris.web_iri(website)
        if since := _get(row, "open_since"):
            yield s, DCT.created, literals.year_or_date(since)
        yield from self._provenance(s, row)

    def _address(self, s: URIRef, row: Row) -> Iterator[Triple]:
        street, number, postcode = _get(row, "street_address"), _get(row, "house_number"), _get(row, "postcode")
        istat, comune = _get(row, "comune_istat"), _get(row, "comune_name")
        if not (street or number or postcode or istat):
            return
        a = iris.hash_iri(s, "address")
        yield s, CLV.hasAddress, a
        yield a, RDF.type, CLV.Address
        line = " ".join(p for p in (street, number) if p)
        place = " ".join(p for p in (postcode, comune) if p)
        full = ", ".join(p for p in (line, place) if p)
        if full:
            yield a, CLV.fullAddress, Literal(full)
        if street:
            yield a, LOCN.thoroughfare, Literal(street)
        if number:
            yield a, LOCN.locatorDesignator, Literal(number)
        if postcode:
            yield a, CLV.postCode, Literal(postcode)
        if istat and (city := self._city(istat, row, comune)):
            yield a, CLV.hasCity, city

    def _position(self, s: URIRef, row: Row) -> Iterator[Triple]:
        lat, lon = _get(row, "latitude"), _get(row, "longitude")
        if not (lat and lon):
            return
        lat_lit, lon_lit = literals.decimal(lat), literals.decimal(lon)
        yield s, WGS.lat, lat_lit
        yield s, WGS.long, lon_lit
        g = iris.hash_iri(s, "geometry")
        yield s, GEO.hasGeometry, g
        yield g, RDF.type, GEO.Geometry
        yield g, GEO.asWKT, Literal(f"POINT({lon_lit} {lat_lit})", datatype=GEO.wktLiteral)

    def _features(self, s: URIRef, row: Row) -> Iterator[Triple]:
        codes = sorted(set(_get(row, "features").split()))
        workstations = _get(row, "workstations")
        if workstations and "workstations" not in codes:
            codes = sorted([*codes, "workstations"])
        for code in codes:
            f = iris.hash_iri(s, f"feature-{code}")
            yield s, SCHEMA.amenityFeature, f
            yield f, RDF.type, SCHEMA.LocationFeatureSpecification
            yield f, DCT.type, FEATURE[code]
            yield f, SCHEMA.name, Literal(code)
            if code == "workstations" and workstations:
                yield f, SCHEMA.value, literals.integer(workstations)
            else:
                yield f, SCHEMA.value, Literal(True)

    def organisation(self, row: Row) -> Iterator[Triple]:
        o = iris.organization_iri(self.base, _get(row, "id"))
        yield o, RDF.type, COV.Organization
        public = _get(row, "kind") == "public-body"
        if public:
            yield o, RDF.type, COV.PublicOrganization
        elif _get(row, "vat_number"):
            # A public body has a partita IVA too (Comune di Milano): that does not make it private.
            yield o, RDF.type, COV.PrivateOrganization
        for field, prop in (("legal_name", COV.legalName), ("tax_code", COV.taxCode),
                            ("vat_number", COV.VATnumber), ("ipa_code", COV.IPAcode)):
            if value := _get(row, field):
                yield o, prop, Literal(value)
        if form := _get(row, "legal_form"):
            n = iris.hash_iri(o, "legal-status")
            yield o, COV.hasLegalStatus, n
            yield n, RDF.type, COV.LegalStatus
            yield n, L0.identifier, Literal(form)
        if ateco := _get(row, "ateco_code"):
            n = iris.hash_iri(o, "activity-type")
            yield o, COV.hasPrivateOrgActivityType, n
            yield n, RDF.type, COV.PrivateOrgActivityType
            yield n, L0.identifier, Literal(ateco)
        if website := _get(row, "website"):
            yield o, SCHEMA.url, iris.web_iri(website)
        if istat := _get(row, "comune_istat"):
            a = iris.hash_iri(o, "address")
            yield o, CLV.hasAddress, a
            yield a, RDF.type, CLV.Address
            if city := self._city(istat, row):
                yield a, CLV.hasCity, city
        yield from self._provenance(o, row)

    def call(self, row: Row) -> Iterator[Triple]:
        call_id = _get(row, "id")
        c = iris.call_iri(self.base, call_id)
        yield c, RDF.type, PRJ.Call
        yield c, L0.identifier, Literal(call_id)
        if title := _get(row, "title"):
            yield c, L0.name, Literal(title)
        if description := _get(row, "description"):
            yield c, L0.description, Literal(description)
        if kind := _get(row, "type"):
            yield c, DCT.type, CALL_TYPE[kind]
        if publisher := _get(row, "publisher_id"):
            yield c, DCT.publisher, iris.organization_iri(self.base, publisher)
        if parent := _get(row, "parent_id"):
            yield c, DCT.isPartOf, iris.call_iri(self.base, parent)
        if announced := _get(row, "announced_date"):
            yield c, DCT.issued, literals.date(announced)
        opening, closing = _get(row, "opening_date"), _get(row, "closing_date")
        if opening or closing:
            w = iris.hash_iri(c, "window")
            yield c, TI.atTime, w
            yield from self._interval(w, opening, closing)
        if cap := _get(row, "award_cap"):
            n = iris.hash_iri(c, "cap")
            yield c, CW.awardCap, n
            yield from self._amount(n, cap)
        if share := _get(row, "award_cap_share"):
            yield c, CW.awardCapShare, literals.decimal(share)
        if act := _get(row, "legal_act"):
            yield c, CW.legalAct, Literal(act)
        if url := _get(row, "url"):
            yield c, SCHEMA.url, iris.web_iri(url)
        yield from self._provenance(c, row)

    def funding(self, row: Row) -> Iterator[Triple]:
        funder_id = _get(row, "funder_id")
        c = iris.call_iri(self.base, _get(row, "call_id"))
        g = iris.hash_iri(c, f"funding-{funder_id}")
        yield g, RDF.type, SCHEMA.MonetaryGrant
        yield g, SCHEMA.funder, iris.organization_iri(self.base, funder_id)
        yield g, SCHEMA.fundedItem, c
        if amount := _get(row, "amount"):
            n = iris.hash_iri(c, f"funding-{funder_id}-amount")
            yield g, SCHEMA.amount, n
            yield from self._amount(n, amount, _get(row, "currency"))
        if note := _get(row, "note"):
            yield g, RDFS.comment, Literal(note)
        yield from self._provenance(g, row)

    def admission(self, row: Row) -> Iterator[Triple]:
        call_id, space_id = _get(row, "call_id"), _get(row, "space_id")
        a = iris.admission_iri(self.base, call_id, space_id)
        yield a, RDF.type, CW.RegistryAdmission
        yield a, CW.call, iris.call_iri(self.base, call_id)
        yield a, CW.admittedWorkspace, iris.workspace_iri(self.base, space_id)
        if status := _get(row, "status"):
            yield a, ADMS.status, ADMISSION_STATUS[status]
        if submitted := _get(row, "date_submitted"):
            yield a, DCT.dateSubmitted, literals.date(submitted)
        if accepted := _get(row, "date_accepted"):
            yield a, DCT.dateAccepted, literals.date(accepted)
        start, end = _get(row, "valid_from"), _get(row, "valid_until")
        if start or end:
            v = iris.hash_iri(a, "validity")
            yield a, TI.atTime, v
            yield from self._interval(v, start, end)
        yield from self._provenance(a, row)

    def award(self, row: Row) -> Iterator[Triple]:
        call_id = _get(row, "call_id")
        a = iris.award_iri(self.base, call_id, _get(row, "number"))
        yield a, RDF.type, SCHEMA.MonetaryGrant
        yield a, CW.call, iris.call_iri(self.base, call_id)
        if publisher := self.call_publisher.get(call_id):
            yield a, SCHEMA.funder, iris.organization_iri(self.base, publisher)
        if _get(row, "beneficiary_kind") == "person":
            # A natural person is never named or coded: an empty cpv:Person node, closed by shapes/privacy.ttl.
            p = iris.hash_iri(a, "beneficiary")
            yield a, SCHEMA.fundedItem, p
            yield p, RDF.type, CPV.Person
        elif beneficiary := _get(row, "beneficiary_id"):
            yield a, SCHEMA.fundedItem, iris.organization_iri(self.base, beneficiary)
        if space := _get(row, "space_id"):
            yield a, SCHEMA.location, iris.workspace_iri(self.base, space)
        if amount := _get(row, "amount"):
            n = iris.hash_iri(a, "amount")
            yield a, SCHEMA.amount, n
            yield from self._amount(n, amount)
        if status := _get(row, "status"):
            yield a, ADMS.status, AWARD_STATUS[status]
        if granted := _get(row, "date_granted"):
            yield a, DCT.dateAccepted, literals.date(granted)
        yield from self._provenance(a, row)

    def outcome(self, row: Row) -> Iterator[Triple]:
        call_id, as_of = _get(row, "call_id"), _get(row, "as_of")
        o = iris.outcome_iri(self.base, call_id, as_of)
        yield o, RDF.type, CW.CallOutcome
        yield o, CW.call, iris.call_iri(self.base, call_id)
        if as_of:
            yield o, CW.asOf, literals.year_or_date(as_of)
        for field, prop in (("applications", CW.applications), ("admitted", CW.admitted),
                            ("rejected", CW.rejected), ("pending", CW.pending)):
            if value := _get(row, field):
                yield o, prop, literals.integer(value)
        if approximate := _get(row, "approximate"):
            yield o, CW.approximate, literals.boolean(approximate)
        if note := _get(row, "note"):
            yield o, RDFS.comment, Literal(note)
        yield from self._provenance(o, row)

    def same_as(self, link: Row) -> Iterator[Triple]:
        """``owl:sameAs`` between two records of one space (``cowork_data.normalise.linking``), with its evidence:
        the statement reified at ``{record}#same-as``, with the name and address similarity and the distance."""
        s, o = iris.workspace_iri(self.base, _get(link, "id")), iris.workspace_iri(self.base, _get(link, "same_as"))
        yield s, OWL.sameAs, o
        e = iris.hash_iri(s, "same-as")
        yield e, RDF.type, RDF.Statement
        yield e, RDF.subject, s
        yield e, RDF.predicate, OWL.sameAs
        yield e, RDF.object, o
        for field, prop in (("score", CW.nameSimilarity), ("address_score", CW.addressSimilarity),
                            ("distance_m", CW.distance)):
            if value := _get(link, field):
                yield e, prop, literals.decimal(value)

    def cities(self) -> Iterator[Triple]:
        for c in sorted(self.city_names):
            istat, names = self.city_names[c]
            yield c, RDF.type, CLV.City
            yield c, DCT.identifier, Literal(istat)
            for name in sorted(names):
                yield c, RDFS.label, Literal(name, lang="it")

    def source(self, source_id: str, meta: Mapping[str, Any]) -> Iterator[Triple]:
        s = iris.source_iri(self.base, source_id)
        yield s, RDF.type, PROV.Entity
        yield s, DCT.identifier, Literal(source_id)
        if title := str(meta.get("title") or ""):
            yield s, DCT.title, Literal(title)
        if url := str(meta.get("url") or ""):
            yield s, DCT.source, iris.web_iri(url)
        if licence := _licence(meta.get("licence")):
            is_iri = licence.startswith(("http://", "https://"))
            yield s, DCT.license, iris.web_iri(licence) if is_iri else Literal(licence)
        if publisher := str(meta.get("publisher") or ""):
            p = iris.hash_iri(s, "publisher")
            yield s, DCT.publisher, p
            yield p, RDF.type, FOAF.Agent
            yield p, FOAF.name, Literal(publisher)
        if sha256 := str(meta.get("sha256") or ""):
            k = iris.hash_iri(s, "checksum")
            yield s, SPDX.checksum, k
            yield k, RDF.type, SPDX.Checksum
            yield k, SPDX.algorithm, SPDX.checksumAlgorithm_sha256
            yield k, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)
        if retrieved := str(meta.get("retrieved_at") or ""):
            when = literals.date_time(retrieved)
            yield s, PROV.generatedAtTime if when.datatype == XSD.dateTime else DCT.date, when
        if snapshot := self.snapshots.get(source_id):
            yield snapshot, RDF.type, PROV.Entity
            yield snapshot, PROV.specializationOf, s
            if retrieved:
                when = literals.date_time(retrieved)
                yield snapshot, PROV.generatedAtTime if when.datatype == XSD.dateTime else DCT.date, when
        fixture = bool(meta.get("fixture"))
        yield s, CW.fixture, Literal(fixture)
        if fixture:
            yield s, RDFS.comment, Literal(FIXTURE_COMMENT_IT, lang="it")
            yield s, RDFS.comment, Literal(FIXTURE_COMMENT_EN, lang="en")
