"""Checks of codes: partita IVA check digits (python-stdnum), personal codici fiscali (GDPR minimisation), phone
numbers (phonenumbers) and comuni (the ISTAT list of :mod:`cowork_data.reference`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

import phonenumbers
import polars as pl
from stdnum.it import codicefiscale, iva

from cowork_data.profiles import ITALY, PROFILES, Profile
from cowork_data.validate.checks.base import Check, Columns, Hit, Kind, Rows, hits_where, row_text, stripped

__all__ = ["BELFIORE_CODE", "E164_IT", "ELEVEN_DIGITS", "FISCAL_FIELDS", "ISTAT_CODE", "PERSONAL_TAX_CODE", "Comuni",
           "PersonalCodes", "Phones", "VatCheckDigits", "comune_by_name", "fiscal_cells", "fiscal_columns",
           "fiscal_fields", "foreign_phone", "phone_e164"]

#: Fields holding an organisation's 11-digit fiscal code or partita IVA.
FISCAL_FIELDS = frozenset(
    {"operator_id", "vat_number", "tax_code", "funder_id", "publisher_id", "beneficiary_id"}
)
ELEVEN_DIGITS = re.compile(r"^[0-9]{11}$")
E164_IT = re.compile(r"^\+39[0-9]{6,11}$")
ISTAT_CODE = re.compile(r"^[0-9]{6}$")
BELFIORE_CODE = re.compile(r"^[A-Z][0-9]{3}$")
#: A natural person's codice fiscale (DM 23/12/1976): six letters of surname and name, the year (two digits), the
#: month letter (A B C D E H L M P R S T for January to December), the day (plus 40 for women), the place (a letter
#: and three digits) and the check letter. A digit may be replaced by its omocodia letter (0-9 → L M N P Q R S T U V)
#: when two people would share a code. The one pattern of the table check below and of the privacy scan
#: of published files (:mod:`cowork_data.privacy`).
PERSONAL_TAX_CODE = ("[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")
_PERSONAL = re.compile(rf"^(?:{PERSONAL_TAX_CODE})$")


def fiscal_fields(table: str) -> list[str]:
    """The fields of ``table`` that hold a fiscal code, sorted (an organisation's ``id`` is one)."""
    return sorted(FISCAL_FIELDS | ({"id"} if table == "organisations" else set()))


def fiscal_cells(table: str, rows: Rows) -> Iterator[tuple[int, str, str]]:
    """``(row index, field, text)`` of every fiscal-code cell of ``rows``, row by row, fields in name order."""
    fields = set(fiscal_fields(table))
    for i, row in enumerate(rows):
        for name in sorted(fields & row.keys()):
            yield i, name, row_text(row, name)


def fiscal_columns(table: str, columns: Columns) -> Iterator[tuple[str, pl.Series]]:
    """``(field, stripped cells)`` of every fiscal-code field of ``table`` that ``columns`` holds, in name order."""
    for name in fiscal_fields(table):
        if name in columns:
            yield name, stripped(columns.series(name))


class VatCheckDigits(Check):
    """An 11-digit partita IVA whose check digit (or office code) python-stdnum rejects."""

    name = "vat-check-digits"
    kinds = (Kind("vat-check-digit"),)
    build = True

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        for i, name, value in fiscal_cells(table, rows):
            if ELEVEN_DIGITS.match(value) and not iva.is_valid(value):
                yield i, name, "vat-check-digit", {}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        for name, series in fiscal_columns(table, columns):
            candidates = series.str.contains(r"^[0-9]{11}$")
            invalid = invalid_vat(series.filter(candidates).unique())
            if invalid:
                for i in hits_where(candidates & series.is_in(invalid)):
                    yield i, name, "vat-check-digit", {}


def invalid_vat(values: pl.Series) -> list[str]:
    """The 11-digit values :func:`stdnum.it.iva.is_valid` rejects, computed column-wise with its exact rules:
    serial not all zeros, office code 001-100 or 120, 121, 888, 999, Luhn check digit."""
    if values.len() == 0:
        return []
    digits = [values.str.slice(j, 1).cast(pl.Int64) for j in range(11)]
    luhn = sum(((2 * d) - 9 * ((2 * d) > 9).cast(pl.Int64)) if j % 2 else d for j, d in enumerate(digits))
    office = values.str.slice(7, 3)
    valid = ((values.str.slice(0, 7) != "0000000") & (luhn % 10 == 0)
             & (((office >= "001") & (office <= "100")) | office.is_in(["120", "121", "888", "999"])))
    return values.filter(~valid).to_list()


def _personal_code(value: str) -> str | None:
    """The finding code for a cell holding a natural person's codice fiscale (upper-cased as the rule reads it)."""
    value = value.upper()
    if not _PERSONAL.match(value):
        return None
    return "personal-fiscal-code" if codicefiscale.is_valid(value) else "fiscal-code-check-digit"


class PersonalCodes(Check):
    """A natural person's 16-character codice fiscale must not be published (GDPR minimisation); with a wrong
    check character it is still a person's code, only mistyped."""

    name = "personal-fiscal-codes"
    kinds = (Kind("personal-fiscal-code", "warning", replaces_cell=True),
             Kind("fiscal-code-check-digit", replaces_cell=True))

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        for i, name, value in fiscal_cells(table, rows):
            code = _personal_code(value)
            if code:
                yield i, name, code, {}

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        for name, series in fiscal_columns(table, columns):
            # ASCII cells are decided by the pattern itself; any other cell goes through Python's upper().
            ascii_match = series.str.contains(rf"(?i)^(?:{PERSONAL_TAX_CODE})$")
            candidates = ascii_match | ~series.str.contains(r"^[\x00-\x7f]*$")
            rows = hits_where(candidates)
            values = series.gather(rows).to_list()
            codes = {value: _personal_code(value) for value in set(values)}
            for i, value in zip(rows, values, strict=True):
                if codes[value]:
                    yield i, name, codes[value], {}


def phone_e164(value: str, region: str = "IT") -> str | None:
    """The E.164 form of a phone number of ``region`` (a country profile's phone region) written another way, or
    None when it is not a valid number."""
    number = _valid_number(value, region)
    return None if number is None else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _valid_number(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """``text`` parsed as a phone number of ``region`` (None: it must carry its country prefix), if valid."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


@lru_cache(maxsize=8192)
def foreign_phone(value: str, profile: Profile = ITALY) -> tuple[str, str, str] | None:
    """A valid number written with another country's prefix than the profile's (``+44 20 7095 9465``, ``0044…``
    in Italy): its E.164 form, region (``GB``) and prefix (``+44``); None for a number of the profile's country
    (``+39…`` in Italy; ``+33…``, ``+262…`` in France), a number without a prefix or an invalid one. Remembered:
    the rows a list has abroad ask for it row by row, and a list repeats its numbers (0.1 ms each to parse)."""
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    number = _valid_number(text, None) if text.startswith("+") else None
    if number is None:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if re.match(profile.phone_pattern, e164):
        return None
    return e164, phonenumbers.region_code_for_number(number) or "", f"+{number.country_code}"


def _phone_profile(country: str) -> Profile:
    return PROFILES.get((country or "IT").strip().upper(), ITALY)


def _phone_hit(value: str, country: str = "") -> tuple[str, dict[str, object]]:
    profile = _phone_profile(country)
    foreign = foreign_phone(value, profile)
    if foreign:
        return "phone-foreign", {"other": foreign[0], "region": foreign[1], "prefix": foreign[2]}
    e164 = phone_e164(value, profile.phone_region)
    if e164 and re.match(profile.phone_pattern, e164):
        return "phone-format", {"other": e164}
    return "phone-invalid", {}


class Phones(Check):
    """A phone number not written in the E.164 form of the row's country (+39… in Italy, a row without
    ``country`` being Italian; +33… in France): a valid number of that country written the national way is a
    warning that says how it is published (``fix`` writes it so); a number with another country's prefix is
    named as foreign, never given the row's country's form."""

    name = "phones"
    kinds = (Kind("phone-format", "warning", replaces_cell=True), Kind("phone-invalid", replaces_cell=True),
             Kind("phone-foreign", replaces_cell=True))

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        for i, row in enumerate(rows):
            value, country = row_text(row, "phone"), row_text(row, "country")
            if value and not re.match(_phone_profile(country).phone_pattern, value):
                code, params = _phone_hit(value, country)
                yield i, "phone", code, params

    def scan_columns(self, table: str, columns: Columns) -> Iterator[Hit]:
        if "phone" not in columns:
            return
        series = stripped(columns.series("phone"))
        country = stripped(columns.series("country")).str.to_uppercase()
        todo = series != ""
        for profile in PROFILES.values():  # a row without a country, or with one without a profile, is Italian
            mine = (~country.is_in([c for c in PROFILES if c != ITALY.country]) if profile is ITALY
                    else country == profile.country)
            todo = todo & ~(mine & series.str.contains(profile.phone_pattern))
        rows = hits_where(todo)
        values = series.gather(rows).to_list()
        countries = country.gather(rows).to_list()
        found = {key: _phone_hit(*key) for key in set(zip(values, countries, strict=True))}
        for i, value, code_of in zip(rows, values, countries, strict=True):
            code, params = found[(value, code_of)]
            yield i, "phone", code, dict(params)


@cache
def _comuni():  # noqa: ANN202 - reference.Comuni
    from cowork_data.reference import load_comuni

    return load_comuni()


def comune_by_name(name: str):  # noqa: ANN201 - Comune | None | "ambiguous"
    """The current comune ``name`` means as people write it (:func:`cowork_data.comune_names.resolve`: official,
    variant, exonym, or a ceased name with one successor); the string ``"ambiguous"`` when several comuni could be
    meant; None when none is known."""
    from cowork_data.comune_names import resolve

    resolution = resolve(name)
    if resolution.kind == "ambiguous" or (resolution.kind == "ceased" and resolution.comune is None):
        return "ambiguous"
    return resolution.comune


_COMUNE_FIELDS = ("comune_name", "comune_istat", "comune_belfiore")
_HOW = ("province", "saint", "article", "short", "spelling", "case")
#: The languages of the exonyms table (``reference/exonyms/``), each a ``label.language.<code>``.
_LANGUAGES = ("en", "fr", "de")


def _where(comune) -> dict[str, object]:  # noqa: ANN001 - reference.Comune
    return {"official": comune.name, "istat": comune.istat, "province": comune.province_code}


def _name_hit(resolution, coded) -> tuple[str, dict[str, object]] | None:  # noqa: ANN001
    """The finding of a comune name as written (None when it is the official name of the row's comune)."""
    from cowork_data import i18n

    kind, comune = resolution.kind, resolution.comune
    if kind == "ambiguous" and coded is not None and coded in resolution.candidates:
        return None
    if kind == "official":
        return None
    if kind == "variant":
        how = next((h for h in resolution.how if h in _HOW), "case")
        return "comune-name-variant", {**_where(comune), "how": i18n.Text.of(f"label.comune-how.{how}")}
    if kind == "exonym":
        language = resolution.language if resolution.language in _LANGUAGES else "en"
        return "comune-exonym", {**_where(comune), "language": i18n.Text.of(f"label.language.{language}")}
    if kind == "ceased":
        day = resolution.ceased.ceased
        if comune is not None:
            return "comune-ceased", {**_where(comune), "day": day}
        options = ", ".join(f"{c.name} ({c.province_code})" for c in resolution.candidates) or "—"
        return "comune-ceased-split", {"day": day, "other": options}
    if kind == "ambiguous":
        first = resolution.candidates[0].province_code
        return "comune-ambiguous", {"other": ", ".join(f"{c.name} ({c.province_code})"
                                                       for c in resolution.candidates), "first": first}
    suggestion = resolution.suggestion
    return "comune-unknown", {"other": f"{suggestion.name} ({suggestion.province_code})" if suggestion else "—"}


def _comune_hits(name: str, istat: str, belfiore: str, near: Callable[[Any], bool] | None = None,
                 ) -> list[tuple[str, str, dict[str, object]]]:
    """The findings of one row's comune name and codes: (field, code, params); ``near`` says whether the row's
    point is in a comune (to choose between comuni of one name)."""
    from cowork_data.comune_names import resolve

    ref = _comuni()
    found: list[tuple[str, str, dict[str, object]]] = []
    coded = ref.by_istat(istat) if ISTAT_CODE.match(istat) else None
    # a code a spreadsheet read as a number lost its leading zeros (15146 for Milano's 015146)
    unpadded = coded is None and istat.isdigit() and 4 <= len(istat) < 6 and ref.by_istat(istat) is not None
    if unpadded:
        coded = ref.by_istat(istat)
    named = None
    if name:
        resolution = resolve(name, near=near)
        hit = _name_hit(resolution, coded)
        if hit is not None:
            found.append(("comune_name", *hit))
        named = resolution.comune
        if resolution.kind == "ambiguous" and coded in resolution.candidates:
            named = coded
    if ISTAT_CODE.match(istat) or unpadded:
        if coded is None:
            found.append(("comune_istat", "comune-code-unknown", {}))
        elif named and coded != named:
            found.append(("comune_istat", "comune-code-mismatch", {"other": coded.name}))
        elif unpadded:
            found.append(("comune_istat", "comune-istat-zeros", _where(coded)))
    if BELFIORE_CODE.match(belfiore):
        by_belfiore = ref.by_belfiore(belfiore)
        if by_belfiore is None:
            found.append(("comune_belfiore", "comune-code-unknown", {}))
        elif (named or coded) and by_belfiore != (named or coded):
            found.append(("comune_belfiore", "comune-code-mismatch", {"other": by_belfiore.name}))
    return found


#: Findings a row's point can settle: the name of several comuni, a ceased comune split among several.
_BY_POINT = ("comune-ambiguous", "comune-ceased-split")


def _near(latitude: str, longitude: str) -> Callable[[Any], bool] | None:
    """Whether a comune holds the point of these cells (within the boundaries' tolerance); None without a point."""
    from cowork_data.validate.checks.places import point_of

    point = point_of(latitude, longitude)
    if point is None:
        return None
    from cowork_data.geo.boundaries import boundaries

    geo = boundaries()
    return lambda comune: bool(geo.contains(comune.istat, *point))


def _settled(key: tuple[str, str, str], hits: list[tuple[str, str, dict[str, object]]], latitude: str,
             longitude: str) -> list[tuple[str, str, dict[str, object]]]:
    """The hits of a row once its point has chosen between the comuni its name could mean."""
    if not any(code in _BY_POINT for _, code, _ in hits):
        return hits
    near = _near(latitude, longitude)
    return hits if near is None else _comune_hits(*key, near=near)


class Comuni(Check):
    """Comune names as people write them (:mod:`cowork_data.comune_names`) and ISTAT / Belfiore codes: each name
    resolved to a comune of the ISTAT list says how it was written (a warning with the official name and code),
    and the codes exist and agree with the name."""

    name = "comuni"
    kinds = (Kind("comune-unknown"), Kind("comune-code-unknown"), Kind("comune-code-mismatch"),
             Kind("comune-name-variant", "warning"), Kind("comune-exonym", "warning"), Kind("comune-ceased", "warning"),
             Kind("comune-ceased-split"), Kind("comune-ambiguous"),
             Kind("comune-istat-zeros", "warning", replaces_cell=True))

    def scan_rows(self, table: str, rows: Rows) -> Iterator[Hit]:
        if not rows or not set(_COMUNE_FIELDS) & rows[0].keys():
            return
        for i, row in enumerate(rows):
            if _phone_profile(row_text(row, "country")) is not ITALY:  # ISTAT's list names Italian comuni only
                continue
            key = tuple(row_text(row, f) for f in _COMUNE_FIELDS)
            found = _settled(key, _comune_hits(*key), row_text(row, "latitude"), row_text(row, "longitude"))
            for name, code, params in found:
                yield i, name, code, params

    def scan_columns(self, table: str, columns: Columns) -> Iterable[Hit]:
        if not set(_COMUNE_FIELDS) & set(columns.names):
            return []
        italian = ~stripped(columns.series("country")).str.to_uppercase().is_in(
            [c for c in PROFILES if c != ITALY.country])  # ISTAT's list names Italian comuni only
        frame = (pl.DataFrame([stripped(columns.series(f)) for f in _COMUNE_FIELDS]).with_row_index("i")
                 .filter(italian))
        # one evaluation per distinct (name, ISTAT, Belfiore), joined back to the rows that have it
        distinct = frame.select(_COMUNE_FIELDS).unique()
        found = {key: hits for key in distinct.iter_rows() if any(key) and (hits := _comune_hits(*key))}
        if not found:
            return []
        numbered = pl.DataFrame([(*key, j) for key, hits in found.items() for j in range(len(hits))],
                                schema=[*_COMUNE_FIELDS, "j"], orient="row")
        joined = frame.join(numbered, on=list(_COMUNE_FIELDS)).sort("i", "j")
        hits: list[Hit] = []
        latitude, longitude = stripped(columns.series("latitude")), stripped(columns.series("longitude"))
        for i, *key, j in joined.select("i", *_COMUNE_FIELDS, "j").iter_rows():
            row_hits = found[tuple(key)]
            if any(code in _BY_POINT for _, code, _ in row_hits):  # settled by the row's own point
                if j == 0:
                    settled = _settled(tuple(key), row_hits, latitude[i], longitude[i])  # type: ignore[arg-type]
                    hits.extend((i, name, code, dict(params)) for name, code, params in settled)
                continue
            name, code, params = row_hits[j]
            hits.append((i, name, code, dict(params)))
        return hits
