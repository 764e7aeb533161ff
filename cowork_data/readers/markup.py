"""Web pages with tables (a comune's page listing its spaces): one sheet per ``<table>`` that has a filled row.

A cell's text has its white space collapsed (``<br>`` is a space); rows without text are dropped; the header is
the table's first row (its ``th`` cells, as pages write them). Locators are ``table=N&row=M``, counted over the
tables and rows that have text. A page without a table is no table (:class:`NotATableError`, with its title).
"""

from __future__ import annotations

from html.parser import HTMLParser

from cowork_data import i18n
from cowork_data.errors import NotATableError
from cowork_data.readers.model import Sheet, subject_text

__all__ = ["read_html"]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.title: list[str] = []
        self._stack: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in {"td", "th"} and self._stack and self._stack[-1]:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None and self._stack and self._stack[-1]:
            self._stack[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_title:
            self.title.append(data)


def read_html(text: str, name: str) -> list[Sheet]:
    parser = _Tables()
    parser.feed(text)
    parser.close()
    tables = [rows for rows in ([row for row in table if any(row)] for table in parser.tables) if rows]
    if not tables:
        title = " ".join("".join(parser.title).split())[:120]
        raise NotATableError("error.read-page-no-table", subject=subject_text(name),
                             title=i18n.Text.of("label.page-title", title=title) if title else "")
    return [Sheet(name="" if len(tables) == 1 else f"tabella {n}", rows=rows,
                  locators=[f"table={n}&row={m}" for m in range(1, len(rows) + 1)], header=0)
            for n, rows in enumerate(tables, start=1)]
