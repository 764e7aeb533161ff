"""The independent checks of DCAT-AP_IT metadata, shared by the catalogue's and the semantic assets' tests.

- AgID's DCAT-AP_IT validator rules (154 SPARQL queries, tests/reference/dcat-ap_it-agid-sparql-rules, Apache-2.0);
- the DCAT-AP 3.0.1 shapes, ranges, recommendations and controlled-vocabulary shapes (tests/reference/dcat-ap-3.0.1)
  with extracts of the EU vocabularies loaded (tests/reference/eu-vocabularies).
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cowork_data.namespaces import SH

REFERENCE = Path(__file__).parent / "reference"
DCAT_AP = REFERENCE / "dcat-ap-3.0.1"
AGID = REFERENCE / "dcat-ap_it-agid-sparql-rules"
VOCABULARIES = REFERENCE / "eu-vocabularies"
#: The prefixes AgID's engine predeclared: rules 92, 96, 174, 175, 178-180, 195 and 197 use them undeclared.
AGID_PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                 "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#"}


@cache
def agid_rules() -> tuple[tuple[str, str], ...]:
    """(file name, query) of every active rule (the ``*.rq.suspended`` ones are AgID's disabled rules)."""
    return tuple((p.name, p.read_text(encoding="utf-8")) for p in sorted(AGID.glob("*.rq")))


def agid_findings(graph: Graph) -> list[tuple[str, str, str]]:
    """(rule, severity, message) of every row the rules return on ``graph``."""
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    found = []
    for name, query in agid_rules():
        for row in store.query(query, prefixes=AGID_PREFIXES):
            found.append((name, row["Rule_Severity"].value, row["Message"].value))
    return sorted(found)


@cache
def dcat_ap_shapes() -> Graph:
    shapes = Graph()
    for name in ("html-shacl-shapes.ttl", "html-shacl-range.ttl", "html-shacl-shapes_recommended.ttl",
                 "html-shacl-mdr-vocabularies.shape.ttl"):
        shapes.parse(DCAT_AP / name, format="turtle")
    return shapes


@cache
def vocabularies() -> Graph:
    vocab = Graph()
    for path in sorted(VOCABULARIES.glob("*.ttl")):
        vocab.parse(path, format="turtle")
    return vocab


def dcat_ap_results(catalog: Graph) -> Counter[tuple[str, str, str]]:
    """(severity, path, constraint component) → count of the DCAT-AP 3.0.1 results on ``catalog``.

    What the vocabularies say of the IRIs the catalogue names is added to the data graph (the whole tables would
    make pySHACL check thousands of concepts nobody uses; an IRI the tables lack gets nothing and fails).
    """
    data = Graph()
    data += catalog
    named = {o for o in catalog.objects() if isinstance(o, URIRef)} | set(catalog.subjects())
    for triple in vocabularies():
        if triple[0] in named:
            data.add(triple)
    _conforms, results, _text = validate(data, shacl_graph=dcat_ap_shapes(), inference="none", advanced=True,
                                         allow_warnings=True)
    found: Counter[tuple[str, str, str]] = Counter()
    report = results.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    for result in results.objects(report, SH.result):  # not the nested ones (sh:detail) of a sh:node result
        found[(str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
               str(results.value(result, SH.resultPath)),
               str(results.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1])] += 1
    return found


def violations(found: Counter[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return sorted(k for k in found if k[0] == "Violation")
