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
