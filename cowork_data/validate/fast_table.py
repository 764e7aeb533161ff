"""Table validation of a build's canonical tables, compiled from the Table Schemas (the fast engine).

Same contract and same findings as :func:`cowork_data.validate.table.validate_tables` (frictionless, the reference):
same codes, rows, fields, values, notes and order, proven by ``tests/test_engines_table.py``. How it is fast:

- every field compiles to a *vectorised accept test* run by polars on the whole column (a regex, an ``is_in``, a
  numeric range strictly inside the constraint). A cell it accepts is certainly valid for frictionless too;
- only the cells it does not accept (missing required values, defects, anything unusual) go through frictionless'
  own cell reader, so types, formats and constraint notes are frictionless' by construction;
- unique, primary and foreign keys are hash sets and dicts over typed values in one pass; foreign keys are checked
  against the referenced table's key set (a hash join), as frictionless does, including self references;
- the build checks are those of the registry (:data:`checks.BUILD_CHECKS`), in their vectorised implementation.

Errors are produced in frictionless' order (per row: cell errors by field, unique, primary key, foreign keys; a
blank row keeps only its blank-row and primary-key errors) and cut at the same ``limit_errors`` per table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.validate import checks
from cowork_data.validate.collector import collector_paused
from cowork_data.validate.report import Finding, Report
from cowork_data.validate.schemas import TABLES, schema_descriptor
from cowork_data.validate.table import frictionless_code, frictionless_library, make_finding, source_place

__all__ = ["rows_errors", "string_reader", "validate_tables"]

LIMIT_ERRORS = 100_000  # as table.validate_tables asks frictionless
_SAFE_PATTERN = re.compile(r"^[\^$\[\]\-()|?*+{}.,0-9a-zA-Z_/:\\]*$")
_PLAIN_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,12})?$"
_PLAIN_INTEGER = r"^(0|-?[1-9][0-9]{0,17})$"
_PLAIN_DATE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
_URI = r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$"
_EMAIL = r"^[a-z0-9]+([._-][a-z0-9]+)*@[a-z0-9]+([.-][a-z0-9]+)*\.[a-z]{2,}$"


@dataclass
class _Error:
    """The attributes of a frictionless error that :func:`make_finding` reads."""

    type: str
    note: str
    row_number: int
    field_name: str = ""
    cell: str | None = None


@dataclass
class _Field:
    name: str
    spec: dict[str, Any]
    reader: Any
    required: bool
    unique: bool
    string: bool


@cache
def _compiled(descriptor_json: str) -> tuple[list[_Field], dict[str, Any]]:
    descriptor = json.loads(descriptor_json)
    missing = descriptor.get("missingValues", [""])
    readers = [string_reader(spec, missing) or _Deferred(descriptor_json, i)
               for i, spec in enumerate(descriptor["fields"])]
    fields = []
    for reader, spec in zip(readers, descriptor["fields"], strict=True):
        constraints = spec.get("constraints", {})
        fields.append(_Field(name=spec["name"], spec=spec, reader=reader,
                             required=bool(constraints.get("required")), unique=bool(constraints.get("unique")),
                             string=spec.get("type", "string") == "string" and not spec.get("format")))
    return fields, descriptor


class _Deferred:
    """frictionless' cell reader of field ``index``, made on its first cell: frictionless is imported only when a
    cell needs it (0.3-0.6 s of a cold call)."""

    __slots__ = ("descriptor_json", "index", "reader")

    def __init__(self, descriptor_json: str, index: int) -> None:
        self.descriptor_json, self.index, self.reader = descriptor_json, index, None

    def __call__(self, cell: Any) -> tuple[Any, dict[str, str] | None]:
        if self.reader is None:
            self.reader = _frictionless_readers(self.descriptor_json)[self.index]
        return self.reader(cell)


@cache
def _frictionless_readers(descriptor_json: str) -> list[Any]:
    descriptor = json.loads(descriptor_json)
    schema = frictionless_library().Schema.from_descriptor(
        {k: v for k, v in descriptor.items() if k in ("fields", "primaryKey", "foreignKeys", "missingValues")})
    return [field.create_cell_reader() for field in schema.fields]


#: frictionless' StringField.supported_constraints, in its order (the order of a cell's notes).
_STRING_CONSTRAINTS = ("required", "minLength", "maxLength", "pattern", "enum")


def string_reader(spec: Mapping[str, Any], missing: Sequence[str]) -> Any:
    """frictionless' cell reader of a plain string field (``create_cell_reader``: the same cells, types and notes,
    proven by ``tests/test_validate_engines.py``), without importing frictionless; None for any other field."""
    constraints = spec.get("constraints", {})
    if (spec.get("type", "string") != "string" or spec.get("format", "default") not in ("default", None)
            or "missingValues" in spec or set(constraints) - {*_STRING_CONSTRAINTS, "unique"}):
        return None
    tests = []
    for name in _STRING_CONSTRAINTS:
        value = constraints.get(name)
        if value is None:
            continue
        if name == "pattern":
            test: Any = re.compile(f"^{value}$")
        elif name == "enum":  # the enum's values read as strings: a value that is no string is None to frictionless
            test = [v if isinstance(v, str) else None for v in value]
        else:
            test = value
        tests.append((name, test, f'constraint "{name}" is "{value}"'))
    missing = list(missing)

    def passes(name: str, test: Any, cell: str | None) -> bool:  # frictionless' check_<name>
        if name == "required":
            return not (test and cell is None)
        if cell is None:
            return True
        if name == "minLength":
            return len(cell) >= test
        if name == "maxLength":
            return len(cell) <= test
        if name == "pattern":
            return test.match(cell) is not None
        return cell in test

    def reader(cell: Any) -> tuple[Any, dict[str, str] | None]:
        notes: dict[str, str] | None = None
        if str(cell) in missing:
            cell = None
        if cell is not None and not isinstance(cell, str):
            cell, notes = None, {"type": 'type is "string/default"'}
        if not notes:
            for name, test, note in tests:
                if not passes(name, test, cell):
                    notes = notes or {}
                    notes[name] = note
        return cell, notes

    return reader


_COLUMNS: dict[int, tuple[Sequence[Mapping[str, str]], dict[str, list[Any]]]] = {}


def _column(rows: Sequence[Mapping[str, str]], name: str) -> list[Any]:
    """``[row.get(name, "") for row in rows]``, gathered at C speed and kept for the current validation.

    Turning the rows (dicts) into columns was most of the engine's time; ``map(itemgetter)`` does it without a
    Python-level loop, and every check of the same validation reuses the column.
    """
    held = _COLUMNS.get(id(rows))
    if held is None or held[0] is not rows:
        held = _COLUMNS[id(rows)] = (rows, {})
    columns = held[1]
    if name not in columns:
        try:
            columns[name] = list(map(itemgetter(name), rows))
        except KeyError:
            columns[name] = [row.get(name, "") for row in rows]
    return columns[name]


def _accept(series: pl.Series, spec: dict[str, Any], missing: list[str]) -> pl.Series:
    """Cells certainly valid for frictionless (conservative: anything unusual goes to the exact reader)."""
    return pl.DataFrame({"v": series}).select(_accept_expr("v", spec, missing))["ok"]


def _accept_expr(name: str, spec: dict[str, Any], missing: list[str]) -> pl.Expr:
    """:func:`_accept` as an expression over column ``name`` (all fields of a table in one ``select``)."""
    constraints = spec.get("constraints", {})
    kind, fmt = spec.get("type", "string"), spec.get("format", "default")
    col = pl.col(name)
    is_missing = col.is_in(missing)
    ok = pl.lit(True)
    number = None
    if kind == "string":
        if fmt == "uri":
            ok = col.str.contains(_URI)
        elif fmt == "email":
            ok = col.str.contains(_EMAIL)
        elif fmt not in ("default", None):
            ok = pl.lit(False)
    elif kind == "integer" and spec.get("bareNumber", True):
        ok = col.str.contains(_PLAIN_INTEGER)
        number = col.cast(pl.Int64, strict=False).cast(pl.Float64)
    elif kind == "number" and "decimalChar" not in spec and "groupChar" not in spec:
        ok = col.str.contains(_PLAIN_NUMBER)
        number = col.cast(pl.Float64, strict=False)
    elif kind == "date" and fmt in ("default", None):
        ok = col.str.contains(_PLAIN_DATE) & col.str.to_date("%Y-%m-%d", strict=False).is_not_null()
    elif kind == "boolean" and "trueValues" in spec and "falseValues" in spec:
        ok = col.is_in([*spec["trueValues"], *spec["falseValues"]])
    else:
        ok = pl.lit(False)
    for name, value in constraints.items():
        if name in ("required", "unique"):
            continue
        if name == "pattern" and _SAFE_PATTERN.match(value) and not re.search(r"\\[A-Za-z0-9]", value):
            ok = ok & col.str.contains(f"^(?:{value})$") & ~col.str.contains("\n")
        elif name == "enum" and kind == "string":
            ok = ok & col.is_in([str(v) for v in value])
        elif name in ("minimum", "maximum") and number is not None and kind == "integer" and type(value) is int \
                and abs(value) < 2 ** 53:  # integers compare exactly as floats below 2**53: the bound itself passes
            ok = ok & ((number >= float(value)) if name == "minimum" else (number <= float(value)))
        elif name in ("minimum", "maximum") and number is not None and isinstance(value, int | float):
            margin = 1e-9 * max(1.0, abs(float(value)))
            ok = ok & ((number > float(value) + margin) if name == "minimum" else (number < float(value) - margin))
        else:
            ok = pl.lit(False)
    # missing values are accepted unless required (then frictionless reports them); combined with the column
    # test, a literal ``ok`` is broadcast to the column's length
    accepted = ok.fill_null(False) & ~is_missing
    return (accepted | (is_missing & pl.lit(not constraints.get("required")))).alias("ok")


def _table_errors(table: str, rows: Sequence[Any], fields: list[_Field], descriptor: dict[str, Any],
                  typed_keys: dict[str, dict[str, list[Any]]], lookups: dict[tuple[str, tuple[str, ...]], set],
                  columns: Mapping[str, list[Any]] | None = None) -> list[_Error]:
    n = len(rows)
    missing = descriptor.get("missingValues", [""])
    columns = columns if columns is not None else {f.name: _column(rows, f.name) for f in fields}
    cell_errors: dict[int, list[_Error]] = {}
    typed: dict[str, list[Any]] = {}
    key_fields = set(_key_fields(descriptor)) | {f.name for f in fields if f.unique}
    key_fields |= {name for target, _source, _key in _foreign_keys(descriptor) for name in target}
    accepted = None
    if n:  # one frame and one select for every field of the table
        frame = pl.DataFrame([pl.Series(f"c{i}", columns[f.name], dtype=pl.String) for i, f in enumerate(fields)])
        accepted = frame.select(
            *(_accept_expr(f"c{i}", f.spec, missing).alias(f"ok{i}") for i, f in enumerate(fields)),
            pl.all_horizontal(pl.col(f"c{i}").is_in(missing) for i in range(len(fields))).alias("blank"))
    for index, field in enumerate(fields):
        values = columns[field.name]
        exact = (~accepted[f"ok{index}"]).arg_true().to_list() if accepted is not None else []
        targets: dict[int, Any] = {}
        for i in exact:
            target, notes = field.reader(values[i])
            targets[i] = target
            notes = dict(notes or {})
            type_note = notes.pop("type", None)
            found = cell_errors.setdefault(i, [])
            if type_note:
                found.append(_Error("type-error", type_note, i + 2, field.name, str(values[i])))
            for note in notes.values():
                found.append(_Error("constraint-error", note, i + 2, field.name, str(values[i])))
        if field.name in key_fields:
            if field.string:
                column = [None if v in missing else v for v in values]
            else:
                column = [field.reader(v)[0] for v in values]
            for i, target in targets.items():
                column[i] = target
            typed[field.name] = column
    typed_keys[table] = typed
    blank_rows = set(accepted["blank"].arg_true().to_list()) if accepted is not None and fields else set()

    extra: dict[int, list[_Error]] = {}
    for field in fields:
        if field.unique:
            _unique(typed[field.name], field.name, extra)
    pk = _key_fields(descriptor)
    if pk:
        _primary(list(zip(*(typed[k] for k in pk), strict=True)) if n else [], extra)
    for fk in _foreign_keys(descriptor):
        target_key, source, source_key = fk
        lookup = lookups[(source, source_key)]
        cells = list(zip(*(typed[k] for k in target_key), strict=True)) if n else []
        nothing = (None,) * len(target_key)
        for i, key in enumerate(cells):
            if key in lookup or key == nothing:  # typed cells are None, str, numbers or dates: == is "is None"
                continue
            note = (f'for "{", ".join(target_key)}": values "{", ".join(str(d) for d in key)}" '
                    f'not found in the lookup table "{source}" as "{", ".join(source_key)}"')
            extra.setdefault(i, []).append(_Error("foreign-key", note, i + 2))

    errors: list[_Error] = []
    for i in sorted(set(cell_errors) | set(extra) | blank_rows):
        if i in blank_rows:
            errors.append(_Error("blank-row", "", i + 2))
        else:
            errors.extend(cell_errors.get(i, ()))
        errors.extend(extra.get(i, ()))
        if len(errors) >= LIMIT_ERRORS:
            return errors[:LIMIT_ERRORS]
    return errors


def _key_fields(descriptor: Mapping[str, Any]) -> list[str]:
    pk = descriptor.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def _foreign_keys(descriptor: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    for fk in descriptor.get("foreignKeys", []):
        fields, ref = fk["fields"], fk["reference"]
        ref_fields = ref["fields"]
        yield (tuple([fields] if isinstance(fields, str) else fields), ref["resource"],
               tuple([ref_fields] if isinstance(ref_fields, str) else ref_fields))


def _unique(column: list[Any], name: str, extra: dict[int, list[_Error]]) -> None:
    memory: dict[Any, int] = {}
    for i, cell in enumerate(column):
        if cell is None:
            continue
        match = memory.get(cell)
        memory[cell] = i + 2
        if match:
            extra.setdefault(i, []).append(
                _Error("unique-error", f"the same as in the row at position {match}", i + 2, name, str(cell)))


def _primary(keys: list[tuple[Any, ...]], extra: dict[int, list[_Error]]) -> None:
    memory: dict[tuple[Any, ...], int] = {}
    nothing = (None,) * len(keys[0]) if keys else ()
    for i, key in enumerate(keys):
        if key == nothing:
            extra.setdefault(i, []).append(
                _Error("primary-key", 'cells composing the primary keys are all "None"', i + 2))
            continue
        match = memory.get(key)
        memory[key] = i + 2
        if match:
            extra.setdefault(i, []).append(
                _Error("primary-key", f"the same as in the row at position {match}", i + 2))


def _lookups(tables: Mapping[str, Sequence[Mapping[str, str]]], root: Path | None,
             compiled: dict[str, tuple[list[_Field], dict[str, Any]]]) -> dict[tuple[str, tuple[str, ...]], set]:
    """Key sets of the referenced tables, from typed values (frictionless reads them the same way)."""
    lookups: dict[tuple[str, tuple[str, ...]], set] = {}
    for table in TABLES:
        for _target, source, source_key in _foreign_keys(compiled[table][1]):
            if (source, source_key) in lookups:
                continue
            fields = {f.name: f for f in compiled[source][0]}
            missing = compiled[source][1].get("missingValues", [""])
            rows = tables.get(source, [])
            columns = []
            for name in source_key:
                field = fields[name]
                values = _column(rows, name)
                if field.string and not field.spec.get("constraints"):
                    columns.append([None if v in missing else v for v in values])
                else:
                    columns.append([_typed(field, v, missing) for v in values])
            keys = set(zip(*columns, strict=True))
            keys.discard((None,) * len(source_key))
            lookups[(source, source_key)] = keys
    return lookups


def _typed(field: _Field, value: str, missing: list[str]) -> Any:
    if field.string and value not in missing:
        return value
    return field.reader(value)[0]


def rows_errors(data: Sequence[Sequence[str]], schema: Mapping[str, Any]) -> list[Any] | None:
    """The errors frictionless gives for ``Resource(data=data, schema=schema).validate(limit_errors=100_000)``
    (``data[0]`` the field names, the rows as text, all as long as the header), in its order, with the attributes
    :func:`cowork_data.validate.table.validate_rows` reads; None when the header is not the schema's field names
    once each, or no field at all (left to frictionless). Proven equal by ``tests/test_validate_engines.py``.
    """
    names = list(data[0]) if data else []
    fields, descriptor = _compiled(json.dumps(dict(schema), sort_keys=True))
    if not names or names != [f.name for f in fields] or len(set(names)) != len(names):
        return None
    rows = data[1:]
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return _table_errors("", rows, fields, descriptor, {}, {}, columns)  # type: ignore[return-value]


def validate_tables(tables: Mapping[str, Sequence[Mapping[str, str]]], *, root: Path | None = None,
                    references: Mapping[tuple[str, tuple[str, ...]], Any] | None = None) -> Report:
    """Validate the canonical tables of a build together: schema, keys, foreign keys and the build checks.

    ``references`` replaces the key sets foreign keys are checked against (``(table, fields)`` → a container of key
    tuples), for tables checked in parts (``cowork_data.pipeline.checks``)."""
    _COLUMNS.clear()
    try:
        with collector_paused():
            return _validate_tables(tables, root=root, references=references)
    finally:
        _COLUMNS.clear()


def _validate_tables(tables: Mapping[str, Sequence[Mapping[str, str]]], *, root: Path | None,
                     references: Mapping[tuple[str, tuple[str, ...]], Any] | None = None) -> Report:
    compiled = {t: _compiled(json.dumps(schema_descriptor(t, root), sort_keys=True)) for t in TABLES}
    lookups = dict(references) if references is not None else _lookups(tables, root, compiled)
    typed_keys: dict[str, dict[str, list[Any]]] = {}
    found: list[Finding] = []
    for table in TABLES:
        fields, descriptor = compiled[table]
        rows = tables.get(table, [])
        by_name = {f["name"]: f for f in descriptor["fields"]}
        for error in _table_errors(table, rows, fields, descriptor, typed_keys, lookups):
            row = rows[error.row_number - 2] if error.row_number - 2 < len(rows) else {}
            found.append(make_finding(
                frictionless_code(error), field=by_name.get(error.field_name), value=error.cell or "",
                note=error.note, table=table, **source_place(row, error.row_number)))
    for table in TABLES:
        rows = tables.get(table, [])
        by_name = {f["name"]: f for f in compiled[table][1]["fields"]}
        columns = checks.Columns(list(rows[0].keys()) if rows else [], len(rows),
                                 lambda name, rows=rows: _column(rows, name))
        hits = [hit for check in checks.BUILD_CHECKS for hit in check.columns(table, columns)]
        for index, name, code, params in hits:
            found.append(make_finding(code, field=by_name.get(name), value=rows[index].get(name, ""), table=table,
                                      **source_place(rows[index], index + 2), **params))
    report = Report()
    report.extend(found)
    return report
