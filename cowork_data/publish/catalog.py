"""The catalogue of a release (``data/catalog.ttl``): DCAT-AP_IT, VoID and SPARQL 1.1 Service Description.

- DCAT-AP_IT (https://docs.italia.it/italia/daf/linee-guida-cataloghi-dati-dcat-ap-it/), the Italian profile of
  DCAT-AP 3 (https://semiceu.github.io/DCAT-AP/releases/3.0.1/): a ``dcatapit:Catalog`` with one
  ``dcatapit:Dataset`` and a ``dcatapit:Distribution`` for every published CSV and RDF file (size, sha256, format,
  media type, licence, description), EU themes and EuroVoc subthemes. The publisher of ``publisher.toml`` is the
  dataset's one rights holder and its contact point; the public bodies whose data the release holds are credited
  as originators (``prov:qualifiedAttribution``). One rights holder, one ``foaf:name`` and an identifier
  ``{rights holder code}:{dataset}`` are what ckanext-dcatapit, the CKAN extension of Italian portals, harvests:
  it keeps the last of several rights holders (in graph order) and rejects an identifier another dataset of the
  portal already has (docs/decisions.md).
- VoID (https://www.w3.org/TR/void/): the dataset's size, classes, one subset per named graph, the linkset to the
  OntoPiA cities vocabulary.
- SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/): the endpoint of
  ``cowork-data serve``, its result formats and its dataset (union default graph, one named graph per source).

Every node is an IRI (no blank nodes), so the same release gives the same bytes. The parts that grow with the
release (an agent and an attribution per public body, a VoID subset and a service graph per named graph) are written
as N-Triples lines directly (:func:`catalog_lines`); the rest is a small rdflib graph.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from cowork_data.errors import PublishError
from cowork_data.graph.terms import escape, literal_text
from cowork_data.i18n import both
from cowork_data.namespaces import (
    CLV,
    DCAT,
    DCATAPIT,
    DCT,
    DEFAULT_BASE,
    FOAF,
    ONTOPIA_CITIES,
    PREFIXES,
    PROV,
    SD,
    SKOS,
    SPDX,
    VCARD,
    VOID,
)
from cowork_data.publish.package import file_texts
from cowork_data.publish.publisher import Publisher

__all__ = ["PublishedFile", "catalog_graph", "catalog_lines", "describe_service", "write_catalog"]

EU = "http://publications.europa.eu/resource/authority/"
FORMATS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"
CC_BY = URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40")
CC_BY_URL = URIRef("https://creativecommons.org/licenses/by/4.0/")
THEMES = {"ECON": ("Economia e finanze", "Economy and finance"),
          "GOVE": ("Governo e settore pubblico", "Government and public sector")}
#: EuroVoc micro-thesauri under those themes (OntoPiA theme-subtheme mapping), as ``dct:subject``.
SUBTHEMES = {"100202": ("2426 investimenti e finanziamenti", "2426 financing and investment"),
             "100226": ("4006 organizzazione aziendale", "4006 business organisation"),
             "100169": ("0436 potere esecutivo e amministrazione pubblica", "0436 executive power and public service")}
EUROVOC = "http://eurovoc.europa.eu/"
#: SPDX's SHA-256 under the https prefix the DCAT-AP 3.0.1 controlled-vocabulary shapes require (docs/decisions.md).
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
ORIGINATOR = URIRef("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/originator")
FILE_TYPES = {"csv": "CSV", "ttl": "RDF_TURTLE", "nt": "RDF_N_TRIPLES", "nq": "RDF_N_QUADS", "trig": "RDF_TRIG",
              "jsonld": "JSON_LD"}
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "JSON-LD", "N-Triples", "RDF_XML")

PublishedFile = Mapping[str, Any]  # name, path, mediatype; a table also title(_en), description(_en), schema
Counts = tuple[int, Counter[str], Counter[str], set[str] | int, int]  # distinct subjects: the set or its size


def _node(base: str, path: str) -> URIRef:
    return URIRef(f"{base}{path}")


def _both(graph: Graph, subject: URIRef, prop: URIRef, it: str, en: str) -> None:
    graph.add((subject, prop, Literal(it, lang="it")))
    graph.add((subject, prop, Literal(en, lang="en")))


def _described(graph: Graph, node: URIRef, classes: Sequence[URIRef], title: Sequence[str],
               description: Sequence[str]) -> None:
    """``node`` of each of ``classes``, with its title and description in Italian and English."""
    for cls in classes:
        graph.add((node, RDF.type, cls))
    _both(graph, node, DCT.title, *title)
    _both(graph, node, DCT.description, *description)


def _agent(graph: Graph, node: URIRef, name: str, identifier: str) -> None:
    """An agent as DCAT-AP_IT wants it (and ckanext-dcatapit reads it): one ``foaf:name``, one ``dct:identifier``."""
    for cls in (FOAF.Agent, DCATAPIT.Agent):
        graph.add((node, RDF.type, cls))
    graph.add((node, FOAF.name, Literal(name)))
    graph.add((node, DCT.identifier, Literal(identifier)))


_TYPE = f"<{RDF.type}>"
_INTEGER = f"^^<{XSD.integer}>"


def _term(node: Any) -> str:
    """A node of the catalogue as an N-Triples term."""
    if isinstance(node, Literal):
        return literal_text(node)
    if isinstance(node, URIRef):
        return f"<{node}>"
    raise PublishError("error.catalogue-blank-node", node=repr(node))


def _originator_lines(dataset: str, iri: str, name: str, code: str) -> list[str]:
    """:func:`_agent` and the qualified attribution of one public body, as N-Triples lines."""
    body, attribution = f"<{iri}>", f"<{dataset}#originator-{code}>"
    return [f"{body} {_TYPE} <{FOAF.Agent}> .\n", f"{body} {_TYPE} <{DCATAPIT.Agent}> .\n",
            f'{body} <{FOAF.name}> "{escape(name)}" .\n', f'{body} <{DCT.identifier}> "{escape(code)}" .\n',
            f"<{dataset}> <{PROV.qualifiedAttribution}> {attribution} .\n",
            f"{attribution} {_TYPE} <{PROV.Attribution}> .\n", f"{attribution} <{PROV.agent}> {body} .\n",
            f"{attribution} <{DCAT.hadRole}> <{ORIGINATOR}> .\n"]


def catalog_graph(stage: Path, **options: Any) -> Graph:
    """The catalogue of the files written under ``stage`` as an rdflib graph (the options of :func:`_catalog`)."""
    bulk: list[str] = []
    g = _catalog(stage, bulk, **options)
    g.parse(data="".join(bulk), format="nt")
    return g


def catalog_lines(stage: Path, **options: Any) -> list[str]:
    """The catalogue's N-Triples lines, unsorted and possibly repeated (the options of :func:`_catalog`)."""
    bulk: list[str] = []
    g = _catalog(stage, bulk, **options)
    return [f"{_term(s)} {_term(p)} {_term(o)} .\n" for s, p, o in g] + bulk


