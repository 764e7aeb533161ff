"""Text folding for keyword matching (reading bytes into text is :mod:`cowork_data.readers`)."""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    """Lower-case ASCII for keyword matching (`Lunedì` → `lunedi`)."""
    if text.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
