"""A small map of a report's points for the HTML report and ``/valida``: each row's point, coloured by what was
found on its row (a point in another comune or abroad marked as such), over the outlines of the comuni involved.

Leaflet (vendored, ``cowork_data/site/static/vendor/leaflet/``) is inlined into the page with the data, so the page
loads nothing from another origin and works offline; there is no tile layer (tiles would come from elsewhere): the
comuni's ISTAT boundaries (:mod:`cowork_data.geo.boundaries`) give the map its shape. Every text from the user's
file reaches the page as JSON and is put into popups as text, never as HTML.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from cowork_data import i18n
from cowork_data.validate.report import Finding, Report, Sheet

__all__ = ["MAX_OUTLINES", "MAX_POINTS", "map_fragment", "map_points"]

LEAFLET = Path(__file__).resolve().parents[1] / "site" / "static" / "vendor" / "leaflet"
#: Points drawn at most (a longer list shows the first ones; the report's tables still list every row).
MAX_POINTS = 5000
#: Comuni outlined at most: those of points in another comune first, then the most frequent.
MAX_OUTLINES = 60
#: Codes that mark a point as in the wrong place.
MISPLACED = frozenset({"point-other-comune", "point-outside-italy", "row-outside-italy", "coordinates-swapped"})

_SCRIPT = """
(function(){
const data = JSON.parse(document.getElementById('report-map-data').textContent);
const map = L.map('report-map', {attributionControl: true});
map.attributionControl.setPrefix('Leaflet');
map.attributionControl.addAttribution(data.attribution);
L.geoJSON(data.outlines, {style: {color: '#555', weight: 1, fillColor: '#ddd', fillOpacity: 0.3},
  onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name)}).addTo(map);
const colours = {misplaced: '#c0392b', error: '#e67e22', warning: '#c99a06', ok: '#2e7d32'};
const layer = L.featureGroup();
for (const p of data.points) {
  const m = L.circleMarker([p.lat, p.lon], {radius: p.status === 'misplaced' ? 7 : 5, color: colours[p.status],
    weight: 2, fillOpacity: 0.7});
  m.bindPopup(() => {
    const box = document.createElement('div');
    const title = document.createElement('strong'); title.textContent = p.label; box.appendChild(title);
    for (const line of p.messages) {
      const d = document.createElement('div'); d.textContent = line; box.appendChild(d);
    }
    return box;
  });
  m.on('add', () => m.getElement() && m.getElement().setAttribute('data-status', p.status));
  layer.addLayer(m);
}
layer.addTo(map);
if (data.points.length) { map.fitBounds(layer.getBounds().pad(0.1), {maxZoom: 14}); }
else { map.setView([42, 12.5], 5); }
})();
"""


@cache
def _leaflet() -> tuple[str, str]:
    return ((LEAFLET / "leaflet.css").read_text(encoding="utf-8"), (LEAFLET / "leaflet.js").read_text(encoding="utf-8"))


def _column(sheet: Sheet, name: str) -> int | None:
    header = sheet.records[sheet.header_row - 1] if len(sheet.records) >= sheet.header_row else []
    label = next((h for h, f in sheet.mapping.items() if f == name), None)
    return header.index(label) if label is not None and label in header else None


def map_points(report: Report, lang: str = i18n.DEFAULT) -> list[dict[str, Any]]:
    """The points of every sheet with latitude and longitude columns: row, coordinates, status and the messages of
    the row's findings in ``lang``."""
    from cowork_data.validate.checks.places import point_of

    by_row: dict[tuple[str, str, int], list[Finding]] = {}
    for f in report.findings:
        if f.row:
            by_row.setdefault((f.file, f.sheet, f.row), []).append(f)
    points: list[dict[str, Any]] = []
    for sheet in report.sheets:
        lat, lon = _column(sheet, "latitude"), _column(sheet, "longitude")
        if lat is None or lon is None:
            continue
        name, comune = _column(sheet, "name"), _column(sheet, "comune_name")
        for r, record in enumerate(sheet.records[sheet.header_row:], start=sheet.header_row + 1):
            def cell(i: int | None, record: list[str] = record) -> str:
                return record[i].strip() if i is not None and i < len(record) else ""

            point = point_of(cell(lat), cell(lon))
            if point is None:
                continue
            found = by_row.get((sheet.file, sheet.name, r), [])
            codes = {f.code for f in found}
            status = ("misplaced" if codes & MISPLACED else "error" if any(f.severity == "error" for f in found)
                      else "warning" if found else "ok")
            label = " — ".join(x for x in (f"{r}", cell(name), cell(comune)) if x)
            points.append({"lat": point[1], "lon": point[0], "row": r, "status": status, "label": label,
                           "messages": [f.message(lang) for f in found]})
            if len(points) >= MAX_POINTS:
                return points
    return points


def _outlines(points: list[dict[str, Any]], report: Report) -> dict[str, Any]:
    from cowork_data.geo.boundaries import boundaries

    geo = boundaries()
    located = geo.locate([p["lon"] for p in points], [p["lat"] for p in points])
    counts: dict[int, int] = {}
    for index in located:
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    # the comuni a misplaced point was said to be in come first, then the comuni the points are in
    named = [geo.by_istat[f.params["named_istat"]] for f in report.findings
             if f.code == "point-other-comune" and f.params and f.params.get("named_istat") in geo.by_istat]
    chosen = list(dict.fromkeys([*named, *sorted(counts, key=lambda i: -counts[i])]))[:MAX_OUTLINES]
    import shapely

    features = [{"type": "Feature", "properties": {"name": geo.places[i].name},
                 "geometry": json.loads(shapely.to_geojson(geo.geometries[i], indent=None))} for i in chosen]
    return {"type": "FeatureCollection", "features": features}


def map_fragment(report: Report, lang: str = i18n.DEFAULT) -> str:
    """The map as an HTML fragment (a heading, the map, Leaflet and the data inline); empty without points."""
    points = map_points(report, lang)
    if not points:
        return ""
    t = i18n.Section("label.map", lang)
    data = {"points": points, "outlines": _outlines(points, report), "attribution": t["attribution"]}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    css, js = _leaflet()
    legend = " ".join(f'<span class="map-{k}">● {t[k]}</span>' for k in ("misplaced", "error", "warning", "ok"))
    return (f'<h2 id="map-title">{t["title"]}</h2><p class="map-legend">{legend}</p>'
            f'<style>{css}#report-map{{height:28rem;max-width:60rem;border:1px solid #bbb;background:#f4f8fb}}'
            ".map-misplaced{color:#c0392b}.map-error{color:#e67e22}.map-warning{color:#c99a06}.map-ok{color:#2e7d32}"
            f'</style><div id="report-map" data-points="{len(points)}"></div>'
            f'<script type="application/json" id="report-map-data">{payload}</script>'
            f"<script>{js}</script><script>{_SCRIPT}</script>")
