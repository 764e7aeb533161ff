"""Reader of the curated sources: one CSV per canonical table (`calls.csv`, `funding.csv`, …), written by hand.

Headers are canonical field names; `source_id` and `source_record` are added here, `source_url` comes from the
file (every curated fact cites its page). Organisations without a fiscal code carry a fallback id
(`ipa-…`, `nc-…`, see ids/README.md) that is frozen in the crosswalk.
"""

from __future__ import annotations

import re
from pathlib import Path

from cowork_data import i18n
from cowork_data.config import Source
from cowork_data.errors import ConfigError, UnreadableFileError
from cowork_data.harvest import Snapshot
from cowork_data.normalise.ids import Crosswalk
from cowork_data.normalise.tables import blank_row, fields, project_of
from cowork_data.readers import read

__all__ = ["normalise_curated"]

_GENERATED = {"source_id", "source_record"}
_ORGANISATION_REFS = {"organisations": "id", "calls": "publisher_id", "funding": "funder_id",
                      "awards": "beneficiary_id", "spaces": "operator_id"}
_FISCAL_CODE = re.compile(r"\d{11}")


def _organisation_id(source: Source, value: str, crosswalk: Crosswalk, *, define: bool) -> str:
    if not value or _FISCAL_CODE.fullmatch(value):
        return value
    if define:
        return crosswalk.register("organisations", source.id, value, value)
    return crosswalk.get("organisations", source.id, value) or value


def _table(source: Source, part: Snapshot) -> tuple[str, list[dict[str, str]]]:
    table = Path(part.path).stem
    if table not in source.tables:
        raise ConfigError("error.curated-file-table", source=source.path.name, file=part.path.name)
    try:
        records = read(part.data, name=str(part.path), format="csv").sheets[0].rows
    except UnreadableFileError as exc:
        raise ConfigError("error.curated-unreadable", reason=exc.texts(),
                          hint={lang: exc.hint(lang) for lang in i18n.languages()}) from exc
    header = [h.strip() for h in records[0]] if records else []
    root = project_of(source.path)
    known = fields(table, root)
    unknown = [h for h in header if h not in known or h in _GENERATED]
    if unknown:
        raise ConfigError("error.curated-columns", file=part.path.name, table=table, columns=", ".join(unknown))
    rows = []
    for number, record in enumerate(records[1:], start=2):  # RFC 7111: the header is row 1
        if not any(cell.strip() for cell in record):
            continue
        row = blank_row(table, root)
        row.update({name: cell.strip() for name, cell in zip(header, record, strict=False)})
        # The snapshot has several files: the record names its file, then the RFC 7111 row within it.
        row["source_id"], row["source_record"] = source.id, f"{part.path.name}#row={number}"
        rows.append(row)
    return table, rows


def normalise_curated(source: Source, snapshot: Snapshot, *, crosswalk: Crosswalk) -> dict[str, list[dict[str, str]]]:
    """Rows of every table of a curated source (organisations first, so their fallback ids are frozen)."""
    result: dict[str, list[dict[str, str]]] = {table: [] for table in source.tables}
    parsed = [_table(source, part) for part in snapshot.files]
    parsed.sort(key=lambda item: item[0] != "organisations")
    for table, rows in parsed:
        ref = _ORGANISATION_REFS.get(table)
        for row in rows:
            if ref:
                row[ref] = _organisation_id(source, row[ref], crosswalk, define=table == "organisations")
        result[table].extend(rows)
    return result
