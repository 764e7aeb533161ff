"""Reading text out of published files: encoding, separator, mojibake."""

from __future__ import annotations

import csv
import io
import unicodedata

import charset_normalizer
import ftfy

__all__ = ["decode", "fold", "read_rows", "repair"]

_DELIMITERS = ";,\t|"
# Encodings of Italian public files besides UTF-8. Left free, charset-normalizer reads short Italian cp1252
# text as cp1250 (`Città` → `Cittŕ`), so the candidates are limited to the Western ones.
_CANDIDATES = ["cp1252", "latin_1", "iso8859_15", "utf_16", "utf_32", "mac_roman"]


def decode(data: bytes) -> str:
    """The text of a file: UTF-8 (BOM dropped) when it decodes strictly, else charset-normalizer's best guess."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
        return str(best) if best is not None else data.decode("latin-1")


def repair(cell: str) -> str:
    """A cell with double-encoded UTF-8 undone (`SpecialitÃ ` → `Specialità`) and outer spaces trimmed."""
    return ftfy.fix_text(cell).strip() if cell else ""


def fold(text: str) -> str:
    """Lower-case ASCII for keyword matching (`Lunedì` → `lunedi`)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def read_rows(text: str) -> list[list[str]]:
    """The records of a delimited text; the separator is the commonest of `; , tab |` in the header line."""
    header = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=header.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
