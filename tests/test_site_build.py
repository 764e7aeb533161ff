"""`cowork-data site`: the pages, the schema documentation (acceptance 3), the link checker and no network use
(acceptance 2, static half), the downloads, the charts, determinism and `/sito` in `cowork-data serve`."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph

from cowork_data.cli import cli
from cowork_data.errors import UsageError
from cowork_data.namespaces import DCAT, DEFAULT_BASE
from cowork_data.site import SiteResult, build_site
from tests.serving import serving

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("organisations", "spaces", "calls", "funding", "admissions", "awards", "outcomes")
#: Attributes that load a resource when the page is displayed (anything but an ordinary link).
LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
           ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"), ("image", "href"),
           ("use", "href"), ("input", "src"), ("track", "src")}


class Page(HTMLParser):
    """Every link (tag, attribute, value), every id, and the text under each id-bearing <section>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.sections: dict[str, list[str]] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src", "data", "srcset", "poster", "action"):
            if values.get(name):
                self.links.append((tag, name, values[name] or ""))
        if tag == "section":
            self._open.append(values.get("id"))
            if values.get("id"):
                self.sections[values["id"] or ""] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for section in self._open:
            if section:
                self.sections[section].append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def published(table: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteResult:
    return build_site(tmp_path_factory.mktemp("site") / "site", root=ROOT)


def test_pages_for_every_comune_space_and_call(site: SiteResult) -> None:
    out = site.output
    for space in published("spaces"):
        page = (out / "spazi" / f"{space['id']}.html").read_text(encoding="utf-8")
        assert f"<h1>{space['name']}</h1>" in unescape(page)
    for call in published("calls"):
        assert (out / "bandi" / f"{call['id']}.html").is_file()
    spaces = published("spaces")
    keys = {s["comune_istat"] if s["country"] == "IT" else f"FR-{s['commune_insee']}" for s in spaces}
    for key in keys | {"108039"}:  # Seregno: a call, no spaces
        assert (out / "comuni" / f"{key}.html").is_file(), key
    for name in ("index.html", "spazi/index.html", "comuni/index.html", "bandi/index.html", "grafici.html",
                 "schema.html", "scarica.html", "paesi/index.html", "paesi/IT.html", "paesi/FR.html"):
        assert name in site.pages


def test_pages_per_country_region_and_departement(site: SiteResult) -> None:
    """France: a page per région and département with the spaces of its communes (INSEE's COG); Italy: regions
    and provinces of the ISTAT list."""
    out = site.output
    french = [s for s in published("spaces") if s["country"] == "FR"]
    paris = [s for s in french if s["commune_insee"] == "75056"]
    page = (out / "territori" / "dipartimenti" / "FR-75.html").read_text(encoding="utf-8")
    assert "<h1>Paris</h1>" in page and f"<dd>{len(paris)} (" in page
    region = (out / "territori" / "regioni" / "FR-11.html").read_text(encoding="utf-8")
    assert "Île-de-France" in region and 'href="../../territori/dipartimenti/FR-75.html"' in region
    country = (out / "paesi" / "FR.html").read_text(encoding="utf-8")
    assert f"<dd>{len(french)} (" in country and 'href="../territori/regioni/FR-11.html"' in country
    assert (out / "territori" / "regioni" / "IT-lombardia.html").is_file()
    assert (out / "territori" / "province" / "IT-MI.html").is_file()
    commune = (out / "comuni" / "FR-75056.html").read_text(encoding="utf-8")
    assert "Codice INSEE" in commune and "<code>75056</code>" in commune
    assert "territori/dipartimenti/FR-75.html" in commune


def test_invented_rows_say_so(site: SiteResult) -> None:
    invented = [s for s in published("spaces") if s["source_id"] in ("milano-coworking", "milano-fablab")]
    assert invented
    for space in invented:
        page = (site.output / "spazi" / f"{space['id']}.html").read_text(encoding="utf-8")
        assert "dati inventati" in page and "invented data" in page and "INVENTATE" in page
    assert "INVENTATE" in (site.output / "index.html").read_text(encoding="utf-8")


def test_call_page_has_funders_budget_outcomes_and_sources(site: SiteResult) -> None:
    page = (site.output / "bandi" / "f205" / "2013-bando-coworking.html").read_text(encoding="utf-8")
    assert "Comune di Milano" in page and "Camera di Commercio di Milano" in page
    assert "198.240 €" in page and "100.000 €" in page and "298.240 €" in page
    assert "https://coworkingproject.wordpress.com/2013/03/28/" in page
    assert "solo in PDF" in page  # awarded amounts: not published as data
    measure = (site.output / "bandi" / "f205" / "2013-bando-coworking" / "misura-1.html").read_text(encoding="utf-8")
    assert re.search(r'<td class="num">40</td><td class="num">24</td>\s*<td class="num">5</td>', measure)
    assert "http://www.pmi.it/economia/finanziamenti/news/63936/incentivi-al-coworking-in-lombardia.html" in measure


def test_schema_page_lists_every_field_in_italian_and_english(site: SiteResult) -> None:
    page = parse(site.output / "schema.html")
    for table in TABLES:
        schema = json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
        assert table in page.ids
        for field in schema["fields"]:
            key = f"{table}-{field['name']}"
            assert key in page.sections, f"{key} missing from schema.html"
            text = " ".join("".join(page.sections[key]).split())
            for part in ("title", "title_en", "description", "description_en"):
                expected = " ".join(field[part].replace("`", "").split())
                assert expected in text, f"{key}: {part} not shown"
            if "example" in field:
                assert str(field["example"]) in text, f"{key}: example not shown"
            for pattern in [field.get("constraints", {}).get("pattern")] if field.get("constraints") else []:
                assert pattern is None or pattern in text


def test_every_link_resolves_and_nothing_is_loaded_from_the_network(site: SiteResult) -> None:
    out = site.output
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == len(site.pages) > 30
    parsed = {p: parse(p) for p in pages}
    inside = out.resolve()

    @functools.cache
    def resolved(folder: Path, path: str) -> tuple[Path, bool, bool]:
        """A link's target (a folder's index.html), whether it is a file and whether it stays in the site; the same
        relative link from the same folder is resolved once (every page links the same styles and scripts)."""
        target = (folder / path).resolve()
        if target.is_dir():
            target = target / "index.html"
        return target, target.is_file(), inside in target.parents

    checked = 0
    for page, html in parsed.items():
        for tag, attr, value in html.links:
            url = urlsplit(value)
            if url.scheme in ("http", "https") or value.startswith("//"):
                assert (tag, attr) not in LOADING and tag == "a", f"{page}: {tag} {attr}={value} loads from the network"
                continue
            if url.scheme in ("mailto", "tel"):
                continue
            assert not url.scheme, f"{page}: unexpected URL {value}"
            target, is_file, stays = resolved(page.parent, unquote(url.path)) if url.path else \
                (page, page.is_file(), inside in page.parents)
            assert is_file, f"{page.relative_to(out)}: {value} does not resolve"
            assert stays, f"{page}: {value} leaves the site"
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                assert unquote(url.fragment).split("=")[0] in ids or url.fragment.startswith("spazio="), \
                    f"{page.relative_to(out)}: #{url.fragment} not in {target.name}"
            checked += 1
    assert checked > 500
    for css in out.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert not urlsplit(ref).scheme, f"{css}: {ref} loads from the network"
            assert (css.parent / ref).is_file(), f"{css}: {ref} does not resolve"
    for script in out.rglob("*.js"):
        assert not re.search(r"""(import|fetch|XMLHttpRequest|src\s*=)\s*\(?\s*['"]https?://""",
                             script.read_text(encoding="utf-8")), f"{script} loads from the network"


def test_map_data_and_offline_background(site: SiteResult, tmp_path: Path) -> None:
    page = (site.output / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script type="application/json" id="map-config">(.*?)</script>', page).group(1))
    assert config == {"attribution": "", "tiles": ""}
    markers = json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page).group(1))
    with_coordinates = [s for s in published("spaces") if s["latitude"] and s["longitude"]]
    assert [m["id"] for m in markers] == [s["id"] for s in with_coordinates] and site.markers == len(markers)
    for label in ('for="f-type"', 'for="f-comune"', 'for="f-call"', 'for="f-text"', 'for="f-cluster"'):
        assert label in page
    tiled = build_site(tmp_path / "tiled", root=ROOT, tiles="http://127.0.0.1:9/{z}/{x}/{y}.png",
                       tiles_attribution="Test tiles")
    page = (tiled.output / "index.html").read_text(encoding="utf-8")
    assert '"tiles":"http://127.0.0.1:9/{z}/{x}/{y}.png"' in page and '"attribution":"Test tiles"' in page


