"""The ``/sparql`` page in headless Chromium (issue 19, acceptance 1): type a query and run it, the table shows the rows
``cowork-data query`` gives; a click on a data IRI opens its page on this server; the permalink reproduces the query;
an example runs in one click and its chart shows the expected figures; the downloads answer the same rows; without
JavaScript the form still answers; and no request of any of it leaves the origin.

Fails, never skips, when Chromium or Playwright is missing. Screenshots go to ``tests.conftest.ARTIFACTS``
(outside the repository)."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ARTIFACTS
from tests.serving import serving, sparql_app
from tests.test_queries import run as cli_query
from tests.test_site_browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
TYPED = "SELECT ?space ?name ?desks WHERE { ?space a cw:Workspace ; schema:name ?name ; schema:amenityFeature ?f . " \
        "?f schema:name \"workstations\" ; schema:value ?desks } ORDER BY ?space"
# What the editor holds once the typed query's prefixes were declared by it (the project's prefixes, as typed).
SPACES = f"PREFIX schema: <http://schema.org/>\nPREFIX cw: <https://w3id.org/cowork-data/vocab#>\n{TYPED}"


@pytest.fixture(scope="module")
def origin(release) -> Iterator[str]:
    store = release.output / "build" / "store"
    with sparql_app(store, timeout=10.0, max_results=1000, queries_dir=QUERIES) as app, serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian chromium is missing: run 'make browser' (apt-get install chromium)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def session(browser: Browser, origin: str) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A fresh browser context (no stored state) recording every request and every script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    requested: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        yield page, requested, errors
    finally:
        assert_same_origin(requested, origin)
        context.close()


def assert_same_origin(requested: list[str], origin: str) -> None:
    assert requested, "no request recorded"
    outside = [url for url in requested
               if not url.startswith(("data:", "blob:")) and not url.startswith(origin + "/")]
    assert outside == [], f"requests left the origin {origin}: {outside}"


def cli_rows(release, query: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(cli_query(release, query, "--format", "csv"))))


def table_rows(page: Page) -> list[list[str]]:
    """The rows of Yasr's table as shown: a link's full IRI (its title), else the cell's value."""
    return page.evaluate("""() => [...document.querySelectorAll('#results table.dataTable tbody tr')].map(tr =>
        [...tr.querySelectorAll('td')].slice(1).map(td => {
            const literal = td.querySelector('.nonIri');
            if (literal) return (literal.childNodes[0] ? literal.childNodes[0].textContent : '').replace(/^"|"$/g, '');
            const a = td.querySelector('a.iri');
            return a ? a.title : td.textContent.trim();
        }))""")


def wait_for_rows(page: Page) -> None:
    page.wait_for_function("() => document.querySelector('#summary').dataset.rows !== undefined "
                           "&& document.querySelector('#summary').dataset.rows !== ''", timeout=20_000)


def test_typed_query_shows_the_cli_rows_links_and_a_permalink(session, origin: str, release) -> None:
    page, requested, errors = session
    page.goto(f"{origin}/sparql")
    page.wait_for_selector(".CodeMirror")
    assert page.inner_text("#timeout") == "10 s" and page.inner_text("#max-results") == "1000"
    page.click(".CodeMirror-code")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(TYPED)
    page.keyboard.press("Escape")
    assert page.evaluate("() => window.coworkSparql.yasqe.getValue()") == SPACES
    page.click(".yasqe_queryButton")
    wait_for_rows(page)
    expected = cli_rows(release, SPACES)
    assert expected[0] == ["space", "name", "desks"] and len(expected) > 2
    assert table_rows(page) == expected[1:]
    assert page.get_attribute("#summary", "data-rows") == str(len(expected) - 1)
    assert "righe / rows" in page.inner_text("#summary")
    page.screenshot(path=str(ARTIFACTS / "sparql-typed-query.png"), full_page=True)

    # the downloads answer the same rows
    download = page.get_attribute("#download-csv", "href")
    with page.expect_download() as info:
        page.click("#download-csv")
    got = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert download.startswith("/sparql?") and got == expected
    as_json = page.request.get(origin + page.get_attribute("#download-json", "href")).json()
    assert [[b[v]["value"] if v in b else "" for v in as_json["head"]["vars"]]
            for b in as_json["results"]["bindings"]] == expected[1:]

    # the permalink: the address bar and the link hold it; opened, it has the query in the editor and runs it
    link = page.get_attribute("#permalink", "href")
    assert urllib.parse.parse_qs(urllib.parse.urlparse(link).query) == {"query": [SPACES]}
    assert page.url == origin + link
    page.goto(origin + link)
    wait_for_rows(page)
    assert page.evaluate("() => window.coworkSparql.yasqe.getValue()") == SPACES
    assert table_rows(page) == expected[1:]

    assert errors == []

    # a click on a data IRI opens its page on this server
    first = page.locator("#results table.dataTable tbody tr").first.locator("a.iri").first
    iri = first.get_attribute("title")
    assert first.get_attribute("href") == "/data/" + iri.removeprefix("https://w3id.org/cowork-data/data/")
    first.click()
    page.wait_for_load_state()
    assert page.url == origin + first_href(iri)
    assert page.inner_text("h1") == iri and expected[1][1] in page.content()
    assert any(url.startswith(f"{origin}/static/vendor/yasgui/yasgui.min.js") for url in requested)


