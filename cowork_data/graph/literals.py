"""Typed literals from the CSV text of canonical rows.

A value that does not parse keeps its text under the intended datatype, so it becomes an ill-typed literal that the
SHACL ``sh:datatype`` checks report, instead of vanishing from the graph.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.namespace import XSD

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_YEAR = re.compile(r"^[0-9]{4}$")
_YEAR_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def decimal(text: str) -> Literal:
    """``xsd:decimal`` in plain notation with a decimal point (``1.5E+3`` becomes ``1500.0``).

    The point keeps the lexical form stable through Turtle, whose short form writes decimals as ``1500.0``.
    """
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return Literal(text, datatype=XSD.decimal)
    if not value.is_finite():
        return Literal(text, datatype=XSD.decimal)
    lexical = format(value, "f")
    return Literal(lexical if "." in lexical else lexical + ".0", datatype=XSD.decimal)


def integer(text: str) -> Literal:
    value = text.strip()
    if _INTEGER.match(value):
        return Literal(str(int(value)), datatype=XSD.integer)
    return Literal(text, datatype=XSD.integer)


def date(text: str) -> Literal:
    return Literal(text.strip(), datatype=XSD.date)


def year_or_date(text: str) -> Literal:
    """``2013`` as ``xsd:gYear``, ``2013-05`` as ``xsd:gYearMonth``, anything else as ``xsd:date``."""
    value = text.strip()
    if _YEAR.match(value):
        return Literal(value, datatype=XSD.gYear)
    if _YEAR_MONTH.match(value):
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.date)


def boolean(text: str) -> Literal:
    value = text.strip().lower()
    if value in _TRUE:
        return Literal("true", datatype=XSD.boolean)
    if value in _FALSE:
        return Literal("false", datatype=XSD.boolean)
    return Literal(text, datatype=XSD.boolean)


def date_time(text: str) -> Literal:
    """``xsd:dateTime`` when the text has a time part, else ``xsd:date``."""
    value = text.strip()
    return Literal(value, datatype=XSD.dateTime if "T" in value else XSD.date)
