"""A DCAT-AP (or DCAT-AP_IT) catalogue in any serialisation portals use: the datasets and their distributions.

Read with rdflib (:mod:`.rdf`: RDF/XML as ckanext-dcatapit serves it, Turtle, JSON-LD without fetching a remote
context). Properties and classes are matched by their local name (``dct:title`` and ``dc:title`` alike, a
``dcatapit:Dataset`` in a misspelt namespace still a ``Dataset``), so a catalogue that bends DCAT-AP is still read.

- a format is what ``dct:format`` names (an EU file-type IRI, a relative IRI such as ``CSV``, a literal, a node
  with a label), else ``dcat:mediaType`` (``text/csv``);
- the licence is the distribution's ``dct:license``, else the dataset's, normalised to the Italian licence
  vocabulary (:mod:`cowork_data.harvest.licences`) with the document's IRI kept;
- titles and descriptions in Italian are preferred, then untagged, then English; every language is kept;
- ``modified`` is the distribution's, else the dataset's;
- the URL is ``dcat:downloadURL``, else ``dcat:accessURL`` (a landing page, maybe: the harvest refuses an HTML
  page where a CSV was promised and names the distribution).
"""

from __future__ import annotations

from collections.abc import Iterator

import rdflib
from rdflib.term import Identifier, Literal, URIRef

from cowork_data.harvest.adapters.base import Dataset, Distribution, UnreadableSnapshot
from cowork_data.harvest.adapters.rdf import load_graph, local_name
from cowork_data.harvest.licences import normalise_licence

__all__ = ["FORMAT_OF_MEDIA_TYPE", "catalogue", "format_token", "locate"]

#: media type → format token (the EU file-type code)
FORMAT_OF_MEDIA_TYPE = {
    "text/csv": "CSV", "text/comma-separated-values": "CSV", "application/csv": "CSV",
    "text/tab-separated-values": "TSV", "application/json": "JSON", "application/geo+json": "GEOJSON",
    "application/vnd.geo+json": "GEOJSON", "application/vnd.google-earth.kml+xml": "KML",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX", "application/vnd.ms-excel": "XLS",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS", "text/html": "HTML", "application/pdf": "PDF",
    "application/zip": "ZIP", "application/rdf+xml": "RDF_XML", "text/turtle": "RDF_TURTLE",
    "application/ld+json": "JSON_LD", "application/xml": "XML", "text/xml": "XML",
}
_LANGUAGES = ("it", "", "en")


def format_token(value: str) -> str:
    """A declared format as one upper-case token: ``…/file-type/CSV``, ``csv``, ``text/csv``, ``.CSV`` → ``CSV``."""
    text = value.strip()
    lowered = text.lower().split(";", 1)[0].strip()
    for media, token in FORMAT_OF_MEDIA_TYPE.items():
        if lowered == media or lowered.endswith("/" + media):
            return token
    token = local_name(text).lstrip(".").upper().replace("-", "_")
    return {"GEO_JSON": "GEOJSON", "EXCEL": "XLS", "XLSX_": "XLSX"}.get(token, token)


def _values(graph: rdflib.Graph, node: Identifier, name: str) -> Iterator[Identifier]:
    for predicate, value in graph.predicate_objects(node):
        if local_name(str(predicate)) == name:
            yield value


def _texts(graph: rdflib.Graph, node: Identifier, name: str) -> dict[str, str]:
    """Language tag → text of a property's literals (``""`` for untagged), the first of each language."""
    found: dict[str, str] = {}
    for value in sorted(_values(graph, node, name), key=str):
        if isinstance(value, Literal) and str(value).strip():
            found.setdefault(value.language or "", str(value).strip())
    return found


def _preferred(texts: dict[str, str]) -> str:
    for language in _LANGUAGES:
        if language in texts:
            return texts[language]
    return next((texts[k] for k in sorted(texts)), "")


def _first(graph: rdflib.Graph, node: Identifier, name: str) -> str:
    return next((str(v).strip() for v in sorted(_values(graph, node, name), key=str) if str(v).strip()), "")


