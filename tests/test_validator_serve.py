"""`cowork-data serve`, page /valida: upload, report, language switch, size limit, nothing kept; and the same page in
headless Chromium through Playwright (acceptance 5). The browser test fails, never skips, without Chromium."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from cowork_data.serve import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "validator"))
import make_fixtures  # noqa: E402

from tests.conftest import ARTIFACTS
from tests.serving import serving

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LIMIT = 200_000


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(create_app(max_upload_bytes=LIMIT)) as base:
        yield base


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_fixtures.write(tmp_path_factory.mktemp("planted"))


def test_upload_report_in_both_languages_and_nothing_kept(server: str, planted: dict[str, Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    page = requests.get(f"{server}/valida", timeout=10)
    assert page.status_code == 200 and "Valida il tuo elenco" in page.text and 'type="file"' in page.text
    with planted["xlsx"].open("rb") as fh:
        italian = requests.post(f"{server}/valida", files={"file": ("elenco.xlsx", fh)}, timeout=30)
    assert italian.status_code == 200
    assert "Il file NON è valido" in italian.text and "13 errori, 9 avvisi" in italian.text
    for cell, *_ in make_fixtures.planted():
        assert f'data-cell="{cell}"' in italian.text
    with planted["csv"].open("rb") as fh:
        english = requests.post(f"{server}/valida?lang=en", files={"file": ("elenco.csv", fh)}, timeout=30)
    assert "The file is NOT valid" in english.text and "has a wrong check digit" in english.text
    assert list(tmp_path.iterdir()) == []  # the temporary copy is deleted before the response


def test_upload_limit_and_unreadable_file(server: str) -> None:
    too_big = requests.post(f"{server}/valida", files={"file": ("grande.csv", b"a;b\n" * 100_000)}, timeout=30)
    assert too_big.status_code == 413 and "troppo grande" in too_big.text and "0.2 MB" in too_big.text
    pdf = requests.post(f"{server}/valida?lang=en", files={"file": ("x.pdf", b"%PDF-1.4 nothing")}, timeout=30)
    assert pdf.status_code == 422 and "(PDF) cannot be read" in pdf.text
    nothing = requests.post(f"{server}/valida", files={"file": ("", b"")}, timeout=30)
    assert nothing.status_code == 400


def test_browser_upload_shows_findings_and_highlights_cells(server: str, planted: dict[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium is missing: run 'make browser' (apt-get install chromium)"
    artifacts = ARTIFACTS
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{server}/valida")
            assert page.locator("h1").inner_text() == "Valida il tuo elenco"
            page.set_input_files("#file", str(planted["xlsx"]))
            page.click("#submit")
            page.wait_for_selector("#summary")
            assert "NON è valido" in page.locator("#summary").inner_text()
            assert page.locator("tr.finding").count() == len(make_fixtures.planted())
            highlighted = page.locator("table.grid td.cell-error, table.grid td.cell-warning")
            cells = sorted(highlighted.evaluate_all("els => els.map(e => e.dataset.cell)"))
            assert cells == sorted(cell for cell, *_ in make_fixtures.planted())
            color = page.locator('table.grid td[data-cell="C7"]').evaluate("e => getComputedStyle(e).backgroundColor")
            assert color == "rgb(248, 185, 178)"
            page.screenshot(path=str(artifacts / "valida-planted.png"), full_page=True)
            page.click("#switch-lang")
            assert page.locator("h1").inner_text() == "Validate your list"
        finally:
            browser.close()
    assert (artifacts / "valida-planted.png").stat().st_size > 10_000


MAP_CSV = ("Denominazione;Tipologia;Comune;Latitudine;Longitudine;Telefono\n"  # INVENTED spaces, real places
           "Spazio inventato 1;coworking;Milano;45.4642;9.19;02 1234567\n"
           "Spazio inventato 2;coworking;Milano;45.5336;9.2305;\n"
           "Spazio <b>inventato</b> 3;coworking;Monza (MB);45.5845;9.2744;\n")


def test_summary_first_and_a_map_of_the_points_on_valida_and_in_the_html_file(server: str, tmp_path: Path) -> None:
    from click.testing import CliRunner
    from playwright.sync_api import sync_playwright

    from cowork_data.cli import cli

    source = tmp_path / "elenco.csv"
    source.write_text(MAP_CSV, encoding="utf-8")
    page_file = tmp_path / "rapporto.html"
    assert CliRunner().invoke(cli, ["validate", str(source), "--html", str(page_file)]).exit_code == 1
    assert CHROMIUM.exists(), "Debian chromium is missing: run 'make browser' (apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.goto(page_file.as_uri())
            for view in ("file", "valida"):
                if view == "valida":
                    page.goto(f"{server}/valida")
                    page.set_input_files("#file", str(source))
                    page.click("#submit")
                page.wait_for_selector("#report-map .leaflet-interactive")
                order = page.evaluate("() => ['summary-title', 'map-title', 'report-map'].map("
                                      "id => document.getElementById(id).getBoundingClientRect().top)")
                assert order == sorted(order)  # summary, then the map, then the rows
                groups = page.locator("table.summary-groups tr.group")
                assert groups.evaluate_all("els => els.map(e => e.dataset.code)") == [
                    "comune-name-variant", "point-other-comune", "phone-format"]
                statuses = page.locator("#report-map path[data-status]").evaluate_all(
                    "els => els.map(e => e.dataset.status).sort()")
                assert statuses == ["misplaced", "warning", "warning"]
                assert page.locator("#report-map b").count() == 0  # the user's text is never HTML
                page.locator('#report-map path[data-status="misplaced"]').click(force=True)
                popup = page.locator(".leaflet-popup-content").inner_text()
                assert "Sesto San Giovanni" in popup and "Milano" in popup
                page.screenshot(path=str(ARTIFACTS / f"map-{view}.png"), full_page=False)
            assert not [u for u in requested if not u.startswith(("file:", server, "data:", "about:"))]
        finally:
            browser.close()
