"""Findings and reports: one model shared by table validation and graph (SHACL) validation.

A finding is data (where, what, which value, the parameters of its message) plus its message and fix hint in Italian
and English, from the message catalogue (:mod:`cowork_data.i18n`); any other language of the catalogue is rendered
from the same parameters. A report is a tree — file → sheet → findings — with :meth:`Report.flatten` for tests
and :meth:`Report.to_dict` for ``--json``, in the manner of frictionless-py reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cowork_data import i18n
from cowork_data.validate.collector import collector_paused

__all__ = ["FileReport", "Finding", "Report", "Severity", "Sheet", "SheetReport", "cell_address", "finding_text"]

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


def finding_text(code: str, part: Literal["message", "hint"], lang: str, params: Mapping[str, Any],
                 field_name: str = "") -> str:
    """The message or hint of a finding ``code`` in ``lang``; a hint of the field (``field-hint.<field>``) wins.

    Texts are remembered per catalogue, code, part, language, field and parameters: a list repeats the same finding
    on many rows (``Co-working`` in every third row), and filling a message costs more than looking it up."""
    cat = i18n.catalogue()
    key = (cat, code, part, lang, field_name, repr(sorted(params.items())))
    text = _TEXTS.get(key)
    if text is None:
        if len(_TEXTS) > 50_000:
            _TEXTS.clear()
        text = _TEXTS[key] = _finding_text(cat, code, part, lang, params, field_name)
    return text


_TEXTS: dict[tuple[Any, ...], str] = {}
_FOUR: dict[tuple[Any, ...], tuple[str, str, str, str]] = {}


def _finding_texts(code: str, params: Mapping[str, Any], field_name: str) -> tuple[str, str, str, str]:
    """Message and hint in Italian and in English (:func:`finding_text` four times, with one key: making the key
    of the parameters costs more than filling a message it finds remembered)."""
    cat = i18n.catalogue()
    key = (cat, code, field_name, _plain_key(params) or repr(sorted(params.items())))
    texts = _FOUR.get(key)
    if texts is None:
        if len(_FOUR) > 50_000:
            _FOUR.clear()
        texts = _FOUR[key] = (_finding_text(cat, code, "message", i18n.DEFAULT, params, ""),
                              _finding_text(cat, code, "message", i18n.FALLBACK, params, ""),
                              _finding_text(cat, code, "hint", i18n.DEFAULT, params, field_name),
                              _finding_text(cat, code, "hint", i18n.FALLBACK, params, field_name))
    return texts


def _plain_key(params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The parameters as a key made without ``repr`` (the ``repr`` of 16,539 findings' parameters was most of the
    cost of their texts) when every value is a text, a whole number, a dictionary of texts or a catalogue text with
    such parameters: values of these exact types are equal as keys only when their ``repr``, hence their messages,
    are the same. None otherwise (the caller keys by ``repr``)."""
    items: list[tuple[str, Any]] = []
    for name, value in params.items():
        kind = type(value)
        if kind is i18n.Text:
            for _, v in value.params:
                if type(v) is not str and type(v) is not int:
                    return None
        elif kind is dict:
            for k, v in value.items():
                if type(k) is not str or type(v) is not str:
                    return None
            value = ("dict", *value.items())
        elif kind is not str and kind is not int:
            return None
        items.append((name, value))
    return tuple(items)


def _finding_text(cat: i18n.Catalogue, code: str, part: str, lang: str, params: Mapping[str, Any],
                  field_name: str) -> str:
    if part == "hint" and field_name and cat.has(key := f"finding.{code}.field-hint.{field_name}"):
        return cat.t(key, lang, **params)
    key = f"finding.{code}.{part}"
    return cat.t(key if cat.has(key) else f"finding.unknown.{part}", lang, **params)


@dataclass(frozen=True)
class Finding:
    """One problem found in a table or a graph.

    ``row`` is the 1-based row of the user's file (the header is row 1), ``column`` the 1-based column number and
    ``field`` the schema field it maps to. Graph findings carry ``focus_node``, ``path`` and ``constraint``.
    ``params`` are the parameters of the catalogue message (None for a message that does not come from it, such as
    a shape's ``sh:message``).
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
    params: Mapping[str, Any] | None = dataclasses.field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, code: str, params: Mapping[str, Any], **attributes: Any) -> Finding:
        """A finding whose message and hint are the catalogue's for ``code``, filled with ``params``."""
        message_it, message_en, hint_it, hint_en = _finding_texts(code, params, attributes.get("field", ""))
        return cls(code=code, params=params, message_it=message_it, message_en=message_en, hint_it=hint_it,
                   hint_en=hint_en, **attributes)

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.column)

    def message(self, lang: str = i18n.DEFAULT) -> str:
        if lang == "it":
            return self.message_it
        if lang == "en" or self.params is None or lang not in i18n.languages():
            return self.message_en
        return finding_text(self.code, "message", lang, self.params)

    def hint(self, lang: str = i18n.DEFAULT) -> str:
        if lang == "it":
            return self.hint_it
        if lang == "en" or self.params is None or lang not in i18n.languages():
            return self.hint_en
        return finding_text(self.code, "hint", lang, self.params, self.field)

    def to_dict(self) -> dict[str, Any]:
        """The finding's attributes in their order, then its cell, leaving out the empty ones and ``params``
        (what its texts were made from)."""
        data = {k: v for k, v in self.__dict__.items() if v != "" and v is not None and k != "params"}
        if cell := self.cell:
            data["cell"] = cell
        return data


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