def _catalog(
    stage: Path,
    bulk: list[str],
    *,
    files: Sequence[PublishedFile],
    publisher: Publisher,
    originators: Sequence[tuple[str, str, str]],
    modified: str,
    version: str,
    base: str = DEFAULT_BASE,
    counts: Counts,
    dumps: Sequence[str] = ("data/graph/cowork-data.nt",),
    source_datasets: Sequence[Mapping[str, Any]] = (),
) -> Graph:
    """The catalogue of the files written under ``stage``; the parts that grow with the release are appended to
    ``bulk`` as N-Triples lines instead.

    ``files``: the published files (``name``, ``path`` relative to ``stage``, ``mediatype``; a table also
    ``title``, ``title_en``, ``description``, ``description_en`` and ``schema``); ``publisher``: who publishes the
    release (publisher, rights holder, contact point); ``originators``: ``(organisation IRI, name, IPA code)`` of
    the public bodies whose data the release holds; ``counts``: what VoID counts (``(triples, instances per class,
    triples per graph, distinct subjects, links to OntoPiA cities)``); ``modified``: the release's
    ``last_modified`` (ISO date or date-time).
    A file given with ``bytes`` and ``sha256`` is described from them instead of being read.
    ``source_datasets``: the sources whose licence asks for an attribution (``id``, ``title``, ``publisher``,
    ``url``, ``licence``, ``attribution``, ``published``), each a dataset of its own that the release's dataset
    names as its ``dct:source``.
    """
    g = Graph(bind_namespaces="none")
    for prefix, namespace in sorted({**PREFIXES, "owl": str(OWL), "rdfs": str(RDFS), "xsd": str(XSD)}.items()):
        g.bind(prefix, namespace)
    catalog, dataset = _node(base, "catalog"), _node(base, "dataset/cowork-data")
    service, endpoint = _node(base, "sparql#service"), _node(base, "sparql")
    agent = _node(base, f"agent/{publisher.identifier}")
    day = Literal(modified[:10], datatype=XSD.date)

    _agent(g, agent, publisher.name, publisher.identifier)
    languages = [URIRef(f"{EU}language/ITA"), URIRef(f"{EU}language/ENG")]
    for language in languages:
        g.add((language, RDF.type, DCT.LinguisticSystem))
    g.add((CC_BY, RDF.type, DCT.LicenseDocument))
    g.add((CC_BY, RDF.type, DCATAPIT.LicenseDocument))
    licence_type = URIRef("http://purl.org/adms/licencetype/Attribution")
    g.add((CC_BY, DCT.type, licence_type))
    g.add((licence_type, RDF.type, SKOS.Concept))
    g.add((licence_type, SKOS.prefLabel, Literal("Attribution", lang="en")))
    g.add((CC_BY, FOAF.name, Literal("Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)", lang="it")))
    g.add((CC_BY, OWL.sameAs, CC_BY_URL))
    taxonomy = URIRef(f"{EU}data-theme")
    g.add((taxonomy, RDF.type, SKOS.ConceptScheme))
    g.add((taxonomy, DCT.title, Literal("Data theme", lang="en")))
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))

    # Catalogue
    _described(g, catalog, (DCAT.Catalog, DCATAPIT.Catalog), both("label.catalog.catalog-title"),
               both("label.catalog.catalog-description"))
    g.add((catalog, DCT.publisher, agent))
    g.add((catalog, DCT.modified, day))
    g.add((catalog, FOAF.homepage, URIRef(base)))
    g.add((catalog, DCAT.themeTaxonomy, taxonomy))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    for language in languages:
        g.add((catalog, DCT.language, language))

    # Dataset (DCAT-AP_IT) + VoID
    _described(g, dataset, (DCAT.Dataset, DCATAPIT.Dataset, VOID.Dataset), both("label.catalog.dataset-title"),
               both("label.catalog.dataset-description"))
    g.add((dataset, DCT.identifier, Literal(f"{publisher.identifier}:cowork-data")))
    g.add((dataset, DCT.publisher, agent))
    g.add((dataset, DCT.rightsHolder, agent))
    _originators(g, dataset, originators, bulk)
    g.add((dataset, DCT.modified, day))
    g.add((dataset, DCAT.version, Literal(version)))
    frequency = URIRef(f"{EU}frequency/IRREG")
    g.add((frequency, RDF.type, DCT.Frequency))
    g.add((dataset, DCT.accrualPeriodicity, frequency))
    for code, (it, en) in sorted(THEMES.items()):
        theme = URIRef(f"{EU}data-theme/{code}")
        g.add((dataset, DCAT.theme, theme))
        g.add((theme, RDF.type, SKOS.Concept))
        _both(g, theme, SKOS.prefLabel, it, en)
    for code, (it, en) in sorted(SUBTHEMES.items()):
        subject = URIRef(f"{EUROVOC}{code}")
        g.add((dataset, DCT.subject, subject))
        g.add((subject, RDF.type, SKOS.Concept))
        _both(g, subject, SKOS.prefLabel, it, en)
    for keyword in ("bandi", "coworking", "fablab", "makerspace", "open data"):
        g.add((dataset, DCAT.keyword, Literal(keyword)))
    for language in languages:
        g.add((dataset, DCT.language, language))
    g.add((dataset, DCAT.landingPage, URIRef(base)))
    g.add((URIRef(base), RDF.type, FOAF.Document))
    contact = URIRef(f"{agent}#contact")
    g.add((dataset, DCAT.contactPoint, contact))
    for cls in (VCARD.Organization, VCARD.Kind, DCATAPIT.Organization):
        g.add((contact, RDF.type, cls))
    g.add((contact, VCARD.fn, Literal(publisher.name)))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}")))
    g.add((contact, VCARD.hasURL, URIRef(publisher.homepage)))

    for source in source_datasets:
        _source_dataset(g, catalog, dataset, source, base)
    for file in files:
        _distribution(g, stage, dataset, file, base)
    _void(g, dataset, endpoint, counts, base, dumps, bulk)
    describe_service(g, service, endpoint, counts[2], dataset=dataset, lines=bulk)
    return g


