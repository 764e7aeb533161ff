"""The graph files of a part: written in memory (the lines parsed once, the N-Triples sorted by polars) they are the
bytes the streaming writers (chunks of lines, GNU ``sort`` on disk) give, and rdflib reads them as the N-Quads' graph.

The lines are random: IRIs a prefix or the base shortens and IRIs neither can, literals with escapes, language tags,
datatypes with and without a short form, the same triple in several graphs, subjects over many chunks.
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from cowork_data.namespaces import DEFAULT_BASE
from cowork_data.pipeline import parts
from cowork_data.publish import lines as lines_module
from cowork_data.publish.lines import read_lines, split_terms, unique_triples
from cowork_data.publish.rdf import context, prefixes
from tests.rdf_files import quads_of, same_graph, triples_of

XSD = "http://www.w3.org/2001/XMLSchema#"
SUBJECTS = [f"{DEFAULT_BASE}data/workspace/f205/{name}" for name in ("a", "b-1", "c.d", "e.", "-f", "ü", "x%20y")]
SUBJECTS += [f"{DEFAULT_BASE}data/org/{n}#address" for n in range(4)]
SUBJECTS += ["http://schema.org/Place", "http://schema.org/", "http://schema.org//x", f"{DEFAULT_BASE}data/",
             "https://example.org/other/x", f"{DEFAULT_BASE}data/../up", "urn:x:1"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREDICATES = [RDF_TYPE, "http://schema.org/name",
              "https://w3id.org/italia/onto/l0/name", "https://w3id.org/cowork-data/vocab#call",
              "https://example.org/p/weird.", "http://schema.org/telephone"]
TEXTS = ["Spazio", 'con \\"virgolette\\"', "a\\\\b", "riga\\nnuova", "tab\there", "città", "😀", "", "12", "x\u2028y"]
TYPED = [("12", "integer"), ("+3", "integer"), ("-0", "integer"), ("1.5", "decimal"), (".5", "decimal"),
         ("5.", "decimal"), ("true", "boolean"), ("1", "boolean"), ("2026-01-30", "date"),
         ("7", "https://example.org/dt#n")]  # no xsd:string: JSON-LD writes it as a plain string (RDF 1.1: equal)


def _object(rnd: random.Random) -> str:
    kind = rnd.randrange(5)
    if kind == 0:
        return f"<{rnd.choice(SUBJECTS)}>"
    if kind == 1:
        return f'"{rnd.choice(TEXTS)}"@{rnd.choice(["it", "en", "de-CH"])}'
    if kind == 2:
        lexical, dt = rnd.choice(TYPED)
        return f'"{lexical}"^^<{dt if ":" in dt else XSD + dt}>'
    return f'"{rnd.choice(TEXTS)}{rnd.randrange(3)}"'


def _nquads(rnd: random.Random, graphs: int, lines: int) -> list[str]:
    """Sorted unique lines per named graph, the graphs in the order of their IRIs (as the build writes them)."""
    triples = []
    for _ in range(lines):
        p = rnd.choice(PREDICATES)
        o = f"<{rnd.choice(SUBJECTS)}>" if p == RDF_TYPE else _object(rnd)  # a class is an IRI
        triples.append(f"<{rnd.choice(SUBJECTS)}> <{p}> {o}")
    out = []
    for g in sorted(f"<{DEFAULT_BASE}graph/source-{n}>" for n in range(graphs)):
        chosen = rnd.sample(triples, k=len(triples) // 2)  # a triple is often in several graphs
        out += sorted({f"{t} {g} ." for t in chosen})
    return out


def _write(tmp_path: Path, name: str, nq_lines: list[str], monkeypatch: pytest.MonkeyPatch, *,
           streaming: bool) -> Path:
    directory = tmp_path / name
    source = tmp_path / f"{name}.lines"
    source.write_text("".join(f"{line}\n" for line in nq_lines), encoding="utf-8")
    graph = parts.GraphInput(iri=f"{DEFAULT_BASE}graph/all", source_id="all", path=source, extra=None, signature="x",
                             lines=len(nq_lines))
    (tmp_path / f"{name}-tmp").mkdir()
    with monkeypatch.context() as patch:
        if streaming:
            patch.setattr(parts, "MEMORY_BYTES", 0)
            patch.setattr(lines_module, "CHUNK_LINES", 37)  # subjects and graphs cut across chunks
        parts.write_parts([graph], directory, previous=None, recorded={}, settings="s", prefixes=prefixes(),
                          base=DEFAULT_BASE, context=context()["@context"], tmp=tmp_path / f"{name}-tmp")
    return directory


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_in_memory_writers_give_the_streaming_writers_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           seed: int) -> None:
    nq_lines = _nquads(random.Random(seed), graphs=4, lines=400)
    memory = _write(tmp_path, "memory", nq_lines, monkeypatch, streaming=False)
    streaming = _write(tmp_path, "streaming", nq_lines, monkeypatch, streaming=True)
    names = sorted(p.name for p in memory.iterdir())
    assert names == [f"cowork-data.{ext}" for ext in sorted(parts.FORMATS)]
    assert names == sorted(p.name for p in streaming.iterdir())
    for name in names:
        assert (memory / name).read_bytes() == (streaming / name).read_bytes(), name
    nt = (memory / "cowork-data.nt").read_text(encoding="utf-8").split("\n")[:-1]  # not splitlines: U+2028
    assert nt == sorted({line.rsplit(" ", 2)[0] + " ." for line in nq_lines})  # code point order, each once


def test_the_files_written_in_memory_hold_the_nquads_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nq_lines = _nquads(random.Random(7), graphs=3, lines=300)
    out = _write(tmp_path, "memory", nq_lines, monkeypatch, streaming=False)
    quads = quads_of(out / "cowork-data.nq", "nquads")
    assert len(quads) == len(nq_lines)
    assert quads_of(out / "cowork-data.trig", "trig") == quads
    graph = {(s, p, o) for s, p, o, _g in quads}
    for name, fmt in (("cowork-data.nt", "nt"), ("cowork-data.ttl", "turtle"), ("cowork-data.jsonld", "json-ld")):
        assert same_graph(triples_of(out / name, fmt), graph), name


def test_unique_triples_sort_as_code_points_and_keep_each_line_once(tmp_path: Path) -> None:
    rnd = random.Random(11)
    alphabet = ["a", "B", "é", "z", "~", "\u00a0", "😀", "\u2028", "\t", " ", "\\", "ÿ", "Ā"]
    triples = [f'<http://e.org/{rnd.choice("ab")}> <http://e.org/p> "{"".join(rnd.choices(alphabet, k=3))}"'
               for _ in range(500)]
    graphs = ["<http://e.org/g1>", "<http://e.org/g2>"]
    nq = [f"{t} {rnd.choice(graphs)} ." for t in triples]
    path = tmp_path / "x.nq"
    path.write_text("".join(f"{line}\n" for line in nq), encoding="utf-8")
    read = read_lines(path)
    assert read.to_list() == nq
    out = unique_triples(split_terms(read, quads=True))
    assert out["line"].to_list() == sorted({f"{t} ." for t in triples})
    assert out.columns == ["s", "p", "o", "line"]


def test_reading_an_empty_file_gives_no_line(tmp_path: Path) -> None:
    path = tmp_path / "empty.nq"
    path.write_bytes(b"")
    assert read_lines(path).dtype == pl.String and len(read_lines(path)) == 0


def test_an_empty_part_gives_the_streaming_writers_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = _write(tmp_path, "memory", [], monkeypatch, streaming=False)
    streaming = _write(tmp_path, "streaming", [], monkeypatch, streaming=True)
    for name in sorted(p.name for p in memory.iterdir()):
        assert (memory / name).read_bytes() == (streaming / name).read_bytes(), name
    assert (memory / "cowork-data.nt").read_bytes() == b""
    assert b'"@graph": [\n]' in (memory / "cowork-data.jsonld").read_bytes()
