"""Validation: table files and tables against the Table Schemas, graphs against the SHACL shapes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cowork_data.validate.collector import collector_paused
from cowork_data.validate.files import TableFile, read_table_bytes, read_table_file, read_tables
from cowork_data.validate.mapping import load_mapping_file, resolve_mapping
from cowork_data.validate.report import Finding, Report, Sheet
from cowork_data.validate.schemas import TABLES, guess_table
from cowork_data.validate.table import make_finding, validate_rows, validate_tables

__all__ = ["Finding", "Report", "Sheet", "TABLES", "TableFile", "load_mapping_file", "read_table_file",
           "read_tables", "validate_bytes", "validate_file", "validate_rows", "validate_table_file", "validate_tables"]


def validate_file(
    path: Path | str,
    *,
    table: str | None = None,
    mapping: Mapping[str, str] | Path | str | None = None,
    shacl: bool = True,
    root: Path | None = None,
) -> Report:
    """Validate a municipality's list (CSV, XLSX, ODS, …) against the shared schema, every table-like sheet.

    ``table`` is guessed from each sheet's header when not given. ``mapping`` is header → field (or a mapping
    file, see :func:`load_mapping_file`) for the columns automatic matching does not recognise. ``shacl`` adds
    the findings of the core SHACL shapes (the fast engine), placed back on the rows and cells they came from
    (docs/decisions.md §7).
    """
    return _validate(read_tables(path), str(path), table=table, mapping=mapping, shacl=shacl, root=root)


def validate_bytes(
    data: bytes,
    *,
    name: str,
    table: str | None = None,
    mapping: Mapping[str, str] | Path | str | None = None,
    shacl: bool = True,
    root: Path | None = None,
) -> Report:
    """:func:`validate_file` of a file's bytes (an upload), ``name`` being the file's name in the report."""
    return _validate(read_table_bytes(data, name), name, table=table, mapping=mapping, shacl=shacl, root=root)


def _validate(tables: list[TableFile], name: str, *, table: str | None,
              mapping: Mapping[str, str] | Path | str | None, shacl: bool, root: Path | None) -> Report:
    explicit = load_mapping_file(mapping) if isinstance(mapping, Path | str) else mapping
    report = Report(files=[name])
    with collector_paused():
        for tf in tables:
            report.merge(validate_table_file(tf, table=table, mapping=explicit, shacl=shacl, root=root))
    return report


def validate_table_file(
    tf: TableFile,
    *,
    table: str | None = None,
    mapping: Mapping[str, str] | None = None,
    shacl: bool = False,
    root: Path | None = None,
) -> Report:
    """Validate one table read by :func:`read_tables` (one sheet)."""
    table = table or guess_table(tf.header, root)
    positions = resolve_mapping(tf.header, table, mapping, root)
    rows, converted = tf.rows, []
    if table == "spaces":  # coordinates in a projected system are checked as the WGS 84 they will be published in
        from cowork_data.validate.coordinates import projected

        in_degrees, converted = projected(tf, positions)
        rows = in_degrees or rows
    report = validate_rows(table, tf.header, rows, file=str(tf.path), sheet=tf.sheet,
                           first_row=tf.header_row + 1, mapping=positions, root=root)
    report.extend(converted)
    if tf.footer:  # notes below the table: said once, not read as rows
        rows_text = ", ".join(map(str, tf.footer))
        column, first = next((j, c.strip()) for j, c in enumerate(tf.records[tf.footer[0] - 1], 1) if c.strip())
        report.extend([make_finding("footer-rows", value=first, row=tf.footer[0], column=column, other=rows_text,
                                    file=str(tf.path), sheet=tf.sheet, table=table)])
    if shacl:
        from cowork_data.validate.rows_graph import shacl_findings

        report.extend(shacl_findings(table, tf.header, rows, positions, report, file=str(tf.path),
                                     sheet=tf.sheet, first_row=tf.header_row + 1))
    report.sheets.append(Sheet(
        name=tf.sheet, table=table, header_row=tf.header_row, records=tf.records, file=str(tf.path),
        mapping={tf.header[p]: f for p, f in positions.items()},
        ignored=[h for i, h in enumerate(tf.header) if i not in positions and h.strip()],
    ))
    return report
