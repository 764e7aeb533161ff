"""Table validation against the shared Table Schemas (reference engine: frictionless).

Two entry points share one finding model:

- :func:`validate_rows` checks one table as a user gave it (their header, their row numbers, their cells);
- :func:`validate_tables` checks the canonical tables of a build together, with primary and foreign keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from cowork_data import i18n
from cowork_data.profiles import ITALY, PROFILES, Profile
from cowork_data.validate import checks
from cowork_data.validate.report import Finding, Report
from cowork_data.validate.schemas import DERIVED_FIELDS, TABLES, match_columns, schema_descriptor

#: What a finding says about where it is (the other keywords of :func:`make_finding` are message parameters).
_PLACES = frozenset({"file", "sheet", "table", "row", "column", "column_label", "focus_node", "path", "constraint",
                     "shape"})
#: Type errors of string formats get their own code: "not an e-mail address" says more than "not the type".
FORMAT_CODES = {"email": "email-invalid", "uri": "url-invalid"}


def frictionless_library() -> Any:
    """frictionless, imported when first needed (0.3-0.6 s of a cold call, which a file whose cells the fast engine
    reads alone does without), trusted: the schemas are local files of the project, never fetched."""
    import frictionless

    frictionless.system.trusted = True
    return frictionless


def make_finding(
    code: str,
    *,
    field: dict[str, Any] | None = None,
    column_label: str = "",
    value: str = "",
    note: str = "",
    severity: str | None = None,
    **where: Any,
) -> Finding:
    """A finding with its message and hint from the catalogue; the severity is the kind's unless given."""
    field = field or {}
    name = field.get("name", "")
    kind = field.get("type", "string")
    params = {
        "column": column_label or name,
        "value": value,
        "title": {"it": field.get("title", name), "en": field.get("title_en", name)},
        "example": field.get("example", "—"),
        "expected": _expected(i18n.catalogue(), kind),
        "constraint": constraint_text(note),
        "other": where.pop("other", ""),
    }
    # the parameters of a check's own message (anything that is not a place of the finding)
    params.update({k: where.pop(k) for k in [k for k in where if k not in _PLACES]})
    return Finding.of(code, params, severity=severity or checks.severity(code), field=name, value=value, **where)


@lru_cache(maxsize=64)
def _expected(cat: i18n.Catalogue, kind: str) -> i18n.Text | str:
    """The name of a Table Schema type in the user's language (remembered: asked for every finding)."""
    return i18n.Text.of(f"type.{kind}") if cat.has(f"type.{kind}") else kind


def constraint_text(note: str) -> i18n.Text | str:
    """frictionless' note of a failed constraint in the user's language (``constraint "pattern" is "^[0-9]{5}$"``);
    a note it does not recognise as it is."""
    parts = note.split('"')
    if len(parts) >= 4 and i18n.catalogue().has(f"constraint.{parts[1]}"):
        return i18n.Text.of(f"constraint.{parts[1]}", v=parts[3])
    return note


def frictionless_code(error: Any, spec: Mapping[str, Any] | None = None) -> str:
    if error.type == "constraint-error" and 'constraint "required"' in (error.note or ""):
        return "missing-value"
    if error.type == "type-error" and spec:
        return FORMAT_CODES.get(spec.get("format", ""), error.type)
    return error.type


