"""Checks beyond the Table Schema, each with a maintained library where one exists.

Each check takes the table name and the validated rows (field name → text) and yields
``(row_index, field, code, params)`` tuples; ``table.py`` turns them into findings at the user's cells. A param
``other_row`` (a row index) is turned into the user's row number. Check digits: python-stdnum; phone numbers:
phonenumbers; comuni: the ISTAT list in :mod:`cowork_data.reference`; mojibake: ftfy; formula and DDE payloads:
:mod:`cowork_data.safety` (the same rule that neutralises what the toolkit writes).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache

import ftfy
import phonenumbers
from stdnum.it import codicefiscale, iva

from cowork_data.errors import UsageError
from cowork_data.safety import is_dangerous
from cowork_data.validate.files import MAX_CELL_CHARS

#: Fields holding an organisation's 11-digit fiscal code or partita IVA.
FISCAL_FIELDS = frozenset(
    {"operator_id", "vat_number", "tax_code", "funder_id", "publisher_id", "beneficiary_id"}
)
ELEVEN_DIGITS = re.compile(r"^[0-9]{11}$")
PERSONAL_CODE = re.compile(r"^[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z]"
                           r"[0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]$")
E164_IT = re.compile(r"^\+39[0-9]{6,11}$")
ISTAT_CODE = re.compile(r"^[0-9]{6}$")
BELFIORE_CODE = re.compile(r"^[A-Z][0-9]{3}$")
LAT_RANGE = (35.0, 47.2)
LON_RANGE = (6.5, 18.6)
#: Codes of the features concept scheme (docs/tables.md, vocab/).
FEATURE_CODES = frozenset({"workstations", "wifi", "meeting-room", "3d-printer", "laser-cutter", "cnc-machine",
                           "event-space", "kitchen", "lockers", "printer"})

Hit = tuple[int, str, str, dict[str, object]]
Rows = Sequence[Mapping[str, str]]


def _get(row: Mapping[str, str], name: str) -> str:
    return (row.get(name) or "").strip()


def vat_check_digits(table: str, rows: Rows) -> Iterator[Hit]:
    fields = set(FISCAL_FIELDS)
    if table == "organisations":
        fields.add("id")
    for i, row in enumerate(rows):
        for name in sorted(fields & row.keys()):
            value = _get(row, name)
            if ELEVEN_DIGITS.match(value) and not iva.is_valid(value):
                yield i, name, "vat-check-digit", {}


def personal_fiscal_codes(table: str, rows: Rows) -> Iterator[Hit]:
    """A natural person's 16-character codice fiscale must not be published (GDPR minimisation)."""
    fields = set(FISCAL_FIELDS) | ({"id"} if table == "organisations" else set())
    for i, row in enumerate(rows):
        for name in sorted(fields & row.keys()):
            value = _get(row, name).upper()
            if PERSONAL_CODE.match(value):
                code = "personal-fiscal-code" if codicefiscale.is_valid(value) else "fiscal-code-check-digit"
                yield i, name, code, {}


def _float(text: str) -> float | None:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return None


def _inside(value: float | None, bounds: tuple[float, float]) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


def swapped_coordinates(table: str, rows: Rows) -> Iterator[Hit]:
    if "latitude" not in (rows[0].keys() if rows else ()) or "longitude" not in rows[0].keys():
        return
    for i, row in enumerate(rows):
        lat, lon = _float(row.get("latitude", "")), _float(row.get("longitude", ""))
        if not _inside(lat, LAT_RANGE) and not _inside(lon, LON_RANGE):
            if _inside(lat, LON_RANGE) and _inside(lon, LAT_RANGE):
                yield i, "latitude", "coordinates-swapped", {"other": row.get("longitude", "")}