def test_downloads_are_copied_byte_for_byte(site: SiteResult) -> None:
    out = site.output
    assert (out / "datapackage.json").read_bytes() == (ROOT / "datapackage.json").read_bytes()
    for table in TABLES:
        assert (out / "data" / f"{table}.csv").read_bytes() == (ROOT / "data" / f"{table}.csv").read_bytes()
        assert json.loads((out / "schemas" / f"{table}.json").read_text(encoding="utf-8"))["name"] == table
    for graph in (ROOT / "data" / "graph").iterdir():
        assert (out / "data" / "graph" / graph.name).read_bytes() == graph.read_bytes()
    assert (out / "modelli" / "modello-spazi.xlsx").stat().st_size > 10_000
    page = (out / "scarica.html").read_text(encoding="utf-8")
    for path in ("datapackage.json", "data/spaces.csv", "data/graph/cowork-data.ttl", "modelli/modello-spazi.xlsx"):
        assert f'href="{path}"' in page
    for vendor in ("leaflet/LICENSE", "leaflet.markercluster/MIT-LICENCE.txt", "leaflet/leaflet.js"):
        assert (out / "static" / "vendor" / vendor).is_file()


def test_schema_versions_have_stable_urls(site: SiteResult) -> None:
    """schemas/{table}/{version}/ and schemas/{table}/latest/ serve the semantic assets byte for byte (issue 15)."""
    out, served = site.output, 0
    for table in TABLES:
        version = json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))["version"]
        for label, folder in ((version, f"v{version}"), ("latest", "latest")):
            assets = ROOT / "assets" / "schemas" / table / folder
            for name in ("index.ttl", f"{table}.oas3.yaml", f"{table}.example.csv", f"{table}.example-invalid.csv"):
                assert (out / "schemas" / table / label / name).read_bytes() == (assets / name).read_bytes()
                served += 1
            assert f'href="{table}.oas3.yaml"' in (out / "schemas" / table / label / "index.html").read_text("utf-8")
        assert f'href="schemas/{table}/{version}/"' in (out / "schema.html").read_text(encoding="utf-8")
    assert (out / "schemas" / "CHANGELOG.md").read_bytes() == (ROOT / "schemas" / "CHANGELOG.md").read_bytes()
    assert served == 8 * len(TABLES)
    # every download URL in the assets' metadata is a file of the site (the site is published at the base IRI)
    urls = set()
    for path in (ROOT / "assets").rglob("*.ttl"):
        urls |= {str(o) for o in Graph().parse(path, format="turtle").objects(None, DCAT.downloadURL)}
    missing = [u for u in sorted(urls) if not (out / u.removeprefix(DEFAULT_BASE)).is_file()]
    assert len(urls) > 2 * len(TABLES) and all(u.startswith(DEFAULT_BASE) for u in urls) and missing == []


