"""Safe automatic repairs of a user's file, each one listed in a change log.

A repair is made only when the intended value is certain from the cell and its row: spaces around a value, mojibake
(ftfy), the case or Italian word of a code (``Coworking`` → ``coworking``, ``sì`` → ``yes``), leading zeros a
spreadsheet dropped (a CAP of Lazio, Umbria or Sardinia; an ISTAT code that then names the row's comune), a Belfiore
code in lower case, a decimal comma in coordinates, a phone number to E.164, a swapped latitude/longitude pair, and
known column names to the schema's Italian title. Everything else needs a person and stays in the report. The
input file is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cowork_data import i18n
from cowork_data.errors import UsageError
from cowork_data.validate import checks
from cowork_data.validate.files import TableFile, read_tables
from cowork_data.validate.mapping import load_mapping_file, resolve_mapping
from cowork_data.validate.report import Finding, Report, cell_address
from cowork_data.validate.schemas import fold, guess_table, match_columns, schema_descriptor
from cowork_data.validate.writers import GridSheet, write_grid

__all__ = ["Change", "FixResult", "fix_file"]

#: Province sigla → first two digits of its CAPs, for the provinces whose CAPs start with 0.
ZERO_CAP_PREFIX = {"RM": "00", "VT": "01", "RI": "02", "FR": "03", "LT": "04", "TR": "05", "PG": "06", "SS": "07",
                   "NU": "08", "CA": "09", "OR": "09", "SU": "09"}


@dataclass(frozen=True)
class Change:
    """One repair: where, what it was, what it is now, and which finding it removes."""

    sheet: str
    row: int
    column: int
    field: str
    code: str
    old: str
    new: str
    reason_it: str
    reason_en: str
    #: The catalogue key of the reason (``fix.<name>``) and its parameters, for any other language.
    reason_key: str = ""
    reason_params: tuple[tuple[str, str], ...] = ()

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.column)

    def reason(self, lang: str = i18n.DEFAULT) -> str:
        if lang == i18n.DEFAULT:
            return self.reason_it
        if lang == i18n.FALLBACK or not self.reason_key:
            return self.reason_en
        return i18n.t(self.reason_key, lang, **dict(self.reason_params))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("reason_params")
        return {**data, "cell": self.cell}


@dataclass
class FixResult:
    """The output file, the change log, and the reports before and after the repairs."""

    output: Path
    changes: list[Change] = field(default_factory=list)
    before: Report = field(default_factory=Report)
    after: Report = field(default_factory=Report)

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output), "changes": [c.to_dict() for c in self.changes],
                "findings_before": len(self.before.findings), "findings_after": len(self.after.findings),
                "remaining": [f.to_dict() for f in self.after.findings]}


def fix_file(path: Path | str, output: Path | str, *, table: str | None = None,
             mapping: Mapping[str, str] | Path | str | None = None, root: Path | None = None) -> FixResult:
    """Repair what is safe in ``path`` and write the result to ``output`` (.csv, .xlsx or .ods)."""
    from cowork_data.validate import validate_file, validate_table_file

    path, output = Path(path), Path(output)
    if output.resolve() == path.resolve():
        raise UsageError("error.fix-same-output")
    explicit = load_mapping_file(mapping) if isinstance(mapping, Path | str) else mapping
    result = FixResult(output=output)
    sheets: list[GridSheet] = []
    delimiter = ";"
    for tf in read_tables(path):
        name = table or guess_table(tf.header, root)
        report = validate_table_file(tf, table=name, mapping=explicit, shacl=False, root=root)
        result.before.merge(report)
        grid = _SheetFixer(tf, name, resolve_mapping(tf.header, name, explicit, root), root)
        grid.repair(report.findings)
        grid.rename_headers()
        result.changes.extend(grid.changes)
        sheets.append(GridSheet(name=tf.sheet or "Foglio1", records=grid.records, header_row=tf.header_row,
                                numeric_columns=grid.numeric_columns()))
        delimiter = tf.delimiter or delimiter
    write_grid(output, sheets, delimiter=delimiter)
    result.after = validate_file(output, table=table, mapping=explicit, shacl=False, root=root)
    return result


class _SheetFixer:
    def __init__(self, tf: TableFile, table: str, positions: Mapping[int, str], root: Path | None) -> None:
        self.tf = tf
        self.table = table
        self.root = root
        self.records = [list(r) for r in tf.records]
        self.positions = dict(positions)
        self.columns = {f: p for p, f in positions.items()}
        self.fields = {f["name"]: f for f in schema_descriptor(table, root)["fields"]}
        self.changes: list[Change] = []

    def numeric_columns(self) -> set[int]:
        return {p for p, f in self.positions.items() if self.fields[f].get("type") in ("number", "integer")}

    def get(self, row: int, column: int) -> str:
        record = self.records[row - 1]
        return record[column - 1] if column - 1 < len(record) else ""

    def row_value(self, row: int, name: str) -> str:
        pos = self.columns.get(name)
        return "" if pos is None else self.get(row, pos + 1).strip()

    def set(self, finding: Finding, row: int, column: int, new: str, reason: str, **params: str) -> None:
        """Write ``new`` into the cell and log the change with its reason (``fix.<reason>`` in the catalogue)."""
        old = self.get(row, column)
        if new == old:
            return
        record = self.records[row - 1]
        record.extend([""] * (column - len(record)))
        record[column - 1] = new
        key = f"fix.{reason}"
        self.changes.append(Change(self.tf.sheet, row, column, self.positions.get(column - 1, ""), finding.code,
                                   old, new, *i18n.both(key, **params), key, tuple(sorted(params.items()))))

    def repair(self, findings: list[Finding]) -> None:
        order = {"whitespace": 0, "mojibake": 1}
        for f in sorted(findings, key=lambda f: (f.row or 0, f.column or 0, order.get(f.code, 2))):
            if not f.row or not f.column:
                continue
            repair = REPAIRS.get(f.code)
            if repair:
                repair(self, f)

    def rename_headers(self) -> None:
        row = self.tf.header_row
        for pos, name in sorted(self.positions.items()):
            title = self.fields[name].get("title", "")
            label = self.get(row, pos + 1)
            if title and label and fold(label) not in (fold(title), fold(name)) \
                    and match_columns([title], self.table, self.root).get(0) == name:
                marker = Finding(code="column-name", message_it="", message_en="")
                self.set(marker, row, pos + 1, title, "header", label=label, title=title)


def _whitespace(fx: _SheetFixer, f: Finding) -> None:
    value = fx.get(f.row, f.column)  # type: ignore[arg-type]
    fx.set(f, f.row, f.column, value.strip(), "whitespace")  # type: ignore[arg-type]


def _mojibake(fx: _SheetFixer, f: Finding) -> None:
    fixed = checks.mojibake_fix(fx.get(f.row, f.column))  # type: ignore[arg-type]
    if fixed is not None:
        fx.set(f, f.row, f.column, fixed, "mojibake")  # type: ignore[arg-type]


def _constraint(fx: _SheetFixer, f: Finding) -> None:
    row, column = f.row, f.column
    value = fx.get(row, column).strip()  # type: ignore[arg-type]
    spec = fx.fields.get(f.field, {})
    enum = spec.get("constraints", {}).get("enum")
    new: str | None = None
    if enum:
        new = checks.enum_code(value, enum)
        why = "enum"
    elif f.field == "postcode" and value.isdigit() and 3 <= len(value) < 5:
        comune = _row_comune(fx, row)  # type: ignore[arg-type]
        padded = value.zfill(5)
        if comune is not None and padded.startswith(ZERO_CAP_PREFIX.get(comune.province_code, "-")):
            new = padded
        why = "postcode-zeros"
    elif f.field == "comune_istat" and value.isdigit() and len(value) < 6:
        from cowork_data.reference import load_comuni

        coded = load_comuni().by_istat(value)
        named = _row_comune(fx, row, by_code=False)  # type: ignore[arg-type]
        if coded is not None and (named is None or named == coded):
            new = coded.istat
        why = "istat-zeros"
    elif f.field == "comune_belfiore" and value.upper() != value:
        from cowork_data.reference import load_comuni

        if load_comuni().by_belfiore(value) is not None:
            new = value.upper()
        why = "belfiore-case"
    if new is not None:
        fx.set(f, row, column, new, why)  # type: ignore[arg-type]


def _row_comune(fx: _SheetFixer, row: int, *, by_code: bool = True):  # noqa: ANN202 - Comune | None
    from cowork_data.reference import load_comuni

    found = checks.comune_by_name(fx.row_value(row, "comune_name")) if fx.row_value(row, "comune_name") else None
    if found not in (None, "ambiguous"):
        return found
    if by_code:
        istat = fx.row_value(row, "comune_istat")
        return load_comuni().by_istat(istat) if len(istat) == 6 else None
    return None


def _decimal_comma(fx: _SheetFixer, f: Finding) -> None:
    spec = fx.fields.get(f.field, {})
    value = fx.get(f.row, f.column).strip()  # type: ignore[arg-type]
    if spec.get("type") != "number" or value.count(",") != 1 or "." in value:
        return
    candidate = value.replace(",", ".")
    try:
        number = float(candidate)
    except ValueError:
        return
    bounds = spec.get("constraints", {})
    if bounds.get("minimum", number) <= number <= bounds.get("maximum", number):
        fx.set(f, f.row, f.column, candidate, "decimal-comma")  # type: ignore[arg-type]


def _phone(fx: _SheetFixer, f: Finding) -> None:
    e164 = checks.phone_e164(fx.get(f.row, f.column))  # type: ignore[arg-type]
    if e164:
        fx.set(f, f.row, f.column, e164, "phone")  # type: ignore[arg-type]


def _swap(fx: _SheetFixer, f: Finding) -> None:
    lat_pos, lon_pos = fx.columns.get("latitude"), fx.columns.get("longitude")
    if lat_pos is None or lon_pos is None:
        return
    lat, lon = fx.get(f.row, lat_pos + 1), fx.get(f.row, lon_pos + 1)  # type: ignore[arg-type]
    fx.set(f, f.row, lat_pos + 1, lon, "swap")  # type: ignore[arg-type]
    fx.set(f, f.row, lon_pos + 1, lat, "swap")  # type: ignore[arg-type]


def _comune_name(fx: _SheetFixer, f: Finding) -> None:
    """A comune name written another way, in another language or ceased with one successor: the official name."""
    params = f.params or {}
    if params.get("official"):
        fx.set(f, f.row, f.column, str(params["official"]), "comune-name",  # type: ignore[arg-type]
               istat=str(params.get("istat", "")))


def _enum_variant(fx: _SheetFixer, f: Finding) -> None:
    """A code of a list written another way: the code."""
    code = (f.params or {}).get("other")
    if code:
        fx.set(f, f.row, f.column, str(code), "enum")  # type: ignore[arg-type]


def _istat_zeros(fx: _SheetFixer, f: Finding) -> None:
    """An ISTAT code whose leading zeros a spreadsheet dropped: the code with its six digits."""
    istat = str((f.params or {}).get("istat", ""))
    if istat:
        fx.set(f, f.row, f.column, istat, "istat-zeros")  # type: ignore[arg-type]


def _comune_from_point(fx: _SheetFixer, f: Finding) -> None:
    """An empty comune whose row's point lies in one comune, near no other: that comune's name (and its ISTAT code
    when the file has an empty column for it). A point is never written from a comune."""
    params = f.params or {}
    if not params.get("official") or fx.get(f.row, f.column).strip():  # type: ignore[arg-type]
        return
    istat = str(params.get("istat", ""))
    fx.set(f, f.row, f.column, str(params["official"]), "comune-from-point",  # type: ignore[arg-type]
           official=str(params["official"]), istat=istat)
    code_pos = fx.columns.get("comune_istat")
    if code_pos is not None and not fx.get(f.row, code_pos + 1).strip():  # type: ignore[arg-type]
        fx.set(f, f.row, code_pos + 1, istat, "comune-from-point",  # type: ignore[arg-type]
               official=str(params["official"]), istat=istat)


def _italian_number(fx: _SheetFixer, f: Finding) -> None:
    """A number written the Italian way: the number as the check read it."""
    number = (f.params or {}).get("other")
    if number:
        written = fx.get(f.row, f.column)  # type: ignore[arg-type]
        fx.set(f, f.row, f.column, str(number), "decimal-comma" if "," in written else "thousands")  # type: ignore[arg-type]


def _projected(fx: _SheetFixer, f: Finding) -> None:
    """Coordinates in a projected system: the WGS 84 degrees the validator converted them to (pyproj)."""
    params = f.params or {}
    lat_pos, lon_pos = fx.columns.get("latitude"), fx.columns.get("longitude")
    if lat_pos is None or lon_pos is None or not params.get("lat") or not params.get("lon"):
        return
    system = params.get("system", "")
    fx.set(f, f.row, lat_pos + 1, str(params["lat"]), "projected", system=system)  # type: ignore[arg-type]
    fx.set(f, f.row, lon_pos + 1, str(params["lon"]), "projected", system=system)  # type: ignore[arg-type]


REPAIRS: dict[str, Callable[[_SheetFixer, Finding], None]] = {
    "comune-name-variant": _comune_name,
    "comune-exonym": _comune_name,
    "comune-ceased": _comune_name,
    "comune-from-point": _comune_from_point,
    "comune-istat-zeros": _istat_zeros,
    "enum-variant": _enum_variant,
    "decimal-comma": _italian_number,
    "coordinates-projected": _projected,
    "whitespace": _whitespace,
    "mojibake": _mojibake,
    "constraint-error": _constraint,
    "type-error": _decimal_comma,
    "phone-format": _phone,
    "coordinates-swapped": _swap,
}
