"""The registry of checks and finding kinds: each fact about a finding lives here, once.

Every kind of finding the validators emit is a :class:`Kind` in :data:`KINDS` (code, severity, what it replaces);
its message and hint are the catalogue's (``finding.<code>.message`` / ``.hint``, :mod:`cowork_data.i18n`). The
checks beyond the Table Schema are :class:`Check` objects in :data:`CHECKS`, each implemented row by row and
vectorised; both table engines take them from here (:data:`BUILD_CHECKS` are those run on a build's canonical
tables, where normalise already trimmed, repaired encodings and formatted phones).

Libraries: check digits python-stdnum; phone numbers phonenumbers; comuni the ISTAT list of
:mod:`cowork_data.reference`; mojibake ftfy; formula and DDE payloads :mod:`cowork_data.safety`.
"""

from __future__ import annotations

from collections.abc import Iterable

from cowork_data.validate.checks.base import Check, Columns, Hit, Kind, Rows, sort_hits
from cowork_data.validate.checks.cells import (
    ENUM_WORDS,
    FEATURE_CODES,
    EnumVariants,
    Features,
    Formulas,
    LongCells,
    Whitespace,
    enum_code,
    mojibake_fix,
)
from cowork_data.validate.checks.codes import (
    FISCAL_FIELDS,
    Comuni,
    PersonalCodes,
    Phones,
    VatCheckDigits,
    comune_by_name,
    phone_e164,
)
from cowork_data.validate.checks.places import Places, settle
from cowork_data.validate.checks.rows import LAT_RANGE, LON_RANGE, Duplicates, ItalianNumbers, SwappedCoordinates

__all__ = ["BUILD_CHECKS", "CHECKS", "ENUM_WORDS", "FEATURE_CODES", "FISCAL_FIELDS", "KINDS", "LAT_RANGE",
           "LON_RANGE", "Check", "Columns", "Hit", "Kind", "Rows", "comune_by_name", "enum_code", "kind",
           "mojibake_fix", "phone_e164", "replaced", "settle", "severity", "sort_hits"]

#: Checks of a user's file, in the order their findings are produced.
CHECKS: tuple[Check, ...] = (VatCheckDigits(), PersonalCodes(), ItalianNumbers(), SwappedCoordinates(), Phones(),
                             Features(), EnumVariants(), Comuni(), Places(), Duplicates(), Whitespace(), Formulas(),
                             LongCells())
#: Checks of a build's canonical tables.
BUILD_CHECKS: tuple[Check, ...] = tuple(c for c in CHECKS if c.build)

#: Findings of the Table Schema (frictionless' error types and the validators' names for some of them), of the
#: sheet scan, and of the privacy scan of published files.
_OTHER_KINDS = (
    Kind("type-error"), Kind("constraint-error"), Kind("missing-value"), Kind("unique-error"), Kind("primary-key"),
    Kind("foreign-key"), Kind("missing-column"), Kind("extra-cell"), Kind("missing-cell"), Kind("blank-row"),
    Kind("duplicate-label"), Kind("email-invalid"), Kind("url-invalid"),
    Kind("mojibake", "warning"), Kind("coordinates-projected", "warning"), Kind("footer-rows", "warning"),
    Kind("privacy-tax-code"), Kind("privacy-email"), Kind("privacy-person-name"),
)
#: Every kind of table finding, by code.
KINDS: dict[str, Kind] = {k.code: k for k in (*_OTHER_KINDS, *(k for c in CHECKS for k in c.kinds))}


def kind(code: str) -> Kind:
    """The kind of a finding code (an unknown code, such as a frictionless error type we do not name, is an error)."""
    return KINDS.get(code) or Kind(code)


def severity(code: str) -> str:
    return kind(code).severity


def replaced(hits: Iterable[Hit]) -> set[tuple[int, str]]:
    """The (row index, field) cells whose schema findings these check hits replace."""
    cells: set[tuple[int, str]] = set()
    for index, name, code, _params in hits:
        k = kind(code)
        cells.update((index, f) for f in k.replaces)
        if k.replaces_cell:
            cells.add((index, name))
    return cells