def _format(graph: rdflib.Graph, dist: Identifier) -> str:
    for value in sorted(_values(graph, dist, "format"), key=str):
        if isinstance(value, Literal):
            token = format_token(str(value))
        else:
            label = next((str(v) for n in ("identifier", "label", "prefLabel", "value")
                          for v in _values(graph, value, n)), "")
            token = format_token(label) if label else format_token(str(value)) if isinstance(value, URIRef) else ""
        if token:
            return token
    media = _first(graph, dist, "mediaType")
    return format_token(media) if media else ""


def _licence(graph: rdflib.Graph, *nodes: Identifier) -> dict[str, str]:
    for node in nodes:
        for value in sorted(_values(graph, node, "license"), key=str):
            names = [] if isinstance(value, Literal) or not isinstance(value, URIRef) else [str(value)]
            if not isinstance(value, Literal):
                names += [str(v) for n in ("name", "title", "prefLabel", "label") for v in _values(graph, value, n)]
            else:
                names.append(str(value))
            licence = normalise_licence(*names)
            if licence:
                return licence
    return {}


def _is_a(graph: rdflib.Graph, node: Identifier, kind: str) -> bool:
    return any(local_name(str(t)) == kind for t in graph.objects(node, rdflib.RDF.type))


def catalogue(data: bytes, *, base: str = "") -> list[Dataset]:
    """Every dataset of a catalogue with its distributions, sorted by IRI (a graph has no order of its own)."""
    graph = load_graph(data, base=base)
    nodes = {s for s in graph.subjects(rdflib.RDF.type, None) if _is_a(graph, s, "Dataset")}
    nodes |= {s for s, p, _ in graph if local_name(str(p)) == "distribution"}
    datasets = []
    for node in sorted(nodes, key=str):
        titles = _texts(graph, node, "title")
        descriptions = _texts(graph, node, "description")
        modified = _first(graph, node, "modified")
        dists = []
        for dist in sorted(_values(graph, node, "distribution"), key=str):
            download = _first(graph, dist, "downloadURL")
            url = download or _first(graph, dist, "accessURL")
            dist_titles = _texts(graph, dist, "title")
            dists.append(Distribution(
                url=url, format=_format(graph, dist).lower(), title=_preferred(dist_titles),
                licence=_licence(graph, dist, node), modified=_first(graph, dist, "modified") or modified,
                iri=str(dist) if isinstance(dist, URIRef) else "", titles=dist_titles,
                description=_preferred(_texts(graph, dist, "description")), dataset=_preferred(titles),
                download=bool(download)))
        datasets.append(Dataset(iri=str(node) if isinstance(node, URIRef) else "",
                                identifier=_first(graph, node, "identifier"), title=_preferred(titles), titles=titles,
                                description=_preferred(descriptions), descriptions=descriptions, modified=modified,
                                licence=_licence(graph, node), distributions=dists))
    return datasets


def _names(dataset: Dataset) -> set[str]:
    return {dataset.iri, local_name(dataset.iri), dataset.identifier, *dataset.titles.values()} - {""}


def locate(data: bytes, *, dataset: str = "", formats: tuple[str, ...] = ("CSV",), base: str = "",
           **_: object) -> Distribution:
    """The distribution of `dataset` (its IRI, `dct:identifier` or a title) in the first of `formats`; a download
    URL before an access URL. Without `dataset`, the catalogue must hold one dataset with such a distribution."""
    datasets = catalogue(data, base=base)
    wanted = [format_token(f) for f in formats]
    matching = [d for d in datasets if not dataset or dataset in _names(d)]
    if dataset and not matching:
        raise UnreadableSnapshot("error.catalogue-no-dataset", dataset=dataset,
                                 known=", ".join(d.identifier or d.iri for d in datasets[:10]) or "-")

    def candidates(d: Dataset) -> list[Distribution]:
        found = [x for x in d.distributions if x.url and format_token(x.format) in wanted]
        return sorted(found, key=lambda x: (wanted.index(format_token(x.format)), not x.download, x.url))

    offered = [(d, candidates(d)) for d in matching]
    offered = [(d, c) for d, c in offered if c]
    if not offered:
        raise UnreadableSnapshot("error.catalogue-no-distribution", formats="/".join(formats),
                                 dataset=dataset or "-")
    if len(offered) > 1:
        listed = "; ".join(f"{d.identifier or d.iri} ({d.title})" for d, _ in offered[:10])
        raise UnreadableSnapshot("error.catalogue-choose", count=len(offered), datasets=listed)
    return offered[0][1][0]
