"""Write the vocabulary files of this folder from the EU and OntoPiA vocabularies (see SOURCE.md).

Usage: .venv/bin/python tests/reference/eu-vocabularies/extract.py DIR
DIR holds the upstream files named in ``SOURCES`` (the folders eu-vocabularies-dcatapit, eu-vocabularies-semic-2017
and ontopia-ndc of the shared reference material). For each scheme it keeps only what the DCAT-AP 3.0.1
controlled-vocabulary shapes and the tests look at: every concept's ``rdf:type skos:Concept``, ``skos:inScheme``
and ``skos:prefLabel`` in Italian and English, and the scheme's ``rdf:type skos:ConceptScheme``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

AUTHORITY = "http://publications.europa.eu/resource/authority/"
#: output file → (upstream file, format, schemes kept, scheme restored on the file's concepts or None)
SOURCES = {
    "data-theme.ttl": ("eu-vocabularies-dcatapit/data-theme-filtered.rdf", "xml", (f"{AUTHORITY}data-theme",), None),
    "file-type.ttl": ("eu-vocabularies-semic-2017/filetypes-skos-ap-act.rdf", "xml", (f"{AUTHORITY}file-type",), None),
    "frequency.ttl": ("eu-vocabularies-semic-2017/frequencies-skos-ap-act.rdf", "xml", (f"{AUTHORITY}frequency",),
                      None),
    # ckanext-dcatapit's trimmed language table dropped skos:inScheme: it is restored on the concepts of the file.
    "language.ttl": ("eu-vocabularies-dcatapit/languages-filtered.rdf", "xml", (f"{AUTHORITY}language",),
                     f"{AUTHORITY}language"),
    "adms.ttl": ("eu-vocabularies-semic-2017/ADMS_SKOS_v1.00.rdf", "xml",
                 ("http://purl.org/adms/licencetype/1.0", "http://purl.org/adms/publishertype/1.0"), None),
    "licences.ttl": ("ontopia-ndc/licences.ttl", "turtle",
                     ("https://w3id.org/italia/controlled-vocabulary/licences",), None),
}


def extract(source: Path, fmt: str, schemes: tuple[str, ...], restore: str | None) -> Graph:
    upstream = Graph().parse(source, format=fmt)
    out = Graph(bind_namespaces="none")
    out.bind("skos", str(SKOS))
    out.bind("rdf", str(RDF))
    for scheme in map(URIRef, schemes):
        out.add((scheme, RDF.type, SKOS.ConceptScheme))
    for concept in set(upstream.subjects(RDF.type, SKOS.Concept)):
        found = set(upstream.objects(concept, SKOS.inScheme))
        if restore and str(concept).startswith(restore + "/"):
            found.add(URIRef(restore))
        kept = [s for s in found if str(s) in schemes]
        if not kept:
            continue
        out.add((concept, RDF.type, SKOS.Concept))
        for scheme in kept:
            out.add((concept, SKOS.inScheme, scheme))
        for label in upstream.objects(concept, SKOS.prefLabel):
            if getattr(label, "language", None) in ("it", "en"):
                out.add((concept, SKOS.prefLabel, label))
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    here = Path(__file__).parent
    for name, (path, fmt, schemes, restore) in SOURCES.items():
        graph = extract(Path(sys.argv[1]) / path, fmt, schemes, restore)
        (here / name).write_bytes(graph.serialize(format="turtle", encoding="utf-8"))
        print(f"{name}: {len(graph)} triples from {path}")
