"""The fast SHACL engine on the W3C SHACL test suite (core + SPARQL), for every component it claims.

The suite is copied in ``tests/reference/shacl-test-suite`` (attribution in its ``SOURCE.md``). Collection only
reads the manifests (``manifest.ttl`` files, which include the tests); each test runs in its own test item. A test
is run when the engine compiles its shapes graph (every component it uses is claimed) and must then give exactly
the expected results, compared as sets of (focus node, result path, value, severity, constraint component, source
shape); a test using anything else must be one the engine refuses (it then hands the shapes to pySHACL). The claimed
components and their pass counts are printed at the end (and written, as JSON, to the run's temporary directory).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from cowork_data.namespaces import SH
from cowork_data.validate import fastshacl

SUITE = Path(__file__).parent / "reference" / "shacl-test-suite"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")


def _test_files() -> list[Path]:
    """The test files the manifests include (a ``manifest.ttl`` includes tests and further manifests)."""
    files: list[Path] = []

    def walk(manifest: Path) -> None:
        for inc in Graph().parse(manifest, format="turtle").objects(None, MF.include):
            path = Path(str(inc).removeprefix("file://"))
            if path.name == "manifest.ttl":
                walk(path)
            else:
                files.append(path)

    walk(SUITE / "manifest.ttl")
    return sorted(set(files))


TEST_FILES = _test_files()


def _name(path: Path) -> str:
    return str(path.relative_to(SUITE).with_suffix(""))


class Case(NamedTuple):
    name: str
    components: frozenset[str] | None  # None: the engine does not claim the test
    passed: bool
    detail: str


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
    store.add(ox.Quad(node, node, fastshacl.to_ox(term)))
    return fastshacl.from_ox(next(iter(store)).object)


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


@functools.cache
def _run_case(path: Path) -> Case:
    """Runs one test of the suite (once per session: the summary reuses the outcome)."""
    name = _name(path)
    g = _parse(path)
    test = next(iter(g.subjects(RDF.type, SHT.Validate)), None)
    if test is None:
        return Case(name, None, False, "not a validation test")
    action, result = g.value(test, MF.action), g.value(test, MF.result)
    if result == SHT.Failure or not isinstance(result, BNode | URIRef):
        return Case(name, None, False, "expects a failure (ill-formed shapes): not claimed")
    data_ref, shapes_ref = g.value(action, SHT.dataGraph), g.value(action, SHT.shapesGraph)
    data = g if str(data_ref) == str(URIRef(path.as_uri())) or data_ref == URIRef("") else \
        _parse(Path(str(data_ref).removeprefix("file://")))
    shapes = g if str(shapes_ref) == str(URIRef(path.as_uri())) or shapes_ref == URIRef("") else \
        _parse(Path(str(shapes_ref).removeprefix("file://")))
    try:
        checks = fastshacl.compile_shapes(shapes)
    except fastshacl.Unsupported as exc:
        return Case(name, None, False, f"unsupported: {exc}")
    components = frozenset(c.component for c in checks)
    store = ox.Store()
    fastshacl.load_graph(store, data)
    try:
        results = fastshacl.run(store, checks)
    except (fastshacl.Unsupported, SyntaxError, OSError) as exc:
        return Case(name, components, False, f"error: {exc}")
    found = {(_canonical(r.focus), _path_key(shapes, r.path), _canonical(r.value), r.severity, r.component, r.shape)
             for r in results}
    expected = _expected(g, result)
    detail = "" if found == expected else f"missing {expected - found}; extra {found - expected}"
    return Case(name, components, found == expected, detail)


@pytest.mark.parametrize("path", TEST_FILES, ids=[_name(p) for p in TEST_FILES])
def test_case(path: Path) -> None:
    """A claimed test gives exactly the expected results; an unclaimed one is refused by the engine (it is
    either a test of ill-formed shapes or uses a component the engine hands to pySHACL)."""
    case = _run_case(path)
    if case.components is None:
        assert case.detail.startswith(("unsupported: ", "expects a failure")), case.detail
    else:
        assert case.passed, f"{case.name}: {case.detail}"


def test_every_claimed_component_is_exercised_and_summary(capsys, tmp_path_factory) -> None:  # noqa: ANN001
    cases = [_run_case(p) for p in TEST_FILES]
    run = [c for c in cases if c.components is not None]
    total: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for case in run:
        for component in case.components or ():
            total[component] += 1
            passed[component] += case.passed
    summary = {
        "claimed": list(fastshacl.CLAIMED),
        "tests_in_suite": len(cases),
        "tests_run": len(run),
        "tests_passed": sum(1 for c in run if c.passed),
        "not_claimed": {c.name: c.detail for c in cases if c.components is None},
        "per_component": {c: {"passed": passed[c], "run": total[c]} for c in sorted(total)},
    }
    out = tmp_path_factory.mktemp("shacl-suite") / "shacl-suite.json"
    out.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    with capsys.disabled():
        print(f"\nW3C SHACL test suite, fast engine: {summary['tests_passed']}/{summary['tests_run']} run tests pass "
              f"({len(cases) - len(run)} of {len(cases)} not claimed → pySHACL); summary in {out}")
        for component in fastshacl.CLAIMED:
            print(f"  {component:45s} {passed[component]:3d}/{total[component]:3d}")
    assert len(cases) == 120 and summary["tests_passed"] == len(run) >= 101
    assert set(total) <= set(fastshacl.CLAIMED)
    missing = [c for c in fastshacl.CLAIMED if total[c] == 0]
    assert not missing, f"claimed but never exercised by the suite: {missing}"
