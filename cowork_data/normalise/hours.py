"""Opening hours as published in Italian (`lun-ven 9-19`) → OSM `opening_hours` (`Mo-Fr 09:00-19:00`).

Only simple day-range + time-range rules are converted; anything else gives an empty string, and the published
text stays in `opening_hours_note`. Syntax: https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification
"""

from __future__ import annotations

import re

from cowork_data.normalise.text import fold

__all__ = ["opening_hours"]

_DAYS = {"lun": "Mo", "mar": "Tu", "mer": "We", "gio": "Th", "ven": "Fr", "sab": "Sa", "dom": "Su"}
_DAY = r"(lun|mar|mer|gio|ven|sab|dom)[a-z]*\.?"
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_RULE = re.compile(
    rf"^(?:dal\s+)?{_DAY}(?:\s*(?:-|al|a)\s*{_DAY})?\s*(?:dalle\s+|ore\s+)?{_TIME}\s*(?:-|alle|a)\s*{_TIME}$"
)
_ALWAYS = {"h24", "h 24", "24h", "24/7", "24 ore su 24", "sempre aperto"}


def _time(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    return f"{h:02d}:{m:02d}" if h <= 24 and m < 60 and (h < 24 or m == 0) else None


def opening_hours(text: str) -> str:
    """OSM syntax for a simple published text, or `""`."""
    folded = " ".join(fold(text).split())
    if folded in _ALWAYS:
        return "24/7"
    rules = []
    for part in re.split(r"\s*[,;]\s*|\s+e\s+", folded):
        match = _RULE.match(part)
        if not match:
            return ""
        first, last, h1, m1, h2, m2 = match.groups()
        start, end = _time(h1, m1), _time(h2, m2)
        if not start or not end:
            return ""
        days = _DAYS[first] + (f"-{_DAYS[last]}" if last and last != first else "")
        rules.append(f"{days} {start}-{end}")
    return "; ".join(rules)
