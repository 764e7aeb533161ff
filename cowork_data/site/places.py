"""Places of the site: the municipalities the data mention, the regions and départements (or provinces) they lie
in, the countries, and the pages and charts that count the spaces per place.

A municipality is keyed by its page slug: the ISTAT code in Italy (``015146``, as before), ``FR-{INSEE}`` in
France (``FR-75056``). Regions and their subdivisions come from each country's reference list: in Italy the
region and the province (sigla) of the ISTAT list, in France the région and the département of INSEE's COG
(``reference/insee/``). A release read without its reference lists still has its municipalities, named as the
spaces name them, without areas.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cowork_data import i18n
from cowork_data.site.charts import Chart, Series
from cowork_data.site.data import SPACE_TYPES, Comune, Row, SiteData

__all__ = ["COUNTRY_NAMES", "SIZE_CLASSES", "Area", "area_path", "areas", "comune_key", "country_chart",
           "country_path", "municipalities", "region_chart", "size_class", "size_class_chart"]

#: Countries with a profile, in the order the site shows them: (Italian name, English name).
COUNTRY_NAMES = {"IT": ("Italia", "Italy"), "FR": ("Francia", "France")}
#: Size classes of municipalities by legal population (the classes of the CGET 2019 inventory).
SIZE_CLASSES = ((5_000, "0-5000"), (20_000, "5000-20000"), (50_000, "20000-50000"), (100_000, "50000-100000"),
                (None, "100000 et plus"))


@dataclass(frozen=True)
class Area:
    """A region or one of its subdivisions (a French département, an Italian province); ``key`` is its page
    (``regioni/FR-11``)."""

    key: str
    kind: str  # "region" or "subregion"
    country: str
    code: str
    name: str
    parent: str = ""  # the region of a subdivision


def size_class(population: int | None) -> str:
    """The class of a municipality by population (``0-5000`` … ``100000 et plus``); ``""`` when unknown."""
    if population is None:
        return ""
    return next(label for limit, label in SIZE_CLASSES if limit is None or population < limit)


def comune_key(row: Row) -> str:
    """The page key of a row's municipality: ``015146`` (ISTAT) in Italy, ``FR-75056`` (INSEE) in France."""
    country = (row.get("country") or "IT").strip().upper()
    if country == "IT":
        return row.get("comune_istat", "")
    return f"{country}-{row.get('commune_insee', '')}" if row.get("commune_insee") else ""


def country_path(country: str) -> str:
    return f"paesi/{country}.html"


def area_path(key: str) -> str:
    """An area's page: ``territori/regioni/FR-11.html``, ``territori/dipartimenti/FR-75.html``,
    ``territori/province/IT-MI.html`` (régions and départements share codes: the kind keeps them apart)."""
    return f"territori/{key}.html"


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _french() -> Any:  # noqa: ANN401 - cowork_data.profiles.insee.Communes | None
    try:
        from cowork_data.profiles.insee import load_communes

        return load_communes()
    except Exception:  # without the reference list, the communes are named as the spaces name them
        return None


def _italian() -> Any:  # noqa: ANN401 - cowork_data.reference.Comuni | None
    try:
        from cowork_data.reference import load_comuni

        return load_comuni()
    except Exception:  # without the reference list, the comuni are named as the spaces name them
        return None


def municipalities(tables: dict[str, list[Row]]) -> dict[str, Comune]:
    """Every municipality the data mention: the spaces' (both countries), the Italian organisations' and the
    comuni whose Belfiore code opens a call's id; sorted by name, then key."""
    found: dict[str, Comune] = {}
    italian, french = _italian(), None
    for space in tables["spaces"]:
        key = comune_key(space)
        if not key or key in found:
            continue
        if key.startswith("FR-"):
            french = french or _french()
            found[key] = _french_commune(space["commune_insee"], space["comune_name"], french)
        else:
            found[key] = _italian_comune(space["comune_istat"], space.get("comune_belfiore", ""),
                                         space["comune_name"], italian)
    wanted_istat = {o["comune_istat"] for o in tables["organisations"] if o.get("comune_istat")} - set(found)
    wanted_belfiore = ({c["id"].split("/", 1)[0].upper() for c in tables["calls"]}
                       - {c.belfiore for c in found.values()})
    if italian is not None:
        for code in sorted(wanted_istat):
            hit = italian.by_istat(code)
            if hit:
                found[hit.istat] = _italian_comune(hit.istat, hit.belfiore, hit.name, italian)
        for code in sorted(wanted_belfiore):
            hit = italian.by_belfiore(code)
            if hit and hit.istat not in found:
                found[hit.istat] = _italian_comune(hit.istat, hit.belfiore, hit.name, italian)
    return dict(sorted(found.items(), key=lambda item: (item[1].name, item[0])))


