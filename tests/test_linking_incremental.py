"""Linking again only the records a change can move (:func:`cowork_data.normalise.linking.relink`) gives what the
full computation (:func:`link_spaces`) gives on every record: random changes of generated records (added, removed,
moved, renamed, across sources and comuni, points removed, copied) compared both ways and in a chain; a stale,
unreadable or interrupted state falls back to the full computation; a build's incremental linking publishes what
a cold build publishes and says the same doubts."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from cowork_data.normalise import linking
from cowork_data.normalise.linking import Link, LinkReport, Thresholds, freeze_links, link_spaces, load_links, relink
from cowork_data.pipeline import build, published_hashes
from tests.conftest import WITHOUT_FRANCE, copy_project
from tests.test_pipeline import rerecord

SOURCES = ("a-registro", "b-osm", "c-rete", "d-milano")
COMUNI = ("015146", "015192", "")
NAMES = ("Officina Alfa", "FabLab Officina Alfa", "Officina Alfa Due", "Spazio Beta", "Coworking Beta",
         "Gamma Hub", "Delta Lab", "Pharmacie de la Gare", "Coworking de la Gare")
STREETS = ("Via Roma", "Via Tortona", "Corso Como", "")
VERSION = "code-1"


def record(rng: random.Random, n: int, wide: bool = False) -> dict[str, str]:
    """An invented space near the others: points on a grid of about 45 m steps over 1.8 km, so that cells, same
    points and the 150 m of a link all occur (``wide``: over 18 km, in 40 comuni, on 30 house numbers, as a
    country's list is, where a change moves few records)."""
    placed = rng.random() < 0.7
    steps = 400 if wide else 40
    lat, lon = 45.46 + rng.randrange(steps) * 0.0004, 9.19 + rng.randrange(steps) * 0.0005
    comuni = [f"0151{k:02d}" for k in range(40)] if wide else COMUNI
    return {"id": f"f205/s{n}", "source_id": rng.choice(SOURCES), "name": rng.choice(NAMES),
            "street_address": rng.choice(STREETS), "house_number": str(rng.randrange(30)) if wide else
            rng.choice(("1", "3", "")), "latitude": f"{lat:.5f}" if placed else "",
            "longitude": f"{lon:.5f}" if placed else "", "comune_istat": rng.choice(comuni), "country": "IT"}


def records(rng: random.Random, count: int, wide: bool = False) -> list[dict[str, str]]:
    return [record(rng, n, wide) for n in range(count)]


def change(rng: random.Random, rows: list[dict[str, str]], times: int, wide: bool = False) -> list[dict[str, str]]:
    """``rows`` with ``times`` random changes (the input is left as it is)."""
    rows = [dict(row) for row in rows]
    for _ in range(times):
        what = rng.choice(("add", "remove", "move", "unplace", "rename", "source", "comune", "address", "copy",
                           "id"))
        if what == "add" or not rows:
            rows.insert(rng.randrange(len(rows) + 1), record(rng, 1000 + rng.randrange(10_000), wide))
            continue
        k = rng.randrange(len(rows))
        row, other = rows[k], record(rng, 0, wide)
        if what == "remove":
            del rows[k]
        elif what == "move":
            row["latitude"], row["longitude"] = other["latitude"] or "45.47", other["longitude"] or "9.2"
        elif what == "unplace":
            row["latitude"] = row["longitude"] = ""
        elif what == "rename":
            row["name"] = other["name"]
        elif what == "source":
            row["source_id"] = other["source_id"]
        elif what == "comune":
            row["comune_istat"] = other["comune_istat"]
        elif what == "address":
            row["street_address"], row["house_number"] = other["street_address"], other["house_number"]
        elif what == "copy":
            rows.insert(rng.randrange(len(rows) + 1), dict(row))
        else:
            row["id"] = rows[rng.randrange(len(rows))]["id"]  # the same id in another source, or twice in one
    return rows


def same(a: LinkReport, b: LinkReport) -> bool:
    return a.links == b.links and a.ambiguous == b.ambiguous  # the same records in the same order


@pytest.fixture
def linked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many records each call of :func:`relink` linked (compared with their candidates), one count a call."""
    counts: list[int] = []
    inside = [False]
    real, original = linking._link, linking.relink

    def counting(i, rows, features, candidates, t):  # noqa: ANN001, ANN202 - the wrapped function's own
        counts[-1] += inside[0]
        return real(i, rows, features, candidates, t)

    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        counts.append(0)
        inside[0] = True
        try:
            return original(*args, **kwargs)
        finally:
            inside[0] = False

    monkeypatch.setattr(linking, "_link", counting)
    monkeypatch.setattr(linking, "relink", run)
    return counts


def test_random_changes_give_the_full_computation_both_ways(tmp_path: Path, linked: list[int]) -> None:
    totals = {"links": 0, "ambiguous": 0, "reused": 0}
    for seed in range(60):
        rng = random.Random(seed)
        before = records(rng, rng.randrange(20, 120))
        after = change(rng, before, rng.choice((1, 1, 2, 3, 8)))
        for first, second, way in ((before, after, "forth"), (after, before, "back")):
            state = tmp_path / f"{seed}-{way}.pickle"
            assert same(linking.relink(first, state, version=VERSION), link_spaces(first))  # no state: full
            assert linked[-1] == len(first)
            again = linking.relink(second, state, version=VERSION)
            assert same(again, link_spaces(second)), (seed, way)
            totals["reused"] += linked[-1] < len(second)
            totals["links"] += len(again.links)
            totals["ambiguous"] += len(again.ambiguous)
    # the data link and doubt, and most changes leave records that keep their result
    assert totals["links"] > 100 and totals["ambiguous"] > 100 and totals["reused"] > 60, totals


def test_a_chain_of_changes_keeps_giving_the_full_computation(tmp_path: Path, linked: list[int]) -> None:
    rng = random.Random(1)
    rows = records(rng, 600, wide=True)
    state = tmp_path / "links.pickle"
    linking.relink(rows, state, version=VERSION)
    for step in range(40):
        rows = change(rng, rows, rng.choice((1, 2, 5)), wide=True)
        assert same(linking.relink(rows, state, version=VERSION), link_spaces(rows)), step
        assert linked[-1] < len(rows) / 4, step  # the records near the changed ones linked again, not all
    assert linking.relink(rows, state, version=VERSION).links == link_spaces(rows).links and linked[-1] == 0


def test_a_stale_or_broken_state_falls_back_to_the_full_computation(tmp_path: Path, linked: list[int],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    rows = records(rng, 150)
    state = tmp_path / "links.pickle"
    linking.relink(rows, state, version=VERSION)
    changed = change(rng, rows, 1)
    assert same(linking.relink(changed, state, version="code-2"), link_spaces(changed))  # another code version
    assert linked[-1] == len(changed)
    looser = Thresholds(name=0.5, same_point=60.0)
    assert not same(link_spaces(rows, thresholds=looser), link_spaces(rows))
    assert same(linking.relink(rows, state, version="code-2", thresholds=looser),
                link_spaces(rows, thresholds=looser))  # other thresholds
    assert linked[-1] == len(rows)
    state.write_bytes(state.read_bytes()[:100])  # cut short
    assert same(linking.relink(changed, state, version="code-2"), link_spaces(changed)) and linked[-1] == len(changed)

    def killed(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    kept = state.read_bytes()
    monkeypatch.setattr(linking.os, "replace", killed)  # killed before the new state replaced the old one
    with pytest.raises(KeyboardInterrupt):
        linking.relink(rows, state, version="code-2")
    monkeypatch.undo()
    assert state.read_bytes() == kept  # the previous state, whole
    assert same(relink(rows, state, version="code-2"), link_spaces(rows))


def test_a_rebuild_links_again_what_changed_and_publishes_the_cold_bytes(tmp_path: Path, linked: list[int]) -> None:
    root = copy_project(tmp_path / "root", without=WITHOUT_FRANCE)
    doubts: dict[str, list[str]] = {}

    def saying(run: str) -> Callable[[str, str], None]:
        doubts[run] = []
        return lambda stage, message: doubts[run].append(message) if " ~ " in message else None

    out = tmp_path / "out"
    first = build(root=root, output=out, progress=saying("first"))
    assert linked == [first.rows["spaces"]]  # no state yet: every record
    state = out / "build" / "cache" / "links.pickle"
    assert state.is_file()
    snapshot = root / "sources" / "snapshots" / "milano-fablab" / "ds744_fablab_milano.csv"
    # the linked FabLab renamed: at the same point with another name it is now a doubt (its frozen link stays)
    rerecord(snapshot, snapshot.read_bytes().replace(b"FabLab Officina Inventata;", b"FabLab Bottega Nuova;", 1))
    changed = build(root=root, output=out, progress=saying("incremental"))
    assert changed.rebuilt == ["milano-fablab"] and 0 < linked[-1] < first.rows["spaces"] / 2
    build(root=root, output=tmp_path / "cold", progress=saying("cold"))
    assert published_hashes(out) == published_hashes(tmp_path / "cold")
    assert doubts["incremental"] == doubts["cold"] != doubts["first"]
    assert doubts["first"] == [] and [line.split(":")[0] for line in doubts["incremental"]] == [
        "f205/fablab-bottega-nuova ~ f205/officina-inventata-ortica"]


def test_frozen_links_are_written_only_when_they_change(tmp_path: Path) -> None:
    path = tmp_path / "same-as.csv"
    links = [Link("f205/b", "f205/a", "b-osm", "0.90", "12.0", ""),
             Link("f205/c", "f205/a", "c-rete", "1.00", "", "0.95")]
    assert not freeze_links(path, []) and not path.exists()
    assert freeze_links(path, links) and load_links(path) == sorted(links, key=lambda link: link.id)
    assert not freeze_links(path, links[::-1])  # the bytes it would write
    old_layout = "id,same_as,source_id,score,distance_m\nf205/b,f205/a,b-osm,0.90,12.0\n"
    path.write_text(old_layout, encoding="utf-8")  # written before address_score existed: the same link
    assert not freeze_links(path, links[:1]) and path.read_text(encoding="utf-8") == old_layout
    assert freeze_links(path, links) and load_links(path) == sorted(links, key=lambda link: link.id)
