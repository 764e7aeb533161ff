"""OSM ``opening_hours`` (the simple rules the normaliser writes) → schema.org opening hours specifications.

Syntax: https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification; target:
https://schema.org/OpeningHoursSpecification. Only ``24/7`` and ``;``-separated ``Dd[-Dd] HH:MM-HH:MM`` rules are
converted; anything else gives no specification (the text stays in ``schema:openingHours``).
"""

from __future__ import annotations

import re

__all__ = ["opening_hours_specifications"]

_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY = "(Mo|Tu|We|Th|Fr|Sa|Su)"
_TIME = "([0-2][0-9]:[0-5][0-9])"
_RULE = re.compile(rf"^{_DAY}(?:-{_DAY})? {_TIME}-{_TIME}$")

Specification = tuple[tuple[str, ...], str, str]


def opening_hours_specifications(text: str) -> list[Specification]:
    """``[(schema.org day names, opens, closes)]`` with ``xsd:time`` lexical forms, or ``[]`` when not simple."""
    value = text.strip()
    if value == "24/7":
        return [(_SCHEMA_DAYS, "00:00:00", "23:59:59")]
    specs: list[Specification] = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        match = _RULE.match(part)
        if not match:
            return []
        first, last, opens, closes = match.groups()
        start, end = _DAYS.index(first), _DAYS.index(last or first)
        if end < start:
            return []
        closes = "23:59" if closes == "24:00" else closes
        specs.append((_SCHEMA_DAYS[start:end + 1], f"{opens}:00", f"{closes}:00"))
    return specs