def _originators(g: Graph, dataset: URIRef, originators: Sequence[tuple[str, str, str]], bulk: list[str]) -> None:
    """The public bodies whose data the release holds, as DCAT-AP 3 qualified attributions (role: originator)."""
    g.add((ORIGINATOR, RDF.type, DCAT.Role))
    for iri, name, code in originators:
        bulk += _originator_lines(str(dataset), iri, name, code)


def _source_dataset(g: Graph, catalog: URIRef, dataset: URIRef, source: Mapping[str, Any], base: str) -> None:
    """A source the release derives from, as its own dataset: title, publisher, landing page, the EU themes of the
    release, the date it was published, its licence and the attribution that licence asks for (``dct:rights``),
    and the recorded file as its distribution (download URL, size, sha256)."""
    node = _node(base, f"dataset/{source['id']}")
    g.add((catalog, DCAT.dataset, node))
    g.add((dataset, DCT.source, node))
    for cls in (DCAT.Dataset, DCATAPIT.Dataset):
        g.add((node, RDF.type, cls))
    g.add((node, DCT.identifier, Literal(str(source["id"]))))
    title = str(source["title"])
    g.add((node, DCT.title, Literal(title)))
    g.add((node, DCT.description, Literal(title)))
    publisher = _node(base, f"agent/{source['id']}")
    _agent(g, publisher, str(source["publisher"]), str(source["id"]))
    g.add((node, DCT.publisher, publisher))
    g.add((node, DCT.rightsHolder, publisher))
    for code in sorted(THEMES):
        g.add((node, DCAT.theme, URIRef(f"{EU}data-theme/{code}")))
    for code in sorted(SUBTHEMES):
        g.add((node, DCT.subject, URIRef(f"{EUROVOC}{code}")))
    g.add((node, DCT.accrualPeriodicity, URIRef(f"{EU}frequency/IRREG")))
    published = str(source.get("published") or source.get("retrieved_at") or "")[:10]
    if published:
        g.add((node, DCT.issued, Literal(published, datatype=XSD.date)))
        g.add((node, DCT.modified, Literal(published, datatype=XSD.date)))
    if url := str(source.get("url") or ""):
        g.add((node, DCAT.landingPage, URIRef(url)))
        g.add((URIRef(url), RDF.type, FOAF.Document))
    licence = source.get("licence") or {}
    document = URIRef(str(licence["url"])) if isinstance(licence, Mapping) and licence.get("url") else None
    if document is not None:
        g.add((node, DCT.license, document))
        for cls in (DCT.LicenseDocument, DCATAPIT.LicenseDocument):
            g.add((document, RDF.type, cls))
        if licence.get("id"):
            g.add((document, DCT.identifier, Literal(str(licence["id"]))))
        # the licences with an attribution (Licence Ouverte 2.0, CC BY) are why a source is a dataset here
        g.add((document, DCT.type, URIRef("http://purl.org/adms/licencetype/Attribution")))
    rights = URIRef(f"{node}#attribution")
    g.add((node, DCT.rights, rights))
    g.add((rights, RDF.type, DCT.RightsStatement))
    _both(g, rights, RDFS.label, *both("label.source-dataset.attribution", attribution=source["attribution"]))
    if download := str(source.get("download_url") or ""):
        _source_distribution(g, node, source, URIRef(download), document)


