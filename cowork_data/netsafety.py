"""URL safety for addresses users give the toolkit (validate by URL, harvest of a new source).

Only ``http`` and ``https`` are accepted, and unless a host is explicitly allowed, no connection may reach a
private, loopback, link-local, multicast, reserved or unspecified address. The check happens twice:

- :func:`check_url` before any request, on the scheme and on every address the host name resolves to
  (numeric forms such as ``http://2130706433/`` or ``http://[::ffff:127.0.0.1]/`` resolve like any name);
- :func:`safe_session` on the socket actually connected, for every connection the session opens — so a
  redirect to a private address, or a DNS answer that changes between the check and the connection
  (DNS rebinding), is refused as well.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from cowork_data import i18n
from cowork_data.errors import UsageError

SCHEMES = ("http", "https")


class UnsafeURLError(UsageError):
    """A URL the toolkit refuses to fetch."""


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified)


def _refuse(url: str, why: i18n.Text) -> UnsafeURLError:
    return UnsafeURLError("error.url-refused", url=url, why=why)


def _allowed(host: str, port: int | None, allow: Iterable[str]) -> bool:
    names = {host.lower(), f"{host.lower()}:{port}" if port else host.lower()}
    return any(a.lower() in names for a in allow)


def check_url(url: str, *, allow: Iterable[str] = ()) -> None:
    """Raise :class:`UnsafeURLError` unless ``url`` is http(s) and its host resolves only to public addresses.

    ``allow`` lists hosts (``name`` or ``name:port``, or an address) that may be private.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise _refuse(url, i18n.Text.of("error.url-refused.scheme", scheme=parts.scheme or "—"))
    host = parts.hostname
    if not host:
        raise _refuse(url, i18n.Text.of("error.url-refused.no-host"))
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise _refuse(url, i18n.Text.of("error.url-refused.port")) from exc
    if _allowed(host, port, allow):
        return
    try:
        answers = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise _refuse(url, i18n.Text.of("error.url-refused.unresolved", host=host)) from exc
    for *_, sockaddr in answers:
        if not is_public_address(sockaddr[0]):
            raise _refuse(url, i18n.Text.of("error.url-refused.private", host=host, address=sockaddr[0]))


class _PeerCheck:
    """Mixin for urllib3 connections: refuse a connected peer that is not public, unless allowed."""

    allow: tuple[str, ...] = ()

    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        sock = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        if not is_public_address(peer) and not _allowed(self.host, self.port, self.allow) \
                and not _allowed(peer, self.port, self.allow):
            sock.close()
            raise _refuse(f"{self.host}:{self.port}", i18n.Text.of("error.url-refused.peer", address=peer))
        return sock


def safe_session(*, allow: Iterable[str] = ()) -> requests.Session:
    """A ``requests`` session whose every connection is checked against private addresses."""
    allowed = tuple(allow)
    http_conn = type("SafeHTTPConnection", (_PeerCheck, HTTPConnection), {"allow": allowed})
    https_conn = type("SafeHTTPSConnection", (_PeerCheck, HTTPSConnection), {"allow": allowed})
    http_pool = type("SafeHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("SafeHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})

    class SafeAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    session = requests.Session()
    for scheme in ("http://", "https://"):
        session.mount(scheme, SafeAdapter())
    return session
