"""What each page shows, computed from the published tables: map markers, call figures and the charts' data."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from cowork_data import i18n
from cowork_data.site.charts import Chart, Series
from cowork_data.site.data import Row, SiteData
from cowork_data.site.places import comune_key

YEAR = re.compile(r"^([0-9]{4})")


def space_path(space_id: str) -> str:
    return f"spazi/{space_id}.html"


def call_path(call_id: str) -> str:
    return f"bandi/{call_id}.html"


def comune_path(key: str) -> str:
    """A municipality's page: ``comuni/015146.html`` (ISTAT), ``comuni/FR-75056.html`` (INSEE)."""
    return f"comuni/{key}.html"


def amount(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text.strip() else None
    except InvalidOperation:
        return None


def coordinates(space: Row) -> tuple[float, float] | None:
    try:
        return float(space["latitude"]), float(space["longitude"])
    except (KeyError, ValueError):
        return None


def mapped_spaces(data: SiteData) -> list[Row]:
    """Spaces with coordinates, in published order: one marker each."""
    return [s for s in data.spaces if coordinates(s) is not None]


def type_letter(space_type: str) -> str:
    """A letter drawn in the marker, so the type does not rest on colour alone."""
    return {"coworking": "C", "fablab": "F", "makerspace": "M", "hackerspace": "H"}.get(space_type, "?")


def space_places(data: SiteData, space: Row) -> dict[str, str]:
    """The page keys of a space's municipality, country and region (for the map's filters)."""
    key = comune_key(space)
    comune = data.comuni.get(key)
    return {"comune": key, "country": (space.get("country") or "IT").upper(), "region": comune.region if comune else ""}


def marker(data: SiteData, space: Row, popup: str) -> dict[str, Any]:
    lat, lon = coordinates(space) or (0.0, 0.0)
    calls = sorted({a["call_id"] for a in data.rows("admissions", space_id=space["id"])})
    return {"id": space["id"], "name": space["name"], "type": space["type"], "letter": type_letter(space["type"]),
            **space_places(data, space), "calls": calls, "lat": lat, "lon": lon, "popup": popup}


def call_children(data: SiteData, call_id: str) -> list[Row]:
    return [c for c in data.calls if c.get("parent_id") == call_id]


def call_figures(data: SiteData, call_id: str) -> dict[str, Any]:
    """Budget (sum of funding) and awarded (sum of awards, ``None`` when no award is published) of one call."""
    funding = data.rows("funding", call_id=call_id)
    awards = data.rows("awards", call_id=call_id)
    budget = sum((amount(f["amount"]) or Decimal(0) for f in funding), Decimal(0)) if funding else None
    awarded = sum((amount(a["amount"]) or Decimal(0) for a in awards), Decimal(0)) if awards else None
    return {"funding": funding, "awards": awards, "budget": budget, "awarded": awarded,
            "outcomes": data.rows("outcomes", call_id=call_id),
            "admissions": data.rows("admissions", call_id=call_id)}


def admission_year(data: SiteData, admission: Row) -> str:
    """The year of an admission: its own dates first, then the call's opening date, then the call's id."""
    call = data.call(admission["call_id"]) or {}
    for text in (admission.get("date_accepted", ""), admission.get("valid_from", ""),
                 admission.get("date_submitted", ""), call.get("opening_date", ""),
                 admission["call_id"].split("/")[1] if "/" in admission["call_id"] else ""):
        match = YEAR.match(text or "")
        if match:
            return match.group(1)
    return ""


def budget_chart(data: SiteData) -> Chart:
    ids = sorted({r["call_id"] for r in data.tables["funding"]} | {r["call_id"] for r in data.tables["awards"]})
    figures = {i: call_figures(data, i) for i in ids}
    titles = tuple(f"{(data.call(i) or {}).get('title', i)} ({i})" for i in ids)
    with_awards = sum(1 for f in figures.values() if f["awarded"] is not None)
    title = i18n.both("label.site.chart.budget-title")
    desc = i18n.both("label.site.chart.budget-desc", calls=len(ids), awarded=with_awards)
    return Chart(
        slug="budget-assegnato", title_it=title[0], title_en=title[1], desc_it=desc[0], desc_en=desc[1],
        categories=titles,
        series=(Series(*i18n.both("label.site.budget"), tuple(_num(figures[i]["budget"]) for i in ids)),
                Series(*i18n.both("label.site.chart.awarded"), tuple(_num(figures[i]["awarded"]) for i in ids))),
        unit="EUR",
    )


def admissions_chart(data: SiteData) -> Chart:
    rows: dict[str, int] = defaultdict(int)
    for admission in data.tables["admissions"]:
        if admission.get("status") == "admitted":
            rows[admission_year(data, admission)] += 1
    reported: dict[str, int] = defaultdict(int)
    for outcome in data.tables["outcomes"]:
        call = data.call(outcome["call_id"]) or {}
        match = YEAR.match(outcome.get("as_of", ""))
        if call.get("type") == "registry" and match and outcome.get("admitted", "").isdigit():
            reported[match.group(1)] += int(outcome["admitted"])
    years = tuple(sorted((set(rows) | set(reported)) - {""}))
    title = i18n.both("label.site.chart.admissions-title")
    desc = i18n.both("label.site.chart.admissions-desc",
                     years="; ".join(f"{y}: {rows.get(y, 'n.d.')} / {reported.get(y, 'n.d.')}" for y in years))
    return Chart(
        slug="ammissioni-nel-tempo", title_it=title[0], title_en=title[1], desc_it=desc[0], desc_en=desc[1],
        categories=years,
        series=(Series(*i18n.both("label.site.chart.admissions-in-the-data"),
                       tuple(float(rows[y]) if y in rows else None for y in years)),
                Series(*i18n.both("label.site.chart.admitted-in-published-outcomes"),
                       tuple(float(reported[y]) if y in reported else None for y in years))),
    )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