def _stats(findings: list[Finding]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    return {"errors": errors, "warnings": warnings, "findings": len(findings)}


@dataclass
class SheetReport:
    """The findings of one sheet (or one table of a build) of one file: a branch of the report tree."""

    sheet: str
    table: str
    findings: list[Finding]

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self, dicts: Mapping[int, dict[str, Any]] | None = None) -> dict[str, Any]:
        """``dicts``: the findings' dictionaries already made (by ``id``), shared rather than made again."""
        return {"sheet": self.sheet, "table": self.table, "valid": self.valid, "stats": _stats(self.findings),
                "findings": [dicts[id(f)] if dicts else f.to_dict() for f in self.findings]}


@dataclass
class FileReport:
    """The sheets of one file read (``""`` for findings with no file, such as those of a graph)."""

    file: str
    sheets: list[SheetReport]

    @property
    def valid(self) -> bool:
        return all(s.valid for s in self.sheets)

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.sheets for f in s.findings]

    def to_dict(self, dicts: Mapping[int, dict[str, Any]] | None = None) -> dict[str, Any]:
        return {"file": self.file, "valid": self.valid, "stats": _stats(self.findings),
                "sheets": [s.to_dict(dicts) for s in self.sheets]}


class Report:
    """The findings of one validation run, in a stable order, and the tree file → sheet → findings.

    Findings are added with :meth:`extend` (or :meth:`merge`) and sorted once, when they are next read.
    ``mapping`` is user header → schema field (all sheets together); ``sheets`` describes each table read.
    """

    def __init__(self, findings: Iterable[Finding] = (), files: list[str] | None = None,
                 mapping: dict[str, str] | None = None, sheets: list[Sheet] | None = None) -> None:
        self._findings: list[Finding] = list(findings)
        self._sorted = False
        self.files: list[str] = list(files or [])
        self.mapping: dict[str, str] = dict(mapping or {})
        self.sheets: list[Sheet] = list(sheets or [])

    @property
    def findings(self) -> list[Finding]:
        """Every finding, sorted by file, sheet, table, row, column and code (stable for equal places)."""
        if not self._sorted:
            self._findings.sort(key=_order)
            self._sorted = True
        return self._findings

    @findings.setter
    def findings(self, findings: Iterable[Finding]) -> None:
        self._findings = list(findings)
        self._sorted = False

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self._findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def extend(self, findings: Iterable[Finding]) -> None:
        self._findings.extend(findings)
        self._sorted = False

    def merge(self, other: Report) -> None:
        """Add another report's findings, files, mapping and sheets to this one."""
        self.extend(other._findings)
        self.files.extend(f for f in other.files if f not in self.files)
        self.mapping.update(other.mapping)
        self.sheets.extend(other.sheets)

    @property
    def tasks(self) -> list[FileReport]:
        """The report as a tree: each file (sorted), its sheets (sorted by sheet and table), their findings.

        Every file and sheet read is there, with or without findings; flattening the tree gives :attr:`findings`.
        """
        branches: dict[str, dict[tuple[str, str], list[Finding]]] = {}
        for name in self.files:
            branches.setdefault(name, {})
        for sheet in self.sheets:
            branches.setdefault(sheet.file, {}).setdefault((sheet.name, sheet.table), [])
        for f in self.findings:
            branches.setdefault(f.file, {}).setdefault((f.sheet, f.table), []).append(f)
        return [FileReport(name, [SheetReport(s, t, found) for (s, t), found in sorted(branches[name].items())])
                for name in sorted(branches)]

    def counts(self) -> dict[str, int]:
        """Number of findings per code, most frequent first."""
        counts: dict[str, int] = {}
        for f in self._findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Findings as lists of the given attributes, e.g. ``flatten(["row", "field", "code"])``."""
        return [[getattr(f, k) for k in keys] for task in self.tasks for f in task.findings]

    def to_dict(self) -> dict[str, Any]:
        """The report for ``--json``: tens of thousands of small dictionaries for a large list, made with the
        cyclic collector paused (they hold no cycles, and its passes over the validator's tables were 0.2 s)."""
        with collector_paused():
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        dicts = {id(f): f.to_dict() for f in self.findings}  # the flat list and the tree share them
        return {
            "valid": self.valid,
            "files": list(self.files),
            "stats": _stats(self.findings),
            "counts": self.counts(),
            "mapping": dict(self.mapping),
            "sheets": [s.to_dict() for s in self.sheets],
            "findings": [dicts[id(f)] for f in self.findings],
            "tree": [task.to_dict(dicts) for task in self.tasks],
        }


def _order(f: Finding) -> tuple:
    return (f.file, f.sheet, f.table, f.row or 0, f.column or 0, f.code, f.focus_node, f.path, f.constraint)
