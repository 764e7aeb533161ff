"""What a check is: finding kinds and checks as small objects, after frictionless-py's checks and errors.

A :class:`Kind` is one kind of finding (its code, severity, what schema findings it replaces); its message and hint
are the catalogue's ``finding.<code>.message`` / ``.hint``. A :class:`Check` emits findings of some kinds, and
implements the same rule twice: :meth:`Check.rows` over rows (the reference, plain Python) and
:meth:`Check.columns` over a table's columns (vectorised with polars, calling a library once per distinct value
where a rule needs one). Both return the same hits, in the same order — sorted by row, then field — which
``tests/test_checks.py`` proves on generated cells and on the fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl

__all__ = ["Check", "Columns", "Hit", "Kind", "PY_SPACE", "Rows", "by_distinct", "hits_where", "row_text",
           "sort_hits", "stripped"]

#: ``(row index, field, code, params)``; a param ``other_row`` (a row index) becomes the user's row number.
Hit = tuple[int, str, str, dict[str, object]]
Rows = Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class Kind:
    """A kind of finding. ``replaces`` lists fields of the same row whose schema findings it replaces (its own
    message says more); ``replaces_cell`` replaces the schema finding on its own cell."""

    code: str
    severity: str = "error"
    replaces: tuple[str, ...] = ()
    replaces_cell: bool = False

    @property
    def message_key(self) -> str:
        return f"finding.{self.code}.message"

    @property
    def hint_key(self) -> str:
        return f"finding.{self.code}.hint"


#: Every character ``str.strip()`` removes (Python's whitespace; polars' own ``strip_chars()`` knows fewer, such as
#: U+001C-U+001F). The last one is U+3000.
PY_SPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def row_text(row: Mapping[str, str], name: str) -> str:
    return (row.get(name) or "").strip()


def stripped(series: pl.Series) -> pl.Series:
    """``str.strip()`` of every cell, exactly as Python strips."""
    return series.str.strip_chars(PY_SPACE)


def sort_hits(hits: Iterable[Hit]) -> list[Hit]:
    """Hits in the one order both implementations return: by row, then field (stable otherwise)."""
    return sorted(hits, key=lambda hit: (hit[0], hit[1]))


class Columns:
    """A table column by column: each a polars String Series (a missing or None cell is ``""``), made on demand.

    Every row of a table has the same fields (the first row names them). Series are built the first time a check
    asks, so a check reading two columns of a wide table costs two columns.
    """

    def __init__(self, names: Sequence[str], height: int, get: Callable[[str], Sequence[str | None]]) -> None:
        self.names = list(names)
        self.height = height
        self._get = get
        self._series: dict[str, pl.Series] = {}

    @classmethod
    def of_rows(cls, rows: Rows) -> Columns:
        names = list(rows[0].keys()) if rows else []
        return cls(names, len(rows), lambda name: [row.get(name) for row in rows])

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def series(self, name: str) -> pl.Series:
        if name not in self._series:
            values = self._get(name) if name in self.names else [""] * self.height
            self._series[name] = pl.Series(name, values, dtype=pl.String).fill_null("")
        return self._series[name]

    def frame(self, names: Iterable[str]) -> pl.DataFrame:
        return pl.DataFrame([self.series(name) for name in names]) if self.height else pl.DataFrame()


class Check:
    """One rule over a table. Subclasses set ``name``, ``kinds`` (the kinds it emits), ``build`` (also run on a
    build's canonical tables) and implement :meth:`scan_rows` and :meth:`scan_columns`."""

    name: ClassVar[str]
    kinds: ClassVar[tuple[Kind, ...]]
    build: ClassVar[bool] = False

    def rows(self, table: str, rows: Rows) -> list[Hit]:
        """The reference implementation: row by row."""
        return sort_hits(self.scan_rows(table, rows))

    def columns(self, table: str, columns: Columns) -> list[Hit]:
        """The vectorised implementation: the same hits from the table's columns."""
        if not columns.height:
            return []
        return sort_hits(self.scan_columns(table, columns))

    def scan_rows(self, table: str, rows: Rows) -> Iterable[Hit]:
        raise NotImplementedError

    def scan_columns(self, table: str, columns: Columns) -> Iterable[Hit]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<check {self.name}: {', '.join(k.code for k in self.kinds)}>"


def by_distinct(series: pl.Series, compute: Callable[[str], Any]) -> dict[str, Any]:
    """``compute`` once per distinct value of ``series`` (a library call per value, not per row)."""
    return {value: compute(value) for value in series.unique().to_list()}


def hits_where(mask: pl.Series) -> list[int]:
    return mask.fill_null(False).arg_true().to_list()

