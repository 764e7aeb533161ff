"""SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/), as the Wikidata Query Service
answers it: one record per solution, a column per variable, the value of each binding (an IRI, a literal, a
blank node); `{var}.lang` and `{var}.datatype` when the literal has them.

A timeout of the Wikidata Query Service comes back as HTTP 500 with a Java `TimeoutException` in the body (the
HTTP layer reports it), or, when the limit hits while results are streamed, as HTTP 200 with JSON cut short: that
is invalid JSON here, never a shorter list.
"""

from __future__ import annotations

from urllib.parse import urlencode

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot, json_document, table_from_records

__all__ = ["CLASSES", "LICENCE", "parse", "query", "query_url"]

LICENCE = "CC0-1.0"
#: Wikidata classes of the space types: coworking space (Q97307779), hackerspace (Q1032372). Items are matched
#: as instances of a class or of one of its subclasses (`wdt:P31/wdt:P279*`).
CLASSES = {"coworking": "Q97307779", "hackerspace": "Q1032372"}


def query(country_qid: str, classes: dict[str, str] | None = None, *, language: str = "fr") -> str:
    """Items that are spaces of `classes` in the country `country_qid` (Q142 France, Q38 Italy)."""
    values = " ".join(f"(wd:{qid} \"{code}\")" for code, qid in sorted((classes or CLASSES).items()))
    return f"""SELECT ?item ?itemLabel ?type ?coord ?website ?street ?postcode ?city ?cityLabel ?insee ?istat WHERE {{
  VALUES (?class ?type) {{ {values} }}
  ?item wdt:P31/wdt:P279* ?class ; wdt:P17 wd:{country_qid} .
  OPTIONAL {{ ?item wdt:P625 ?coord . }}
  OPTIONAL {{ ?item wdt:P856 ?website . }}
  OPTIONAL {{ ?item wdt:P6375 ?street . }}
  OPTIONAL {{ ?item wdt:P281 ?postcode . }}
  OPTIONAL {{ ?item wdt:P131 ?city . OPTIONAL {{ ?city wdt:P374 ?insee . }} OPTIONAL {{ ?city wdt:P635 ?istat . }} }}
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language "{language},en" . }}
}}
ORDER BY ?item"""


def query_url(endpoint: str, sparql: str) -> str:
    return f"{endpoint}?{urlencode({'query': sparql, 'format': 'json'})}"


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "sparql-json") -> RawTable:
    document = json_document(data, "error.sparql-not-json")
    head, results = (document.get("head"), document.get("results")) if isinstance(document, dict) else (None, None)
    if not isinstance(head, dict) or not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        raise UnreadableSnapshot("error.sparql-not-results")
    variables = [str(v) for v in head.get("vars") or []]
    records = []
    for solution in results["bindings"]:
        if not isinstance(solution, dict):
            raise UnreadableSnapshot("error.sparql-solution")
        record = dict.fromkeys(variables, "")
        for name, binding in solution.items():
            if not isinstance(binding, dict) or "value" not in binding:
                raise UnreadableSnapshot("error.sparql-binding", name=name)
            record[name] = str(binding["value"])
            for extra in ("xml:lang", "datatype"):
                if extra in binding:
                    record[f"{name}.{extra.removeprefix('xml:')}"] = str(binding[extra])
        records.append(record)
    table = table_from_records(records, "solution")
    if not records:  # the header is still the query's variables
        table.header = variables
    return table
