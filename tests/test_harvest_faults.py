"""Fault injection against a real HTTP server on 127.0.0.1: every fault fails only its own source, with a clear
bilingual message, and leaves the last good snapshot and every published file byte for byte as they were."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli
from cowork_data.config import ROOT_ENV
from cowork_data.harvest.run import HarvestReport, harvest
from tests.fixtures.harvest import server as faults
from tests.fixtures.harvest.project import POLICY, download_path, make_project, sha_tree
from tests.fixtures.harvest.server import Blackhole, ReplayServer, Route

FABLAB = "milano-fablab"
COWORKING = "milano-coworking"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, server: ReplayServer) -> Path:
    return make_project(tmp_path, server)


def fablab_route(server: ReplayServer) -> Route:
    return server.routes[download_path(FABLAB)]


def run_faulty(project: Path, *, cause: str, words: tuple[str, str]) -> HarvestReport:
    """Harvest both Milan sources live; the fablab must fail with `cause`, the coworking list must not."""
    before = sha_tree(project)
    report = harvest([COWORKING, FABLAB], root=project, live=True, policy=POLICY)
    failed = report.outcome(FABLAB)
    assert not report.ok
    assert failed.status == "failed", failed
    assert failed.cause == cause, failed
    assert FABLAB in failed.message_it and FABLAB in failed.message_en
    assert words[0] in failed.message_it, failed.message_it
    assert words[1] in failed.message_en, failed.message_en
    assert report.outcome(COWORKING).ok, report.outcome(COWORKING)
    assert report.outcome(COWORKING).status in {"updated", "unchanged"}
    assert sha_tree(project) == before
    return report


def test_connect_timeout(project: Path) -> None:
    with Blackhole() as dead:
        path = project / "sources" / f"{FABLAB}.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('base_url = "http://127.0.0.1', f'base_url = "{dead}" #'), encoding="utf-8")
        run_faulty(project, cause="connect-timeout", words=("connessione", "connect timeout"))


def test_read_timeout_mid_body(project: Path, server: ReplayServer) -> None:
    route = fablab_route(server)
    route.fault = faults.read_timeout(route.body, stall=1.2)
    run_faulty(project, cause="read-timeout", words=("lettura", "read timeout"))


def test_http_500_is_retried_then_fails(project: Path, server: ReplayServer) -> None:
    fablab_route(server).fault = faults.status(500)
    run_faulty(project, cause="http-status", words=("HTTP 500", "HTTP 500"))
    assert fablab_route(server).hits == 1 + POLICY.retries


def test_http_503_with_retry_after_waits_then_fails(project: Path, server: ReplayServer) -> None:
    fablab_route(server).fault = faults.status(503, retry_after="1")
    start = time.monotonic()
    run_faulty(project, cause="http-status", words=("HTTP 503", "HTTP 503"))
    assert time.monotonic() - start >= 1.0
    assert fablab_route(server).hits == 2


def test_http_429_with_retry_after_is_honoured(project: Path, server: ReplayServer) -> None:
    route = fablab_route(server)
    route.fault = faults.then(faults.status(429, retry_after="1"), route)
    start = time.monotonic()
    report = harvest([FABLAB], root=project, live=True, policy=POLICY)
    assert report.ok, report.to_dict()
    assert time.monotonic() - start >= 1.0
    assert route.hits == 2


def test_retry_after_beyond_the_cap_fails_without_waiting(project: Path, server: ReplayServer) -> None:
    fablab_route(server).fault = faults.status(429, retry_after="3600")
    run_faulty(project, cause="retry-after-too-long", words=("riprovare", "retry"))
    assert fablab_route(server).hits == 1  # refused at once: no second request after any wait


def test_redirect_loop(project: Path, server: ReplayServer) -> None:
    fablab_route(server).fault = faults.redirect("/loop/b")
    server.routes["/loop/b"] = Route(fault=faults.redirect(download_path(FABLAB)))
    run_faulty(project, cause="redirect-loop", words=("reindirizzamenti", "redirect loop"))


def test_404(project: Path, server: ReplayServer) -> None:
    del server.routes[download_path(FABLAB)]
    report = run_faulty(project, cause="http-status", words=("HTTP 404", "HTTP 404"))
    assert len(server.seen(download_path(FABLAB))) == 1  # a 404 is not retried
    assert report.outcome(FABLAB).url.endswith(download_path(FABLAB))


def test_truncated_body(project: Path, server: ReplayServer) -> None:
    route = fablab_route(server)
    route.fault = faults.truncated(route.body)
    run_faulty(project, cause="truncated", words=("troncata", "truncated"))


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_body_over_the_size_limit(project: Path, server: ReplayServer, declared: bool) -> None:
    route = fablab_route(server)
    big = route.body + b"x" * (POLICY.max_bytes + 10)
    if declared:
        route.body = big
    else:
        route.fault = faults.streamed(big)
    run_faulty(project, cause="too-large", words=("dimensione", "size limit"))


def test_gzip_bomb(project: Path, server: ReplayServer) -> None:
    fablab_route(server).fault = faults.gzip_bomb(POLICY.max_bytes * 20)
    run_faulty(project, cause="decompression-bomb", words=("bomba gzip", "gzip bomb"))


def test_html_error_page_served_as_csv(project: Path, server: ReplayServer) -> None:
    route = fablab_route(server)
    route.body = b"<!DOCTYPE html>\n<html><head><title>Errore</title></head><body>Servizio sospeso</body></html>"
    run_faulty(project, cause="html-instead-of-data", words=("pagina HTML", "HTML page"))
    rejected = list((project / "build" / "harvests" / FABLAB / "rejected").rglob("*.csv"))
    assert len(rejected) == 1  # kept aside for inspection, never as the last good snapshot


def test_csv_whose_columns_changed(project: Path, server: ReplayServer) -> None:
    route = fablab_route(server)
    route.body = route.body.replace(b"NOMINATIVO;INDIRIZZO", b"NOME;VIA", 1)
    run_faulty(project, cause="columns-changed", words=("NOMINATIVO", "INDIRIZZO"))


def test_empty_file(project: Path, server: ReplayServer) -> None:
    fablab_route(server).body = b""
    run_faulty(project, cause="empty", words=("vuoto", "empty"))


def test_unsolicited_304(project: Path, server: ReplayServer) -> None:
    fablab_route(server).fault = faults.status(304, body=b"")
    run_faulty(project, cause="unsolicited-304", words=("304", "304"))


def test_cli_exit_code_and_messages(project: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    del server.routes[download_path(FABLAB)]
    monkeypatch.setenv(ROOT_ENV, str(project))
    before = sha_tree(project)
    result = CliRunner().invoke(cli, ["harvest", "--live", "--timeout", "0.5", "--retries", "0", "--interval", "0",
                                      "--allow-host", "127.0.0.1"])
    assert result.exit_code == 1, result.output
    assert "Fonte milano-fablab NON raccolta" in result.output
    assert "Source milano-fablab NOT harvested" in result.output and "HTTP 404" in result.output
    assert "Source milano-coworking: same bytes as the last snapshot" in result.output
    assert "Source bandi-milano: curated in the repository" in result.output
    assert sha_tree(project) == before
    json_result = CliRunner().invoke(cli, ["harvest", FABLAB, "--live", "--json", "--retries", "0", "--interval", "0",
                                           "--allow-host", "127.0.0.1"])
    assert json_result.exit_code == 1
    assert '"cause": "http-status"' in json_result.output


def test_live_harvest_refuses_a_local_portal_unless_allowed(project: Path, server: ReplayServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The replay server is on 127.0.0.1: without --allow-host the harvest must refuse to reach it."""
    monkeypatch.setenv(ROOT_ENV, str(project))
    before = sha_tree(project)
    result = CliRunner().invoke(cli, ["harvest", FABLAB, "--live", "--retries", "0", "--interval", "0"])
    assert result.exit_code == 1, result.output
    assert "private or local address not allowed" in result.output and "127.0.0.1" in result.output
    assert sha_tree(project) == before
