"""HTTP content negotiation: the media types of an ``Accept`` header in order of preference (RFC 9110 §12.5.1)."""

from __future__ import annotations

__all__ = ["preferences"]


def preferences(accept: str) -> list[str]:
    """Media types of ``accept``, lower-cased, best first: by quality, then by their order in the header."""
    wanted = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media.strip() and q > 0:
            wanted.append((-q, position, media.strip().lower()))
    return [media for _q, _position, media in sorted(wanted)]