def validate_rows(
    table: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    file: str = "",
    sheet: str = "",
    first_row: int = 2,
    column_offset: int = 1,
    mapping: Mapping[int, str] | None = None,
    root: Path | None = None,
    engine: str = "fast",
) -> Report:
    """Validate one table as laid out in the user's file.

    ``rows`` are the data rows as text; ``first_row`` is the file row number of the first data row (the header
    is the row before it) and ``column_offset`` the file column number of ``header[0]``. Columns are matched to
    the schema through ``mapping`` (position → field) or by header name; unmatched columns are ignored and
    listed in the report's mapping. Foreign keys are not checked: a single file has nothing to refer to.
    ``engine`` runs the Table Schema checks through the polars engine of the build (``"fast"``,
    :func:`cowork_data.validate.fast_table.rows_errors`) or frictionless row by row (``"reference"``): the same
    findings.
    """
    descriptor = schema_descriptor(table, root)
    fields = {f["name"]: f for f in descriptor["fields"]}
    mapping = dict(mapping) if mapping is not None else match_columns(list(header), table, root)
    positions = sorted(mapping)
    names = [mapping[p] for p in positions]
    report = Report(files=[file] if file else [])
    where = {"file": file, "sheet": sheet, "table": table}

    for name, spec in fields.items():
        required = spec.get("constraints", {}).get("required")
        if required and name not in names and name not in DERIVED_FIELDS:
            report.extend([make_finding("missing-column", field=spec, **where)])

    width = max(positions, default=-1) + 1  # the mapped cells of each row, made once (a short row's are "")
    cells = [[row[p] for p in positions] if len(row) >= width else [_cell(row, p) for p in positions]
             for row in rows]
    profile = _file_profile(names, cells)
    sub_schema = {
        "fields": [_user_field(fields[n], profile) for n in names],
        "missingValues": descriptor.get("missingValues", [""]),
    }
    pk = descriptor.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    if pk and all(k in names for k in pk):
        sub_schema["primaryKey"] = pk
    data = [names, *cells]
    records = [dict(zip(names, row, strict=True)) for row in data[1:]]
    country = _country_column(header, mapping)
    if country is not None:  # not a field of the schema, but what says a row is abroad
        for record, row in zip(records, rows, strict=True):
            record["country"] = _cell(row, country)
    # the checks' vectorised implementations (one library call per distinct value; equal to the row-wise ones,
    # tests/test_checks.py)
    columns = checks.Columns.of_rows(records)
    hits = checks.settle([hit for check in checks.CHECKS for hit in check.columns(table, columns)])
    superseded = checks.replaced(hits)
    # A cell whose schema findings a check's finding replaces is given to frictionless empty when the field may be
    # empty: its findings would be dropped anyway, and frictionless takes about 0.4 ms to make each one.
    blank = {names.index(n) for n in names if not fields[n].get("constraints", {}).get("required")}
    for index, name in superseded:
        column = names.index(name) if name in names else -1
        if column in blank:
            data[index + 1][column] = ""
    errors = schema_errors(data, sub_schema, engine=engine)
    abroad = sum(1 for _, _, code, _ in hits if code == "row-outside-italy")
    filled = sum(1 for row in rows if any(str(cell).strip() for cell in row))
    if abroad and 2 * abroad > filled:  # said once for the list, besides one finding per row
        report.extend([make_finding("list-outside-italy", count=abroad, total=filled, **where)])

    def place(index: int, name: str) -> dict[str, Any]:
        pos = positions[names.index(name)] if name in names else None
        return {
            "row": first_row + index,
            "column": None if pos is None else pos + column_offset,
            "column_label": "" if pos is None else str(header[pos]),
        }

    found: list[Finding] = []
    for error in errors:
        row_number = getattr(error, "row_number", None)
        name = getattr(error, "field_name", "") or ""
        index = (row_number - 2) if row_number else None
        if index is not None and (index, name) in superseded:
            continue
        at = place(index, name) if index is not None else {}
        if not at and getattr(error, "field_number", None):
            at = {"row": first_row - 1, "column": positions[error.field_number - 1] + column_offset}
        found.append(
            make_finding(
                frictionless_code(error, fields.get(name)),
                field=fields.get(name),
                value="" if getattr(error, "cell", None) is None else str(error.cell),
                note=getattr(error, "note", ""),
                **at,
                **where,
            )
        )
    for index, name, code, params in hits:
        params = dict(params)
        if "other_row" in params:
            params["other"] = str(first_row + int(params.pop("other_row")))  # type: ignore[call-overload]
        found.append(make_finding(code, field=fields.get(name), value=records[index].get(name, ""),
                                  **place(index, name), **params, **where))
    found.extend(_mojibake(header, rows, mapping, fields, first_row, column_offset, where))
    report.extend(found)
    report.mapping = {str(header[p]): mapping[p] for p in positions}
    return report


def schema_errors(data: Sequence[Sequence[str]], schema: Mapping[str, Any], *, engine: str = "fast") -> list[Any]:
    """frictionless' errors for ``data`` (the field names, then the rows) against ``schema``, through the fast
    engine (any ``engine`` but ``"reference"``) or frictionless (``"reference"``, or a header the fast engine
    leaves to it)."""
    if engine != "reference":
        from cowork_data.validate.fast_table import rows_errors

        errors = rows_errors(data, schema)
        if errors is not None:
            return errors
    frictionless = frictionless_library()
    resource = frictionless.Resource(data=data, schema=frictionless.Schema.from_descriptor(schema))
    return [error for task in resource.validate(limit_errors=100_000).tasks for error in task.errors]


def _mojibake(header: Sequence[str], rows: Sequence[Sequence[str]], mapping: Mapping[int, str],
              fields: Mapping[str, dict[str, Any]], first_row: int, column_offset: int,
              where: Mapping[str, Any]) -> Iterator[Finding]:
    """Every cell of the sheet, mapped or not, whose text ftfy would repair (header included)."""
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            fixed = checks.mojibake_fix(value)
            if fixed is not None:
                yield make_finding("mojibake", field=fields.get(mapping.get(c, "")), value=value, other=fixed,
                                   row=first_row - 1 + r, column=c + column_offset,
                                   column_label=str(header[c]) if c < len(header) else "", **where)


