"""Basic shape checks a new snapshot must pass before it may replace the last good one.

Not empty; not an HTML page where data was expected; readable by the source's adapter; at least one record;
every column named in the source's `[columns]` mapping present (case, spaces and underscores aside, mojibake
repaired: an OpenDataSoft export with labels has the columns of one with names).
"""

from __future__ import annotations

import re

from cowork_data.config import Source
from cowork_data.errors import ShapeError
from cowork_data.harvest.adapters import RawTable, UnreadableSnapshot, parse_table
from cowork_data.harvest.adapters.base import header_key
from cowork_data.readers import repair

__all__ = ["ShapeError", "check_shape"]

_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def check_shape(source: Source, fmt: str, data: bytes) -> RawTable:
    """The parsed table of a snapshot that passes the checks; raises :class:`ShapeError` otherwise."""
    if not data.strip():
        raise ShapeError("empty", "error.shape-empty")
    if fmt != "html" and _HTML.match(data.lstrip(b"\xef\xbb\xbf")[:4096]):
        raise ShapeError("html-instead-of-data", "error.shape-html", format=fmt.upper())
    expected = tuple(source.columns)
    try:
        table = parse_table(fmt, data, expected=expected)
    except UnreadableSnapshot as exc:
        # a service that answers with an error of its own (an Overpass remark) says so in its cause
        raise ShapeError(getattr(exc, "cause", "unreadable"), exc.reason_it, exc.reason_en) from exc
    if not any(any(cell.strip() for cell in row) for row in table.rows):
        raise ShapeError("no-records", "error.shape-no-records")
    present = {header_key(repair(h)) for h in table.header}
    missing = [name for name in expected if header_key(name) not in present]
    if missing:
        raise ShapeError("columns-changed", "error.shape-columns-changed", columns=", ".join(missing))
    return table