def _italian_comune(istat: str, belfiore: str, name: str, reference: Any) -> Comune:  # noqa: ANN401
    hit = reference.by_istat(istat) if reference is not None else None
    if hit is None:
        return Comune(istat, belfiore, name)
    return Comune(istat, belfiore or hit.belfiore, name, population=hit.population,
                  region=f"regioni/IT-{_slug(hit.region)}", region_name=hit.region,
                  subregion=f"province/IT-{hit.province_code}" if hit.province_code else "",
                  subregion_name=hit.province_code)


def _french_commune(insee: str, name: str, reference: Any) -> Comune:  # noqa: ANN401
    hit = reference.get(insee) if reference is not None else None
    if hit is None:
        return Comune("", "", name, country="FR", insee=insee)
    return Comune("", "", name, country="FR", insee=insee, population=hit.population,
                  region=f"regioni/FR-{hit.region}", region_name=reference.region_name(hit.region),
                  subregion=f"dipartimenti/FR-{hit.departement}",
                  subregion_name=reference.departement_name(hit.departement))


def _code(key: str) -> str:
    """The code in an area's key: ``regioni/FR-11`` → ``11``, ``province/IT-MI`` → ``MI``."""
    return key.rpartition("/")[2].split("-", 1)[1]


def areas(comuni: dict[str, Comune]) -> dict[str, Area]:
    """The regions and subdivisions of the municipalities, keyed by their page key, sorted by country and name."""
    found: dict[str, Area] = {}
    for c in comuni.values():
        if c.region:
            found.setdefault(c.region, Area(c.region, "region", c.country, _code(c.region), c.region_name))
        if c.subregion:
            found.setdefault(c.subregion, Area(c.subregion, "subregion", c.country, _code(c.subregion),
                                               c.subregion_name or _code(c.subregion), parent=c.region))
    order = list(COUNTRY_NAMES)
    return dict(sorted(found.items(), key=lambda item: (order.index(item[1].country) if item[1].country in order
                                                        else len(order), item[1].kind, item[1].name, item[0])))


def _count(data: SiteData, key_of: Any) -> Counter[tuple[str, str]]:  # noqa: ANN401 - a function of a space
    return Counter((key_of(s), s["type"]) for s in data.spaces)


def _types(counts: Counter[tuple[str, str]]) -> list[str]:
    return [t for t in SPACE_TYPES if any(k[1] == t for k in counts)]


def _chart(slug: str, titles: tuple[str, str], words: tuple[str, str], categories: list[tuple[str, str]],
           counts: Counter[tuple[str, str]]) -> Chart:
    """A bar chart of spaces per category and type; categories are (key, label)."""
    types = _types(counts)
    totals = {key: sum(v for k, v in counts.items() if k[0] == key) for key, _label in categories}
    return Chart(
        slug=slug, title_it=titles[0], title_en=titles[1],
        desc_it="; ".join(f"{label}: {totals[key]} {words[0]}" for key, label in categories) + ".",
        desc_en="; ".join(f"{label}: {totals[key]} {words[1]}" for key, label in categories) + ".",
        categories=tuple(label for _key, label in categories),
        series=tuple(Series(SPACE_TYPES[t][0], SPACE_TYPES[t][1], tuple(float(counts[(key, t)])
                                                                      for key, _label in categories))
                     for t in types),
    )


def country_chart(data: SiteData) -> Chart:
    counts = _count(data, lambda s: (s.get("country") or "IT").upper())
    countries = [(c, COUNTRY_NAMES.get(c, (c, c))[0]) for c in COUNTRY_NAMES if any(k[0] == c for k in counts)]
    return _chart("spazi-per-paese", i18n.both("label.site.chart.per-country-title"),
                  i18n.both("label.site.spaces-2"), countries, counts)


def region_chart(data: SiteData) -> Chart:
    region_of = {key: c.region for key, c in data.comuni.items()}
    counts = _count(data, lambda s: region_of.get(comune_key(s), ""))
    regions = [(a.key, f"{a.name} ({a.country})") for a in data.areas.values()
               if a.kind == "region" and any(k[0] == a.key for k in counts)]
    return _chart("spazi-per-regione", i18n.both("label.site.chart.per-region-title"),
                  i18n.both("label.site.spaces-2"), regions, counts)


def size_class_chart(data: SiteData) -> Chart:
    class_of = {key: size_class(c.population) for key, c in data.comuni.items()}
    counts = _count(data, lambda s: class_of.get(comune_key(s), ""))
    classes = [(label, label) for _limit, label in SIZE_CLASSES if any(k[0] == label for k in counts)]
    return _chart("spazi-per-classe-di-comune",
                  i18n.both("label.site.chart.per-size-class-title"), i18n.both("label.site.spaces-2"), classes,
                  counts)
