"""City IRIs (issue 15): every comune's ``clv:hasCity`` is the OntoPiA IRI valid on the record's date, no fallback.

The table is ``reference/ontopia/cities.csv`` (OntoPiA, CC BY 4.0, SOURCE.md beside it). Real changes used here:
Milano's version changed on 2015-01-01 (``015146-(1997-07-26)`` → ``015146-(2015-01-01)``), Seregno's code on
2009-06-30 (``015208``, province of Milano → ``108039``, Monza e Brianza).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from rdflib import URIRef

from cowork_data.cities import (
    CITIES_FILE,
    ONTOPIA_CITIES,
    SINCE,
    city_iri,
    city_version,
    city_versions,
    read_ontopia_cities,
)
from cowork_data.errors import ConfigError, UsageError
from cowork_data.graph import build_graph, nquad_lines
from cowork_data.namespaces import CLV, DCT
from cowork_data.reference import load_comuni
from tests.conftest import ROOT, figures

MILANO_2015 = URIRef(ONTOPIA_CITIES + "015146-(2015-01-01)")
MILANO_1997 = URIRef(ONTOPIA_CITIES + "015146-(1997-07-26)")
SEREGNO_2009 = URIRef(ONTOPIA_CITIES + "108039-(2009-06-30)")
SEREGNO_1948 = URIRef(ONTOPIA_CITIES + "015208-(1948-01-01)")
HAS_CITY = re.compile(r"^\S+ <https://w3id\.org/italia/onto/CLV/hasCity> <([^>]*)> \.$", re.M)

# Lines of OntoPiA's cities.csv (CC BY 4.0): Seregno's five versions, and Carema's version listed twice, once valid
# for no day.
ONTOPIA_HEADER = ('"CODICE_REGIONE","CODICE_PROVINCIA","SIGLA_AUTOMOBILISTICA","ID_COMUNE","CODICE_COMUNE",'
                  '"LABEL_COMUNE_IT","LABEL_COMUNE_DE","DATA_INIZIO_VALIDITA","DATA_FINE_VALIDITA"\n')
ONTOPIA_EXCERPT = ONTOPIA_HEADER + '''\
"00","007","AO","007826-(1929-05-03)","007826","CAREMA","","03-05-1929","03-05-1929"
"00","007","AO","007826-(1929-05-03)","007826","CAREMA","","03-05-1929","28-09-1941"
"00","015","MI","015208-(1861-03-17)","015208","SEREGNO","","17-03-1861","01-05-1869"
"00","015","MI","015208-(1869-05-01)","015208","SEREGNO","","01-05-1869","01-01-1871"
"00","015","MI","015208-(1871-01-01)","015208","SEREGNO","","01-01-1871","01-01-1948"
"03","015","MI","015208-(1948-01-01)","015208","SEREGNO","","01-01-1948","30-06-2009"
"03","015","MI","015208-(1948-01-01)","015208","SEREGNO","","01-01-1948","30-06-2009"
"03","108","MB","108039-(2009-06-30)","108039","SEREGNO","","30-06-2009","31-12-9999"
'''


def test_shipped_table_is_well_formed() -> None:
    with CITIES_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["istat", "validity_start", "validity_end", "name"]
    keys = [(r["istat"], r["validity_start"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # one row per IRI
    for row in rows:
        assert re.fullmatch(r"[0-9]{6}", row["istat"]) and row["name"], row
        assert SINCE < row["validity_end"] and row["validity_start"] < row["validity_end"], row
    for code, versions in city_versions().items():  # a code's versions never overlap
        assert all(a.end <= b.start for a, b in zip(versions, versions[1:], strict=False)), code
    figures("cities", {"versions": len(rows), "codes": len(city_versions()),
                       "current": sum(1 for r in rows if r["validity_end"] == "9999-12-31")})


def test_every_istat_comune_of_the_shipped_list_has_its_own_version_in_2020() -> None:
    comuni = list(load_comuni())
    assert len(comuni) == 7904
    for comune in comuni:
        version = city_version(comune.istat, "2020-01-01")
        assert version is not None and version.istat == comune.istat, comune


@pytest.mark.parametrize(("istat", "on", "expected"), [
    ("015146", None, MILANO_2015),           # the current version
    ("015146", "2026-01-30T00:00:00Z", MILANO_2015),
    ("015146", "2015-01-01", MILANO_2015),   # the first day of a version belongs to it ...
    ("015146", "2014-12-31", MILANO_1997),   # ... the day before to the previous one
    ("015146", "2013-06-01", MILANO_1997),   # a record of 2013 names Milano as it was in 2013
    ("108039", "2024-05-01", SEREGNO_2009),
    ("108039", "2005-01-01", SEREGNO_1948),  # code given after the change: Seregno under its old code
    ("015208", "2020-01-01", SEREGNO_2009),  # old code used after the change: Seregno under its new code
    ("015208", "2009-06-29", SEREGNO_1948),
    ("108039", "1930-01-01", SEREGNO_2009),  # older than the shipped versions: the nearest one of the code
])
def test_the_version_valid_on_the_date(istat: str, on: str | None, expected: URIRef) -> None:
    assert city_iri(istat, on=on) == expected


def test_a_code_ontopia_lacks_has_no_iri() -> None:
    assert city_version("999999", "2020-01-01") is None
    with pytest.raises(UsageError) as info:
        city_iri("999999")
    assert "999999" in info.value.message_it and "999999" in info.value.message_en


def _space(source_id: str, istat: str, name: str) -> dict[str, str]:
    return {"id": f"x000/{source_id}", "name": "Spazio inventato", "type": "coworking", "comune_istat": istat,
            "comune_belfiore": "F205", "comune_name": name, "source_id": source_id, "source_record": "row=2"}


def _sources(**dates: str) -> dict[str, dict[str, str]]:
    return {sid: {"id": sid, "title": sid, "retrieved_at": day, "sha256": "0" * 64} for sid, day in dates.items()}


def test_the_record_date_is_the_retrieval_date_of_its_snapshot() -> None:
    """Invented rows: the same comune read from a 2013 and a 2026 snapshot links to two versions (in the writer's
    lines and in the rdflib graph read from them)."""
    tables = {"spaces": [_space("old", "015146", "Milano"), _space("new", "015146", "Milano"),
                         _space("seregno", "108039", "Seregno")]}
    sources = _sources(old="2013-06-01T00:00:00Z", new="2026-01-30T00:00:00Z", seregno="2005-03-01T00:00:00Z")
    g = build_graph(tables, sources=sources)
    cities = {str(s).rsplit("/", 1)[-1]: o for s, o in
              ((g.value(predicate=CLV.hasAddress, object=a), c) for a, c in g.subject_objects(CLV.hasCity))}
    assert cities == {"old": MILANO_1997, "new": MILANO_2015, "seregno": SEREGNO_1948}
    assert str(g.value(SEREGNO_1948, DCT.identifier)) == "015208"  # the node names the code of its version
    lines = "".join(line for chunk in nquad_lines(tables, sources=sources, quads=False) for line in chunk.to_list())
    assert set(HAS_CITY.findall(lines)) == {str(MILANO_1997), str(MILANO_2015), str(SEREGNO_1948)}


#: A French commune's IRI: the project's own, keyed on the INSEE code (docs/decisions.md §12), not a fallback.
FRENCH_CITY = re.compile(r"^https://w3id\.org/cowork-data/data/city/FR-(?:[0-9]{2}|2[AB])[0-9]{3}$")


def city_link_errors(ntriples: str) -> list[str]:
    """``clv:hasCity`` objects that are neither the IRI of a shipped OntoPiA version nor a French commune's."""
    known = {str(v.iri) for versions in city_versions().values() for v in versions}
    return sorted(iri for iri in HAS_CITY.findall(ntriples) if iri not in known and not FRENCH_CITY.match(iri))


