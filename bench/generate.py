"""Deterministic generator of national-scale canonical tables (benchmark and differential tests; not a test itself).

INVENTED DATA: names, addresses, fiscal codes and amounts are made up (valid check digits, real ISTAT comuni); they
describe nothing real. ``generate(n_spaces, seed=..., defects=share)`` returns ``(tables, sources)`` in the shape of
:func:`cowork_data.pipeline.collect`: per ``n`` spaces about ``n/2`` organisations, ``n/100`` calls and funding rows,
``n/2`` admissions, ``n/4`` awards, ``n/100`` outcomes (2.3 rows per space). With ``defects > 0`` that share of rows
carries one planted defect each, cycling through :data:`TABLE_DEFECTS` (Table Schema and build checks) and
:data:`GRAPH_DEFECTS` (kinds only the SHACL shapes see); the same seed gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from cowork_data.declaration import codes

Row = dict[str, str]

#: Defects the table validation reports (finding code in brackets).
TABLE_DEFECTS = ("type-number", "type-integer", "type-date", "pattern", "enum", "required", "minimum", "maximum",
                 "unique", "foreign-key", "vat-check-digit", "coordinates-swapped", "primary-key", "blank-row")
#: Defects that pass the Table Schema and only the SHACL shapes report.
GRAPH_DEFECTS = ("window-order", "award-over-cap", "outcome-counts")

SPACE_TYPES = ("coworking", "fablab", "makerspace", "hackerspace")
#: The feature codes of vocab/features.ttl but ``workstations`` (derived from the count).
FEATURES = tuple(code for code in codes("features") if code != "workstations")
STREETS = ("Via Roma", "Corso Italia", "Via Garibaldi", "Piazza Duomo", "Via Mazzini", "Viale Europa", "Via Dante")
SOURCE = "bench-generated"


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(body):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def vat(n: int) -> str:
    """A valid partita IVA: 7-digit serial, office 015, Luhn check digit."""
    body = f"{n % 9_999_999 + 1:07d}015"
    return body + _luhn_digit(body)


def _comuni() -> list[tuple[str, str, str]]:
    from cowork_data.reference import load_comuni

    return sorted((c.istat, c.belfiore, c.name) for c in load_comuni())


def generate(n_spaces: int, *, seed: int = 1, defects: float = 0.0) -> tuple[dict[str, list[Row]], dict[str, Any]]:
    """Canonical tables for ``n_spaces`` spaces and the source description the graph needs."""
    rnd = random.Random(seed)
    comuni = _comuni()
    n_orgs = max(2, n_spaces // 2)
    n_calls = max(2, n_spaces // 100)
    orgs = [_organisation(i, comuni[i % len(comuni)]) for i in range(n_orgs)]
    spaces = [_space(i, rnd, comuni[(i * 7) % len(comuni)], orgs) for i in range(n_spaces)]
    calls = [_call(i, orgs, comuni) for i in range(n_calls)]
    funding = [_funding(i, calls, orgs) for i in range(n_calls)]
    admissions = [_admission(i, calls, spaces) for i in range(n_spaces // 2)]
    awards = [_award(i, calls, spaces, orgs) for i in range(n_spaces // 4)]
    outcomes = [_outcome(i, calls) for i in range(n_calls)]
    tables = {"organisations": orgs, "spaces": spaces, "calls": calls, "funding": funding,
              "admissions": admissions, "awards": awards, "outcomes": outcomes}
    if defects > 0:
        _plant(tables, rnd, defects)
    sources = {SOURCE: {"title": "Dati generati per il benchmark (inventati) / Generated benchmark data (invented)",
                        "publisher": "cowork-data", "url": "https://w3id.org/cowork-data/bench",
                        "licence": "CC0-1.0", "sha256": "", "retrieved_at": "2024-01-01T00:00:00Z", "fixture": True}}
    return tables, sources


def _prov(row: Row, n: int) -> Row:
    row.update(source_id=SOURCE, source_record=f"row={n + 2}", source_url="https://w3id.org/cowork-data/bench")
    return row


def _organisation(i: int, comune: tuple[str, str, str]) -> Row:
    code = vat(i)
    public = i % 50 == 0
    return _prov({"id": code, "legal_name": f"{'Comune' if public else 'Impresa'} Esempio {i}",
                  "kind": "public-body" if public else "operator", "tax_code": code, "vat_number": code,
                  "legal_form": "comune" if public else "srl", "ateco_code": "" if public else "68.20",
                  "ipa_code": f"c_{comune[1].lower()}" if public else "", "website": f"https://org{i}.example.org",
                  "comune_istat": comune[0]}, i)


def _space(i: int, rnd: random.Random, comune: tuple[str, str, str], orgs: list[Row]) -> Row:
    istat, belfiore, name = comune
    # three draws among eight, rotated over every code: the random stream of the first generator, so that seeded
    # tables (and the planted defects after them) stay where they were
    features = sorted({FEATURES[(k + i) % len(FEATURES)] for k in rnd.sample(range(8), 3)})
    return _prov({
        "id": f"{belfiore.lower()}/spazio-{i}", "name": f"Spazio Esempio {i}", "type": SPACE_TYPES[i % 4],
        "operator_id": orgs[(i * 3) % len(orgs)]["id"] if i % 10 else "", "street_address": STREETS[i % 7],
        "house_number": str(i % 120 + 1), "postcode": f"{(i * 13) % 90000 + 10000:05d}", "comune_istat": istat,
        "comune_belfiore": belfiore, "comune_name": name, "country": "IT", "latitude": f"{38 + (i % 900) / 100:.5f}",
        "longitude": f"{8 + (i % 1000) / 100:.5f}", "workstations": str(i % 60 + 1),
        "features": " ".join(["workstations", *features]), "services": "wifi, caffè",
        "opening_hours": "Mo-Fr 09:00-18:00", "opening_hours_note": "lun-ven 9-18",
        "website": f"https://spazio{i}.example.org", "email": f"info{i}@example.org",
        "phone": f"+3902{i % 100_000_000:08d}", "open_since": str(2000 + i % 24), "wheelchair": "yes",
        "description": f"Spazio inventato numero {i}.",
    }, i)


def _call(i: int, orgs: list[Row], comuni: list[tuple[str, str, str]]) -> Row:
    belfiore = comuni[i % len(comuni)][1].lower()
    parent = i % 5 != 0
    return _prov({
        "id": f"{belfiore}/{2010 + i % 14}-bando-{i}", "publisher_id": orgs[(i * 50) % len(orgs)]["id"],
        "title": f"Bando di prova {i}", "type": ("registry", "coworker-voucher", "operator-grant")[i % 3]
        if parent else "programme", "parent_id": "", "announced_date": "2013-01-10",
        "opening_date": "2013-02-01", "closing_date": "2013-12-31", "award_cap": "5000",
        "award_cap_share": "0.5", "legal_act": f"Delibera n. {i}", "url": f"https://bandi.example.org/{i}",
        "description": "Bando inventato.",
    }, i)


def _funding(i: int, calls: list[Row], orgs: list[Row]) -> Row:
    return _prov({"call_id": calls[i]["id"], "funder_id": orgs[(i * 7) % len(orgs)]["id"],
                  "amount": str(10_000 + i), "currency": "EUR", "note": ""}, i)


def _admission(i: int, calls: list[Row], spaces: list[Row]) -> Row:
    return _prov({"call_id": calls[i % len(calls)]["id"], "space_id": spaces[i]["id"], "status": "admitted",
                  "date_submitted": "2013-03-01", "date_accepted": "2013-04-01", "valid_from": "2013-04-01",
                  "valid_until": "2014-04-01"}, i)


def _award(i: int, calls: list[Row], spaces: list[Row], orgs: list[Row]) -> Row:
    person = i % 2 == 0
    return _prov({"call_id": calls[i % len(calls)]["id"], "number": str(i // len(calls) + 1),
                  "beneficiary_kind": "person" if person else "organisation",
                  "beneficiary_id": "" if person else orgs[i % len(orgs)]["id"], "space_id": spaces[i]["id"],
                  "amount": str(500 + i % 4000), "status": "granted", "date_granted": "2013-06-01"}, i)


def _outcome(i: int, calls: list[Row]) -> Row:
    return _prov({"call_id": calls[i]["id"], "as_of": "2014", "applications": "40", "admitted": "24",
                  "rejected": "5", "pending": "11", "approximate": "false", "note": ""}, i)


def _set(table: str, field: str, value: str) -> Callable[[dict[str, list[Row]], int], None]:
    def plant(tables: dict[str, list[Row]], i: int) -> None:
        rows = tables[table]
        rows[i % len(rows)][field] = value
    return plant


def _duplicate(table: str) -> Callable[[dict[str, list[Row]], int], None]:
    def plant(tables: dict[str, list[Row]], i: int) -> None:
        rows = tables[table]
        j = i % len(rows)
        rows[j] = {**rows[(j + 1) % len(rows)], "source_record": rows[j]["source_record"]}
    return plant


def _blank(tables: dict[str, list[Row]], i: int) -> None:
    rows = tables["outcomes"]
    rows[i % len(rows)] = {k: "" for k in rows[0]}


def _swap(tables: dict[str, list[Row]], i: int) -> None:
    row = tables["spaces"][i % len(tables["spaces"])]
    row["latitude"], row["longitude"] = row["longitude"], row["latitude"]


PLANTERS: dict[str, Callable[[dict[str, list[Row]], int], None]] = {
    "type-number": _set("spaces", "latitude", "45,5x"),
    "type-integer": _set("spaces", "workstations", "dieci"),
    "type-date": _set("admissions", "date_submitted", "2013-02-30"),
    "pattern": _set("spaces", "postcode", "2012"),
    "enum": _set("spaces", "type", "ufficio"),
    "required": _set("spaces", "name", ""),
    "minimum": _set("spaces", "workstations", "0"),
    "maximum": _set("calls", "award_cap_share", "1.5"),
    "unique": _duplicate("spaces"),
    "foreign-key": _set("spaces", "operator_id", "99999999999"),
    "vat-check-digit": _set("organisations", "vat_number", "01199250159"),
    "coordinates-swapped": _swap,
    "primary-key": _duplicate("funding"),
    "blank-row": _blank,
    "window-order": _set("calls", "closing_date", "2012-01-01"),
    "award-over-cap": _set("awards", "amount", "9000"),
    "outcome-counts": _set("outcomes", "applications", "20"),
}


def _plant(tables: dict[str, list[Row]], rnd: random.Random, share: float) -> None:
    kinds = list(TABLE_DEFECTS + GRAPH_DEFECTS)
    total = sum(map(len, tables.values()))
    count = max(len(kinds), int(total * share))
    for k in range(count):
        PLANTERS[kinds[k % len(kinds)]](tables, rnd.randrange(1_000_000_000))


def main() -> None:
    """``python bench/generate.py --project DIR --spaces N``: write a generated project directory (bench/project.py)."""
    import argparse
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    parser = argparse.ArgumentParser(description="Write a generated project (INVENTED DATA) for the build benchmark.")
    parser.add_argument("--project", type=Path, required=True, help="The directory to write (replaced).")
    parser.add_argument("--spaces", type=int, required=True, help="How many spaces (about 8,000 sources at any size).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defects", type=float, default=0.005, help="Share of spaces with a planted defect.")
    args = parser.parse_args()
    from bench.project import write_project

    record = write_project(args.project, spaces=args.spaces, seed=args.seed, defects=args.defects)
    record["planted_rows"] = len(record["planted_rows"])  # named one by one in bench-project.json
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