def phone_e164(value: str) -> str | None:
    """The E.164 form of an Italian phone number written another way, or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(value, "IT")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phones(table: str, rows: Rows) -> Iterator[Hit]:
    for i, row in enumerate(rows):
        value = _get(row, "phone")
        if not value or E164_IT.match(value):
            continue
        e164 = phone_e164(value)
        if e164 and E164_IT.match(e164):
            yield i, "phone", "phone-format", {"other": e164}
        else:
            yield i, "phone", "phone-invalid", {}


def features(table: str, rows: Rows) -> Iterator[Hit]:
    for i, row in enumerate(rows):
        unknown = [t for t in _get(row, "features").split() if t not in FEATURE_CODES]
        if unknown:
            yield i, "features", "feature-unknown", {"other": " ".join(unknown)}


@cache
def _comuni():
    from cowork_data.reference import load_comuni

    return load_comuni()


@cache
def _names() -> dict[str, str]:
    from cowork_data.reference import fold_name

    return {fold_name(c.name): c.name for c in _comuni()}


def comune_by_name(name: str):  # noqa: ANN201 - Comune | None | "ambiguous"
    """The comune named ``name``; the string ``"ambiguous"`` when several comuni share it."""
    try:
        return _comuni().by_name(name)
    except UsageError:
        return "ambiguous"


def comuni(table: str, rows: Rows) -> Iterator[Hit]:
    """Comune names and ISTAT / Belfiore codes exist in the ISTAT list and agree with each other."""
    from cowork_data.reference import fold_name

    if not rows or not {"comune_name", "comune_istat", "comune_belfiore"} & rows[0].keys():
        return
    ref = _comuni()
    for i, row in enumerate(rows):
        name, istat, belfiore = _get(row, "comune_name"), _get(row, "comune_istat"), _get(row, "comune_belfiore")
        by_name = comune_by_name(name) if name else None
        if name and by_name is None:
            close = difflib.get_close_matches(fold_name(name), list(_names()), n=1, cutoff=0.8)
            yield i, "comune_name", "comune-unknown", {"other": _names()[close[0]] if close else "—"}
        named = by_name if by_name not in (None, "ambiguous") else None
        coded = None
        if ISTAT_CODE.match(istat):
            coded = ref.by_istat(istat)
            if coded is None:
                yield i, "comune_istat", "comune-code-unknown", {}
            elif named and coded != named:
                yield i, "comune_istat", "comune-code-mismatch", {"other": coded.name}
        if BELFIORE_CODE.match(belfiore):
            by_belfiore = ref.by_belfiore(belfiore)
            if by_belfiore is None:
                yield i, "comune_belfiore", "comune-code-unknown", {}
            elif (named or coded) and by_belfiore != (named or coded):
                yield i, "comune_belfiore", "comune-code-mismatch", {"other": by_belfiore.name}


def duplicates(table: str, rows: Rows) -> Iterator[Hit]:
    """Two spaces with the same name at the same address are most likely one space entered twice."""
    if table != "spaces":
        return
    from cowork_data.validate.schemas import fold

    seen: dict[tuple[str, str, str], int] = {}
    for i, row in enumerate(rows):
        name = fold(_get(row, "name"))
        if not name:
            continue
        key = (name, fold(_get(row, "street_address")), fold(_get(row, "house_number")))
        if key in seen:
            yield i, "name", "duplicate-row", {"other_row": seen[key]}
        else:
            seen[key] = i


def whitespace(table: str, rows: Rows) -> Iterator[Hit]:
    for i, row in enumerate(rows):
        for name, value in row.items():
            # a trailing no-break space is often half of a garbled "à": the mojibake finding says more
            if value and value != value.strip() and value.strip() and mojibake_fix(value) is None:
                yield i, name, "whitespace", {}


def formulas(table: str, rows: Rows) -> Iterator[Hit]:
    """Cells a spreadsheet would run as a formula or a DDE command (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``).

    Plain numbers and phone numbers (``-12.5``, ``+39 02 1234567``) are not formulas; neither is a lone dash.
    """
    for i, row in enumerate(rows):
        for name in sorted(row):
            value = row[name] or ""
            if is_dangerous(value) and len(value.strip(" \t\r\n-–—")) > 0:
                shown = value[:60].replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
                yield i, name, "formula-in-cell", {"other": shown + ("…" if len(value) > 60 else "")}


def long_cells(table: str, rows: Rows) -> Iterator[Hit]:
    """Cells longer than the reader keeps (it cut them to ``MAX_CELL_CHARS`` characters and a "…")."""
    for i, row in enumerate(rows):
        for name in sorted(row):
            if len(row[name] or "") > MAX_CELL_CHARS:
                yield i, name, "cell-too-long", {"other": str(MAX_CELL_CHARS)}


def mojibake_fix(value: str) -> str | None:
    """The repaired text when ftfy finds mojibake (UTF-8 read as Latin-1/cp1252) in ``value``, else None."""
    if not value or value.isascii():
        return None
    fixed = ftfy.fix_encoding(value)
    return fixed if fixed != value else None


#: Checks of a build's canonical tables (normalise already trims, repairs encodings and formats phones).
BUILD_CHECKS = (vat_check_digits, swapped_coordinates)
#: Checks of a user's file.
CHECKS = (vat_check_digits, personal_fiscal_codes, swapped_coordinates, phones, features, comuni, duplicates,
          whitespace, formulas, long_cells)

#: Schema findings a check replaces: a swapped pair also breaks both range constraints.
SUPERSEDES: dict[str, tuple[str, ...]] = {"coordinates-swapped": ("latitude", "longitude")}
#: Checks that replace the schema finding on their own cell (their message says more).
SUPERSEDES_OWN = frozenset({"personal-fiscal-code", "fiscal-code-check-digit", "phone-format", "phone-invalid"})
#: Severity of check findings that are not errors.
SEVERITY: dict[str, str] = {"personal-fiscal-code": "warning", "duplicate-row": "warning", "whitespace": "warning",
                            "mojibake": "warning"}
