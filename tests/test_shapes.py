"""SHACL shapes (shapes/*.ttl) against their example graphs (tests/shapes/examples), driven by the files.

Every node shape has ``{Shape}-valid.ttl`` (no finding of any severity in any layer) and ``{Shape}-invalid.ttl``
with exactly one defect, whose findings must be exactly those in ``{Shape}-invalid.expected.json`` (focus node,
path, constraint component, source shape, severity), all from that shape. Each example is loaded together with
``_context.ttl``, the shared valid records it refers to.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from cowork_data.namespaces import CWS, SH
from cowork_data.validate.shacl import DEFAULT_SHAPES_DIR, all_layers, load_shapes, validate_graph
from cowork_data.validate.shacl import LAYERS as BASE_LAYERS

EXAMPLES = Path(__file__).parent / "shapes" / "examples"
LAYERS = all_layers()  # core, recommended, cross, privacy and the per-call files calls/*.ttl
SHAPES = load_shapes(LAYERS)
NODE_SHAPES = sorted(str(s).removeprefix(str(CWS)) for s in SHAPES.subjects(RDF.type, SH.NodeShape))


def _load(name: str) -> Graph:
    graph = Graph()
    graph.parse(EXAMPLES / "_context.ttl")
    graph.parse(EXAMPLES / name)
    return graph


def _key(finding) -> tuple[str, str, str, str, str]:
    return (finding.focus_node, finding.path, finding.constraint, finding.shape, finding.severity)


def test_layers_are_the_shape_files():
    assert sorted(p.stem for p in DEFAULT_SHAPES_DIR.glob("*.ttl")) == sorted(BASE_LAYERS)
    assert [layer for layer in LAYERS if layer.startswith("calls/")] == ["calls/milano-2013"]


@pytest.mark.parametrize("shape", NODE_SHAPES)
def test_every_node_shape_has_both_examples(shape):
    for suffix in ("-valid.ttl", "-invalid.ttl", "-invalid.expected.json"):
        assert (EXAMPLES / f"{shape}{suffix}").is_file(), f"missing example {shape}{suffix}"


def test_every_example_belongs_to_a_node_shape():
    stems = {p.name.split("-")[0] for p in EXAMPLES.glob("*Shape-*")}
    assert stems == set(NODE_SHAPES)


@pytest.mark.parametrize("shape", NODE_SHAPES)
def test_node_shape_is_documented(shape):
    node = CWS[shape]
    for prop in (SH.name, SH.description):
        assert {lit.language for lit in SHAPES.objects(node, prop)} >= {"it", "en"}, (shape, prop)
    for prop_shape in SHAPES.objects(node, SH.property):
        assert {lit.language for lit in SHAPES.objects(prop_shape, SH.name)} >= {"it", "en"}, shape
        assert {lit.language for lit in SHAPES.objects(prop_shape, SH.message)} >= {"it", "en"}, shape
    for constraint in SHAPES.objects(node, SH.sparql):
        assert {lit.language for lit in SHAPES.objects(constraint, SH.message)} >= {"it", "en"}, shape


@pytest.mark.parametrize("shape", NODE_SHAPES)
def test_valid_example_conforms(shape):
    findings = validate_graph(_load(f"{shape}-valid.ttl"), layers=LAYERS)
    assert findings == []


@pytest.mark.parametrize("shape", NODE_SHAPES)
def test_invalid_example_fails_for_that_shape_only(shape):
    expected = json.loads((EXAMPLES / f"{shape}-invalid.expected.json").read_text(encoding="utf-8"))["results"]
    findings = validate_graph(_load(f"{shape}-invalid.ttl"), layers=LAYERS)
    assert sorted(_key(f) for f in findings) == sorted(
        (r["focus_node"], r["path"], r["constraint"], r["shape"], r["severity"]) for r in expected
    )
    assert {f.shape for f in findings} == {str(CWS[shape])}
    for finding in findings:
        assert finding.message_it and finding.message_en and finding.message_it != finding.message_en
        assert finding.code and finding.code == finding.code.lower()