#: Headers of a country column (not a field of the schema: a row's country says whether the Italian rules apply).
COUNTRY_HEADERS = frozenset({"paese", "nazione", "stato", "country", "pays", "land", "nation", "country_code"})


def _country_column(header: Sequence[str], mapping: Mapping[int, str]) -> int | None:
    from cowork_data.validate.schemas import fold

    return next((i for i, h in enumerate(header) if i not in mapping and fold(str(h)) in COUNTRY_HEADERS), None)


def _user_field(spec: dict[str, Any], country: Profile = ITALY) -> dict[str, Any]:
    """The field as checked in a user's file: derived fields are never required there, and the coordinates are
    bounded by the file's country (the schema's bounds hold every country with a profile)."""
    spec = {k: v for k, v in spec.items() if k in ("name", "type", "format", "constraints", "trueValues",
                                                     "falseValues", "groupChar", "decimalChar")}
    if spec["name"] in DERIVED_FIELDS and "constraints" in spec:
        spec["constraints"] = {k: v for k, v in spec["constraints"].items() if k != "required"}
    if spec["name"] == "country" and "constraints" in spec:  # written as people write it (``Italia``, ``France``):
        # the places check says which rows are abroad (checks/places.py); the release holds the ISO codes
        spec["constraints"] = {k: v for k, v in spec["constraints"].items() if k != "enum"}
    return country.bounded(spec)


def _file_profile(names: Sequence[str], rows: Sequence[Sequence[str]]) -> Profile:
    """The country of a user's file: the one its ``country`` column names on every row, else Italy."""
    if "country" not in names:
        return ITALY
    values = {(row[names.index("country")] or "").strip().upper() for row in rows} - {""}
    return PROFILES.get(values.pop(), ITALY) if len(values) == 1 else ITALY


def _cell(row: Sequence[str], pos: int) -> str:
    return row[pos] if pos < len(row) else ""


def validate_tables(tables: Mapping[str, Sequence[Mapping[str, str]]], *, root: Path | None = None) -> Report:
    """Validate the canonical tables of a build together: schema, keys, foreign keys and extra checks."""
    frictionless = frictionless_library()
    report = Report()
    resources = []
    for table in TABLES:
        descriptor = schema_descriptor(table, root)
        names = [f["name"] for f in descriptor["fields"]]
        rows = tables.get(table, [])
        data = [names] + [[row.get(n, "") for n in names] for row in rows]
        schema = frictionless.Schema.from_descriptor(
            {k: v for k, v in descriptor.items() if k in ("fields", "primaryKey", "foreignKeys", "missingValues")}
        )
        resources.append(frictionless.Resource(name=table, data=data, schema=schema))
    package = frictionless.Package(resources=resources)
    result = package.validate(limit_errors=100_000)
    for task in result.tasks:
        table = task.name
        fields = {f["name"]: f for f in schema_descriptor(table, root)["fields"]}
        for error in task.errors:
            name = getattr(error, "field_name", "") or ""
            row_number = getattr(error, "row_number", None)
            row = tables[table][row_number - 2] if row_number and row_number - 2 < len(tables.get(table, [])) else {}
            report.extend([
                make_finding(
                    frictionless_code(error),
                    field=fields.get(name),
                    value="" if getattr(error, "cell", None) is None else str(error.cell),
                    note=getattr(error, "note", ""),
                    table=table,
                    **source_place(row, row_number),
                )
            ])
    for table in TABLES:
        rows = tables.get(table, [])
        fields = {f["name"]: f for f in schema_descriptor(table, root)["fields"]}
        for check in checks.BUILD_CHECKS:
            for index, name, code, params in check.rows(table, rows):
                report.extend([
                    make_finding(code, field=fields.get(name), value=rows[index].get(name, ""), table=table,
                                 **source_place(rows[index], index + 2), **params)
                ])
    return report


def source_place(row: Mapping[str, str], table_row: int | None) -> dict[str, Any]:
    """Where a canonical row came from: its source and the record's row in the snapshot (``row=N``)."""
    part, _, fragment = row.get("source_record", "").rpartition("#")
    file = row.get("source_id", "") + (f"/{part}" if part else "")
    if fragment.startswith("row="):
        try:
            return {"file": file, "row": int(fragment[4:].split("-")[0])}
        except ValueError:
            pass
    return {"file": file, "row": table_row}
