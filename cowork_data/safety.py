"""Spreadsheet formula injection: values that a spreadsheet would run as a formula are written as text.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and LibreOffice as a
formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``@SUM(…)``). Every CSV and XLSX the toolkit writes passes
its text cells through :func:`neutralise`, which prefixes such values with an apostrophe (OWASP's advice),
except plain numbers and phone numbers (``-12.5``, ``+390289093111``), which a spreadsheet reads as numbers.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 .,]*$")


def is_dangerous(value: str) -> bool:
    return value.startswith(TRIGGERS) and not PLAIN_NUMBER.match(value)


def neutralise(value: str) -> str:
    """The value as text a spreadsheet will not evaluate (unchanged when it is safe)."""
    return "'" + value if is_dangerous(value) else value


def safe_cell(value: str) -> str:
    """A text cell ready for a CSV or spreadsheet: neutralised, with CR and CRLF line breaks written as LF.

    Python's csv module does not quote a bare CR when lines end in LF, so a CR would split the record.
    """
    return neutralise(value).replace("\r\n", "\n").replace("\r", "\n")
