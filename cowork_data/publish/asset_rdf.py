"""The RDF of the semantic assets: their DCAT-AP_IT metadata, the controlled vocabularies, the ontology.

- :func:`describe`: what the Italian National Data Catalog (NDC, schema.gov.it) and AgID's DCAT-AP_IT rules ask of
  an asset's metadata (identifier, titles, descriptions, dates, theme, rights holder, publisher, contact point,
  frequency, languages, keywords, distributions with format, media type and licence);
- :func:`vocabulary_assets`: each SKOS concept scheme of ``vocab/`` as ``controlled-vocabularies/{scheme}/``
  (Turtle with its metadata, a CSV, a data package whose schema has an ``x-jsonld-context``);
- :func:`ontology_assets`: the project's own ontology (``vocab/cw.ttl``) as ``ontologies/vocab/{version}/vocab.ttl``
  with the metadata NDC's ``Ontologie/rules.shacl`` asks for (the file is named by the end of the ontology's IRI).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from cowork_data import i18n
from cowork_data.namespaces import ADMS, DCAT, DCATAPIT, DCT, DEFAULT_BASE, FOAF, PREFIXES, VCARD, VOCAB_BASE
from cowork_data.publish.publisher import Publisher

__all__ = ["ADMSAPIT", "NDC", "ONTOLOGIES", "VOCABULARIES", "Distribution", "agent", "both", "describe",
           "metadata_graph", "ontology_assets", "ontology_name", "ontology_source", "turtle",
           "vocabulary_assets"]

ASSETS = "assets"
VOCABULARIES = "controlled-vocabularies"
ONTOLOGIES = "ontologies"
NDC = Namespace("https://w3id.org/italia/onto/NDC/")
ADMSAPIT = Namespace("https://w3id.org/italia/onto/ADMS/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
CC0 = URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10")
PUBLIC_DOMAIN = URIRef("http://purl.org/adms/licencetype/PublicDomain")
THEME = URIRef(f"{EU}data-theme/ECON")
_CSV_COLUMNS = ("code", "label_it", "label_en", "definition_it", "definition_en")


def turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def both(g: Graph, s: URIRef, p: URIRef, it: str, en: str) -> None:
    g.add((s, p, Literal(it, lang="it")))
    g.add((s, p, Literal(en, lang="en")))


def agent(g: Graph, publisher: Publisher, base: str) -> URIRef:
    """The publisher as DCAT-AP_IT's agent (the catalogue's), and its contact point."""
    agent = URIRef(f"{base}agent/{publisher.identifier}")
    for cls in (FOAF.Agent, DCATAPIT.Agent):
        g.add((agent, RDF.type, cls))
    g.add((agent, FOAF.name, Literal(publisher.name)))
    g.add((agent, DCT.identifier, Literal(publisher.identifier)))
    contact = URIRef(f"{agent}#contact")
    for cls in (VCARD.Organization, VCARD.Kind, DCATAPIT.Organization):
        g.add((contact, RDF.type, cls))
    g.add((contact, VCARD.fn, Literal(publisher.name)))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}")))
    g.add((contact, VCARD.hasURL, URIRef(publisher.homepage)))
    return agent


@dataclass(frozen=True)
class Distribution:
    node: URIRef
    url: str
    file_type: str
    media_type: str
    title: tuple[str, str]
    description: tuple[str, str]


def describe(g: Graph, node: URIRef, *, identifier: str, title: tuple[str, str], description: tuple[str, str],
              version: str, modified: str, keywords: tuple[str, ...], distributions: list[Distribution],
              publisher: Publisher, base: str) -> None:
    """The DCAT-AP_IT metadata of an asset (what NDC's rules and AgID's validator require)."""
    owner = agent(g, publisher, base)
    for cls in (DCATAPIT.Dataset, DCAT.Dataset, ADMS.Asset):
        g.add((node, RDF.type, cls))
    g.add((node, DCT.identifier, Literal(identifier)))
    both(g, node, DCT.title, *title)
    both(g, node, DCT.description, *description)
    g.add((node, DCT.modified, Literal(modified, datatype=XSD.date)))
    g.add((node, OWL.versionInfo, Literal(version)))
    g.add((node, DCAT.theme, THEME))
    g.add((THEME, RDF.type, SKOS.Concept))
    g.add((node, DCT.rightsHolder, owner))
    g.add((node, DCT.publisher, owner))
    g.add((node, DCAT.contactPoint, URIRef(f"{owner}#contact")))
    frequency = URIRef(f"{EU}frequency/IRREG")
    g.add((node, DCT.accrualPeriodicity, frequency))
    g.add((frequency, RDF.type, DCT.Frequency))
    for language in ("ITA", "ENG"):
        iri = URIRef(f"{EU}language/{language}")
        g.add((node, DCT.language, iri))
        g.add((iri, RDF.type, DCT.LinguisticSystem))
    for keyword in keywords:
        g.add((node, DCAT.keyword, Literal(keyword)))
    for licence_class in (DCT.LicenseDocument, DCATAPIT.LicenseDocument):
        g.add((CC0, RDF.type, licence_class))
    g.add((CC0, DCT.type, PUBLIC_DOMAIN))
    g.add((PUBLIC_DOMAIN, RDF.type, SKOS.Concept))
    g.add((CC0, FOAF.name, Literal("Creative Commons CC0 1.0 Universale - Public Domain Dedication (CC0 1.0)",
                                   lang="it")))
    for d in distributions:
        g.add((node, DCAT.distribution, d.node))
        for cls in (DCATAPIT.Distribution, DCAT.Distribution):
            g.add((d.node, RDF.type, cls))
        both(g, d.node, DCT.title, *d.title)
        both(g, d.node, DCT.description, *d.description)
        g.add((d.node, DCAT.accessURL, URIRef(d.url)))
        g.add((d.node, DCAT.downloadURL, URIRef(d.url)))
        file_type, media = URIRef(f"{EU}file-type/{d.file_type}"), URIRef(f"{IANA}{d.media_type}")
        g.add((d.node, DCT["format"], file_type))
        g.add((file_type, RDF.type, DCT.MediaTypeOrExtent))
        g.add((d.node, DCAT.mediaType, media))
        for cls in (DCT.MediaType, DCT.MediaTypeOrExtent):
            g.add((media, RDF.type, cls))
        g.add((d.node, DCT.license, CC0))


def metadata_graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix in ("adms", "dcat", "dcatapit", "dct", "foaf", "skos", "vcard", "cw"):
        g.bind(prefix, PREFIXES[prefix])
    for prefix, namespace in (("ndc", NDC), ("admsapit", ADMSAPIT), ("owl", OWL), ("rdfs", RDFS), ("xsd", XSD)):
        g.bind(prefix, str(namespace))
    return g


# Controlled vocabularies


def _text(g: Graph, s: URIRef, p: URIRef, lang: str) -> str:
    return next((str(o) for o in g.objects(s, p) if getattr(o, "language", None) == lang), "")


def vocabulary_assets(root: Path, publisher: Publisher, version: str, modified: str,
                      base: str = DEFAULT_BASE) -> dict[str, bytes]:
    """The files of every SKOS concept scheme in ``vocab/``, by path relative to ``assets/``."""
    out: dict[str, bytes] = {}
    for path in sorted((root / "vocab").glob("*.ttl")):
        source = Graph().parse(path, format="turtle")
        for scheme in sorted(source.subjects(RDF.type, SKOS.ConceptScheme)):
            name = str(scheme).removeprefix(VOCAB_BASE)
            folder = f"{VOCABULARIES}/{name}"
            g = metadata_graph()
            g += source
            url = f"{base}{ASSETS}/{folder}/{name}"
            label = (_text(source, scheme, RDFS.label, "it"), _text(source, scheme, RDFS.label, "en"))
            describe(g, scheme, identifier=f"{publisher.identifier}:{name}", title=label,
                      description=(_text(source, scheme, RDFS.comment, "it"),
                                   _text(source, scheme, RDFS.comment, "en")),
                      version=version, modified=modified, keywords=("coworking", label[0], label[1]),
                      publisher=publisher, base=base, distributions=[
                          Distribution(URIRef(f"{scheme}#turtle"), f"{url}.ttl", "RDF_TURTLE", "text/turtle",
                                        (f"{label[0]} (Turtle)", f"{label[1]} (Turtle)"),
                                        i18n.both("label.asset.skos-description")),
                          Distribution(URIRef(f"{scheme}#csv"), f"{url}.csv", "CSV", "text/csv",
                                        (f"{label[0]} (CSV)", f"{label[1]} (CSV)"),
                                        i18n.both("label.asset.csv-description"))])
            g.add((scheme, NDC.keyConcept, Literal(name)))
            g.add((scheme, ADMS.representationTechnique, URIRef("http://purl.org/adms/representationtechnique/SKOS")))
            out[f"{folder}/{name}.ttl"] = turtle(g)
            out[f"{folder}/{name}.csv"] = _vocabulary_csv(source, scheme)
            out[f"{folder}/datapackage.json"] = _vocabulary_package(name, str(scheme), label, version)
    return out


def _vocabulary_csv(g: Graph, scheme: URIRef) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for concept in sorted(g.subjects(SKOS.inScheme, scheme), key=lambda c: str(g.value(c, SKOS.notation))):
        writer.writerow([str(g.value(concept, SKOS.notation)),
                         *(_text(g, concept, p, lang) for p in (SKOS.prefLabel, SKOS.definition)
                           for lang in ("it", "en"))])
    return buffer.getvalue().encode("utf-8")


def _vocabulary_package(name: str, scheme: str, label: tuple[str, str], version: str) -> bytes:
    """A Data Package (v2) of the CSV; its schema's ``x-jsonld-context`` turns a row into the concept's triples."""
    context: dict[str, Any] = {
        "@base": f"{scheme}/", "skos": str(SKOS), "code": "@id",
        "label_it": {"@id": "skos:prefLabel", "@language": "it"},
        "label_en": {"@id": "skos:prefLabel", "@language": "en"},
        "definition_it": {"@id": "skos:definition", "@language": "it"},
        "definition_en": {"@id": "skos:definition", "@language": "en"},
    }
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name,
        "title": f"{label[0]} / {label[1]}",
        "version": version,
        "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
        "resources": [{
            "name": name, "type": "table", "path": f"{name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [{"name": c, "type": "string"} for c in _CSV_COLUMNS],
                "primaryKey": ["code"],
                "x-jsonld-context": context,
            },
        }],
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# The ontology


def ontology_source(root: Path) -> tuple[Graph, URIRef, str]:
    """The project's ontology (``vocab/cw.ttl``), its IRI and its ``owl:versionInfo``."""
    from cowork_data.errors import ConfigError

    path = root / "vocab" / "cw.ttl"
    try:
        graph = Graph(bind_namespaces="none").parse(path, format="turtle")
    except (OSError, ValueError) as exc:
        raise ConfigError("error.assets-ontology-unreadable", path=path, reason=exc) from exc
    nodes = sorted(graph.subjects(RDF.type, OWL.Ontology))
    version = graph.value(nodes[0], OWL.versionInfo) if len(nodes) == 1 else None
    if version is None:
        raise ConfigError("error.assets-ontology-version", path=path)
    return graph, nodes[0], str(version)