def test_committed_graph_links_only_ontopia_cities() -> None:
    text = (ROOT / "data" / "graph" / "cowork-data.nt").read_text(encoding="utf-8")
    links = HAS_CITY.findall(text)
    assert links and city_link_errors(text) == []
    assert f"<{SEREGNO_2009}>" in text and not re.search(r"/data/city/(?!FR-)", text)
    figures("city-links", {"links": len(links), "distinct": len(set(links)), "not_ontopia": 0})
    mutated = text.replace(f"<{SEREGNO_2009}>", "<https://w3id.org/cowork-data/data/city/108039>")
    assert city_link_errors(mutated) == ["https://w3id.org/cowork-data/data/city/108039"]
    assert city_link_errors(text.replace("108039-(2009-06-30)", "108039-(2009-06-29)")) != []


def test_trimming_ontopia_s_file() -> None:
    versions = list(read_ontopia_cities(io.StringIO(ONTOPIA_EXCERPT)))
    assert [(v.istat, v.start, v.end, v.name) for v in versions] == [
        ("015208", "1948-01-01", "2009-06-30", "SEREGNO"), ("108039", "2009-06-30", "9999-12-31", "SEREGNO")]
    assert [v.start for v in read_ontopia_cities(io.StringIO(ONTOPIA_EXCERPT), since="1900-01-01")] == [
        "1929-05-03", "1871-01-01", "1948-01-01", "2009-06-30"]
    broken = ONTOPIA_EXCERPT.replace('"108039-(2009-06-30)"', '"108039-(2009-07-01)"')
    with pytest.raises(ConfigError):
        list(read_ontopia_cities(io.StringIO(broken)))
