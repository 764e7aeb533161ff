"""Write the static site: pages from the Jinja templates, the shipped static files, the downloads and the charts.

The site is built in a temporary sibling directory and moved into place at the end, so a failed build leaves the
previous site untouched; every file depends only on the published data (same data, same bytes).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from cowork_data import i18n
from cowork_data.errors import UsageError
from cowork_data.publish.assets import schema_versions
from cowork_data.site import places, views
from cowork_data.site.charts import Chart, format_number, render_svg
from cowork_data.site.data import (
    CALL_TYPES,
    FEATURES,
    SPACE_TYPES,
    STATUSES,
    WHEELCHAIR,
    Comune,
    SiteData,
    label,
    load_site_data,
)
from cowork_data.site.notebooks import notebook_pages

HERE = Path(__file__).resolve().parent
TEMPLATE_NAME = "modelli/modello-spazi.xlsx"
#: A fixed time for the files inside the XLSX template (zip entries and document properties).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class SiteResult:
    """What was written: the site directory, its pages, every file's sha256 and the markers on the map."""

    output: Path
    pages: list[str]
    files: dict[str, str] = field(default_factory=dict)
    markers: int = 0
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output), "pages": len(self.pages), "files": len(self.files),
                "markers": self.markers, "skipped": self.skipped}


def bi(it: str, en: str) -> Markup:
    """Italian text followed by its English version, marked with its language."""
    if it == en:
        return Markup(escape(it))
    return Markup('{} <span class="en" lang="en">{}</span>').format(it, en)


def say(key: str, /, **params: Any) -> Markup:
    """The catalogue's message ``key`` as :func:`bi` shows it (the pages' own texts are ``label.site.*`` keys)."""
    return bi(*i18n.both(key, **params))


def code_spans(text: str) -> Markup:
    """Escaped text with `backticks` as ``<code>``."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def json_script(value: Any) -> Markup:
    """JSON safe to embed in a ``<script type="application/json">``."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def file_size(size: int) -> str:
    return f"{format_number(round(size / 1024, 1))} kB" if size >= 1024 else f"{size} B"


class Site:
    """Renders pages into a staging directory and records them."""

    def __init__(self, data: SiteData, stage: Path, *, tiles: str | None, tiles_attribution: str | None) -> None:
        self.data = data
        self.stage = stage
        self.pages: list[str] = []
        self.tiles = tiles
        self.tiles_attribution = tiles_attribution
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        self.env.globals.update(
            bi=bi, say=say, md=code_spans, num=format_number, json_script=json_script, data=data,
            space_type=lambda code: bi(*label(SPACE_TYPES, code)),
            call_type=lambda code: bi(*label(CALL_TYPES, code)),
            status=lambda code: bi(*label(STATUSES, code)),
            wheelchair=lambda code: bi(*label(WHEELCHAIR, code)),
            features=lambda codes: [bi(*label(FEATURES, c)) for c in codes.split()],
            space_path=views.space_path, call_path=views.call_path, comune_path=views.comune_path,
            comune_key=places.comune_key, country_path=places.country_path, area_path=places.area_path,
            country_name=lambda code: bi(*places.COUNTRY_NAMES.get(code, (code, code))),
            country_label=lambda code: " / ".join(dict.fromkeys(places.COUNTRY_NAMES.get(code, (code, code)))),
            type_letter=views.type_letter,
            package=data.package, calls_of=lambda comune: calls_of(data, comune),
        )

    def render(self, template: str, path: str, section: str = "", **context: Any) -> None:
        base = "../" * path.count("/")
        html = self.env.get_template(template).render(base=base, path=path, section=section, **context)
        target = self.stage / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8", newline="\n")
        self.pages.append(path)

    def popup(self, space: dict[str, str]) -> str:
        return self.env.get_template("popup.html.j2").render(base="", space=space).strip()


def calls_of(data: SiteData, comune: Comune) -> list[dict[str, str]]:
    """The calls of a comune: their ids start with its Belfiore code (Italian comuni only)."""
    if not comune.belfiore:
        return []
    return [c for c in data.calls if c["id"].split("/", 1)[0] == comune.belfiore.lower()]


