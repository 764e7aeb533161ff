"""Coordinates in a projected system (Gauss-Boaga, UTM, Web Mercator…) in a user's latitude / longitude columns:
told by :func:`cowork_data.geo.crs.detect` (the harvest's detection, issue 18) and converted to WGS 84 before the
checks, so that each point is checked against its comune like any other; each converted row is a warning naming
the system and the degrees it will be published as, which ``fix`` writes.

A system the file declares (a GeoJSON ``crs`` member, carried by :class:`~cowork_data.validate.files.TableFile`)
is used as declared, and the warning says so. Otherwise, when several systems put the points in Italy, the
provinces of the comuni the sheet names decide (``inside``): Gauss-Boaga fuso Ovest and Web Mercator both put many
a point on Italian land, only one of them where the list's comuni are. A system that cannot be told (unknown,
ambiguous, a declared one that puts the points abroad) is one finding for the sheet and nothing is converted: the
system is never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cowork_data import i18n
from cowork_data.validate.files import TableFile
from cowork_data.validate.report import Finding

__all__ = ["projected"]


def _degrees(x: float, y: float) -> bool:
    return abs(x) <= 180 and abs(y) <= 90


def projected(tf: TableFile, positions: Mapping[int, str]) -> tuple[list[list[str]] | None, list[Finding]]:
    """The sheet's rows with their points in WGS 84 when its coordinates are in another system (None when they
    are degrees already, or there are none), and the findings: one warning per converted row, or the sheet's
    finding when the system cannot be told."""
    from cowork_data.validate.checks.rows import parse_number

    columns = {f: p for p, f in positions.items()}
    lat, lon = columns.get("latitude"), columns.get("longitude")
    if lat is None or lon is None:
        return None, []

    def cell(row: list[str], i: int) -> str:
        return row[i].strip() if i < len(row) else ""

    xs = [parse_number(cell(r, lon)) for r in tf.rows]
    ys = [parse_number(cell(r, lat)) for r in tf.rows]
    from cowork_data.geo.crs import FAMILIES, detect, parse_crs

    declared = parse_crs(tf.crs) if tf.crs else None
    projected_declared = declared is not None and declared not in FAMILIES["geographic"]
    if not projected_declared and all(x is None or y is None or _degrees(x, y) for x, y in zip(xs, ys, strict=True)):
        return None, []
    where = f"{tf.header[lon]}/{tf.header[lat]}"
    detection = detect(xs, ys, where=where, declared=tf.crs)
    if detection.candidates and (inside := _inside(tf, columns)) is not None:  # ambiguous: the list's comuni decide
        narrowed = detect(xs, ys, where=where, inside=inside)
        detection = narrowed if narrowed.ok else detection
    file = {"file": str(tf.path), "sheet": tf.sheet, "table": "spaces"}
    if not detection.ok:
        return None, [Finding(code=f.code, message_it=f.message("it"), message_en=f.message("en"),
                              hint_it=f.hint("it"), hint_en=f.hint("en"), severity="warning", **file)
                      for f in detection.findings]
    if detection.epsg in FAMILIES["geographic"]:
        return None, []
    name = i18n.Text.of(f"geo.crs.{detection.epsg}")
    system = (i18n.Text.of("label.crs-system-declared", name=name, epsg=detection.epsg, declared=tf.crs)
              if declared is not None else i18n.Text.of("label.crs-system", name=name, epsg=detection.epsg))
    rows = [list(r) for r in tf.rows]
    found = []
    for i, point in enumerate(detection.points):
        if point is None:
            continue
        row = rows[i]
        row.extend([""] * (max(lat, lon) + 1 - len(row)))
        params: dict[str, Any] = {"value": f"{cell(tf.rows[i], lon)}, {cell(tf.rows[i], lat)}", "system": system,
                                  "lat": f"{point[1]:.6f}", "lon": f"{point[0]:.6f}", "column": tf.header[lat]}
        row[lon], row[lat] = params["lon"], params["lat"]
        found.append(Finding.of("coordinates-projected", params, severity="warning", row=tf.header_row + 1 + i,
                                column=lat + 1, field="latitude", value=cell(tf.rows[i], lat), **file))
    return rows, found


def _inside(tf: TableFile, columns: Mapping[str, int]):  # noqa: ANN202 - Callable[[float, float], bool] | None
    """Whether a point is in a province of the comuni the sheet names (None when it names none): a list's wrong
    point is most often in the next comune, a wrong system puts the points hundreds of kilometres away."""
    from cowork_data.comune_names import resolve
    from cowork_data.geo.boundaries import boundaries

    name = columns.get("comune_name")
    if name is None:
        return None
    geo = boundaries()
    provinces = {c.province_code for r in tf.rows if name < len(r) and r[name].strip()
                 for c in [resolve(r[name]).comune] if c is not None}
    if not provinces:
        return None

    def inside(lon: float, lat: float) -> bool:
        place = geo.place(geo.locate([lon], [lat])[0])
        return place is not None and place.province in provinces

    return inside
