"""The one HTTP layer of the harvester, on `requests`: a polite, bounded client.

- only `http`/`https` URLs, redirects followed by hand (each hop checked, loops and chains over a limit refused);
- connect and read timeouts; retries with exponential backoff on connection errors, timeouts, 429 and 5xx,
  honouring `Retry-After` (seconds or HTTP date) up to a cap;
- conditional GET (`If-None-Match`, `If-Modified-Since`): 304 means unchanged;
- a User-Agent naming the tool and a contact URL;
- a size limit enforced while streaming, on the decoded bytes too (a gzip bomb stops at the limit);
- a minimum interval between two requests to the same host;
- no private, loopback or link-local address, checked on every hop and on every connected socket
  (:mod:`cowork_data.netsafety`), unless the policy allows the host.

Every failure is a :class:`FetchError` with a `cause` code and a bilingual message naming the URL.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from cowork_data import __version__, i18n
from cowork_data.errors import HarvestError
from cowork_data.netsafety import UnsafeURLError, check_url, safe_session

__all__ = ["USER_AGENT", "FetchError", "FetchResult", "HttpClient", "HttpPolicy"]

USER_AGENT = f"cowork-data/{__version__} (+https://w3id.org/cowork-data/)"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

# cause code → (Italian, English) description


class FetchError(HarvestError):
    """A URL could not be fetched; ``cause`` names why (``too-large``), the catalogue's ``error.fetch.cause.<cause>``,
    and ``detail`` adds the figures (``Content-Length 900 > 500``)."""

    def __init__(self, cause: str, url: str, detail: str = "", *, status: int | None = None) -> None:
        super().__init__("error.fetch", cause=i18n.Text.of(f"error.fetch.cause.{cause}"), url=url,
                         detail=f" ({detail})" if detail else "")
        self.cause = cause
        self.url = url
        self.status = status
        self.retry_after: float | None = None


@dataclass(frozen=True)
class HttpPolicy:
    """Limits of the client; the defaults suit a public portal, tests pass small values."""

    connect_timeout: float = 10.0  #: seconds to wait for the connection
    read_timeout: float = 60.0  #: seconds to wait for each read of the answer
    retries: int = 3  #: new attempts after a timeout, a lost connection or an HTTP 429, 500, 502, 503 or 504
    backoff: float = 1.0  #: seconds before the first new attempt, doubled for each next one (without Retry-After)
    max_retry_after: float = 120.0  #: the longest Retry-After, in seconds, that is waited for; a longer one fails
    max_bytes: int = 200 * 1024 * 1024  #: the largest answer, in bytes after decompression
    max_redirects: int = 5
    min_interval: float = 1.0  #: seconds between two requests to the same host
    #: Longest a paged read (a CKAN datastore, page after page) may take in all.
    max_seconds: float = 600.0
    #: Hosts (``name``, ``name:port`` or an address) that may be private or local; ``("*",)`` allows all.
    allow_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchResult:
    """One response: bytes (decoded from any content coding), status, URL after redirects and headers."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    data: bytes = field(repr=False)
    retrieved_at: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise FetchError("scheme", url)


def _check_address(url: str, allow: tuple[str, ...]) -> None:
    if "*" in allow:
        return
    try:
        check_url(url, allow=allow)
    except UnsafeURLError as exc:
        raise FetchError("unsafe-address", url, exc.message_en.split("(", 1)[-1].rstrip(").")) from exc


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """`Retry-After` as seconds to wait: `120` or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _RateLimiter:
    """At most one request per host every `interval` seconds (shared by the threads of one client)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        if start > now:
            time.sleep(start - now)


