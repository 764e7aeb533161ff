"""Validation: table files and tables against the Table Schemas, graphs against the SHACL shapes."""

from __future__ import annotations

from pathlib import Path

from cowork_data.validate.files import TableFile, read_table_file
from cowork_data.validate.report import Finding, Report
from cowork_data.validate.schemas import TABLES, guess_table
from cowork_data.validate.table import validate_rows, validate_tables

__all__ = ["Finding", "Report", "TABLES", "TableFile", "read_table_file", "validate_file", "validate_rows",
           "validate_tables"]


def validate_file(path: Path | str, *, table: str | None = None, root: Path | None = None) -> Report:
    """Validate a municipality's list (CSV) against the shared schema of ``table`` (guessed from the header)."""
    tf = read_table_file(path)
    table = table or guess_table(tf.header, root)
    return validate_rows(table, tf.header, tf.rows, file=str(path), sheet=tf.sheet, first_row=tf.header_row + 1,
                         root=root)
