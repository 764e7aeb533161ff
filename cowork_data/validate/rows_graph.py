"""SHACL findings for a user's table, placed back on the row and cell they came from.

The user's rows become canonical ``spaces`` rows (derived fields filled from the ISTAT list; each row gets the id
``{belfiore}/riga-{row}`` so that a focus node names its row), the graph stage maps them to RDF
(:func:`cowork_data.graph.build_graph`) and :func:`cowork_data.validate.shacl.validate_graph` checks them against
the shapes. A result whose focus node is a row's workspace (or one of its ``#`` sub-resources) lands on that row,
in the column of the property path's field when the file has it (the inverse of the mapping,
:func:`cowork_data.declaration.inverse_paths`). Results on a row and field the table checks
already reported are dropped: the clerk sees one finding per defect. The operator is left out, as a single file
has no organisations to refer to. Other tables are not mapped yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from cowork_data.declaration import inverse_paths
from cowork_data.validate.report import Finding, Report

_INSEE = re.compile(r"(?:[0-9]{2}|2[ab])[0-9]{3}")
_BELFIORE = re.compile(r"[a-z][0-9]{3}")
ROW_ID = re.compile(r"/data/workspace/(?:[a-z][0-9]{3}|fr-[0-9a-z]{5})/riga-([0-9]+)(?:#.*)?$")


def shacl_findings(table: str, header: Sequence[str], rows: Sequence[Sequence[str]], positions: Mapping[int, str],
                   report: Report, *, file: str, sheet: str, first_row: int) -> list[Finding]:
    if table != "spaces" or not rows:
        return []
    reported = {(f.row, f.field) for f in report.findings} | {(f.row, "") for f in report.findings}
    # a row outside Italy has its one finding: the shapes' Italian rules are not for it either; a blank row has
    # its own, and nothing for a shape to read
    abroad = {f.row for f in report.findings if f.code in ("row-outside-italy", "blank-row")}
    # A cell a warning says how it will be published goes into the graph so; any other cell the table checks
    # reported stays out of it (it would only repeat the finding as a bad literal).
    published: dict[int, dict[str, str]] = {}
    for f in report.findings:
        if (value := _published(f)) is not None and f.row:
            published.setdefault(f.row, {})[f.field] = value
    flagged = {r for r, _ in reported}
    canonical = []
    for i, row in enumerate(rows):
        number = first_row + i
        if number in abroad:
            continue
        mine = published.get(number, {})
        kept = positions if number not in flagged else {
            p: f for p, f in positions.items() if (number, f) not in reported or f in mine}
        canonical.append(_canonical(row, kept, number, mine))
    columns = {f: p for p, f in positions.items()}
    missing_columns = {f.field for f in report.findings if f.code == "missing-column"}
    found: dict[tuple[int, str, str], Finding] = {}
    path_fields = inverse_paths("spaces")
    for result in _shacl(canonical):
        match = ROW_ID.search(result.focus_node)
        if not match:
            continue
        row = int(match.group(1))
        name = path_fields.get((re.findall(r"<([^>]*)>", result.path) or [result.path])[-1], "")
        if (row, name) in reported or (row, "") in reported and not name or name in missing_columns:
            continue
        pos = columns.get(name)
        data = dict(result.__dict__)
        data.update(file=file, sheet=sheet, table=table, row=row, field=name if pos is not None else "",
                    column=None if pos is None else pos + 1)
        finding = Finding(**data)
        found.setdefault((row, finding.field, finding.code), finding)
    return list(found.values())


def _checks() -> tuple[Any, list[Any]]:
    """The core shapes and their compiled checks, once per process (kept between processes:
    :mod:`cowork_data.validate.compiled_shapes`)."""
    from cowork_data.validate.compiled_shapes import compiled_shapes

    return compiled_shapes(("core",))


_READ_BY: dict[int, tuple[list[Any], str | None]] = {}


def _read_by(checks: list[Any]) -> str | None:
    """A pattern of the N-Triples lines whose predicate a check reads (:mod:`cowork_data.validate.graph_reads`):
    the others are left out of the store. None when a check may read any predicate. Once per compiled checks."""
    from cowork_data.validate.graph_reads import read_predicates

    if id(checks) not in _READ_BY:
        read = read_predicates(c.text for c in checks)
        pattern = None if read is None else "^\\S+ <(?:" + "|".join(re.escape(p) for p in sorted(read)) + ")> "
        _READ_BY[id(checks)] = (checks, pattern)  # the checks kept with it: their id is not reused
    return _READ_BY[id(checks)][1]


def _shacl(canonical: list[dict[str, str]]) -> list[Finding]:
    """The core shapes' findings on the rows, through the fast engine: the rows' N-Triples (the build's own
    mapping) loaded straight into an in-memory pyoxigraph store with the vocabulary, no rdflib graph between."""
    import pyoxigraph as ox

    from cowork_data.graph import nquad_lines
    from cowork_data.validate.fastshacl import findings, run
    from cowork_data.validate.shapes import vocab_files

    if not canonical:
        return []
    shapes, checks = _checks()
    keep = _read_by(checks)
    text = "".join([lines.str.join("").item() if len(lines) else ""
                    for lines in nquad_lines({"spaces": canonical}, sources={}, quads=False)
                    for lines in [lines if keep is None else lines.filter(lines.str.contains(keep))]])
    store = ox.Store()
    store.bulk_load(text, ox.RdfFormat.N_TRIPLES, lenient=True)
    for path in vocab_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return findings(shapes, run(store, with_focus_nodes(store, checks)))


def with_focus_nodes(store: Any, checks: list[Any]) -> list[Any]:
    """The checks that may have focus nodes in ``store``: a check whose targets are classes only, none of which
    has an instance there (SHACL: an instance of the class or of a subclass), finds nothing and is not run — a
    user's list of spaces has no calls, organisations or grants, whose shapes are most of the core layer's."""
    types = [t for (t,) in store.query("SELECT DISTINCT ?t WHERE { ?x a ?t }") if str(t).startswith("<")]
    if not types:
        return checks
    query = ("SELECT DISTINCT ?c WHERE { VALUES ?t { " + " ".join(str(t) for t in types) + " } "
             "?t <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }")
    present = {str(c) for (c,) in store.query(query)}
    return [c for c in checks if not c.targets.classes or c.targets.nodes or c.targets.subjects_of
            or c.targets.objects_of or any(cls in present or not cls.startswith("<") for cls in c.targets.classes)]


#: Warnings whose finding carries the value the cell is published as (parameter ``official`` or ``other``).
_PUBLISHED = {"comune-name-variant": "official", "comune-exonym": "official", "comune-ceased": "official",
              "comune-from-point": "official", "decimal-comma": "other", "phone-format": "other"}


def _published(finding: Finding) -> str | None:
    key = _PUBLISHED.get(finding.code)
    value = (finding.params or {}).get(key) if key else None
    return str(value) if value else None


def _canonical(row: Sequence[str], positions: Mapping[int, str], number: int,
               published: Mapping[str, str] | None = None) -> dict[str, str]:
    from cowork_data.validate.checks import comune_by_name

    out = {name: (row[p] if p < len(row) else "").strip() for p, name in positions.items()}
    out.update(published or {})
    # A single file has no organisations table for the operator to refer to (as for foreign keys).
    out.pop("operator_id", None)
    out["country"] = out.get("country", "").upper() or "IT"  # a list without the column is Italian
    italian = out["country"] == "IT"
    comune = comune_by_name(out.get("comune_name", "")) if italian and out.get("comune_name") else None
    if comune is not None and not isinstance(comune, str):  # neither unknown nor "ambiguous"
        out.setdefault("comune_istat", comune.istat)
        out.setdefault("comune_belfiore", comune.belfiore)
        out["comune_istat"] = out["comune_istat"] or comune.istat
        out["comune_belfiore"] = out["comune_belfiore"] or comune.belfiore
    belfiore, insee = out.get("comune_belfiore", "").lower(), out.get("commune_insee", "").lower()
    if out["country"] == "FR" and _INSEE.fullmatch(insee):
        out["id"] = f"fr-{insee}/riga-{number}"
    else:
        out["id"] = f"{belfiore if _BELFIORE.fullmatch(belfiore) else 'x000'}/riga-{number}"
    out["source_id"] = "valida"
    out["source_record"] = f"row={number}"
    return out
