"""The ``/sparql`` page and its split from the protocol: a browser's GET for HTML is the page (with the query of a
permalink in the editor), every other request is the SPARQL 1.1 Protocol, answered as before."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from cowork_data.serve.sparql_page import example_queries
from tests.serving import sparql_app
from tests.test_queries import run as cli_query

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
VENDOR = ROOT / "cowork_data" / "serve" / "static" / "vendor"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ASK = "ASK { ?s a <https://w3id.org/cowork-data/vocab#Workspace> }"


class _Textarea(HTMLParser):
    """The text of ``<textarea id="query">``, unescaped as a browser would."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "textarea" and ("id", "query") in attrs

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


def editor_text(html: str) -> str:
    parser = _Textarea()
    parser.feed(html)
    return parser.text.removeprefix("\n")


@pytest.fixture(scope="module")
def client(release) -> Iterator[TestClient]:
    store = release.output / "build" / "store"
    with sparql_app(store, timeout=5.0, max_results=100, queries_dir=QUERIES) as app, TestClient(app) as test_client:
        yield test_client


def test_the_page_lists_every_example_with_its_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    examples = example_queries(QUERIES)
    assert {e.name for e in examples} == {p.stem for p in QUERIES.glob("*.rq")}
    for example in examples:
        assert example.name in response.text and example.title and example.title in html.unescape(response.text)
    assert '<strong id="timeout">5 s</strong>' in response.text
    assert '<strong id="max-results">100</strong>' in response.text
    assert editor_text(response.text) == examples[0].text


def test_a_permalink_opens_the_page_with_its_query(client: TestClient) -> None:
    query = 'SELECT ?s WHERE { ?s ?p "a < b & \\"c\\"" } # è'
    response = client.get("/sparql?query=" + urllib.parse.quote(query), headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert editor_text(response.text) == query


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "*/*", "", "text/html;q=0.5, */*"])
def test_other_accepts_get_the_protocol_answer(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", params={"query": ASK}, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert json.loads(response.text) == {"head": {}, "boolean": True}


def test_format_parameter_and_post_stay_the_protocol(client: TestClient) -> None:
    got = client.get("/sparql", params={"query": ASK, "format": "csv"}, headers={"Accept": BROWSER})
    assert got.headers["content-type"].startswith("text/csv") and got.text == "true\n"
    posted = client.post("/sparql", data={"query": ASK}, headers={"Accept": BROWSER})  # application/xml;q=0.9
    assert posted.headers["content-type"].startswith("application/sparql-results+xml")
    missing = client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert missing.status_code == 400 and "query" in missing.text


def test_static_files_of_the_page_are_served(client: TestClient) -> None:
    html = client.get("/sparql", headers={"Accept": BROWSER}).text
    for ref in ("/static/sparql.css", "/static/sparql.js"):
        assert ref in html
        assert client.get(ref).status_code == 200


def answer_rows(page: str) -> list[list[str]]:
    """The server-drawn answer table: the full IRI (the link's title) or the text of each cell."""
    body = page.split('<table id="answer-table">', 1)[1].split("</table>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr><td class=\"n\">\d+</td>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td(?: title=\"([^\"]*)\")?>(.*?)</td>", tr, flags=re.S)
        rows.append([html.unescape(title if "<a " in text else re.sub(r"<[^>]+>", "", text)) for title, text in cells])
    return rows


def test_format_html_draws_the_answer_like_the_cli(client: TestClient, release) -> None:
    query = (QUERIES / "admitted-without-voucher.rq").read_text(encoding="utf-8")
    response = client.post("/sparql", data={"query": query, "format": "html"}, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    expected = list(csv.reader(io.StringIO(cli_query(release, "--file", str(QUERIES / "admitted-without-voucher.rq"),
                                                     "--format", "csv"))))
    assert answer_rows(response.text) == expected[1:]
    assert f"{len(expected) - 1} righe / rows" in response.text
    assert editor_text(response.text) == query


def test_format_html_links_data_iris_to_their_local_page(client: TestClient) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/cowork-data/vocab#Workspace> } ORDER BY ?s LIMIT 1"
    page = client.get("/sparql", params={"query": query, "format": "html"}, headers={"Accept": BROWSER}).text
    href = re.search(r'<a class="iri" href="([^"]+)">', page).group(1)
    assert href.startswith("/data/workspace/")
    described = client.get(href, headers={"Accept": "text/html"})
    assert described.status_code == 200 and "https://w3id.org/cowork-data" + href in described.text


def test_format_html_of_construct_ask_and_errors(client: TestClient) -> None:
    construct = ("CONSTRUCT { ?s <http://schema.org/name> ?n } WHERE { "
                 "?s a <https://w3id.org/cowork-data/vocab#Workspace> ; <http://schema.org/name> ?n }")
    page = client.get("/sparql", params={"query": construct, "format": "html"}, headers={"Accept": BROWSER}).text
    assert "<th>subject</th><th>predicate</th><th>object</th>" in page and "schema:name" in page
    asked = client.get("/sparql", params={"query": ASK, "format": "html"}, headers={"Accept": BROWSER})
    assert "sì / yes" in asked.text
    bad = client.post("/sparql", data={"query": "SELEC nothing", "format": "html"}, headers={"Accept": BROWSER})
    assert bad.status_code == 400 and "Query SPARQL non valida" in bad.text and "Invalid SPARQL query" in bad.text
    update = client.post("/sparql", data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "format": "html"})
    assert update.status_code == 403 and "read-only" in update.text


def test_vendored_files_are_the_published_package_files() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for name in ("yasgui.min.js", "yasgui.min.css"):
        digest = hashlib.sha256((VENDOR / "yasgui" / name).read_bytes()).hexdigest()
        assert f"`{name}` `{digest}`" in readme.replace("\n", " ")
    assert (VENDOR / "yasgui" / "LICENSE").read_text(encoding="utf-8").startswith("The MIT License")
    notices = (VENDOR / "yasgui" / "THIRD-PARTY-LICENCES.txt").read_text(encoding="utf-8")
    for bundled in ("codemirror@", "datatables.net@", "jquery@", "dompurify@", "n3@"):
        assert bundled in notices
