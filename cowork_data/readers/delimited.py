"""Delimited text (CSV with ``;`` ``,`` tab or ``|``): the dialect, and the records, without process-wide state.

The separator is the candidate that splits the first records into the most records of the same width (≥ 2
cells); quotes are ``"``, doubled inside a quoted cell (RFC 4180). Records end at LF, CRLF or a bare CR; a line
break inside a quoted cell stays in the cell.

Python's ``csv`` module refuses a cell longer than ``csv.field_size_limit()``, a setting of the whole process;
raising it around a call would race with the validations ``serve`` runs in threads. So :func:`parse` uses the
``csv`` module as it is set, and re-reads a file that has a longer cell with :func:`parse_plain`, a reader with the
same rules and no limit (tested against the ``csv`` module on generated text).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from functools import cache
from itertools import islice

__all__ = ["DELIMITERS", "parse", "parse_plain", "sniff_delimiter"]

DELIMITERS = ";,\t|"
SNIFF_CHARS = 65536
SNIFF_RECORDS = 50


def sniff_delimiter(text: str) -> str:
    """The separator giving the most records with the same number (≥ 2) of cells among the first records."""
    sample = text[:SNIFF_CHARS]
    best, best_score = ",", (-1, -1)
    for candidate in DELIMITERS:
        widths = [len(r) for r in parse(sample, candidate, limit=SNIFF_RECORDS)]
        counts = Counter(w for w in widths[:-1] or widths if w >= 2)  # the last record may be cut by the sample
        if not counts:
            continue
        width, count = counts.most_common(1)[0]
        if (count, width) > best_score:
            best, best_score = candidate, (count, width)
    return best


def parse(text: str, delimiter: str, *, limit: int | None = None) -> list[list[str]]:
    """Every record of ``text`` (at most ``limit``); a cell of any length is kept (the ``csv`` module when it can,
    else plain)."""
    try:
        return list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limit))
    except csv.Error:  # a cell longer than the process's csv.field_size_limit()
        return parse_plain(text, delimiter, limit=limit)


@cache
def _unquoted(delimiter: str) -> re.Pattern[str]:
    return re.compile(f"[^{re.escape(delimiter)}\r\n]*")


def parse_plain(text: str, delimiter: str, *, limit: int | None = None) -> list[list[str]]:
    """The records of ``text`` read with the rules of the ``csv`` module's default dialect (at most ``limit``).

    Quotes open a quoted cell only at its start; after the closing quote, text up to the separator is kept as
    written (``"ab"c`` → ``abc``), as the ``csv`` module does; a quoted cell left open runs to the end of the text.
    """
    records: list[list[str]] = []
    record: list[str] = []
    unquoted = _unquoted(delimiter)
    pos, end = 0, len(text)
    while pos < end and (limit is None or len(records) < limit):
        if not record and text[pos] in "\r\n":
            records.append([])  # an empty line
            pos += 2 if text.startswith("\r\n", pos) else 1
            continue
        if text[pos] == '"':
            parts = []
            pos += 1
            while True:
                close = text.find('"', pos)
                if close < 0:
                    parts.append(text[pos:])
                    pos = end
                    break
                parts.append(text[pos:close])
                if text.startswith('"', close + 1):
                    parts.append('"')
                    pos = close + 2
                    continue
                pos = close + 1
                break
            tail = unquoted.match(text, pos)
            parts.append(tail.group())
            cell = "".join(parts)
            pos = tail.end()
        else:
            match = unquoted.match(text, pos)
            cell = match.group()
            pos = match.end()
        record.append(cell)
        if pos >= end:
            records.append(record)
            break
        char = text[pos]
        if char == delimiter:
            pos += 1
            if pos >= end:
                record.append("")
                records.append(record)
            continue
        records.append(record)
        record = []
        pos += 2 if text.startswith("\r\n", pos) else 1
    return records