def test_charts_have_text_alternatives(site: SiteResult) -> None:
    page = (site.output / "grafici.html").read_text(encoding="utf-8")
    svgs = sorted((site.output / "grafici").glob("*.svg"))
    assert [p.stem for p in svgs] == ["ammissioni-nel-tempo", "budget-assegnato", "spazi-per-classe-di-comune",
                                      "spazi-per-paese", "spazi-per-regione"]
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        assert 'role="img"' in text and "<title id=" in text and "<desc id=" in text and "aria-labelledby" in text
        assert f'id="{svg.stem}"' in page and f'href="grafici/{svg.stem}.svg"' in page
    assert page.count("<svg") == 5 and page.count("Dati del grafico") == 5
    assert "Île-de-France (FR)" in page and "Lombardia (IT)" in page
    assert "298.240 €" in page and "n.d." in page


def test_notebook_pages_show_their_tables_and_charts(site: SiteResult) -> None:
    from cowork_data.site.charts import format_number
    from cowork_data.site.notebooks import run_notebook

    notebooks = sorted((ROOT / "notebooks").glob("*.py"))
    assert len(notebooks) >= 4
    assert {f"quaderni/{p.stem}.html" for p in notebooks} | {"quaderni/index.html"} <= set(site.pages)
    index = (site.output / "quaderni" / "index.html").read_text(encoding="utf-8")
    for path in notebooks:
        ran = run_notebook(path, release=ROOT)
        page = (site.output / "quaderni" / f"{path.stem}.html").read_text(encoding="utf-8")
        shown = [o for cell in ran.cells for o in cell.outputs]
        assert page.count("<svg ") == sum(o.kind == "svg" for o in shown)
        assert all(o.content in page for o in shown if o.kind in ("svg", "html"))
        assert (site.output / "quaderni" / path.name).read_bytes() == path.read_bytes()
        assert f'href="{path.stem}.html"' in index and ran.title in index
    funding = (site.output / "quaderni" / "funding.html").read_text(encoding="utf-8")
    with (ROOT / "queries" / "expected" / "funding-2013.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert f"{format_number(int(row['amount']))} €" in funding


def test_same_data_same_bytes(site: SiteResult, tmp_path: Path) -> None:
    # a second build, over a copy of the first site (replacing a previous site is allowed), gives the same bytes;
    # test_cli_site_command checks the same of a build into a new directory
    again = tmp_path / "again"
    shutil.copytree(site.output, again)
    rebuilt = build_site(again, root=ROOT)
    assert rebuilt.files == site.files
    assert _on_disk(again) == site.files


def _on_disk(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_refuses_to_overwrite_a_directory_that_is_not_a_site(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError):
        build_site(tmp_path / "docs", root=ROOT)
    assert (tmp_path / "docs" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_cli_site_command(site: SiteResult, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["site", "-o", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    assert _on_disk(tmp_path / "out") == site.files  # same data, same bytes, in a new directory
    summary = json.loads(result.output)
    with_coordinates = [s for s in published("spaces") if s["latitude"] and s["longitude"]]
    assert summary["markers"] == len(with_coordinates) and summary["pages"] > 30 and summary["skipped"] == []
    help_text = CliRunner().invoke(cli, ["site", "--help"]).output
    assert "Example:" in help_text and "cowork-data site -o site/" in help_text


def test_serve_mounts_the_site(site: SiteResult) -> None:
    from cowork_data.serve import create_app

    with serving(create_app(site_dir=site.output)) as base:
        home = requests.get(f"{base}/sito/", timeout=10)
        assert home.status_code == 200 and 'id="map"' in home.text
        assert requests.get(f"{base}/sito/static/vendor/leaflet/leaflet.js", timeout=10).status_code == 200
        assert requests.get(f"{base}/sito/bandi/f205/2013-bando-coworking.html", timeout=10).status_code == 200
        assert requests.get(f"{base}/valida", timeout=10).status_code == 200