def ontology_name(node: URIRef) -> str:
    """The ontology's name in the assets tree: the end of its IRI (NDC names the file after it)."""
    return str(node).rstrip("/").rsplit("/", 1)[-1]


def ontology_assets(root: Path, publisher: Publisher, *, issued: str, modified: str,
                    base: str = DEFAULT_BASE) -> bytes:
    """The Turtle of ``ontologies/{name}/v{version}/{name}.ttl``: the ontology with its NDC metadata."""
    source, node, version = ontology_source(root)
    name = ontology_name(node)
    g = metadata_graph()
    for prefix, namespace in source.namespaces():  # the ontology's own prefixes
        g.bind(prefix, namespace)
    g += source
    url = f"{base}{ASSETS}/{ONTOLOGIES}/{name}/v{version}/{name}.ttl"
    owner = agent(g, publisher, base)
    g.add((node, OWL.versionIRI, URIRef(url)))
    g.add((node, ADMSAPIT.acronym, Literal("cw")))
    g.add((node, ADMSAPIT.prefix, Literal("cw")))
    both(g, node, DCT.title, _text(source, node, RDFS.label, "it"), _text(source, node, RDFS.label, "en"))
    both(g, node, DCT.description, _text(source, node, RDFS.comment, "it"), _text(source, node, RDFS.comment, "en"))
    g.add((node, DCT.issued, Literal(issued, datatype=XSD.date)))
    g.add((node, DCT.modified, Literal(modified, datatype=XSD.date)))
    for p in (DCT.creator, DCT.rightsHolder, DCT.publisher):
        g.add((node, p, owner))
    g.add((node, DCT.accrualPeriodicity, URIRef(f"{EU}frequency/IRREG")))
    g.add((node, DCAT.theme, THEME))
    for keyword in ("coworking", "fablab", "makerspace", "bandi"):
        g.add((node, DCAT.keyword, Literal(keyword)))
    distribution = URIRef(f"{url}#distribution")
    g.add((node, ADMSAPIT.hasSemanticAssetDistribution, distribution))
    for cls in (ADMSAPIT.SemanticAssetDistribution, DCAT.Distribution):
        g.add((distribution, RDF.type, cls))
    g.add((distribution, DCAT.accessURL, URIRef(url)))
    g.add((distribution, DCAT.downloadURL, URIRef(url)))
    g.add((distribution, DCT["format"], URIRef(f"{EU}file-type/RDF_TURTLE")))
    return turtle(g)
