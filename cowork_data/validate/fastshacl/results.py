"""Results of the fast engine as :class:`Finding` objects, described as the reference engine describes them."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph

from cowork_data.namespaces import SH
from cowork_data.validate.fastshacl.model import Result
from cowork_data.validate.report import Finding
from cowork_data.validate.shapes import Description, describe, finding_order

__all__ = ["findings"]


def findings(shapes: Graph, results: Iterable[Result]) -> list[Finding]:
    """Results as findings (codes, messages, paths and node shapes from :mod:`cowork_data.validate.shapes`),
    each once, sorted as the reference engine sorts them."""
    out: set[Finding] = set()
    described: dict[tuple, Description] = {}  # the same for every result of one check: built once
    for r in results:
        key = (r.shape, r.constraint, r.component, r.path)
        if key not in described:
            described[key] = describe(shapes, shape=r.shape, constraint=r.constraint,
                                      component=SH[r.component.removeprefix("sh:")], path=r.path)
        out.add(described[key].finding(severity=r.severity, constraint=r.component, focus=r.focus, value=r.value))
    return sorted(out, key=finding_order)