def _place_pages(site: Site, by_comune: dict[str, list[dict[str, str]]]) -> None:
    """The places index, a page per country and a page per region and subdivision (département, province)."""
    data = site.data
    countries = sorted({c.country for c in data.comuni.values()} | {(s.get("country") or "IT").upper()
                                                                     for s in data.spaces},
                       key=lambda c: (list(places.COUNTRY_NAMES).index(c) if c in places.COUNTRY_NAMES else 99, c))
    in_area: dict[str, list[Comune]] = {}
    for comune in data.comuni.values():
        for key in (comune.region, comune.subregion):
            if key:
                in_area.setdefault(key, []).append(comune)

    def spaces_of(comuni: list[Comune]) -> list[dict[str, str]]:
        return [s for c in comuni for s in by_comune.get(c.key, [])]

    totals = {key: len(spaces_of(comuni)) for key, comuni in in_area.items()}
    per_country = {code: [s for s in data.spaces if (s.get("country") or "IT").upper() == code] for code in countries}
    site.render("paesi.html.j2", "paesi/index.html", "places", countries=countries, totals=totals,
                per_country={code: len(rows) for code, rows in per_country.items()})
    for code in countries:
        spaces = per_country[code]
        regions = [a for a in data.areas.values() if a.country == code and a.kind == "region"]
        site.render("paese.html.j2", places.country_path(code), "places", country=code, regions=regions,
                    totals=totals, counts=Counter(s["type"] for s in spaces), spaces=spaces,
                    unplaced=[c for c in data.comuni.values() if c.country == code and not c.region],
                    fixtures=data.fixture_notes(spaces))
    for area in data.areas.values():
        comuni = in_area.get(area.key, [])
        spaces = spaces_of(comuni)
        parts = [a for a in data.areas.values() if a.parent == area.key]
        site.render("territorio.html.j2", places.area_path(area.key), "places", area=area, comuni=comuni,
                    parts=parts, totals=totals, spaces=spaces, counts=Counter(s["type"] for s in spaces),
                    comune_counts={c.key: len(by_comune.get(c.key, [])) for c in comuni},
                    parent=data.areas.get(area.parent), fixtures=data.fixture_notes(spaces))


def build_site(output: Path, *, root: Path | None = None, tiles: str | None = None,
               tiles_attribution: str | None = None) -> SiteResult:
    """Write the static site for the package at ``root`` (default: the project root) into ``output``.

    ``tiles`` is a tile URL template (``…/{z}/{x}/{y}.png``); without it the map has a plain background and the
    site loads nothing from the network. ``output`` is replaced as a whole; it must be empty or a previous site.
    """
    from cowork_data.config import project_root

    root = Path(root) if root else project_root()
    output = Path(output)
    _check_output(output)
    data = load_site_data(root)
    output.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        site = Site(data, stage, tiles=tiles, tiles_attribution=tiles_attribution)
        shutil.copytree(HERE / "static", stage / "static", ignore=shutil.ignore_patterns("README.md"))
        skipped = _downloads(data, stage)
        charts = [views.budget_chart(data), places.country_chart(data), places.region_chart(data),
                  places.size_class_chart(data), views.admissions_chart(data)]
        markers = _pages(site, charts)
        notebook_pages(site, release=root)
        for chart in charts:
            (stage / "grafici").mkdir(exist_ok=True)
            (stage / "grafici" / f"{chart.slug}.svg").write_text(render_svg(chart, standalone=True), encoding="utf-8")
        files = {p.relative_to(stage).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in sorted(stage.rglob("*")) if p.is_file()}
        os.chmod(stage, 0o755)
        if output.exists():
            shutil.rmtree(output)
        stage.rename(output)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return SiteResult(output=output, pages=sorted(site.pages), files=files, markers=markers, skipped=skipped)


def _check_output(output: Path) -> None:
    previous_site = (output / "static" / "site.css").exists()
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not previous_site)):
        raise UsageError("error.site-not-empty", path=output)


