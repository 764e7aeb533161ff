"""Write `licences.csv` from the Italian licence vocabulary as ckanext-dcatapit ships it (`licences.rdf`).

    .venv/bin/python reference/licences/extract.py PATH/TO/licences.rdf > reference/licences/licences.csv

One row per concept of `https://w3id.org/italia/controlled-vocabulary/licences`: its IRI, notation, the licence
document it stands for (`dcatapit:referenceDoc`), an identifier (SPDX where SPDX has one) and the Italian and
English labels. Sorted by notation, so the output is the same for the same input.
"""

from __future__ import annotations

import csv
import re
import sys

import rdflib
from rdflib.namespace import SKOS

SCHEME = rdflib.URIRef("https://w3id.org/italia/controlled-vocabulary/licences")
DCATAPIT = rdflib.Namespace("http://dati.gov.it/onto/dcatapit#")
#: identifiers of the licences whose document is not a Creative Commons one (SPDX ids where SPDX has one)
IDS = {"A.1.2": "PDDL-1.0", "A.2.10": "ODC-By-1.0", "A.2.9": "IODL-2.0", "A.3.9": "IODL-1.0", "A.3.10": "ODbL-1.0",
       "A.3.11": "GFDL-1.3", "A.4.1": "Against-DRM-2.0", "A.1.1": "CC0-1.0"}
_CC = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)/(?:([a-z]{2})/)?$")


def identifier(notation: str, document: str) -> str:
    if notation in IDS:
        return IDS[notation]
    match = _CC.search(document)
    if match:
        family, version, country = match.groups()
        return "-".join(["CC", family.upper(), version, *([country.upper()] if country else [])])
    return ""


def main(path: str) -> None:
    graph = rdflib.Graph().parse(path)
    rows = []
    for concept in graph.subjects(SKOS.inScheme, SCHEME):
        labels = {o.language: str(o) for o in graph.objects(concept, SKOS.prefLabel)}
        notation = str(graph.value(concept, SKOS.notation) or "")
        document = str(graph.value(concept, DCATAPIT.referenceDoc) or "")
        rows.append([str(concept), notation, identifier(notation, document), document, labels.get("it", ""),
                     labels.get("en", "")])
    rows.sort(key=lambda r: [int(p) if p.isdigit() else p for p in re.split(r"\.", r[1])])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["iri", "notation", "id", "document", "label_it", "label_en"])
    out.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1])
