"""Checks of any cell's text: spaces around a value, formula and DDE payloads (:mod:`cowork_data.safety`, the rule
that neutralises what the toolkit writes), cells longer than the reader keeps, unknown feature codes, a code of a
list written another way (``FabLab``, ``Co-working``, ``sì``), and the mojibake test (ftfy) the whitespace check and
the sheet scan share."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

import polars as pl

from cowork_data.declaration import codes
from cowork_data.safety import TRIGGERS, is_dangerous
from cowork_data.validate.checks.base import PY_SPACE, Check, Columns, Hit, Kind, Rows, hits_where, stripped
from cowork_data.validate.files import MAX_CELL_CHARS

__all__ = ["ENUM_WORDS", "FEATURE_CODES", "EnumVariants", "Features", "Formulas", "LongCells", "Whitespace",
           "enum_code", "mojibake_fix"]

#: Codes of the features concept scheme (``vocab/features.ttl``, the scheme of ``spaces.features`` in the declaration).
FEATURE_CODES = frozenset(codes("features"))
_DASHES = " \t\r\n-–—"
#: ``safety.PLAIN_NUMBER`` as polars reads it (Python's ``$`` also matches before a final line break).
_PLAIN_NUMBER = r"^[+-]?[0-9][0-9 .,]*\n?$"
_TRIGGER = "^[" + "".join(rf"\x{{{ord(c):X}}}" for c in TRIGGERS) + "]"
_WORD = "[^" + "".join(rf"\x{{{ord(c):X}}}" for c in PY_SPACE) + "]+"


def mojibake_fix(value: str) -> str | None:
    """The repaired text when ftfy finds mojibake (UTF-8 read as Latin-1/cp1252) in ``value``, else None."""
    if not value or value.isascii():
        return None
    import ftfy  # here: 0.1 s of a cold call, which a list without accents does without

    fixed = ftfy.fix_encoding(value)
    return fixed if fixed != value else None


#: Italian words for the codes of the schema's lists (``wheelchair``: yes, limited, no).
ENUM_WORDS = {"si": "yes", "sì": "yes", "accessibile": "yes", "limitata": "limited", "limitato": "limited",
              "parziale": "limited", "parzialmente": "limited", "non_accessibile": "no"}


def enum_code(value: str, enum: Sequence[str]) -> str | None:
    """The code of ``enum`` that ``value`` writes another way (case, accents, spaces, hyphens: ``FabLab``,
    ``Co-working``; or an Italian word of :data:`ENUM_WORDS`), None when it is none or is the code itself."""
    from cowork_data.validate.schemas import fold

    if not value or value in enum:
        return None
    key = fold(value)
    matches = [e for e in enum if fold(e).replace("_", "") == key.replace("_", "")]
    code = matches[0] if len(matches) == 1 else ENUM_WORDS.get(key)
    return code if code in enum else None


@cache
def _enums(table: str) -> dict[str, tuple[str, ...]]:
    from cowork_data.table_schemas import schema_descriptor

    return {f["name"]: tuple(f["constraints"]["enum"]) for f in schema_descriptor(table)["fields"]
            if f.get("constraints", {}).get("enum") and f.get("type", "string") == "string"}


class EnumVariants(Check):
    """A code of one of the schema's lists written another way: a warning naming the code, which ``fix`` writes."""

    name = "enum-variants"
    kinds = (Kind("enum-variant", "warning", replaces_cell=True),)

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        enums = _enums(table)
        written = ((i, name, (value or "").strip()) for i, row in enumerate(rows) for name, value in row.items()
                   if name in enums)
        yield from ((i, name, "enum-variant", {"other": code}) for i, name, value in written
                    if (code := enum_code(value, enums[name])))

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        enums = _enums(table)
        for name in sorted(enums.keys() & set(columns.names)):
            series = stripped(columns.series(name))
            codes = {value: code for value in series.unique().to_list() if (code := enum_code(value, enums[name]))}
            rows = hits_where(series.is_in(list(codes))) if codes else []
            yield from ((i, name, "enum-variant", {"other": codes[value]})
                        for i, value in zip(rows, series.gather(rows).to_list(), strict=True))


