"""A validation report as HTML: summary, findings and the sheet with the faulty cells highlighted.

Every value from the user's file is escaped. The summary by column and kind comes first
(:mod:`cowork_data.validate.summary`), then the map of the rows' points (:mod:`cowork_data.validate.mapview`: its
only scripts are the vendored Leaflet and the map's own, inline), then the findings row by row and the sheet. The
page loads nothing from another origin, so it can be saved, mailed and opened offline. The web page (`/valida`)
embeds the same fragment.
"""

from __future__ import annotations

from html import escape

from cowork_data import i18n
from cowork_data.validate.mapview import map_fragment
from cowork_data.validate.report import Finding, Report, Sheet, cell_address
from cowork_data.validate.summary import summarise

__all__ = ["CSS", "FINDING_COLUMNS", "render_report", "report_page"]

#: Columns of the findings table (their labels are ``label.report.<name>``).
FINDING_COLUMNS = ("cell", "sheet", "row", "field", "code", "severity", "value", "message", "hint")
#: Sheets longer than this show only the header and the rows with findings.
FULL_SHEET_ROWS = 300

CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b;max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
.summary{padding:.8rem 1rem;border-radius:.4rem;font-size:1.1rem}
.summary.ok{background:#e3f4e1;border:1px solid #4a9a3f}.summary.ko{background:#fde8e6;border:1px solid #c0392b}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #bbb;padding:.2rem .4rem;vertical-align:top;text-align:left}
th{background:#eee}.grid td{white-space:pre;max-width:18rem;overflow:hidden;text-overflow:ellipsis}
.grid th.rownum{color:#666;font-weight:normal}
td.cell-error{background:#f8b9b2;outline:2px solid #c0392b}
td.cell-warning{background:#fde9a8;outline:2px solid #c99a06}
tr.header-row td{font-weight:bold;background:#f3f3f3}
.sev-error{color:#a11}.sev-warning{color:#8a6d00}
"""


def report_page(report: Report, *, lang: str = "it", title: str = "") -> str:
    """A standalone HTML page for ``report``."""
    t = i18n.Section("label.report", lang)
    heading = escape(title or f"{t['title']}: {', '.join(report.files)}")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{heading}</title><style>{CSS}</style></head>\n"
            f"<body><h1>{heading}</h1>\n{render_report(report, lang=lang)}\n</body></html>\n")


def render_report(report: Report, *, lang: str = "it") -> str:
    """The report as an HTML fragment: summary first, then findings, column mapping and the sheets."""
    t = i18n.Section("label.report", lang)
    ok = report.valid
    parts = [
        f'<div class="summary {"ok" if ok else "ko"}" id="summary"><strong>{t["valid"] if ok else t["invalid"]}'
        f"</strong> — {len(report.errors)} {t['errors']}, {len(report.warnings)} {t['warnings']}</div>",
    ]
    if report.findings:
        parts.append(_summary_table(report, lang))
    if map_html := map_fragment(report, lang):
        parts.append(map_html)
    parts.append(f"<h2>{t['findings']}</h2>")
    parts.append(_findings_table(report.findings, lang) if report.findings else f"<p>{t['none']}</p>")
    for sheet in report.sheets:
        parts.append(_mapping_table(sheet, lang))
    for sheet in report.sheets:
        parts.append(_grid(sheet, [f for f in report.findings if f.sheet == sheet.name
                                   and f.table == sheet.table], lang))
    return "\n".join(parts)


def _summary_table(report: Report, lang: str) -> str:
    summary = i18n.Section("label.summary", lang)
    head = "".join(f"<th>{summary[k]}</th>" for k in ("column", "kind", "count", "example-cells", "fix"))
    rows = []
    for g in summarise(report):
        examples = ", ".join(f"{escape(f.cell or str(f.row or ''))} <code>{escape(f.value)}</code>" for f in g.examples)
        rows.append(f'<tr class="group" data-code="{escape(g.code)}" data-count="{g.count}">'
                    f"<td>{escape(g.column or summary['whole-sheet'])}</td>"
                    f'<td class="sev-{escape(g.severity)}"><code>{escape(g.code)}</code> '
                    f"({escape(i18n.t(f'label.report.{g.severity}', lang))})<br>{escape(g.examples[0].message(lang))}"
                    f"</td><td>{g.count}</td><td>{examples}</td><td>{g.repaired or ''}</td></tr>")
    return (f'<h2 id="summary-title">{summary["title"]}</h2>'
            f'<table class="summary-groups"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _findings_table(findings: list[Finding], lang: str) -> str:
    t = i18n.Section("label.report", lang)
    head = "".join(f"<th>{t[k]}</th>" for k in FINDING_COLUMNS)
    rows = []
    for f in findings:
        cells = [f.cell, f.sheet, f.row or "", f.field, f.code]
        rows.append(
            f'<tr class="finding" data-cell="{escape(f.cell)}" data-code="{escape(f.code)}">'
            + "".join(f"<td>{escape(str(c))}</td>" for c in cells)
            + f'<td class="sev-{escape(f.severity)}">{escape(t.get(f.severity, f.severity))}</td>'
            + f"<td><code>{escape(f.value)}</code></td><td>{escape(f.message(lang))}</td>"
            + f"<td>{escape(f.hint(lang))}</td></tr>"
        )
    return f'<table class="findings"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _mapping_table(sheet: Sheet, lang: str) -> str:
    t = i18n.Section("label.report", lang)
    name = f" — {t['sheet']} «{escape(sheet.name)}»" if sheet.name else ""
    rows = "".join(f"<tr><td>{escape(h)}</td><td><code>{escape(f)}</code></td></tr>" for h, f in sheet.mapping.items())
    ignored = (f"<p>{t['ignored']}: {escape(', '.join(sheet.ignored))}</p>" if sheet.ignored else "")
    return (f"<h2>{t['mapping']}{name} ({t['table']} <code>{escape(sheet.table)}</code>)</h2>"
            f'<table class="mapping"><tr><th>{t["header"]}</th><th>{t["field"]}</th></tr>{rows}</table>{ignored}')


def _grid(sheet: Sheet, findings: list[Finding], lang: str) -> str:
    t = i18n.Section("label.report", lang)
    marks: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        if f.row and f.column:
            marks.setdefault((f.row, f.column), []).append(f)
    width = max((len(r) for r in sheet.records), default=0)
    flagged_rows = {r for r, _ in marks}
    long = len(sheet.records) > FULL_SHEET_ROWS
    letters = "".join(f"<th>{cell_address(1, c)[:-1]}</th>" for c in range(1, width + 1))
    body = []
    for r, record in enumerate(sheet.records, start=1):
        if long and r != sheet.header_row and r not in flagged_rows:
            continue
        cells = []
        for c in range(1, width + 1):
            value = record[c - 1] if c <= len(record) else ""
            here = marks.get((r, c))
            if here:
                severity = "error" if any(f.severity == "error" for f in here) else "warning"
                tip = " | ".join(f"{f.code}: {f.message(lang)}" for f in here)
                cells.append(f'<td class="cell-{severity}" data-cell="{cell_address(r, c)}" '
                             f'title="{escape(tip)}">{escape(value)}</td>')
            else:
                cells.append(f"<td>{escape(value)}</td>")
        row_class = ' class="header-row"' if r == sheet.header_row else ""
        body.append(f'<tr{row_class}><th class="rownum">{r}</th>{"".join(cells)}</tr>')
    name = f" «{escape(sheet.name)}»" if sheet.name else ""
    note = f"<p>{t['only-rows']}</p>" if long else ""
    return (f"<h2>{t['sheet']}{name}</h2>{note}"
            f'<table class="grid" data-sheet="{escape(sheet.name)}"><thead><tr><th></th>{letters}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")
