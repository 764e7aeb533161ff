"""The canonical tables of docs/tables.md: field names in order and primary keys."""

from __future__ import annotations

__all__ = ["FIELDS", "PRIMARY_KEYS", "blank_row", "sort_rows"]

_PROVENANCE = ("source_id", "source_record", "source_url")

FIELDS: dict[str, tuple[str, ...]] = {
    "spaces": (
        "id", "name", "type", "operator_id", "street_address", "house_number", "postcode", "comune_istat",
        "comune_belfiore", "comune_name", "latitude", "longitude", "workstations", "features", "services",
        "opening_hours", "opening_hours_note", "website", "email", "phone", "open_since", "wheelchair", "description",
        *_PROVENANCE,
    ),
    "organisations": (
        "id", "legal_name", "kind", "tax_code", "vat_number", "legal_form", "ateco_code", "ipa_code", "website",
        "comune_istat", *_PROVENANCE,
    ),
    "calls": (
        "id", "publisher_id", "title", "type", "parent_id", "announced_date", "opening_date", "closing_date",
        "award_cap", "award_cap_share", "legal_act", "url", "description", *_PROVENANCE,
    ),
    "funding": ("call_id", "funder_id", "amount", "currency", "note", *_PROVENANCE),
    "admissions": (
        "call_id", "space_id", "status", "date_submitted", "date_accepted", "valid_from", "valid_until", *_PROVENANCE,
    ),
    "awards": (
        "call_id", "number", "beneficiary_kind", "beneficiary_id", "space_id", "amount", "status", "date_granted",
        *_PROVENANCE,
    ),
    "outcomes": (
        "call_id", "as_of", "applications", "admitted", "rejected", "pending", "approximate", "note", *_PROVENANCE,
    ),
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "spaces": ("id",),
    "organisations": ("id",),
    "calls": ("id",),
    "funding": ("call_id", "funder_id"),
    "admissions": ("call_id", "space_id"),
    "awards": ("call_id", "number"),
    "outcomes": ("call_id", "as_of"),
}


def blank_row(table: str) -> dict[str, str]:
    """A row of `table` with every field present and empty."""
    return dict.fromkeys(FIELDS[table], "")


def sort_rows(table: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows sorted by primary key (`awards.number` numerically)."""
    def key(row: dict[str, str]) -> tuple[object, ...]:
        return tuple(int(row[k]) if k == "number" and row[k].isdigit() else row[k] for k in PRIMARY_KEYS[table])

    return sorted(rows, key=key)