def _pages(site: Site, charts: list[Chart]) -> int:
    data = site.data
    mapped = views.mapped_spaces(data)
    markers = [views.marker(data, s, site.popup(s)) for s in mapped]
    types = Counter(s["type"] for s in data.spaces)
    space_calls = {s["id"]: sorted({a["call_id"] for a in data.rows("admissions", space_id=s["id"])})
                   for s in data.spaces}
    config = {"tiles": site.tiles or "", "attribution": site.tiles_attribution or ""}
    filter_calls = [c for c in data.calls if data.rows("admissions", call_id=c["id"])]
    countries = Counter((s.get("country") or "IT").upper() for s in data.spaces)
    order = [*(c for c in places.COUNTRY_NAMES if c in countries), *sorted(set(countries) - set(places.COUNTRY_NAMES))]
    country_counts = [(c, countries[c]) for c in order]
    site.render("map.html.j2", "index.html", "map", markers=markers, config=config, mapped=len(mapped),
                space_comuni={places.comune_key(s) for s in data.spaces}, country_counts=country_counts,
                types=[t for t in SPACE_TYPES if types[t]], type_counts=types, space_calls=space_calls,
                filter_calls=filter_calls, unmapped=[s for s in data.spaces if views.coordinates(s) is None],
                fixtures=data.fixture_notes(data.spaces))
    site.render("spaces.html.j2", "spazi/index.html", "spaces", space_calls=space_calls,
                fixtures=data.fixture_notes(data.spaces))
    spaces_schema = next((s for s in data.schemas() if s.get("name") == "spaces"), {"fields": []})
    for space in data.spaces:
        site.render("space.html.j2", views.space_path(space["id"]), "spaces", space=space,
                    fields=spaces_schema["fields"], admissions=data.rows("admissions", space_id=space["id"]),
                    awards=data.rows("awards", space_id=space["id"]), mapped=views.coordinates(space) is not None,
                    fixtures=data.fixture_notes([space]))
    by_comune: dict[str, list[dict[str, str]]] = {}
    for space in data.spaces:
        by_comune.setdefault(places.comune_key(space), []).append(space)
    counts = {key: len(rows) for key, rows in by_comune.items()}
    site.render("comuni.html.j2", "comuni/index.html", "comuni", counts=counts)
    for comune in data.comuni.values():
        spaces = by_comune.get(comune.key, [])
        calls = calls_of(data, comune)
        site.render("comune.html.j2", views.comune_path(comune.key), "comuni", comune=comune, spaces=spaces,
                    calls=calls, counts=Counter(s["type"] for s in spaces), fixtures=data.fixture_notes(spaces),
                    organisations=[o for o in data.tables["organisations"]
                                   if comune.country == "IT" and o["comune_istat"] == comune.istat])
    _place_pages(site, by_comune)
    figures = {c["id"]: views.call_figures(data, c["id"]) for c in data.calls}
    site.render("calls.html.j2", "bandi/index.html", "calls", figures=figures)
    for call in data.calls:
        fig = figures[call["id"]]
        rows = [call, *fig["funding"], *fig["awards"], *fig["outcomes"], *fig["admissions"]]
        sources = sorted({r["source_url"] for r in rows if r.get("source_url")} | {call["url"]} - {""})
        site.render("call.html.j2", views.call_path(call["id"]), "calls", call=call, fig=fig,
                    children=views.call_children(data, call["id"]), sources=sources,
                    fixtures=data.fixture_notes(fig["admissions"]))
    site.render("charts.html.j2", "grafici.html", "charts",
                charts=[(c, Markup(render_svg(c))) for c in charts if not c.empty])
    versions = schema_versions(data.root)
    site.render("schema.html.j2", "schema.html", "schema", schemas=data.schemas(), versions=versions)
    if (data.root / "schemas" / "CHANGELOG.md").is_file():
        shutil.copyfile(data.root / "schemas" / "CHANGELOG.md", site.stage / "schemas" / "CHANGELOG.md")
    for version in versions:  # the stable URLs of the semantic assets: schemas/{table}/{version}/ and latest/
        (site.stage / version.path).mkdir(parents=True, exist_ok=True)
        for name in version.files:
            shutil.copyfile(version.folder / name, site.stage / version.path / name)
        site.render("schema_version.html.j2", f"{version.path}index.html", "schema", version=version,
                    versions=[v for v in versions if v.table == version.table])
    for tree in ("controlled-vocabularies", "ontologies"):  # where the assets' metadata say they are
        if (data.root / "assets" / tree).is_dir():
            shutil.copytree(data.root / "assets" / tree, site.stage / "assets" / tree)
    downloads = _download_list(data, site.stage)
    site.render("download.html.j2", "scarica.html", "download", downloads=downloads)
    return len(markers)


