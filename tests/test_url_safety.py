"""URL safety: only http(s), no private or local addresses unless allowed — before and after connecting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cowork_data.netsafety import UnsafeURLError, check_url, is_public_address, safe_session


class Handler(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", self.target)
            self.end_headers()
            return
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    """Two loopback servers: the allowed one on 127.0.0.1 and a second one on 127.0.0.2."""
    first = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    second = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    for server in (first, second):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    a = f"127.0.0.1:{first.server_address[1]}"
    b = f"127.0.0.2:{second.server_address[1]}"
    Handler.target = f"http://{b}/ok"
    yield a, b
    for server in (first, second):
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://example.org/list.csv", "gopher://example.org/", "javascript:alert(1)",
    "http:///nohost", "data:text/csv,a,b",
])
def test_non_http_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url)


@pytest.mark.parametrize("url", [
    "http://localhost/", "http://127.0.0.1:8080/", "http://2130706433/", "http://0x7f.0.0.1/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://10.1.2.3/", "http://192.168.1.1/",
    "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://[fe80::1]/",
])
def test_private_loopback_and_link_local_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError) as info:
        check_url(url)
    assert "privat" in info.value.message_it and "private" in info.value.message_en


def test_public_addresses_pass_and_allowed_hosts_pass() -> None:
    check_url("https://93.184.216.34/data.csv")
    check_url("http://127.0.0.1:8080/x", allow=["127.0.0.1:8080"])
    assert is_public_address("8.8.8.8") and not is_public_address("::ffff:10.0.0.1")


def test_connection_to_a_private_peer_is_refused_after_resolution(servers: tuple[str, str]) -> None:
    """A name that passed the check but connects to a private address (DNS rebinding) is refused."""
    a, _ = servers
    with pytest.raises(UnsafeURLError):
        safe_session().get(f"http://{a}/ok", timeout=5)


def test_allowed_host_is_reached_and_redirect_to_private_is_refused(servers: tuple[str, str]) -> None:
    a, b = servers
    session = safe_session(allow=[a])
    assert session.get(f"http://{a}/ok", timeout=5).text == "ok"
    with pytest.raises(UnsafeURLError) as info:
        session.get(f"http://{a}/redirect", timeout=5)
    assert "127.0.0.2" in info.value.message_en
    assert safe_session(allow=[a, b]).get(f"http://{a}/redirect", timeout=5).text == "ok"