def first_href(iri: str) -> str:
    return "/data/" + iri.removeprefix("https://w3id.org/cowork-data/data/")


def test_an_example_runs_in_one_click_and_charts_its_figures(session, origin: str) -> None:
    page, _requested, errors = session
    page.goto(f"{origin}/sparql")
    page.wait_for_selector(".CodeMirror")
    item = page.locator("#examples li").filter(has=page.locator('a.example[data-name="funding-2013"]'))
    description = item.locator(".description").inner_text()
    example = item.locator("a.example")
    assert description.startswith("Funding of Milan's 2013")
    example.click()
    wait_for_rows(page)
    assert page.evaluate("() => window.coworkSparql.yasqe.getValue()") == \
        (QUERIES / "funding-2013.rq").read_text(encoding="utf-8")
    page.click(".yasr .select_chart")
    page.wait_for_selector("#results svg.chart rect.bar")
    bars = page.eval_on_selector_all("#results svg.chart rect.bar", "els => els.map(e => e.dataset.value)")
    with (QUERIES / "expected" / "funding-2013.csv").open(encoding="utf-8") as fh:
        expected = [value for row in csv.DictReader(fh) for value in (row["amount"], row["total"])]
    assert bars == expected
    page.screenshot(path=str(ARTIFACTS / "sparql-chart.png"), full_page=True)
    assert errors == []


def test_without_javascript_the_form_answers(browser: Browser, origin: str, release) -> None:
    context = browser.new_context(java_script_enabled=False)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        page.goto(f"{origin}/sparql")
        assert page.is_visible("textarea#query") and page.is_visible("#run")
        page.fill("textarea#query", SPACES)
        page.select_option("#format", "html")
        page.click("#run")
        page.wait_for_selector("#answer-table")
        rows = page.evaluate("""() => [...document.querySelectorAll('#answer-table tbody tr')].map(tr =>
            [...tr.querySelectorAll('td')].slice(1).map(td => td.querySelector('a') ? td.title : td.textContent))""")
        assert rows == cli_rows(release, SPACES)[1:]
        page.fill("textarea#query", "ASK { ?s ?p ?o }")
        page.select_option("#format", "json")
        with page.expect_response(lambda r: r.url == f"{origin}/sparql") as answered:
            page.click("#run")
        assert json.loads(answered.value.text()) == {"head": {}, "boolean": True}
    finally:
        context.close()
    assert_same_origin(requested, origin)


def test_completion_knows_the_project_prefixes_and_asks_only_this_server(session, origin: str) -> None:
    page, _requested, errors = session
    page.goto(f"{origin}/sparql")
    page.wait_for_selector(".CodeMirror")
    completions: list[str] = []
    page.on("request", lambda r: completions.append(r.url) if "STRSTARTS" in (r.post_data or "") else None)
    page.click(".CodeMirror-code")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT * WHERE { ?x a cw:")
    page.wait_for_function("() => window.coworkSparql.yasqe.getValue().startsWith("
                           "'PREFIX cw: <https://w3id.org/cowork-data/vocab#>')")
    page.keyboard.type("Wor")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hint >> text=cw:Workspace")
    assert completions and set(completions) == {f"{origin}/sparql"}, "the class completer did not ask this server"
    assert errors == []
