"""Graph validation against the SHACL shapes compiled to SPARQL and run on pyoxigraph (the fast engine).

SHACL spec: https://www.w3.org/TR/shacl/ (Core: section 4; SHACL-SPARQL: section 5). The reference engine is
pySHACL (:mod:`cowork_data.validate.shacl`); this one gives the same results (differential tests in
``tests/test_engines_shacl.py``, W3C test suite in ``tests/test_shacl_suite.py``) for the components in
:data:`CLAIMED`, orders of magnitude faster on large graphs because every constraint becomes one set-oriented
SPARQL query over all focus nodes instead of a Python loop per focus node.

Modules: :mod:`.compile` (shapes → checks, with :mod:`.expressions` for value constraints, :mod:`.reach` and
:mod:`.sparql_reach` for what a result depends on), :mod:`.rewrite` (the SPARQL constraints' rewrites, on the
token tree of :mod:`.sparql`), :mod:`.plan` and :mod:`.execute` (running the checks on pyoxigraph),
:mod:`.results` (results → findings), :mod:`.engine` and :mod:`.incremental` (entry points).

Anything the compiler does not handle (e.g. ``sh:qualifiedValueShape``, SPARQL-based constraint components,
counts inside nested shapes) raises :class:`Unsupported`; :func:`validate` then falls back to pySHACL for the whole
shapes graph and says so (a logged warning and ``FastResult.fallback``).

Known difference: pyoxigraph stores numeric literals by value, so a finding's ``value`` text is canonical
(``"01"^^xsd:integer`` reads ``1``). Focus node, path, constraint component, shape and severity are the same.
"""

from cowork_data.validate.fastshacl.compile import compile_shapes
from cowork_data.validate.fastshacl.engine import validate, validate_graph, validate_store
from cowork_data.validate.fastshacl.execute import run
from cowork_data.validate.fastshacl.incremental import affected_focus, revalidate_store
from cowork_data.validate.fastshacl.model import CLAIMED, Check, FastResult, Result, Targets, Unsupported
from cowork_data.validate.fastshacl.plan import Plan
from cowork_data.validate.fastshacl.results import findings
from cowork_data.validate.fastshacl.terms import from_ox, load_graph, to_ox

__all__ = ["CLAIMED", "Check", "FastResult", "Plan", "Result", "Targets", "Unsupported", "affected_focus",
           "compile_shapes", "findings", "from_ox", "load_graph", "revalidate_store", "run", "to_ox", "validate",
           "validate_graph", "validate_store"]
