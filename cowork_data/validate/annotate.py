"""The clerk's own file back, annotated: a copy of their workbook with each faulty cell highlighted and the finding
and its fix hint as the cell's comment, in their language — what they open in their spreadsheet.

An XLSX is copied as it is (openpyxl keeps its formatting, formulas and other sheets); any other file (CSV, ODS,
XLS…) becomes an XLSX of the sheets as read, written as text (:func:`cowork_data.validate.writers.write_grid`, so
codes keep their zeros and no cell becomes a formula). A last sheet lists every finding, the summary by column and
kind first, including the findings no cell holds (a missing column, a list outside Italy). The output is written
to a temporary file beside it and moved into place: never a half-written file, never the input overwritten.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cowork_data import i18n
from cowork_data.errors import UsageError
from cowork_data.validate.report import Finding, Report

__all__ = ["FILLS", "annotate_file"]

#: Cell backgrounds of an error and a warning (the HTML report's colours).
FILLS = {"error": "F8B9B2", "warning": "FDE9A8"}
_COMMENT_AUTHOR = "cowork-data"


def annotate_file(source: Path | str, report: Report, output: Path | str, *, lang: str = i18n.DEFAULT) -> Path:
    """Write ``output`` (.xlsx): ``source`` with the findings of ``report`` on its cells, in ``lang``."""
    from openpyxl import load_workbook

    source, output = Path(source), Path(output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError("error.annotate-format", name=output.name)
    if output.resolve() == source.resolve():
        raise UsageError("error.annotate-same-output")
    fd, temp = tempfile.mkstemp(suffix=".xlsx", prefix=".annotate-", dir=output.parent)
    os.close(fd)
    try:
        if source.suffix.lower() in (".xlsx", ".xlsm"):
            workbook = load_workbook(source)
        else:
            from cowork_data.validate.writers import GridSheet, write_grid

            write_grid(temp, [GridSheet(s.name or "Foglio1", s.records, s.header_row) for s in report.sheets]
                       or [GridSheet("Foglio1", [])])
            workbook = load_workbook(temp)
        _annotate(workbook, report, lang)
        workbook.save(temp)
        os.replace(temp, output)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return output


def _annotate(workbook, report: Report, lang: str) -> None:  # noqa: ANN001 - openpyxl Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, int, int], list[Finding]] = {}
    for f in report.findings:
        if f.row and f.column:
            by_cell.setdefault((f.sheet, f.row, f.column), []).append(f)
    names = workbook.sheetnames
    for (sheet, row, column), found in by_cell.items():
        ws = workbook[sheet] if sheet in names else workbook[names[0]]
        cell = ws.cell(row=row, column=column)
        severity = "error" if any(f.severity == "error" for f in found) else "warning"
        cell.fill = PatternFill("solid", start_color=FILLS[severity], end_color=FILLS[severity])
        text = "\n\n".join(f"{f.message(lang)}\n→ {f.hint(lang)}" if f.hint(lang) else f.message(lang)
                           for f in found)
        comment = Comment(text, _COMMENT_AUTHOR)
        comment.width, comment.height = 360, min(60 + 18 * (text.count("\n") + len(text) // 55), 600)
        cell.comment = comment
    _findings_sheet(workbook, report, lang)


def _findings_sheet(workbook, report: Report, lang: str) -> None:  # noqa: ANN001 - openpyxl Workbook
    from openpyxl.styles import Font

    from cowork_data.safety import safe_cell
    from cowork_data.validate.summary import summarise

    t = i18n.Section("label.annotate", lang)
    title = t["sheet"]
    while title in workbook.sheetnames:
        title += "_"
    ws = workbook.create_sheet(title[:31])
    r = i18n.Section("label.report", lang)
    s = i18n.Section("label.summary", lang)
    rows: list[list[object]] = [[s["title"]], [s["column"], s["kind"], s["count"], s["fix"], r["message"]]]
    bold = {1, 2}
    for g in summarise(report):
        rows.append([g.column or s["whole-sheet"], g.code, g.count, g.repaired, g.examples[0].message(lang)])
    rows += [[], [s["rows"]], [r["sheet"], r["cell"], r["code"], r["severity"], r["value"], r["message"],
                                r["hint"]]]
    bold |= {len(rows) - 1, len(rows)}
    for f in report.findings:
        rows.append([f.sheet, f.cell or (f.row or ""), f.code, r[f.severity], f.value, f.message(lang), f.hint(lang)])
    for i, values in enumerate(rows, start=1):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=i, column=j, value=safe_cell(value) if isinstance(value, str) else value)
            if i in bold:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (22, 26, 10, 12, 30, 80, 60), strict=True):
        ws.column_dimensions[column].width = width
