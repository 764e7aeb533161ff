"""The graph writer (``cowork_data.graph.writer``, compiled from ``mapping/tables.toml``).

- on invented edge cases (escapes, unsafe ids, odd numbers and dates, opening hours, whitespace, missing fields) it
  gives exactly the lines recorded from the project's first, hand-written rdflib mapping
  (``tests/fixtures/graph/edge-cases.nq``, see its SOURCE.md), whatever the chunk size and the base IRI;
- on generated tables with planted defects its lines are valid N-Quads and N-Triples (pyoxigraph; rdflib reads the
  edge cases), in the graph of each row's source, the same whatever the chunk size;
- the vectorised term forms equal the Python rule of one value over wide samples.

INVENTED DATA: the fixtures describe nothing real.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal

from bench.generate import generate
from cowork_data.graph import iris, literals, nquad_lines, write_nquads
from cowork_data.graph.terms import WHITESPACE, Terms, literal_text, quiet_rdflib
from cowork_data.namespaces import DEFAULT_BASE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # rdflib warns on the ill-typed literals planted

Tables = Mapping[str, Sequence[Mapping[str, Any]]]
Sources = Mapping[str, Mapping[str, Any]]
GOLDEN = Path(__file__).parent / "fixtures" / "graph" / "edge-cases.nq"

SNAPSHOT_SHA = "0123456789abcdef" * 4

#: Invented rows exercising the edge cases of the mapping (one table each, fields as in docs/tables.md).
EDGE_TABLES: dict[str, list[dict[str, Any]]] = {
    "organisations": [
        {"id": "12345678901", "legal_name": 'Impresa "Inventata" srl', "kind": "operator", "vat_number": "12345678901",
         "tax_code": " 12345678901 ", "legal_form": "srl", "ateco_code": "68.20", "website": "https://a.example/x y",
         "comune_istat": "015146", "source_id": "edge", "source_record": "orgs.csv#row=2", "source_url": ""},
        {"id": "ipa-c f205", "legal_name": "Comune\\di prova", "kind": "public-body", "vat_number": "01199250158",
         "ipa_code": "c_f205", "legal_form": "comune\nente", "comune_istat": "999999", "source_id": "edge",
         "source_record": "row=3"},
        {"id": "nc-è/ü#?%", "legal_name": "Ente\r senza partita IVA", "kind": " public-body ", "vat_number": "   ",
         "website": "https://例え.jp/ü?q=1#f", "comune_istat": "\u3000", "source_id": "  "},
        {"id": "", "legal_name": "", "kind": "", "vat_number": None},
    ],
    "spaces": [
        {"id": "f205/spazio con spazi", "name": 'Lo "Spazio"\\uno', "type": "coworking",
         "operator_id": "12345678901", "street_address": "Via Roma", "house_number": "1", "postcode": "20100",
         "comune_istat": "015146", "comune_name": 'Milano "centro"', "latitude": "1.5E+3", "longitude": "-0",
         "features": "wifi  kitchen\twifi \x1c printer", "workstations": "+5",
         "opening_hours": "Mo-Fr 09:00-18:00; Sa 10:00-24:00", "opening_hours_note": "lun-ven\n9-18",
         "website": 'https://spazio.example/a b"c', "email": "info@example.org", "phone": "+39 02 1234",
         "open_since": "2013", "wheelchair": "limited", "description": 'riga uno\nriga "due"',
         "services": "wifi, caffè ☕", "source_id": "edge", "source_record": "spaces.csv#row=2",
         "source_url": "https://edge.example/snap shot"},
        {"id": "f205/caffè#1", "name": " \x1cNome con spazi\u3000", "type": "fab lab", "operator_id": "nc-è/ü#?%",
         "street_address": "   ", "house_number": "12/b", "postcode": "", "comune_istat": "",
         "comune_name": "Senza codice", "latitude": "007", "longitude": "045.50",
         "features": "workstations", "workstations": "007", "opening_hours": "24/7", "open_since": "2013-05",
         "description": 'finisce con virgolette\n"', "source_id": "other", "source_record": "a#b#c"},
        {"id": "h501/a", "name": 'tre """ virgolette\ne poi', "latitude": '4"5', "longitude": "9",
         "features": 'caf"fe \\x', "workstations": "dieci", "opening_hours": "Su-Mo 09:00-10:00",
         "open_since": "2013-05-01", "postcode": "00100", "comune_name": "Roma", "source_id": "",
         "source_record": "#x"},
        {"id": "h501/b", "latitude": "Infinity", "longitude": "NaN", "workstations": "-0",
         "opening_hours": "Mo 29:00-30:00", "open_since": "0000", "wheelchair": "yes", "comune_istat": "058091",
         "comune_name": "Roma\nCapitale", "source_id": "edge", "source_record": "row=9"},
        {"id": "h501/c", "latitude": "1_000", "longitude": ".5", "workstations": "١٢", "features": "  ",
         "opening_hours": "Mo-Fr 09:00-18:00;;", "open_since": "13", "source_id": "edge"},
        {"id": "h501/d", "latitude": "5.", "longitude": "-inf", "workstations": "1_000", "features": "",
         "opening_hours": "mo-fr 09:00-18:00", "open_since": "2013-5", "house_number": "7"},
        {"id": "h501/e", "latitude": "45.4642", "longitude": "", "workstations": " 12 ", "opening_hours": "   ",
         "features": "a\x00b wifi\x00"},
        {"id": "h501/g", "features": "a\x00b\x00workstations wifi"},
        {"id": "h501/f"},  # a row without most fields
        {"id": "", "name": "senza id"},
    ],
    "calls": [
        {"id": "f205/2013-bando uno", "publisher_id": "ipa-c f205", "title": "Bando \"uno\"", "type": "registry",
         "parent_id": "f205/2013-programma", "announced_date": "2013-02-30", "opening_date": "",
         "closing_date": "2013-12-31", "award_cap": "1.5E+3", "award_cap_share": "-0",
         "legal_act": "Delibera\nn. 1", "url": "https://bandi.example/1 2", "description": "",
         "source_id": "edge", "source_record": "calls.csv#row=2"},
        {"id": "f205/2013-programma", "publisher_id": "", "title": "", "type": "programme",
         "announced_date": " 2013-01-10 ", "opening_date": "20130201", "award_cap": "5000",
         "award_cap_share": "0.5", "source_id": "edge"},
        {"id": "", "title": "bando senza id", "award_cap": "abc"},
    ],
    "funding": [
        {"call_id": "f205/2013-bando uno", "funder_id": "12345678901", "amount": "10000", "currency": " ",
         "note": "nota \"uno\"", "source_id": "edge"},
        {"call_id": "f205/2013-programma", "funder_id": "nc-è/ü#?%", "amount": "", "currency": "USD",
         "note": "", "source_id": "other"},
        {"call_id": "", "funder_id": "", "amount": "1e-7", "currency": "USD"},
    ],
    "admissions": [
        {"call_id": "f205/2013-bando uno", "space_id": "f205/spazio con spazi", "status": "admitted",
         "date_submitted": "2013-03-01", "date_accepted": "2013-3-1", "valid_from": "2013-04-01",
         "valid_until": "", "source_id": "edge"},
        {"call_id": "f205/2013-bando uno", "space_id": "h501/a", "status": "", "valid_from": "",
         "valid_until": "2014-04-01", "source_id": "edge", "source_record": "adm.csv#row=3"},
        {"call_id": "f205", "space_id": "f205", "status": "rejected"},
        {"call_id": "f205/x", "space_id": "f205/", "valid_from": "0999-01-01"},
    ],
    "awards": [
        {"call_id": "f205/2013-bando uno", "number": "1", "beneficiary_kind": "person",
         "beneficiary_id": "12345678901", "space_id": "f205/spazio con spazi", "amount": "900",
         "status": "granted", "date_granted": "2013-06-01", "source_id": "edge"},
        {"call_id": "f205/2013-bando uno", "number": "2 bis", "beneficiary_kind": "organisation",
         "beneficiary_id": "nc-è/ü#?%", "space_id": "", "amount": "1,5", "status": "", "source_id": "other"},
        {"call_id": "f205/2013-programma", "number": "3", "beneficiary_kind": "organisation",
         "beneficiary_id": "", "amount": "+12.50"},
        {"call_id": "", "number": ""},
    ],
    "outcomes": [
        {"call_id": "f205/2013-bando uno", "as_of": "2014", "applications": "+5", "admitted": "007",
         "rejected": "x", "pending": "-0", "approximate": "Yes", "note": 'nota "esito"\\', "source_id": "edge"},
        {"call_id": "f205/2013-bando uno", "as_of": "2014-06-30", "approximate": "maybe", "source_id": "edge"},
        {"call_id": "f205/2013-programma", "as_of": "", "approximate": "TRUE", "applications": "1_000"},
        {"call_id": "f205/2013-programma", "as_of": "2014-06", "approximate": "0"},
        {"call_id": "f205/2013-programma", "as_of": "giugno 2014", "approximate": "no"},
    ],
    "same_as": [
        {"id": "f205/caffè#1", "same_as": "f205/spazio con spazi", "source_id": "other"},
        {"id": "h501/a", "same_as": "h501/b", "source_id": ""},
    ],
}
EDGE_SOURCES: dict[str, dict[str, Any]] = {
    "edge": {"title": 'Fonte "inventata"', "publisher": "Nessuno", "url": "https://edge.example/data set",
             "licence": {"url": "https://creativecommons.org/publicdomain/zero/1.0/"}, "sha256": SNAPSHOT_SHA,
             "retrieved_at": "2024-01-01T10:00:00Z", "fixture": True},
    "unused": {"title": "", "licence": "CC0-1.0", "sha256": "", "retrieved_at": "2024-01-01", "fixture": False},
}



