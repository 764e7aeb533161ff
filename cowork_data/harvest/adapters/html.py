"""An HTML page with a table (a comune's web page): the table whose header names most of the expected columns
(else the largest); header from its `th` cells or first row. Locators are `table=N&row=M`."""

from __future__ import annotations

from html.parser import HTMLParser

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot
from cowork_data.normalise.text import decode

__all__ = ["parse"]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._stack: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in {"td", "th"} and self._stack and self._stack[-1]:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None and self._stack and self._stack[-1]:
            self._stack[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "html") -> RawTable:
    parser = _Tables()
    parser.feed(decode(data))
    parser.close()
    tables = [[row for row in table if any(row)] for table in parser.tables]
    tables = [t for t in tables if len(t) >= 1]
    if not tables:
        raise UnreadableSnapshot("nessuna tabella nella pagina", "no table in the page")
    wanted = {e.casefold() for e in expected}

    def score(item: tuple[int, list[list[str]]]) -> tuple[int, int]:
        return sum(1 for h in item[1][0] if h.casefold() in wanted), len(item[1])

    index, table = max(enumerate(tables), key=score)
    return RawTable(header=table[0], rows=table[1:],
                    locators=[f"table={index + 1}&row={n}" for n in range(2, len(table) + 1)])
