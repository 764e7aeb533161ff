"""Bar charts drawn at build time as SVG, with their text alternative (``<title>``, ``<desc>``, a data table).

One small drawing routine (horizontal grouped bars) serves every chart; the output depends only on the data,
so the same data give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

WIDTH = 760
LABEL_WIDTH = 300
VALUE_WIDTH = 110
BAR = 18
BAR_GAP = 3
GROUP_GAP = 14
LEGEND_ROW = 20
#: Colours with enough contrast against white and distinct for the common colour-vision deficiencies.
PALETTE = ("#1b6ca8", "#c2571a", "#2e7d32", "#6a3d9a", "#5f6368")


@dataclass(frozen=True)
class Series:
    name_it: str
    name_en: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A chart's data and words: categories (rows), series (bars per row), unit (``EUR`` or empty)."""

    slug: str  #: the chart's id in the page (``chart-{slug}``) and its file name (``{slug}.svg``)
    title_it: str
    title_en: str
    desc_it: str  #: what the chart shows, in words: the SVG's ``<desc>`` for screen readers
    desc_en: str
    categories: tuple[str, ...]  #: the label of each group of bars, top to bottom
    series: tuple[Series, ...]  #: one bar per category each, with the legend's name
    unit: str = ""

    @property
    def empty(self) -> bool:
        return not self.categories


def format_number(value: float | None, unit: str = "") -> str:
    """Italian number format: ``198.240``, ``1.500,50``; ``n.d.`` when missing; the unit after it (``€``)."""
    if value is None:
        return "n.d."
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", ".")
    else:
        text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €" if unit == "EUR" else text


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_svg(chart: Chart, *, standalone: bool = False) -> str:
    """The chart as an SVG element (``standalone`` adds the XML declaration for a file of its own)."""
    ids = f"chart-{chart.slug}"
    n_series = max(len(chart.series), 1)
    group = n_series * BAR + (n_series - 1) * BAR_GAP
    top = 14 + LEGEND_ROW * len(chart.series) + 10
    height = top + len(chart.categories) * (group + GROUP_GAP) + 10
    top_value = max((v for s in chart.series for v in s.values if v is not None), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    out = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{ids}-title {ids}-desc" '
        f'font-family="system-ui, sans-serif" font-size="13">\n'
        f'<title id="{ids}-title">{escape(chart.title_it)} / {escape(chart.title_en)}</title>\n'
        f'<desc id="{ids}-desc">{escape(chart.desc_it)} / {escape(chart.desc_en)}</desc>\n'
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>\n'
    )
    for i, series in enumerate(chart.series):
        colour = PALETTE[i % len(PALETTE)]
        legend_y = 10 + i * LEGEND_ROW
        out.append(f'<rect x="{LABEL_WIDTH}" y="{legend_y}" width="14" height="14" fill="{colour}"/>'
                   f'<text x="{LABEL_WIDTH + 20}" y="{legend_y + 12}">'
                   f'{escape(series.name_it)} / {escape(series.name_en)}</text>\n')
    y = top
    for row, category in enumerate(chart.categories):
        label_y = y + group / 2 + 4
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{label_y:g}" text-anchor="end">'
                   f'<title>{escape(category)}</title>{escape(_short(category))}</text>\n')
        for i, series in enumerate(chart.series):
            value = series.values[row]
            bar_y = y + i * (BAR + BAR_GAP)
            width = 0.0 if value is None else round(plot * value / top_value, 1)
            colour = PALETTE[i % len(PALETTE)]
            out.append(f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{width:g}" height="{BAR}" fill="{colour}"/>'
                       f'<text x="{LABEL_WIDTH + width + 5:g}" y="{bar_y + BAR - 4}">'
                       f'{escape(format_number(value, chart.unit))}</text>\n')
        y += group + GROUP_GAP
    out.append(f'<line x1="{LABEL_WIDTH}" y1="{top - 4}" x2="{LABEL_WIDTH}" y2="{y - GROUP_GAP + 4}" '
               f'stroke="#333333"/>\n</svg>\n')
    return "".join(out)


@dataclass(frozen=True)
class Figure:
    """A chart that draws itself: as SVG in Jupyter (``_repr_svg_``) and in the site's notebook pages."""

    chart: Chart

    def _repr_svg_(self) -> str:
        return render_svg(self.chart)

    def __str__(self) -> str:
        return render_svg(self.chart)


def frame_chart(frame: Any, *, label: str | list[str], values: dict[str, tuple[str, str]], slug: str,
                title_it: str, title_en: str, desc_it: str = "", desc_en: str = "", unit: str = "") -> Figure:
    """A bar chart of a table (a polars DataFrame, or anything with ``frame[column].to_list()``): one group of bars
    per row, labelled by the ``label`` column(s) joined with `` · ``; one series per column of ``values``
    (column → Italian and English name). Missing values stay missing (``n.d.``)."""
    labels = [label] if isinstance(label, str) else list(label)
    columns = [frame[name].to_list() for name in labels]
    categories = tuple(" · ".join(str(c[i]) for c in columns if c[i] not in (None, "")) for i in range(len(frame)))
    series = tuple(Series(it, en, tuple(None if v is None else float(v) for v in frame[name].to_list()))
                   for name, (it, en) in values.items())
    return Figure(Chart(slug, title_it, title_en, desc_it, desc_en, categories, series, unit))