def _source_distribution(g: Graph, dataset: URIRef, source: Mapping[str, Any], download: URIRef,
                         licence: URIRef | None) -> None:
    """The recorded snapshot of a source dataset: where it was downloaded from, its size and sha256."""
    node = URIRef(f"{dataset}/distribution/snapshot")
    g.add((dataset, DCAT.distribution, node))
    _described(g, node, (DCAT.Distribution, DCATAPIT.Distribution), both("label.source-dataset.snapshot-title"),
               both("label.source-dataset.snapshot-description"))
    g.add((node, DCAT.accessURL, download))
    g.add((node, DCAT.downloadURL, download))
    suffix = Path(str(download)).suffix.lstrip(".").lower()
    if suffix in FILE_TYPES:
        file_type = URIRef(f"{EU}file-type/{FILE_TYPES[suffix]}")
        g.add((file_type, RDF.type, DCT.MediaTypeOrExtent))
        g.add((node, DCT["format"], file_type))
    if licence is not None:
        g.add((node, DCT.license, licence))
    if size := source.get("bytes"):
        g.add((node, DCAT.byteSize, Literal(str(size), datatype=XSD.nonNegativeInteger)))
    if sha256 := str(source.get("sha256") or ""):
        checksum = URIRef(f"{node}#checksum")
        g.add((node, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SHA256))
        g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def _distribution(g: Graph, stage: Path, dataset: URIRef, file: PublishedFile, base: str) -> None:
    path = str(file["path"])
    data = None if "sha256" in file else (stage / path).read_bytes()
    node = _node(base, f"dataset/cowork-data/distribution/{file['name']}")
    g.add((dataset, DCAT.distribution, node))
    if "title" in file:
        texts = tuple(str(file[k]) for k in ("title", "title_en", "description", "description_en"))
    else:
        texts = file_texts(str(file["name"]))
    _described(g, node, (DCAT.Distribution, DCATAPIT.Distribution), texts[:2], texts[2:])
    url = _node(base, path)
    g.add((node, DCAT.accessURL, url))
    g.add((node, DCAT.downloadURL, url))
    file_type = URIRef(f"{EU}file-type/{FILE_TYPES[Path(path).suffix.lstrip('.')]}")
    g.add((file_type, RDF.type, DCT.MediaTypeOrExtent))
    g.add((node, DCT["format"], file_type))
    media_type = URIRef(f"{IANA}{file['mediatype']}")
    for cls in (DCT.MediaType, DCT.MediaTypeOrExtent):
        g.add((media_type, RDF.type, cls))
    g.add((node, DCAT.mediaType, media_type))
    g.add((node, DCT.license, CC_BY))
    size = file["bytes"] if data is None else len(data)
    g.add((node, DCAT.byteSize, Literal(str(size), datatype=XSD.nonNegativeInteger)))
    checksum = URIRef(f"{node}#checksum")
    g.add((node, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SHA256))
    sha256 = file["sha256"] if data is None else hashlib.sha256(data).hexdigest()
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    if schema := file.get("schema"):
        standard = _node(base, str(schema))
        g.add((standard, RDF.type, DCT.Standard))
        g.add((node, DCT.conformsTo, standard))