def lines(tables: Tables, sources: Sources, **kw: Any) -> list[str]:
    return [line for chunk in nquad_lines(tables, sources=sources, **kw) for line in chunk.to_list()]


@pytest.mark.parametrize("chunk_rows", [2, 25_000])
def test_edge_cases_give_the_recorded_lines(chunk_rows: int) -> None:
    golden = GOLDEN.read_text(encoding="utf-8")
    got = sorted(set(lines(EDGE_TABLES, EDGE_SOURCES, chunk_rows=chunk_rows)))
    assert "".join(got) == golden
    with quiet_rdflib():  # an independent parser reads every line
        dataset = Dataset()
        dataset.parse(data=golden, format="nquads")
    assert len(set(dataset.quads())) == len(got)
    graphs = {line.rsplit(" ", 2)[-2] for line in got}
    assert f"<{DEFAULT_BASE}graph/unsourced>" in graphs and f"<{DEFAULT_BASE}graph/istat>" in graphs
    assert any("\\n" in line for line in got)  # a multi-line literal is escaped on its line


def test_other_base() -> None:
    base = "http://example.org/kg/"
    golden = GOLDEN.read_text(encoding="utf-8")  # records and graphs move with the base, vocabularies do not
    expected = golden.replace(f"{DEFAULT_BASE}data/", f"{base}data/").replace(f"{DEFAULT_BASE}graph/", f"{base}graph/")
    assert "".join(sorted(set(lines(EDGE_TABLES, EDGE_SOURCES, base=base)))) == "".join(
        sorted(set(expected.splitlines(keepends=True))))


