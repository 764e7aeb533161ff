"""Plain renderers shared by the CLI: aligned text tables, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json.encoder
from collections.abc import Sequence
from typing import Any


def text_table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 80) -> str:
    """An aligned text table; long cells are cut with an ellipsis."""
    cells = [[_cut(str(c), max_width) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def json_text(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text, written about twice as fast.

    With an indent, json writes everything in Python, a generator per container (0.55 s of the 29 MB of a
    10,000-row ``validate --json``). Here a container with no container inside — a finding, a row — is written by
    json's own C encoder, told the item separator of the container's depth (a newline and its indent), so that each
    scalar, key and separator is json's own; only the containers of containers are walked in Python. Anything json
    cannot write raises json's TypeError, and a container inside itself json's ValueError.
    """
    out: list[str] = []
    _write(data, out, "\n", set())
    return "".join(out)


def json_bytes(data: Any) -> bytes:
    """:func:`json_text` and a line break, in UTF-8: what ``--json`` prints, written to the standard output's bytes
    (click's text path copies a large report twice and scans it for terminal colour codes JSON cannot hold)."""
    return (json_text(data) + "\n").encode("utf-8")


#: Types whose values json's C encoder writes exactly as json.dumps does (subclasses go through the walk, which
#: hands them to the same encoder one at a time).
_SCALARS = frozenset({str, int, float, bool, type(None)})
_ENCODERS: dict[str, Any] = {}


def _unwritable(o: Any) -> Any:
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


def _encoder(newline: str) -> Any:
    """json's C encoder with the separators of a container whose closing bracket follows ``newline``."""
    encoder = _ENCODERS.get(newline)
    if encoder is None:
        encoder = _ENCODERS[newline] = json.encoder.c_make_encoder(
            None, _unwritable, json.encoder.encode_basestring, None, ": ", f",{newline}  ", False, False, True)
    return encoder


def _key(key: Any) -> str:
    """A dictionary key as json writes it (its text before quoting)."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None or isinstance(key, int | float):
        return "".join(_encoder("\n")(key, 0))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _write(o: Any, out: list[str], newline: str, walking: set[int]) -> None:
    if isinstance(o, dict):
        opening, closing, values = "{", "}", o.values()
    elif isinstance(o, list | tuple):
        opening, closing, values = "[", "]", o
    else:  # a scalar, or what json cannot write (its own TypeError)
        out.append("".join(_encoder(newline)(o, 0)))
        return
    if not o:
        out.append(opening + closing)
        return
    inner = newline + "  "
    if set(map(type, values)) <= _SCALARS:  # no container inside: json's C encoder, at this depth
        out.append(opening + inner + "".join(_encoder(newline)(o, 0))[1:-1] + newline + closing)
        return
    if id(o) in walking:
        raise ValueError("Circular reference detected")
    walking.add(id(o))
    separator = opening + inner
    if opening == "{":
        for key, value in o.items():
            out.append(separator + json.encoder.encode_basestring(_key(key)) + ": ")
            _write(value, out, inner, walking)
            separator = "," + inner
    else:
        for value in o:
            out.append(separator)
            _write(value, out, inner, walking)
            separator = "," + inner
    out.append(newline + closing)
    walking.discard(id(o))