class HttpClient:
    """A `requests` session with the limits of an :class:`HttpPolicy`; `sent` records every request's headers."""

    def __init__(self, policy: HttpPolicy | None = None, *, session: requests.Session | None = None) -> None:
        self.policy = policy or HttpPolicy()
        allow_all = "*" in self.policy.allow_hosts
        self.session = session or (requests.Session() if allow_all else safe_session(allow=self.policy.allow_hosts))
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.max_redirects = self.policy.max_redirects
        self._limiter = _RateLimiter(self.policy.min_interval)
        self.sent: list[tuple[str, dict[str, str]]] = []

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """GET `url`, conditionally when `etag` or `last_modified` is given (a 304 comes back as a result)."""
        _check_scheme(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                result = self._follow(url, headers)
            except FetchError as exc:
                if exc.cause not in {"connect-timeout", "read-timeout", "connection", "http-status"} or (
                        exc.cause == "http-status" and exc.status not in _RETRY_STATUS):
                    raise
                if attempt >= self.policy.retries:
                    raise
                wait = exc.retry_after
                if wait is None:
                    wait = self.policy.backoff * (2 ** attempt)
                elif wait > self.policy.max_retry_after:
                    raise FetchError("retry-after-too-long", url, f"Retry-After: {wait:.0f} s",
                                     status=exc.status) from exc
                attempt += 1
                time.sleep(wait)
                continue
            if result.status == 304 and not headers:
                raise FetchError("unsolicited-304", url, status=304)
            return result

    def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        seen = {url}
        current = url
        for _ in range(self.policy.max_redirects + 1):
            _check_address(current, self.policy.allow_hosts)
            response = self._request(current, headers)
            if response.status_code not in _REDIRECT_STATUS:
                return self._read(url, response)
            location = response.headers.get("Location", "")
            response.close()
            target = urljoin(current, location)
            _check_scheme(target)
            if target in seen:
                raise FetchError("redirect-loop", url, f"{current} → {target}", status=response.status_code)
            seen.add(target)
            current = target
        raise FetchError("too-many-redirects", url, f"> {self.policy.max_redirects}")

    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        self._limiter.wait(url)
        self.sent.append((url, dict(headers)))
        try:
            return self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                    timeout=(self.policy.connect_timeout, self.policy.read_timeout))
        except UnsafeURLError as exc:
            raise FetchError("unsafe-address", url, exc.message_en.split("(", 1)[-1].rstrip(").")) from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise FetchError("connect-timeout", url, f"{self.policy.connect_timeout} s") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise FetchError("read-timeout", url, f"{self.policy.read_timeout} s") from exc
        except requests.exceptions.RequestException as exc:
            raise FetchError("connection", url, type(exc).__name__) from exc

    def _read(self, url: str, response: requests.Response) -> FetchResult:
        with response:
            status = response.status_code
            if status >= 400:
                error = FetchError("http-status", url, f"HTTP {status} {response.reason}", status=status)
                error.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                raise error
            declared = response.headers.get("Content-Length", "")
            limit = self.policy.max_bytes
            if declared.isdigit() and int(declared) > limit:
                raise FetchError("too-large", url, f"Content-Length {declared} > {limit}")
            coded = response.headers.get("Content-Encoding", "").strip().lower() not in {"", "identity"}
            chunks, size = [], 0
            try:
                for chunk in response.iter_content(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        cause = "decompression-bomb" if coded else "too-large"
                        raise FetchError(cause, url, f"> {limit} byte")
                    chunks.append(chunk)
            except (requests.exceptions.ConnectionError, urllib3.exceptions.ReadTimeoutError) as exc:
                if "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower():
                    raise FetchError("read-timeout", url, f"{self.policy.read_timeout} s") from exc
                raise FetchError("truncated", url, str(exc)[:120]) from exc
            except requests.exceptions.ChunkedEncodingError as exc:
                raise FetchError("truncated", url, str(exc)[:120]) from exc
            except requests.exceptions.ContentDecodingError as exc:
                raise FetchError("connection", url, f"content decoding: {exc}"[:120]) from exc
            data = b"".join(chunks)
            if declared.isdigit() and not coded and len(data) < int(declared):
                raise FetchError("truncated", url, f"{len(data)} < {declared}")
            return FetchResult(
                url=url,
                final_url=response.url,
                status=status,
                headers=dict(response.headers),
                data=data,
                retrieved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