def _downloads(data: SiteData, stage: Path) -> list[str]:
    """Copy the package files into the site so the download links resolve; return what could not be provided."""
    skipped: list[str] = []
    shutil.copyfile(data.root / "datapackage.json", stage / "datapackage.json")
    paths = [r["path"] for r in data.package.get("resources", []) if isinstance(r.get("path"), str)]
    graph_dir = data.root / "data" / "graph"
    jsonld = sorted(graph_dir.glob("*.json*")) if graph_dir.is_dir() else []
    extra = [p.relative_to(data.root).as_posix() for p in jsonld]
    for rel in [*paths, *extra]:
        source = data.root / rel
        if ".." in Path(rel).parts or not source.is_file():
            skipped.append(rel)
            continue
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, stage / rel)
    (stage / "schemas").mkdir()
    for schema in data.schemas():
        (stage / "schemas" / f"{schema['name']}.json").write_text(
            json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    try:
        _template(data, stage / TEMPLATE_NAME)
    except Exception as exc:  # the template is optional: a missing openpyxl or schema must not stop the site
        skipped.append(f"{TEMPLATE_NAME} ({type(exc).__name__}: {exc})")
    return skipped


def _template(data: SiteData, target: Path) -> None:
    """The XLSX template of the spaces table, with fixed times inside so that it is byte-stable."""
    from cowork_data.template import write_template

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "modello.xlsx"
        schema_root = data.root if (data.root / "schemas").is_dir() else None
        write_template(raw, table="spaces", root=schema_root)
        stamp = (data.package.get("last_modified") or "2000-01-01T00:00:00Z")[:19] + "Z"
        buffer = io.BytesIO()
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as sink:
            for name in sorted(source.namelist()):
                content = source.read(name)
                if name == "docProps/core.xml":
                    content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(),
                                     content)
                info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                sink.writestr(info, content)
        target.write_bytes(buffer.getvalue())


def _download_list(data: SiteData, stage: Path) -> list[dict[str, Any]]:
    """The files of the download area with what they hold, in Italian and English."""
    def titles(key: str) -> dict[str, str]:
        italian, english = i18n.both(key)
        return {"title_it": italian, "title_en": english}

    items: list[dict[str, Any]] = [
        {"path": "datapackage.json", **titles("label.site.download-file.descriptor"), "format": "JSON"}]
    for resource in data.package.get("resources", []):
        schema = resource.get("schema") or {}
        title = str(resource.get("title") or resource.get("name", ""))
        title_it, _, title_en = title.partition(" / ")
        items.append({
            "path": resource.get("path", ""),
            "title_it": schema.get("title") or title_it,
            "title_en": schema.get("title_en") or title_en or title_it,
            "format": str(resource.get("format", "")).upper()})
    graph = stage / "data" / "graph"
    listed = {i["path"] for i in items}
    for path in sorted(graph.glob("*")) if graph.is_dir() else []:
        rel = path.relative_to(stage).as_posix()
        if rel not in listed:
            items.append({"path": rel, **titles("label.site.download-file.graph"),
                          "format": "JSON-LD" if path.suffix.startswith(".json") else path.suffix[1:].upper()})
    for schema in data.schemas():
        items.append({"path": f"schemas/{schema['name']}.json",
                      "title_it": f"Table Schema: {schema.get('title', schema['name'])}",
                      "title_en": f"Table Schema: {schema.get('title_en', schema['name'])}", "format": "JSON"})
    if (stage / TEMPLATE_NAME).exists():
        items.append({"path": TEMPLATE_NAME, **titles("label.site.download-file.template"), "format": "XLSX"})
    result = []
    for item in items:
        target = stage / item["path"]
        if item["path"] and target.is_file():
            result.append({**item, "size": file_size(target.stat().st_size)})
    return result