def test_generated_lines_parse_in_their_sources_graphs(tmp_path: Path) -> None:
    tables, sources = generate(600, seed=1, defects=0.05)
    path = tmp_path / "g.nq"
    count = write_nquads(tables, path, sources=sources)
    text = path.read_text(encoding="utf-8")
    assert count == text.count("\n") and count > 40_000
    unique = set(text.splitlines(keepends=True))
    assert set(lines(tables, sources, chunk_rows=700)) == unique  # several chunks, the last one partial
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    assert len(store) == len(unique)
    graphs = {q.graph_name.value for q in store}
    assert graphs == {f"{DEFAULT_BASE}graph/{name}" for name in ("bench-generated", "istat", "unsourced")}
    nt = tmp_path / "g.nt"
    write_nquads(tables, nt, sources=sources, quads=False)
    union = ox.Store()
    union.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)  # N-Triples: the union of the graphs
    assert len(union) == len({(q.subject, q.predicate, q.object) for q in store})


def test_whitespace_is_pythons() -> None:
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_ids_kept_as_they_are_are_exactly_those_quote_keeps() -> None:
    """The vectorised IRI path (no percent-encoding) applies to exactly the characters urllib.parse.quote keeps."""
    terms = Terms(DEFAULT_BASE)
    chars = [chr(c) for c in range(0x250)] + ["€", "☕", "例"]
    values = pl.Series([f"a{c}b" for c in chars], dtype=pl.String)
    assert terms.path(values).to_list() == [iris.path_segment(v) for v in values]
    assert terms.web(values).to_list() == [str(iris.web_iri(v)) for v in values]
    assert terms.plain(values).to_list() == [literal_text(Literal(v)) for v in values]


def test_vectorised_literal_forms_match_the_reference() -> None:
    """The forms kept vectorised (no rdflib call) give the reference term, over wide samples of each form."""
    rnd = random.Random(7)
    terms = Terms(DEFAULT_BASE)
    samples = {
        "year_or_date": [f"{y:04d}" for y in range(10_000)] + [f"{y:04d}-{m:02d}" for y in (0, 1, 999, 2013)
                                                             for m in range(100)],
        "date": [f"{y:04d}-{m:02d}-{d:02d}" for y in (0, 1, 999, 2012, 2013, 9999) for m in range(0, 15)
                 for d in range(0, 33)],
        "integer": [str(i) for i in range(-300, 300)] + ["-0", "+0", "00", "+7", "-007"]
        + [str(rnd.randrange(-10**30, 10**30)) for _ in range(300)],
        "decimal": [f"{rnd.choice(['', '-', '+'])}{rnd.randrange(10**rnd.randrange(1, 25))}"
                    f"{rnd.choice(['', '.', '.0', '.' + str(rnd.randrange(10**8)).zfill(8)])}" for _ in range(3000)]
        + ["0", "-0", "0.0", "-0.0", "00.5", "0.000000001", "1E+3", "1e-7", "1.50", "10", "-10.000"],
    }
    with quiet_rdflib():
        for kind, values in samples.items():
            got = terms.function(kind, pl.Series(values, dtype=pl.String)).to_list()
            expected = [literal_text(getattr(literals, kind)(v)) for v in values]
            assert got == expected, [(v, g, e) for v, g, e in zip(values, got, expected, strict=True) if g != e][:5]
