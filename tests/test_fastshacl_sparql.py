"""The fast SHACL engine's SPARQL structure: tokens, groups and the rewrites of SPARQL constraints.

The rewrites work on the token tree, so strings, IRIs and comments that look like structure stay what they are;
every rewritten query of the project's shapes and of the W3C suite parses with rdflib's SPARQL parser (an
independent parser) and gives the same solutions on pyoxigraph as the query written by hand.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery

from cowork_data.namespaces import SH
from cowork_data.validate import fastshacl
from cowork_data.validate.fastshacl import rewrite
from cowork_data.validate.fastshacl.model import Focus, Targets
from cowork_data.validate.fastshacl.sparql import build, canonical_prologue, render, tokens
from cowork_data.validate.shapes import all_layers, load_shapes

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "reference" / "shacl-test-suite"
EX = "http://example.org/"


def _focus() -> Focus:
    return Focus(Targets(classes=(f"<{EX}C>",)))


def test_render_frees_its_fill_without_the_cycle_collector() -> None:
    # the fill of a plan holds the store it queries; a handle kept alive after the run (a reference cycle) makes a
    # second build in the same process fail to open its new store at the same path
    class Plan:
        def fill(self, slot: object) -> str:
            return "?x <http://e.org/p> ?y"

    plan = Plan()
    alive = weakref.ref(plan)
    tree = build("SELECT ?x WHERE { { ", _focus(), " } OPTIONAL { ?x ?p ?o } }")
    gc.collect()
    gc.disable()
    try:
        assert "<http://e.org/p>" in render(tree, plan.fill)
        del plan
        assert alive() is None
    finally:
        gc.enable()


def test_tokens_keep_strings_iris_and_comments_apart() -> None:
    text = ('SELECT ?x WHERE { ?x <http://e.org/a#b> "} { # not a comment" ; ex:p \'\'\'multi\n"line"\'\'\' . '
            '# a comment with { and }\n FILTER(?x != "\\"}") }')
    found = tokens(text)
    kinds = [t.kind for t in found]
    assert kinds.count("string") == 3 and "<http://e.org/a#b>" in [t.text for t in found]
    assert [t.text for t in found if t.text in "{}"] == ["{", "}"]  # braces inside strings are not structure
    assert "# a comment" not in render(build(text)) and "# not a comment" in render(build(text))
    assert render(build("SELECT ?x WHERE { ?x ?p ?o }")) == "SELECT ?x WHERE { ?x ?p ?o }"


def test_lexical_rules_for_names_numbers_and_operators() -> None:
    found = tokens('?a<=?b && $c != -1.5e3 ^^xsd:integer @en-GB _:b1 ex:local.name. :x a')
    assert [(t.kind, t.text) for t in found] == [
        ("var", "?a"), ("punct", "<="), ("var", "?b"), ("punct", "&&"), ("var", "$c"), ("punct", "!="),
        ("punct", "-"), ("number", "1.5e3"), ("punct", "^^"), ("pname", "xsd:integer"), ("lang", "@en-GB"),
        ("bnode", "_:b1"), ("pname", "ex:local.name"), ("punct", "."), ("pname", ":x"), ("word", "a")]


@pytest.mark.parametrize("text", ['SELECT ?x WHERE { "unclosed }', "SELECT ?x WHERE { ?x ?p ?o", "SELECT ) {", "§"])
def test_malformed_text_is_a_syntax_error(text: str) -> None:
    with pytest.raises(fastshacl.Unsupported):
        build(text)


def test_not_exists_rewrite_keeps_non_bgp_patterns() -> None:
    """Only a top-level NOT EXISTS over triple patterns and filters becomes a left join; OPTIONAL stays as is."""
    text = "SELECT ?this WHERE { ?this ?p ?o . FILTER NOT EXISTS { ?this ?q ?x OPTIONAL { ?x ?r ?y } } }"
    items = build(text)
    rewrite.not_exists_as_left_join(rewrite.where_group(items))  # type: ignore[arg-type]
    assert render(items) == text
    text = 'SELECT ?this WHERE { ?this ?p "} FILTER NOT EXISTS {" . FILTER NOT EXISTS { ?this ?q ?x FILTER(?x > 1) } ' \
           'BIND(1 AS ?z) }'
    items = build(text)
    rewrite.not_exists_as_left_join(rewrite.where_group(items))  # type: ignore[arg-type]
    out = render(items)
    assert out.count("NOT EXISTS") == 1 and '"} FILTER NOT EXISTS {"' in out  # the string is untouched
    assert out.index("BIND(1 AS ?z)") < out.index("OPTIONAL") and "FILTER(!BOUND(?_ne0))" in out
    parseQuery(out)


def test_join_focus_distributes_over_a_union() -> None:
    items = build("SELECT ?this WHERE { { ?this ?p ?o } UNION { ?o ?p ?this } }")
    rewrite.join_focus(rewrite.where_group(items), _focus())  # type: ignore[arg-type]
    assert render(items).count("SELECT DISTINCT ?this") == 2
    items = build("SELECT ?this WHERE { { ?this ?p ?o } UNION { ?o ?p ?this } ?this ?q ?r }")
    rewrite.join_focus(rewrite.where_group(items), _focus())  # type: ignore[arg-type]
    assert render(items).count("SELECT DISTINCT ?this") == 1


@pytest.mark.parametrize(("where", "substitute"), [
    ("{ $this ?p ?o }", False),
    ("{ $this ?p ?o FILTER($this != ?o) }", False),
    ("{ ?s ?p ?o FILTER(?o = $this) }", False),  # the top-level filter sees the joined focus node
    ("{ ?s ?p ?o OPTIONAL { ?o ?q ?r FILTER(?r = $this) } }", False),  # a left join's condition sees it too
    ("{ { ?s ?p ?o FILTER(?o = $this) } UNION { ?s ?q ?o } }", True),  # a nested group does not
    ("{ { $this ?p ?o } UNION { ?o ?p $this } }", False),
    ("{ ?s ?p ?o FILTER(bound($this)) }", True),
    ("{ ?s ?p ?o OPTIONAL { ?o ?q ?r BIND($this AS ?t) } }", True),  # BIND is evaluated inside the group
    ("{ { ?s ?p ?o FILTER NOT EXISTS { ?o ?q $this } } UNION { ?s ?q ?o } }", True),
    ('{ { ?s ?p "$this" } UNION { ?s ?q ?o } }', False),  # "$this" in a string is no variable
])
def test_needs_substitution(where: str, substitute: bool) -> None:
    assert rewrite.needs_substitution(build(f"SELECT $this WHERE {where}")) is substitute


def test_substitution_writes_the_focus_node_everywhere() -> None:
    items = build("SELECT $this (STR($this) AS ?s) WHERE { { FILTER(bound($this) && ?x = $this) } UNION "
                  "{ ?x ?p $this } } GROUP BY $this")
    out = render(rewrite.substitute_this(items, "<http://e.org/n>"))
    assert out.startswith("SELECT (<http://e.org/n> AS ?this) (STR(<http://e.org/n>) AS ?s)")
    assert "FILTER((true) && ?x = <http://e.org/n>)" in out and "$this" not in out
    assert out.endswith("GROUP BY <http://e.org/n>")


def test_constraint_tree_refuses_what_prebinding_forbids() -> None:
    for text in ("SELECT $this WHERE { $this ?p ?o MINUS { $this ?q ?o } }",
                 "SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }",
                 "SELECT $this WHERE { { SELECT ?o WHERE { ?s ?p ?o } } $this ?q ?o }",
                 "SELECT $this WHERE { $this ?p $shapesGraph }",
                 'SELECT $this WHERE { $this ?p "unclosed }'):
        with pytest.raises(fastshacl.Unsupported):
            rewrite.constraint_tree(text, path=None, current_shape=None)
    # the words only count as keywords: in a string or an IRI they are data
    items = rewrite.constraint_tree('SELECT $this WHERE { $this <http://e.org/VALUES> "MINUS SERVICE" . $this $PATH '
                                    '?v }', path="<http://e.org/p>", current_shape=None)
    assert "$this <http://e.org/p> ?v" in render(items)


def test_canonical_prologue_sorts_distinct_prefixes_only() -> None:
    text = "PREFIX b: <http://b/>\nPREFIX a: <http://a/>\nSELECT * WHERE { ?s a:p ?o } # note"
    assert canonical_prologue(text) == "PREFIX a: <http://a/>\nPREFIX b: <http://b/>\n\nSELECT * WHERE { ?s a:p ?o }"
    twice = "PREFIX a: <http://b/>\nPREFIX a: <http://a/>\nSELECT * WHERE { ?s a:p ?o }"
    assert canonical_prologue(twice) == twice  # the last declaration wins: the order matters


def _selects() -> list[tuple[str, Graph]]:
    found = []
    graphs = [load_shapes(all_layers())] + [Graph().parse(p, format="turtle") for p in sorted(SUITE.rglob("*.ttl"))]
    for g in graphs:
        found += [(str(text), g) for text in g.objects(None, SH.select)]
    return found


def test_every_constraint_of_the_shapes_and_the_suite_tokenizes_and_rewrites_to_valid_sparql() -> None:
    """The rewritten queries parse with rdflib's own SPARQL parser (they run on pyoxigraph in the W3C suite and the
    differential tests)."""
    selects = _selects()
    assert len(selects) > 30
    rewritten = 0
    for text, _g in selects:
        try:
            items = rewrite.constraint_tree(text, path="<http://e.org/p>", current_shape="<http://e.org/S>")
        except fastshacl.Unsupported:
            continue  # what the engine hands to pySHACL (MINUS, VALUES, $shapesGraph, …)
        if not rewrite.needs_substitution(items):
            rewrite.rename_this(items)
            where = rewrite.where_group(items)
            rewrite.not_exists_as_left_join(where)  # type: ignore[arg-type]
            rewrite.join_focus(where, _focus())  # type: ignore[arg-type]
        prologue = "PREFIX ex: <http://example.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> " \
                   "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        parseQuery(prologue + render(items))
        rewritten += 1
    assert rewritten >= 20


def test_planned_queries_of_the_project_shapes_run_on_pyoxigraph() -> None:
    store = ox.Store()
    plan = fastshacl.Plan(store.query)
    checks = fastshacl.compile_shapes(load_shapes(all_layers()))
    for check in checks:
        if check.query is not None and not check.substitute:
            list(store.query(plan.query(check, ["<http://example.org/a>"])))  # restricted to some focus nodes
    assert len(checks) > 100
