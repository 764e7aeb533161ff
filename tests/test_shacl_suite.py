"""The fast SHACL engine on the W3C SHACL test suite (core + SPARQL), for every component it claims.

The suite is copied in ``tests/reference/shacl-test-suite`` (attribution in its ``SOURCE.md``). A test is run when
the engine compiles its shapes graph (every component it uses is claimed); a test using anything else is one the
engine would hand to pySHACL, and is counted as not claimed. Each run test must give exactly the expected results,
compared as sets of (focus node, result path, value, severity, constraint component, source shape). The claimed
components and their pass counts are printed at the end and written to ``test-artifacts/shacl-suite.json``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from cowork_data.namespaces import SH
from cowork_data.validate import fast_shacl

SUITE = Path(__file__).parent / "reference" / "shacl-test-suite"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
ARTIFACT = Path(__file__).resolve().parents[1] / "test-artifacts" / "shacl-suite.json"


def _test_files() -> list[Path]:
    files: list[Path] = []

    def walk(manifest: Path) -> None:
        g = Graph().parse(manifest, format="turtle")
        for inc in g.objects(None, MF.include):
            walk(Path(str(inc).removeprefix("file://")))
        if next(g.objects(None, MF.entries), None) is not None and manifest.name != "manifest.ttl":
            files.append(manifest)

    walk(SUITE / "manifest.ttl")
    return sorted(set(files))


def _path_key(g: Graph, path) -> str:  # noqa: ANN001
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if g.value(path, RDF.first) is not None:
        return "(" + "/".join(_path_key(g, p) for p in Collection(g, path)) + ")"
    for prop in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath):
        if (inner := g.value(path, prop)) is not None:
            return f"{prop.split('#')[1]}({_path_key(g, inner)})"
    return "?"


def _canonical(term):  # noqa: ANN001, ANN202 - rdflib term
    """A literal as pyoxigraph stores it (numerics by value), so expected and found values compare."""
    if not isinstance(term, Literal):
        return term
    store = ox.Store()
    node = ox.NamedNode("urn:x")
    store.add(ox.Quad(node, node, fast_shacl.to_ox(term)))
    return fast_shacl._from_ox(next(iter(store)).object)


def _expected(g: Graph, report) -> set[tuple]:  # noqa: ANN001
    out = set()
    for r in g.objects(report, SH.result):
        out.add((_canonical(g.value(r, SH.focusNode)), _path_key(g, g.value(r, SH.resultPath)),
                 _canonical(g.value(r, SH.value)), g.value(r, SH.resultSeverity),
                 str(g.value(r, SH.sourceConstraintComponent)).replace(str(SH), "sh:"), g.value(r, SH.sourceShape)))
    return out


def _parse(path: Path) -> Graph:
    """The file as written: rdflib would otherwise normalise ill-typed literals ("1"^^xsd:boolean to "true")."""
    rdflib.NORMALIZE_LITERALS = False
    try:
        return Graph().parse(path, format="turtle")
    finally:
        rdflib.NORMALIZE_LITERALS = True


def _run_case(path: Path) -> tuple[str, set[str] | None, bool, str]:
    """(test id, components used, passed, detail); components is None when the engine does not claim the test."""
    name = str(path.relative_to(SUITE).with_suffix(""))
    g = _parse(path)
    test = next(iter(g.subjects(RDF.type, SHT.Validate)), None)
    if test is None:
        return name, None, False, "not a validation test"
    action, result = g.value(test, MF.action), g.value(test, MF.result)
    if result == SHT.Failure or not isinstance(result, BNode | URIRef):
        return name, None, False, "expects a failure (ill-formed shapes): not claimed"
    data_ref, shapes_ref = g.value(action, SHT.dataGraph), g.value(action, SHT.shapesGraph)
    data = g if str(data_ref) == str(URIRef(path.as_uri())) or data_ref == URIRef("") else \
        _parse(Path(str(data_ref).removeprefix("file://")))
    shapes = g if str(shapes_ref) == str(URIRef(path.as_uri())) or shapes_ref == URIRef("") else \
        _parse(Path(str(shapes_ref).removeprefix("file://")))
    try:
        checks = fast_shacl.compile_shapes(shapes)
    except fast_shacl.Unsupported as exc:
        return name, None, False, f"unsupported: {exc}"
    store = ox.Store()
    fast_shacl._load_graph(store, data)
    try:
        results = fast_shacl.run(store, checks)
    except (fast_shacl.Unsupported, SyntaxError, OSError) as exc:
        return name, {c.component for c in checks}, False, f"error: {exc}"
    found = {(_canonical(r.focus), _path_key(shapes, r.path), _canonical(r.value), r.severity, r.component, r.shape)
             for r in results}
    expected = _expected(g, result)
    detail = "" if found == expected else f"missing {expected - found}; extra {found - expected}"
    return name, {c.component for c in checks}, found == expected, detail


CASES = [_run_case(p) for p in _test_files()]
RUN = [c for c in CASES if c[1] is not None]


@pytest.mark.parametrize("case", RUN, ids=[c[0] for c in RUN])
def test_claimed_case_passes(case) -> None:
    name, _components, passed, detail = case
    assert passed, f"{name}: {detail}"


def test_every_claimed_component_is_exercised_and_summary(capsys) -> None:
    total: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for _name, components, ok, _detail in RUN:
        for component in components or ():
            total[component] += 1
            passed[component] += ok
    summary = {
        "claimed": list(fast_shacl.CLAIMED),
        "tests_in_suite": len(CASES),
        "tests_run": len(RUN),
        "tests_passed": sum(1 for c in RUN if c[2]),
        "not_claimed": {c[0]: c[3] for c in CASES if c[1] is None},
        "per_component": {c: {"passed": passed[c], "run": total[c]} for c in sorted(total)},
    }
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    with capsys.disabled():
        print(f"\nW3C SHACL test suite, fast engine: {summary['tests_passed']}/{summary['tests_run']} run tests pass "
              f"({len(CASES) - len(RUN)} of {len(CASES)} not claimed → pySHACL)")
        for component in fast_shacl.CLAIMED:
            print(f"  {component:45s} {passed[component]:3d}/{total[component]:3d}")
    assert set(total) <= set(fast_shacl.CLAIMED)
    missing = [c for c in fast_shacl.CLAIMED if total[c] == 0]
    assert not missing, f"claimed but never exercised by the suite: {missing}"