def _spaced(value: str) -> bool:
    # a trailing no-break space is often half of a garbled "à": the mojibake finding says more
    return bool(value) and value != value.strip() and bool(value.strip()) and mojibake_fix(value) is None


class Whitespace(Check):
    """Spaces before or after a value."""

    name = "whitespace"
    kinds = (Kind("whitespace", "warning"),)

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        for i, row in enumerate(rows):
            for name, value in row.items():
                if value and _spaced(value):
                    yield i, name, "whitespace", {}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        for name in columns.names:
            series = columns.series(name)
            trimmed = stripped(series)
            candidates = (series != trimmed) & (trimmed != "")
            rows = hits_where(candidates)
            values = series.gather(rows).to_list()
            verdict = {value: mojibake_fix(value) is None for value in set(values)}
            yield from ((i, name, "whitespace", {}) for i, v in zip(rows, values, strict=True) if verdict[v])


def _shown(value: str) -> str:
    shown = value[:60].replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
    return shown + ("…" if len(value) > 60 else "")


class Formulas(Check):
    """Cells a spreadsheet would run as a formula or a DDE command (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``).

    Plain numbers and phone numbers (``-12.5``, ``+39 02 1234567``) are not formulas; neither is a lone dash.
    """

    name = "formulas"
    kinds = (Kind("formula-in-cell"),)

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        for i, row in enumerate(rows):
            for name in sorted(row):
                value = row[name] or ""
                if is_dangerous(value) and len(value.strip(_DASHES)) > 0:
                    yield i, name, "formula-in-cell", {"other": _shown(value)}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        for name in columns.names:
            series = columns.series(name)
            dangerous = (series.str.contains(_TRIGGER) & ~series.str.contains(_PLAIN_NUMBER)
                         & (series.str.strip_chars(_DASHES) != ""))
            rows = hits_where(dangerous)
            for i, value in zip(rows, series.gather(rows).to_list(), strict=True):
                yield i, name, "formula-in-cell", {"other": _shown(value)}


class LongCells(Check):
    """Cells longer than the reader keeps (it cut them to ``MAX_CELL_CHARS`` characters and a "…")."""

    name = "long-cells"
    kinds = (Kind("cell-too-long"),)

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        for i, row in enumerate(rows):
            for name in sorted(row):
                if len(row[name] or "") > MAX_CELL_CHARS:
                    yield i, name, "cell-too-long", {"other": str(MAX_CELL_CHARS)}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        for name in columns.names:
            for i in hits_where(columns.series(name).str.len_chars() > MAX_CELL_CHARS):
                yield i, name, "cell-too-long", {"other": str(MAX_CELL_CHARS)}


class Features(Check):
    """Codes in ``features`` that the features scheme does not have."""

    name = "features"
    kinds = (Kind("feature-unknown"),)

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        for i, row in enumerate(rows):
            unknown = [t for t in (row.get("features") or "").strip().split() if t not in FEATURE_CODES]
            if unknown:
                yield i, "features", "feature-unknown", {"other": " ".join(unknown)}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        if "features" not in columns:
            return
        # the words of each cell as str.split() cuts them, exploded to one row per word
        words = (pl.DataFrame({"words": columns.series("features").str.extract_all(_WORD)})
                 .with_row_index("i").explode("words", empty_as_null=True)
                 .filter(pl.col("words").is_not_null() & ~pl.col("words").is_in(list(FEATURE_CODES))))
        for i, unknown in words.group_by("i", maintain_order=True).agg("words").sort("i").iter_rows():
            yield i, "features", "feature-unknown", {"other": " ".join(unknown)}
