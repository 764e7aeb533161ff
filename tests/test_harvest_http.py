"""The HTTP layer on its own: URL schemes, per-host rate limit, Retry-After dates, User-Agent."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from cowork_data.harvest.http import USER_AGENT, FetchError, HttpClient, retry_after_seconds
from tests.fixtures.harvest.project import POLICY
from tests.fixtures.harvest.server import ReplayServer, Route, http_date


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        HttpClient(POLICY).get(url)
    assert caught.value.cause == "scheme"


def test_redirect_to_another_scheme_is_refused() -> None:
    with ReplayServer() as server:
        server.routes["/x"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
        with pytest.raises(FetchError) as caught:
            HttpClient(POLICY).get(server.base + "/x")
    assert caught.value.cause == "scheme"


def test_per_host_rate_limit_and_user_agent() -> None:
    with ReplayServer() as server:
        server.routes["/a"] = Route(body=b"a;b\n1;2\n")
        client = HttpClient(replace(POLICY, min_interval=0.25))
        start = time.monotonic()
        for _ in range(3):
            assert client.get(server.base + "/a").data == b"a;b\n1;2\n"
        assert time.monotonic() - start >= 0.5
    assert {h["User-Agent"] for h in server.seen("/a")} == {USER_AGENT}
    assert "https://w3id.org/cowork-data/" in USER_AGENT


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert 1.0 <= (retry_after_seconds(http_date(3)) or 0) <= 3.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
