"""Every published record links, through PROV-O, to the record of the snapshot it came from (issue 4)."""

from __future__ import annotations

import csv

import pyoxigraph as ox

PREFIXES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX cw: <https://w3id.org/cowork-data/vocab#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


class Store:
    """The release's store, queried over the union of its named graphs (as the endpoint does)."""

    def __init__(self, release) -> None:
        self.store = ox.Store.read_only(str(release.output / "build" / "store"))

    def query(self, text: str):
        return self.store.query(text, use_default_graph_as_union=True)


def store(release) -> Store:
    return Store(release)


def test_every_space_points_at_its_snapshot_row(release) -> None:
    with (release.output / "data" / "spaces.csv").open(encoding="utf-8") as fh:
        expected = {f"https://w3id.org/cowork-data/data/workspace/{r['id']}": (r["source_id"], r["source_record"])
                    for r in csv.DictReader(fh)}
    answer = store(release).query(PREFIXES + """
        SELECT ?space ?record ?snapshot ?source ?sha WHERE {
          ?space a cw:Workspace ; prov:wasDerivedFrom ?record .
          ?record dct:isPartOf ?snapshot .
          ?snapshot prov:specializationOf ?source .
          ?source dct:identifier ?sha_source .
          BIND(?sha_source AS ?sha)
        }""")
    got = {s["space"].value: (s["record"].value, s["snapshot"].value, s["sha"].value) for s in answer}
    assert set(got) == set(expected)
    for space, (record, snapshot, source_id) in got.items():
        assert source_id == expected[space][0]
        assert record == f"{snapshot}#{expected[space][1]}"
        assert "/snapshot/" in snapshot


def test_curated_records_name_their_file(release) -> None:
    answer = store(release).query(PREFIXES + """
        SELECT ?record WHERE {
          ?call dct:identifier|<https://w3id.org/italia/onto/l0/identifier> "f205/2013-bando-coworking/misura-1" ;
                prov:wasDerivedFrom ?record . ?record dct:isPartOf ?snapshot }""")
    records = [s["record"].value for s in answer]
    assert len(records) == 1 and records[0].endswith("/calls.csv#row=3")


def test_the_same_place_in_two_sources_is_linked(release) -> None:
    answer = store(release).query(PREFIXES + "SELECT ?a ?b WHERE { ?a owl:sameAs ?b }")
    pairs = {(s["a"].value.rsplit("/", 1)[-1], s["b"].value.rsplit("/", 1)[-1]) for s in answer}
    assert pairs == {("fablab-officina-inventata", "officina-inventata-ortica")}
