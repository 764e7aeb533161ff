"""RDF documents as catalogues publish them (RDF/XML, Turtle, N-Triples, JSON-LD), read into an rdflib graph offline.

- the serialisation is told by the content (``<rdf:RDF``, ``@prefix``, ``{``), not by a header;
- RDF/XML with a DTD: a DTD that only declares plain internal entities (``<!ENTITY dct "http://purl.org/dc/terms/">``,
  the way AgID's DCAT-AP_IT examples abbreviate namespaces) is expanded here, once, with no entity inside another;
  anything else in a DTD (external entities, parameter entities, nested references) is refused: XXE and entity
  expansion never reach the XML parser;
- JSON-LD never fetches a remote ``@context``: a context given by URL is replaced by the DCAT-AP terms and prefixes
  of :data:`CONTEXT`, so a catalogue whose context is published elsewhere is still read.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import rdflib

from cowork_data.harvest.adapters.base import UnreadableSnapshot

__all__ = ["CONTEXT", "load_graph", "local_name", "serialisation"]

_NS = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
       "dcterms": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
       "dcatapit": "http://dati.gov.it/onto/dcatapit#", "vcard": "http://www.w3.org/2006/vcard/ns#",
       "adms": "http://www.w3.org/ns/adms#", "xsd": "http://www.w3.org/2001/XMLSchema#",
       "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
       "skos": "http://www.w3.org/2004/02/skos/core#", "owl": "http://www.w3.org/2002/07/owl#",
       "locn": "http://www.w3.org/ns/locn#", "schema": "http://schema.org/", "spdx": "http://spdx.org/rdf/terms#"}
_DCT_TERMS = ("title", "description", "identifier", "modified", "issued", "license", "format", "publisher",
              "language", "rights", "spatial", "temporal", "accessRights", "conformsTo", "creator", "rightsHolder")
_DCAT_TERMS = ("dataset", "distribution", "downloadURL", "accessURL", "mediaType", "keyword", "theme", "landingPage",
               "contactPoint", "byteSize", "Catalog", "Dataset", "Distribution")
_IRI_TERMS = {"license", "format", "publisher", "language", "rights", "spatial", "accessRights", "conformsTo",
              "creator", "rightsHolder", "dataset", "distribution", "downloadURL", "accessURL", "mediaType", "theme",
              "landingPage", "contactPoint"}
#: The context used in place of one given by URL: the prefixes and the DCAT-AP terms by their short names.
CONTEXT: dict[str, Any] = {
    **_NS,
    **{t: ({"@id": f"dct:{t}", "@type": "@id"} if t in _IRI_TERMS else f"dct:{t}") for t in _DCT_TERMS},
    **{t: ({"@id": f"dcat:{t}", "@type": "@id"} if t in _IRI_TERMS else f"dcat:{t}") for t in _DCAT_TERMS},
    "name": "foaf:name",
}
_PREDEFINED = rb"&(?:quot|amp|lt|gt|apos|#[0-9]+|#x[0-9a-fA-F]+);"
_ENTITY = re.compile(rb"<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(\"(?:[^\"&%<]|" + _PREDEFINED + rb")*\"|'(?:[^'&%<]|"
                     + _PREDEFINED + rb")*')\s*>")
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[\w:.-]+\s*\[(.*?)\]\s*>", re.S)
#: Most bytes a document may grow to by expanding its internal entities (it was only abbreviating namespaces).
MAX_EXPANSION = 4


def local_name(iri: str) -> str:
    """``http://…/file-type/CSV`` → ``CSV``; ``dcat:Dataset`` → ``Dataset`` (a relative IRI, ``CSV``, stays)."""
    return re.split(r"[/#:]", iri.rstrip("/#"))[-1]


def serialisation(data: bytes) -> str:
    """``xml``, ``json-ld`` or ``turtle``: what an RDF document is written in, from its first characters."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048]
    if head[:1] in (b"{", b"["):
        return "json-ld"
    if head[:1] == b"<" and not head.startswith((b"<http", b"<urn:")):
        return "xml"
    return "turtle"


def _expand_entities(data: bytes) -> bytes:
    match = _DOCTYPE.search(data)
    if match is None:
        raise UnreadableSnapshot("error.catalogue-dtd")
    declarations = match.group(1)
    entities = {m.group(1): m.group(2)[1:-1] for m in _ENTITY.finditer(declarations)}
    if _ENTITY.sub(b"", declarations).strip(b" \t\r\n") or not entities:
        raise UnreadableSnapshot("error.catalogue-dtd")
    body = data[:match.start()] + data[match.end():]
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise UnreadableSnapshot("error.catalogue-dtd")

    def value(ref: re.Match[bytes]) -> bytes:
        name = ref.group(1)
        return entities[name] if name in entities else ref.group(0)

    expanded = re.sub(rb"&([A-Za-z_][\w.-]*);", value, body)
    if len(expanded) > MAX_EXPANSION * len(data) + 4096:
        raise UnreadableSnapshot("error.catalogue-dtd")
    return expanded


def _offline_context(value: Any) -> Any:
    """Every ``@context`` given by URL replaced by :data:`CONTEXT`; ``@import`` dropped."""
    if isinstance(value, list):
        return [_offline_context(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "@context":
            out[key] = _context(item)
        else:
            out[key] = _offline_context(item)
    return out


def _context(item: Any) -> Any:
    if isinstance(item, str):
        return CONTEXT
    if isinstance(item, list):
        return [_context(i) for i in item]
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if k != "@import"}
    return item


def load_graph(data: bytes, *, base: str = "") -> rdflib.Graph:
    """The graph of an RDF document; raises :class:`UnreadableSnapshot` naming the serialisation and the fault."""
    fmt = serialisation(data)
    graph = rdflib.Graph()
    quiet = _Quiet()
    logging.getLogger("rdflib.term").addFilter(quiet)
    try:
        if fmt == "json-ld":
            document = _offline_context(json.loads(data.decode("utf-8-sig")))
            graph.parse(data=json.dumps(document), format="json-ld", base=base or None)
        else:
            if fmt == "xml" and re.search(rb"<(?:!doctype\s+html|html)\b", data[:2048], re.I):
                raise UnreadableSnapshot("error.catalogue-html")
            if fmt == "xml" and (b"<!DOCTYPE" in data or b"<!ENTITY" in data):
                data = _expand_entities(data)
            graph.parse(data=data, format=fmt, publicID=base or None)
    except UnreadableSnapshot:
        raise
    except Exception as exc:  # noqa: BLE001 - rdflib's parsers raise many kinds of error on bad input
        label = {"xml": "RDF/XML", "json-ld": "JSON-LD", "turtle": "Turtle"}[fmt]
        raise UnreadableSnapshot("error.catalogue-syntax", format=label, detail=str(exc)[:200]) from exc
    finally:
        logging.getLogger("rdflib.term").removeFilter(quiet)
    return graph


class _Quiet(logging.Filter):
    """Drops rdflib's warning on each IRI of a misspelt namespace (``…dcatapit#"Dataset``), once per term: the
    catalogue is read all the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "does not look like a valid URI" not in record.getMessage()
