"""Findings and reports: one model shared by table validation and graph (SHACL) validation.

A finding is data (where, what, which value) plus a bilingual message; a report is a list of findings with
helpers to flatten them for tests and to print them as JSON, in the manner of frictionless-py reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


def cell_address(row: int | None, column: int | None) -> str:
    """Spreadsheet address of a 1-based (row, column) pair: ``(12, 3) -> 'C12'``."""
    if not row or not column:
        return ""
    letters = ""
    n = column
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


@dataclass(frozen=True)
class Finding:
    """One problem found in a table or a graph.

    ``row`` is the 1-based row of the user's file (the header is row 1), ``column`` the 1-based column number and
    ``field`` the schema field it maps to. Graph findings carry ``focus_node``, ``path`` and ``constraint``.
    """

    code: str
    message_it: str
    message_en: str
    severity: Severity = "error"
    file: str = ""
    sheet: str = ""
    table: str = ""
    row: int | None = None
    column: int | None = None
    field: str = ""
    value: str = ""
    hint_it: str = ""
    hint_en: str = ""
    focus_node: str = ""
    path: str = ""
    constraint: str = ""
    shape: str = ""

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.column)

    def message(self, lang: str = "it") -> str:
        return self.message_en if lang == "en" else self.message_it

    def hint(self, lang: str = "it") -> str:
        return self.hint_en if lang == "en" else self.hint_it

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cell"] = self.cell
        return {k: v for k, v in data.items() if v not in ("", None)}


@dataclass
class Sheet:
    """A table as the user laid it out: the grid of text (title and header rows included) and its column mapping.

    Kept on the report so that a report page can show the sheet with the faulty cells highlighted.
    """

    name: str
    table: str
    header_row: int
    records: list[list[str]]
    mapping: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    file: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.name, "table": self.table, "header_row": self.header_row,
                "rows": len(self.records) - self.header_row, "mapping": dict(self.mapping),
                "ignored_columns": list(self.ignored)}


@dataclass
class Report:
    """The findings of one validation run, in a stable order.

    ``mapping`` is user header → schema field (all sheets together); ``sheets`` describes each table read.
    """

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    sheets: list[Sheet] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)
        self.findings.sort(key=_order)

    def merge(self, other: Report) -> None:
        """Add another report's findings, files, mapping and sheets to this one."""
        self.extend(other.findings)
        self.files.extend(f for f in other.files if f not in self.files)
        self.mapping.update(other.mapping)
        self.sheets.extend(other.sheets)

    def counts(self) -> dict[str, int]:
        """Number of findings per code, most frequent first."""
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Findings as lists of the given attributes, e.g. ``flatten(["row", "field", "code"])``."""
        return [[getattr(f, k) for k in keys] for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "files": list(self.files),
            "stats": {"errors": len(self.errors), "warnings": len(self.warnings), "findings": len(self.findings)},
            "counts": self.counts(),
            "mapping": dict(self.mapping),
            "sheets": [s.to_dict() for s in self.sheets],
            "findings": [f.to_dict() for f in self.findings],
        }


def _order(f: Finding) -> tuple:
    return (f.file, f.sheet, f.table, f.row or 0, f.column or 0, f.code, f.focus_node, f.path, f.constraint)
