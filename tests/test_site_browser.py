"""The built site in headless Chromium (acceptance 1 and the runtime half of 2): markers for every published space
with coordinates, filters that change the count, popups, and no request leaving the local origin.

Fails, never skips, when Chromium or Playwright is missing. Screenshots go to ``tests.conftest.ARTIFACTS``
(outside the repository)."""

from __future__ import annotations

import csv
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from cowork_data.site import build_site
from tests.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built from the published data, served by a plain static file server on a free loopback port."""
    site = build_site(tmp_path_factory.mktemp("site") / "site", root=ROOT)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site.output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser_page(origin: str) -> Iterator[tuple[Page, list[str], list[str]]]:
    assert CHROMIUM.exists(), "Debian chromium is missing: run 'make browser' (apt-get install chromium)"
    requested: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("request", lambda request: requested.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            yield page, requested, errors
        finally:
            browser.close()


def all_spaces(space_type: str = "") -> list[dict[str, str]]:
    with (ROOT / "data" / "spaces.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if not space_type or r["type"] == space_type]


def spaces_with_coordinates(space_type: str = "") -> list[dict[str, str]]:
    return [r for r in all_spaces(space_type) if r["latitude"] and r["longitude"]]


def markers_in_dom(page: Page) -> int:
    """Markers on the map counted through the DOM: single markers plus the sizes written on the clusters."""
    return page.evaluate("""() => {
        const singles = document.querySelectorAll('.leaflet-marker-pane .space-marker').length;
        const clusters = [...document.querySelectorAll('.leaflet-marker-pane .marker-cluster span')]
            .reduce((sum, el) => sum + Number(el.textContent), 0);
        return singles + clusters;
    }""")


# The map's screenshots show the viewport (the map, its filters and counts): a full-page one also renders the table of
# every space below, and took 25 s of the test's 35 on two loaded cores.


def settle(page: Page) -> None:
    page.wait_for_timeout(400)  # marker-cluster animates for 300 ms after a change


def test_map_markers_filters_and_popup(origin: str, browser_page: tuple[Page, list[str], list[str]]) -> None:
    page, requested, errors = browser_page
    expected = len(spaces_with_coordinates())
    assert expected > 0
    page.goto(f"{origin}/index.html")
    page.wait_for_selector('#map[data-ready="true"]')
    settle(page)
    assert page.locator("#shown-count").inner_text() == str(expected)
    assert page.locator("#map").get_attribute("data-markers") == str(expected)
    assert markers_in_dom(page) == expected
    page.screenshot(path=str(ARTIFACTS / "site-map-clustered.png"))

    page.get_by_label("Raggruppa i segnaposto vicini").uncheck()
    settle(page)
    assert page.locator(".leaflet-marker-pane .space-marker").count() == expected
    assert page.locator(".leaflet-marker-pane .marker-cluster").count() == 0

    fablabs = len(spaces_with_coordinates("fablab"))
    assert 0 < fablabs < expected
    page.locator("#f-type").focus()
    page.select_option("#f-type", "fablab")
    settle(page)
    assert page.locator("#shown-count").inner_text() == str(fablabs)
    assert page.locator(".leaflet-marker-pane .space-marker").count() == fablabs
    assert page.locator(".leaflet-marker-pane .space-marker.type-coworking").count() == 0
    assert page.locator("table.spaces tbody tr:not([hidden])").count() == len(all_spaces("fablab"))
    page.screenshot(path=str(ARTIFACTS / "site-map-fablab.png"))

    # the country filter narrows the map to Italy's fablabs (apart from each other at that zoom)
    italian = [r for r in spaces_with_coordinates("fablab") if r["country"] == "IT"]
    assert 0 < len(italian) < fablabs
    page.select_option("#f-country", "IT")
    settle(page)
    assert page.locator("#shown-count").inner_text() == str(len(italian))
    name = italian[0]["name"]
    page.locator(f'.leaflet-marker-pane .space-marker[title="{name}"]').click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert name in popup.locator("h3").inner_text()
    assert "Postazioni" in popup.inner_text() and "Ammissione" in popup.inner_text()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "site-map-popup.png"))

    page.get_by_label("Nome contiene").fill("zzz-nessuno")
    settle(page)
    assert page.locator("#shown-count").inner_text() == "0"
    page.get_by_role("button", name="Azzera i filtri").click()
    settle(page)
    assert page.locator("#shown-count").inner_text() == str(expected)

    assert errors == []
    foreign = [url for url in requested if not url.startswith(origin + "/")]
    assert foreign == [], f"requests left the local origin: {foreign}"
    assert any(url.endswith("/static/vendor/leaflet/leaflet.js") for url in requested)
    assert (ARTIFACTS / "site-map-popup.png").stat().st_size > 10_000


def test_pages_load_nothing_from_the_network(origin: str, browser_page: tuple[Page, list[str], list[str]]) -> None:
    page, requested, errors = browser_page
    requested.clear()
    for path in ("schema.html", "grafici.html", "scarica.html", "bandi/f205/2013-bando-coworking.html",
                 "spazi/f205/spazio-esempio-sarpi.html", "comuni/015146.html", "quaderni/funding.html",
                 "index.html#spazio=f205/spazio-esempio-sarpi"):
        page.goto(f"{origin}/{path}")
        page.wait_for_load_state("load")
    page.wait_for_selector(".leaflet-popup-content")
    assert "Spazio Esempio Sarpi" in page.locator(".leaflet-popup-content").inner_text()
    page.goto(f"{origin}/grafici.html")
    page.screenshot(path=str(ARTIFACTS / "site-charts.png"), full_page=True)
    assert page.locator("svg.chart").count() == 5
    assert errors == []
    foreign = [url for url in requested if not url.startswith(origin + "/")]
    assert foreign == [], f"requests left the local origin: {foreign}"
