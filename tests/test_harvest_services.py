"""The live-service adapters (OpenStreetMap Overpass, Wikidata SPARQL, fablabs.io) harvest recorded answers in
their exact formats (sources/samples/, invented rows) from a real HTTP server on 127.0.0.1, and each fault of
those services fails only its source, with a clear bilingual message, leaving the last good snapshot as it was."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cowork_data.config import load_sources
from cowork_data.harvest import load_snapshot
from cowork_data.harvest.adapters import UnreadableSnapshot, parse_table
from cowork_data.harvest.adapters.overpass import query
from cowork_data.harvest.run import harvest
from tests.conftest import ROOT, copy_project
from tests.fixtures.harvest import server as faults
from tests.fixtures.harvest.project import POLICY, sha_tree
from tests.fixtures.harvest.server import ReplayServer, Route
from tests.fixtures.harvest.sources import CC0
from tests.fixtures.harvest.sources import source_toml as fixture_source

SAMPLES = ROOT / "sources" / "samples"
# source id → (server path, sample, [harvest] table, [columns] table, licence)
SERVICES = {
    "osm-fr": ("/api/interpreter", "overpass/interpreter.json", {"kind": "overpass", "country": "FR"},
               {"tags.name": "name", "tags.amenity": "type"},
               ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/")),
    "wikidata-fr": ("/sparql", "wikidata/sparql.json", {"kind": "wikidata", "country_qid": "Q142"},
                    {"itemLabel": "name", "type": "type"}, CC0),
    "fablabs-io": ("/0/labs.json", "fablabs/labs.json", {"kind": "fablabs"}, {"name": "name", "kind_name": "type"},
                   ("fablabs.io", "https://www.fablabs.io/")),
}
SUFFIX = {"osm-fr": "interpreter.json", "wikidata-fr": "sparql.json", "fablabs-io": "labs.json"}


def source_toml(source_id: str, base: str) -> str:
    path, _, harvest, columns, licence = SERVICES[source_id]
    return fixture_source(source_id, title=f"{source_id} (risposta registrata, righe inventate / recorded answer, "
                          "invented rows)", publisher="test", url=f"https://example.org/{source_id}",
                          adapter=str(harvest["kind"]), snapshot=SUFFIX[source_id], space_type="", licence=licence,
                          harvest={"url": f"{base}{path}", **harvest}, columns=columns)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        for path, sample, *_ in SERVICES.values():
            running.routes[path] = Route(body=(SAMPLES / sample).read_bytes(), content_type="application/json",
                                         etag=f'"{path}"')
        yield running


@pytest.fixture
def project(tmp_path: Path, server: ReplayServer) -> Path:
    root = copy_project(tmp_path / "root")
    for source_id in SERVICES:
        (root / "sources" / f"{source_id}.toml").write_text(source_toml(source_id, server.base), encoding="utf-8")
    return root


def snapshot_of(root: Path, source_id: str):
    return load_snapshot(next(s for s in load_sources(root) if s.id == source_id), root)


@pytest.mark.parametrize("source_id", list(SERVICES))
def test_service_answer_is_harvested_with_provenance(project: Path, server: ReplayServer, source_id: str) -> None:
    report = harvest([source_id], root=project, live=True, policy=POLICY)
    outcome = report.outcome(source_id)
    assert outcome.status == "updated" and outcome.records == 3, outcome
    snapshot = snapshot_of(project, source_id)
    assert snapshot.data == (SAMPLES / SERVICES[source_id][1]).read_bytes()
    provenance = snapshot.provenance
    assert provenance["licence"]["id"] == SERVICES[source_id][4][0] and provenance["status"] == 200
    assert provenance["adapter"] == {"osm-fr": "overpass", "wikidata-fr": "wikidata", "fablabs-io": "fablabs"}[
        source_id]
    sent = urlsplit(server.requests[-1][0])
    if source_id == "osm-fr":  # the query travels in the GET URL, so a conditional GET can repeat it
        assert parse_qs(sent.query)["data"] == [query("FR")]
        assert '["amenity"="coworking_space"]' in query("FR") and '["leisure"="hackerspace"]' in query("FR")
    if source_id == "wikidata-fr":
        params = parse_qs(sent.query)
        assert params["format"] == ["json"] and "wd:Q142" in params["query"][0]
        assert "wd:Q97307779" in params["query"][0] and "wd:Q1032372" in params["query"][0]
    again = harvest([source_id], root=project, live=True, policy=POLICY).outcome(source_id)
    assert again.status == "unchanged" and again.cause == "not-modified", again


def test_records_in_the_published_formats() -> None:
    osm = parse_table("overpass-json", (SAMPLES / "overpass/interpreter.json").read_bytes()).records()
    assert [(r["osm_id"], r["lat"], r["lon"]) for r in osm] == [
        ("node/900000000001", "45.764043", "4.835659"), ("way/900000000002", "47.20632", "-1.56321"),
        ("relation/900000000003", "43.60465", "1.44421")]  # ways and relations at their `center`
    assert {r["licence"] for r in osm} == {"ODbL-1.0"} and osm[0]["tags.addr:street"] == "Rue de l'Exemple"
    assert all("INVENTED" in r["tags.note"] for r in osm)
    wikidata = parse_table("sparql-json", (SAMPLES / "wikidata/sparql.json").read_bytes()).records()
    assert wikidata[0]["coord"] == "Point(4.835659 45.764043)" and wikidata[0]["itemLabel.lang"] == "fr"
    assert wikidata[1]["postcode"] == "" and all("INVENTÉ" in r["itemLabel"] for r in wikidata)
    labs = parse_table("fablabs-json", (SAMPLES / "fablabs/labs.json").read_bytes()).records()
    assert [(r["country_code"], r["activity_status"], r["capabilities"]) for r in labs] == [
        ("fr", "active", "three_d_printing laser cnc_milling"), ("fr", "planned", "three_d_printing"),
        ("it", "active", "")]
    assert labs[0]["links"] == "https://fablab-grenoble.example.org/" and labs[1]["links"] == ""
    empty = parse_table("sparql-json", json.dumps({"head": {"vars": ["item", "coord"]},
                                                   "results": {"bindings": []}}).encode())
    assert empty.header == ["item", "coord"] and empty.rows == []


@pytest.mark.parametrize(("fmt", "body", "words"), [
    ("overpass-json", b'{"version": 0.6, "elements": [', "invalid Overpass JSON"),
    ("overpass-json", b'{"version": 0.6}', "without `elements`"),
    ("overpass-json", b'{"elements": [], "osm3s": {"copyright": "All rights reserved."}}', "unexpected licence"),
    ("sparql-json", b'{"head": {"vars": ["item"]}, "results": {"bindings": [{"item": {"type": "uri", "val',
     "cut short"),
    ("sparql-json", b'{"head": {}}', "not SPARQL JSON results"),
    ("fablabs-json", b'{"labs": []}', "not a list of labs"),
])
def test_malformed_answers_are_refused(fmt: str, body: bytes, words: str) -> None:
    with pytest.raises(UnreadableSnapshot) as info:
        parse_table(fmt, body)
    assert words in info.value.reason_en and info.value.reason_it


def fresh(route: Route, body: bytes) -> None:
    route.body, route.etag = body, ""  # a changed answer, fetched without a conditional match


def test_overpass_runtime_error_remark_is_a_failure(project: Path, server: ReplayServer) -> None:
    partial = json.loads((SAMPLES / "overpass/interpreter.json").read_bytes())
    partial["elements"] = partial["elements"][:1]
    partial["remark"] = 'runtime error: Query timed out in "query" at line 1 after 181 seconds.'
    route = server.routes["/api/interpreter"]
    assert harvest(["osm-fr"], root=project, live=True, policy=POLICY).ok
    before = sha_tree(project)
    fresh(route, json.dumps(partial).encode())
    failed = harvest(["osm-fr"], root=project, live=True, policy=POLICY).outcome("osm-fr")
    assert failed.status == "failed" and failed.cause == "service-error", failed
    assert "Query timed out" in failed.message_en and "risposta incompleta" in failed.message_it
    assert sha_tree(project) == before
    assert len(snapshot_of(project, "osm-fr").data) == len((SAMPLES / "overpass/interpreter.json").read_bytes())


def test_overpass_429_with_retry_after_is_honoured(project: Path, server: ReplayServer) -> None:
    route = server.routes["/api/interpreter"]
    route.fault = faults.then(faults.status(429, retry_after="1", body=b"Too Many Requests"), route)
    start = time.monotonic()
    report = harvest(["osm-fr"], root=project, live=True, policy=POLICY)
    assert report.ok, report.to_dict()
    assert time.monotonic() - start >= 1.0 and route.hits == 2


def test_overpass_read_timeout(project: Path, server: ReplayServer) -> None:
    assert harvest(["osm-fr"], root=project, live=True, policy=POLICY).ok
    route = server.routes["/api/interpreter"]
    before = sha_tree(project)
    route.etag = ""
    route.fault = faults.read_timeout(route.body, stall=1.2)
    failed = harvest(["osm-fr"], root=project, live=True, policy=POLICY).outcome("osm-fr")
    assert failed.status == "failed" and failed.cause == "read-timeout", failed
    assert sha_tree(project) == before


def test_wikidata_timeout_answer_fails_after_retries(project: Path, server: ReplayServer) -> None:
    route = server.routes["/sparql"]
    assert harvest(["wikidata-fr"], root=project, live=True, policy=POLICY).ok
    before = sha_tree(project)
    route.etag = ""
    # What the Wikidata Query Service sends when a query runs past its limit.
    route.fault = faults.status(500, body=b"SPARQL-QUERY: queryStr=SELECT ...\njava.util.concurrent.TimeoutException\n"
                                     b"\tat java.util.concurrent.FutureTask.get(FutureTask.java:205)\n")
    failed = harvest(["wikidata-fr"], root=project, live=True, policy=POLICY).outcome("wikidata-fr")
    assert failed.status == "failed" and failed.cause == "http-status", failed
    assert "HTTP 500" in failed.message_en and "HTTP 500" in failed.message_it
    assert route.hits == 1 + 1 + POLICY.retries  # the good harvest, then the first try and its retries
    assert sha_tree(project) == before


def test_wikidata_results_cut_short_are_refused(project: Path, server: ReplayServer) -> None:
    run_faulty_body(project, server, "wikidata-fr", "/sparql", (SAMPLES / "wikidata/sparql.json").read_bytes()[:700],
                    words=("troncati", "cut short"))


def test_fablabs_malformed_json_is_refused(project: Path, server: ReplayServer) -> None:
    run_faulty_body(project, server, "fablabs-io", "/0/labs.json", b'[{"id": 1, "name": "x"', words=(
        "fablabs.io", "invalid fablabs.io JSON"))


def test_fablabs_429_beyond_the_cap_fails_without_waiting(project: Path, server: ReplayServer) -> None:
    assert harvest(["fablabs-io"], root=project, live=True, policy=POLICY).ok
    before = sha_tree(project)
    route = server.routes["/0/labs.json"]
    route.etag = ""
    route.fault = faults.status(429, retry_after="3600")
    hits = route.hits
    failed = harvest(["fablabs-io"], root=project, live=True, policy=POLICY).outcome("fablabs-io")
    assert failed.cause == "retry-after-too-long" and route.hits == hits + 1, failed  # no retry after any wait
    assert sha_tree(project) == before


def run_faulty_body(project: Path, server: ReplayServer, source_id: str, path: str, body: bytes, *,
                    words: tuple[str, str]) -> None:
    assert harvest([source_id], root=project, live=True, policy=POLICY).ok
    before = sha_tree(project)
    fresh(server.routes[path], body)
    failed = harvest([source_id], root=project, live=True, policy=POLICY).outcome(source_id)
    assert failed.status == "failed" and failed.cause == "unreadable", failed
    assert words[0] in failed.message_it and words[1] in failed.message_en, failed
    assert sha_tree(project) == before
    rejected = list((project / "build" / "harvests" / source_id / "rejected").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == body for p in rejected)  # kept aside for inspection


def test_missing_country_is_a_config_error(project: Path, server: ReplayServer) -> None:
    path = project / "sources" / "osm-fr.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('country = "FR"', 'country = "France"'), encoding="utf-8")
    failed = harvest(["osm-fr"], root=project, live=True, policy=POLICY).outcome("osm-fr")
    assert failed.status == "failed" and "harvest.country" in failed.message_en and "ISO 3166-1" in failed.message_it