def _void(g: Graph, dataset: URIRef, endpoint: URIRef, counts: Counts, base: str, dumps: Sequence[str],
          bulk: list[str]) -> None:
    total, classes, graphs, subjects, links = counts
    g.add((dataset, VOID.triples, Literal(total)))
    g.add((dataset, VOID.distinctSubjects, Literal(subjects if isinstance(subjects, int) else len(subjects))))
    g.add((dataset, VOID.classes, Literal(len(classes))))
    g.add((dataset, VOID.sparqlEndpoint, endpoint))
    for dump in dumps:  # the N-Triples file, or its parts (a large graph)
        g.add((dataset, VOID.dataDump, _node(base, dump)))
    g.add((dataset, VOID.uriSpace, Literal(f"{base}data/")))
    g.add((dataset, VOID.feature, URIRef(f"{FORMATS}N-Triples")))
    for prefix in ("clv", "cov", "cpv", "l0", "prj", "ti", "schema", "org", "geo", "adms", "prov", "cw"):
        g.add((dataset, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for cls, n in sorted(classes.items()):
        part = URIRef(f"{dataset}#class-{hashlib.sha256(cls.encode()).hexdigest()[:12]}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n)))
    for name, n in sorted(graphs.items()):
        subset = f"<{dataset}#graph-{name.rsplit('/', 1)[-1]}>"
        bulk += [f"<{dataset}> <{VOID.subset}> {subset} .\n", f"{subset} {_TYPE} <{VOID.Dataset}> .\n",
                 f"{subset} <{SD.name}> <{name}> .\n", f'{subset} <{VOID.triples}> "{int(n)}"{_INTEGER} .\n']
    cities = URIRef(ONTOPIA_CITIES.rstrip("/"))
    linkset = URIRef(f"{dataset}#linkset-ontopia-cities")
    g.add((dataset, VOID.subset, linkset))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, CLV.hasCity))
    g.add((linkset, VOID.subjectsTarget, dataset))
    g.add((linkset, VOID.objectsTarget, cities))
    g.add((linkset, VOID.triples, Literal(links)))
    g.add((cities, RDF.type, VOID.Dataset))
    g.add((cities, DCT.title, Literal("OntoPiA — Archivio storico dei comuni", lang="it")))


def describe_service(g: Graph, service: URIRef, endpoint: URIRef, graphs: Mapping[str, int | None], *,
                     dataset: URIRef | None = None, lines: list[str] | None = None) -> None:
    """SPARQL 1.1 Service Description of the endpoint ``endpoint`` (also a ``dcat:DataService``), added to ``g``.

    ``graphs``: the named graph IRIs with their triple counts (``None``: not counted); ``dataset``: the DCAT dataset
    the service serves; ``lines``: where the named graphs' triples go as N-Triples lines (else into ``g``). Used by
    the catalogue and by the endpoint itself, which serves it at ``GET /sparql``.
    """
    for cls in (SD.Service, DCAT.DataService):
        g.add((service, RDF.type, cls))
    _both(g, service, DCT.title, *both("label.catalog.service-title"))
    g.add((service, SD.endpoint, endpoint))
    g.add((service, DCAT.endpointURL, endpoint))
    if dataset is not None:
        g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCT.license, CC_BY))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, URIRef(f"{FORMATS}{name}")))
    sd_dataset = URIRef(f"{service}-dataset")
    g.add((service, SD.defaultDataset, sd_dataset))
    g.add((sd_dataset, RDF.type, SD.Dataset))
    default = URIRef(f"{service}-default-graph")
    g.add((sd_dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("L'unione dei grafi con nome e del vocabolario.", lang="it")))
    g.add((default, RDFS.comment, Literal("The union of the named graphs and of the vocabulary.", lang="en")))
    tails = Counter(name.rsplit("/", 1)[-1] for name in graphs)
    out = lines if lines is not None else []
    for name, n in sorted(graphs.items()):
        tail = name.rsplit("/", 1)[-1]
        if tails[tail] > 1 or not re.fullmatch(r"[A-Za-z0-9._-]+", tail):  # keep the node IRIs distinct and valid
            tail = hashlib.sha256(name.encode()).hexdigest()[:12]
        term = f"<{service}-graph-{tail}>"
        out += [f"<{sd_dataset}> <{SD.namedGraph}> {term} .\n", f"{term} {_TYPE} <{SD.NamedGraph}> .\n",
                f"{term} <{SD.name}> <{name}> .\n"]
        if n is not None:
            out.append(f'{term} <{VOID.triples}> "{int(n)}"{_INTEGER} .\n')
    if lines is None and out:
        g.parse(data="".join(out), format="nt")


def write_catalog(path: Path, graph: Graph) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(graph.serialize(format="turtle", encoding="utf-8"))
