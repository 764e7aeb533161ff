"""The vectorised graph writer (``cowork_data.graph.fast_nt``) gives exactly the lines of the rdflib path.

Differential: the multiset of lines of ``ntriples_chunks`` / ``write_ntriples_fast`` / ``write_nquads_fast`` equals
the one of ``stream.ntriples_lines(triples(...))`` / ``quads()``, on the project's own tables, on generated tables
with planted defects, and on an invented fixture of edge cases (escapes, unsafe ids, odd numbers and dates, opening
hours, whitespace, missing fields). INVENTED DATA: the fixture describes nothing real.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rdflib import Literal
from rdflib.term import Node

from bench.generate import generate
from cowork_data.graph import iris, literals, quads, triples
from cowork_data.graph.fast_nt import (
    WHITESPACE,
    _Writer,
    ntriples_chunks,
    write_nquads_fast,
    write_ntriples_fast,
)
from cowork_data.graph.stream import _term, ntriples_lines, write_ntriples_sorted
from cowork_data.namespaces import DEFAULT_BASE
from cowork_data.pipeline import collect
from tests.conftest import copy_project

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # rdflib warns on the ill-typed literals planted

Tables = Mapping[str, Sequence[Mapping[str, Any]]]
Sources = Mapping[str, Mapping[str, Any]]
Generated = tuple[Tables, Sources, list[tuple[Node, Node, Node]], Counter[str]]

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


def reference_lines(tables: Tables, sources: Sources) -> Counter[str]:
    return Counter(ntriples_lines(triples(tables, sources=sources)))


def reference_quad_lines(tables: Tables, sources: Sources) -> Counter[str]:
    rows = list(quads(tables, sources=sources))
    lines = ntriples_lines((s, p, o) for s, p, o, _g in rows)
    return Counter(line[:-3] + f" <{g}> .\n" for line, (*_triple, g) in zip(lines, rows, strict=True))


def fast_lines(tables: Tables, sources: Sources, chunk_rows: int = 25_000) -> Counter[str]:
    return Counter(line for chunk in ntriples_chunks(tables, sources=sources, chunk_rows=chunk_rows)
                   for line in chunk.to_list())


def assert_same(reference: Counter[str], fast: Counter[str]) -> None:
    missing, extra = reference - fast, fast - reference
    assert not missing and not extra, (sorted(missing)[:10], sorted(extra)[:10])


def file_lines(path: Path) -> Counter[str]:
    """Lines of a written file split at newlines (a triple-quoted literal spans two such pieces)."""
    return Counter(path.read_text(encoding="utf-8").splitlines(keepends=True))


def split_lines(lines: Counter[str]) -> Counter[str]:
    return Counter("".join(lines.elements()).splitlines(keepends=True))


@pytest.fixture(scope="module", autouse=True)
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal the fixtures plant on purpose: not worth capturing."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def project_tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tables, Sources]:
    """The project's own canonical tables, collected from the shipped snapshots (in a copy of the project)."""
    root = copy_project(tmp_path_factory.mktemp("fast-nt") / "root")
    tables, infos, _ = collect(root, lambda stage, detail: None)
    return tables, {info["id"]: info for info in infos}


@pytest.fixture(scope="module")
def generated() -> tuple[Tables, Sources, list[tuple[Node, Node, Node]], Counter[str]]:
    """Generated tables with 5 % planted defects, their reference triples and reference N-Quads lines."""
    tables, sources = generate(2000, seed=1, defects=0.05)
    return tables, sources, list(triples(tables, sources=sources)), reference_quad_lines(tables, sources)


def test_project_tables_give_the_same_triples_and_quads(project_tables: tuple[Tables, Sources],
                                                        tmp_path: Path) -> None:
    tables, sources = project_tables
    assert tables["spaces"] and tables["same_as"]
    reference = reference_lines(tables, sources)
    assert_same(reference, fast_lines(tables, sources))
    assert write_ntriples_fast(tables, tmp_path / "g.nt", sources=sources) == sum(reference.values())
    assert file_lines(tmp_path / "g.nt") == split_lines(reference)
    quad_reference = reference_quad_lines(tables, sources)
    assert write_nquads_fast(tables, tmp_path / "g.nq", sources=sources) == sum(quad_reference.values())
    assert file_lines(tmp_path / "g.nq") == split_lines(quad_reference)


