"""The summary a clerk reads first: the findings grouped by column and kind, each group with how many, three
examples and how many of them ``cowork-data fix`` repairs; the rows come after it (the findings table).

The same groups feed the terminal report, the HTML page, ``/valida`` and ``--json`` (key ``summary``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cowork_data import i18n
from cowork_data.validate.report import Finding, Report

__all__ = ["EXAMPLES", "REPAIRED", "Group", "summarise"]

#: Examples shown per group.
EXAMPLES = 3
#: Codes whose every finding ``fix`` repairs (:data:`cowork_data.validate.fix.REPAIRS` applies them without
#: conditions: the finding carries the value to write). Others (a constraint, a type) are repaired only in some
#: cases and are not counted.
REPAIRED = frozenset({"whitespace", "mojibake", "phone-format", "coordinates-swapped", "comune-name-variant",
                      "comune-exonym", "comune-ceased", "comune-from-point", "decimal-comma",
                      "coordinates-projected", "comune-istat-zeros", "enum-variant"})


@dataclass
class Group:
    """The findings of one kind in one column of one sheet."""

    sheet: str
    column: str
    field: str
    code: str
    severity: str
    position: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def examples(self) -> list[Finding]:
        return self.findings[:EXAMPLES]

    @property
    def repaired(self) -> int:
        return self.count if self.code in REPAIRED else 0

    def label(self, lang: str = i18n.DEFAULT) -> str:
        """What the group is, in words: its column (or the sheet) and the kind's severity."""
        t = i18n.Section("label.summary", lang)
        where = self.column or t["whole-sheet"]
        return f"{where} — {self.code} ({i18n.t(f'label.report.{self.severity}', lang)})"

    def line(self, lang: str = i18n.DEFAULT) -> str:
        """One line of the terminal report."""
        t = i18n.Section("label.summary", lang)
        shown = "; ".join(f"{f.cell or f.row or '—'} «{_short(f.value)}»" if f.value else f"{f.cell or f.row or '—'}"
                          for f in self.examples)
        parts = [f"{self.label(lang)}: {self.count}", t.format("examples", examples=shown) if shown else ""]
        if self.repaired:
            parts.append(t.format("repaired", n=self.repaired))
        return ", ".join(p for p in parts if p)

    def to_dict(self, lang: str = i18n.DEFAULT) -> dict[str, Any]:
        return {"sheet": self.sheet, "column": self.column, "field": self.field, "code": self.code,
                "severity": self.severity, "count": self.count, "repaired_by_fix": self.repaired,
                "examples": [{"cell": f.cell, "row": f.row, "value": f.value, "message": f.message(lang)}
                             for f in self.examples]}


def _short(value: str, width: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def summarise(report: Report | Iterable[Finding]) -> list[Group]:
    """The groups of a report's findings: by sheet, then column (in the file's order; findings of the whole sheet
    first), then errors before warnings, then the most frequent kind."""
    findings = report.findings if isinstance(report, Report) else list(report)
    groups: dict[tuple[str, str, str, str], Group] = {}
    for f in findings:
        column = str((f.params or {}).get("column", "") or f.field) if f.column or f.field else ""
        key = (f.file, f.sheet, column, f.code)
        if key not in groups:
            groups[key] = Group(f.sheet, column, f.field, f.code, f.severity, f.column or 0)
        groups[key].findings.append(f)
    return sorted(groups.values(), key=lambda g: (g.sheet, g.position, g.severity != "error", -g.count, g.code))
