"""A CKAN ``datastore_search`` read page after page through ``result._links.next``, within the client's limits.

Every page is a request of its own through the :class:`~cowork_data.harvest.http.HttpClient` (timeouts, retries,
one request per host per interval); the pages together may not exceed the policy's ``max_bytes``, :data:`MAX_PAGES`
pages or ``max_seconds``. The pages are joined into one ``datastore_search`` answer, the snapshot stored; the
provenance lists each page's URL and sha256.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from typing import Any

from cowork_data.errors import HarvestError
from cowork_data.harvest.adapters.ckan import join_pages, next_page
from cowork_data.harvest.http import FetchResult, HttpClient

__all__ = ["MAX_PAGES", "PagingError", "fetch_pages"]

#: Most pages read from one datastore (at CKAN's default 100 records a page, 100,000 records).
MAX_PAGES = 1000


_KEYS = {"too-large": "error.paging-too-large", "too-many-pages": "error.paging-too-many-pages",
         "too-slow": "error.paging-too-slow"}


class PagingError(HarvestError):
    """The pages of a datastore went beyond a limit; ``cause`` is ``too-large``, ``too-many-pages`` or ``too-slow``."""

    def __init__(self, cause: str, url: str, **params: Any) -> None:
        super().__init__(_KEYS[cause], url=url, **params)
        self.cause = cause
        self.url = url


def fetch_pages(client: HttpClient, url: str, *, max_pages: int = MAX_PAGES) -> tuple[FetchResult, list[dict]]:
    """The joined answer (as the first page's result, with the joined bytes) and the pages read."""
    policy = client.policy
    started = time.monotonic()
    first: FetchResult | None = None
    bodies: list[bytes] = []
    pages: list[dict[str, Any]] = []
    seen = size = 0
    while url:
        if len(bodies) >= max_pages:
            raise PagingError("too-many-pages", url, pages=max_pages)
        if time.monotonic() - started > policy.max_seconds:
            raise PagingError("too-slow", url, seconds=f"{policy.max_seconds:g}", pages=len(bodies))
        result = client.get(url)
        first = first or result
        size += len(result.data)
        if size > policy.max_bytes:
            raise PagingError("too-large", url, limit=str(policy.max_bytes), pages=len(bodies) + 1)
        bodies.append(result.data)
        pages.append({"url": result.final_url, "sha256": hashlib.sha256(result.data).hexdigest(),
                      "retrieved_at": result.retrieved_at})
        following, count, _total = next_page(result.data, result.final_url, seen)
        seen += count
        if following in {p["url"] for p in pages}:
            break  # a portal whose next link points back at a page already read
        url = following
    assert first is not None
    return replace(first, data=join_pages(bodies)), pages