def test_generated_tables_with_planted_defects(generated: Generated, tmp_path: Path) -> None:
    tables, sources, reference_triples, quad_reference = generated
    reference = Counter(ntriples_lines(reference_triples))
    assert_same(reference, fast_lines(tables, sources, chunk_rows=700))  # several chunks, the last one partial
    assert write_nquads_fast(tables, tmp_path / "g.nq", sources=sources, chunk_rows=999) == sum(
        quad_reference.values())
    assert file_lines(tmp_path / "g.nq") == split_lines(quad_reference)


def test_edge_cases_give_the_same_triples(tmp_path: Path) -> None:
    reference = reference_lines(EDGE_TABLES, EDGE_SOURCES)
    assert any('"""' in line for line in reference)  # the fixture does reach rdflib's n3() escaping
    for chunk_rows in (2, 25_000):
        assert_same(reference, fast_lines(EDGE_TABLES, EDGE_SOURCES, chunk_rows=chunk_rows))
    n = write_ntriples_fast(EDGE_TABLES, tmp_path / "g.nt", sources=EDGE_SOURCES, chunk_rows=2)
    assert n == sum(reference.values())
    assert file_lines(tmp_path / "g.nt") == split_lines(reference)


def test_edge_cases_give_the_same_quads(tmp_path: Path) -> None:
    reference = reference_quad_lines(EDGE_TABLES, EDGE_SOURCES)
    graphs = {line.rsplit(" ", 2)[-2] for line in reference}
    assert f"<{DEFAULT_BASE}graph/unsourced>" in graphs and f"<{DEFAULT_BASE}graph/istat>" in graphs
    n = write_nquads_fast(EDGE_TABLES, tmp_path / "g.nq", sources=EDGE_SOURCES, chunk_rows=2)
    assert n == sum(reference.values())
    assert file_lines(tmp_path / "g.nq") == split_lines(reference)


def test_other_base(tmp_path: Path) -> None:
    base = "http://example.org/kg/"
    reference = Counter(ntriples_lines(triples(EDGE_TABLES, sources=EDGE_SOURCES, base=base)))
    fast = Counter(line for chunk in ntriples_chunks(EDGE_TABLES, sources=EDGE_SOURCES, base=base)
                   for line in chunk.to_list())
    assert_same(reference, fast)


@pytest.mark.parametrize("case", ["edge", "generated"])
def test_sorted_unique_lines_equal_the_published_file(case: str, generated: Generated, tmp_path: Path) -> None:
    if case == "edge":
        tables, sources, reference_triples = EDGE_TABLES, EDGE_SOURCES, list(triples(EDGE_TABLES,
                                                                                     sources=EDGE_SOURCES))
    else:
        tables, sources, reference_triples, _quads = generated
    published = tmp_path / "published.nt"
    write_ntriples_sorted(iter(reference_triples), published)
    lines = sorted({line for chunk in ntriples_chunks(tables, sources=sources) for line in chunk.to_list()})
    assert "".join(lines).encode("utf-8") == published.read_bytes()


def test_whitespace_is_pythons() -> None:
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_ids_kept_as_they_are_are_exactly_those_quote_keeps() -> None:
    """The vectorised IRI path (no percent-encoding) applies to exactly the characters urllib.parse.quote keeps."""
    writer = _Writer({}, {}, DEFAULT_BASE, quads=False)
    chars = [chr(c) for c in range(0x250)] + ["€", "☕", "例"]
    values = pl.Series([f"a{c}b" for c in chars], dtype=pl.String)
    assert writer.path(values).to_list() == [iris._path(v) for v in values]
    assert writer.web(values).to_list() == [f"<{iris.web_iri(v)}>" for v in values]
    assert writer.plain(values).to_list() == [_term(Literal(v), {}) for v in values]


def test_vectorised_literal_forms_match_the_reference() -> None:
    """The forms kept vectorised (no rdflib call) give the reference term, over wide samples of each form."""
    rnd = random.Random(7)
    writer = _Writer({}, {}, DEFAULT_BASE, quads=False)
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
    for kind, values in samples.items():
        got = writer.typed(pl.Series(values, dtype=pl.String), kind).to_list()
        expected = [_term(getattr(literals, kind)(v), {}) for v in values]
        assert got == expected, [(v, g, e) for v, g, e in zip(values, got, expected, strict=True) if g != e][:5]
