"""The expected answers of the queries on spaces per type, per French région and per size class of commune,
computed from the source files themselves (the CGET 2019 inventory, the Milan lists) and INSEE's list
(`reference/insee/`) with the standard library only: no code of the toolkit, no published table, no SPARQL, so a
reader or a query that maps, places or counts wrongly cannot agree by accident.

The CGET rows are placed by their own rule, written here a second time: the published `INSEECOM` (an
arrondissement, a commune déléguée or associée counts for its current commune); when it is `0`, the commune
named (`NOMCOM`, else `COMINIT`) by its name, narrowed by postcode and by the commune of the point; else the
commune of the point (`INSEEMETRO`) when no commune is named or its postcodes hold the row's; else the row is
left out (a commune that is not French, a technopole).

    python scripts/expected_answers.py            # writes queries/expected/spaces-per-{type,region-fr,size-class}.csv
    python scripts/expected_answers.py --check    # exits 1 when a committed answer differs (tests run this)
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CGET = ROOT / "sources" / "snapshots" / "cget-tiers-lieux-2019" / "CGET_TiersLieux_2019.csv"
#: The Milan lists, one type each (the fixture of the Comune di Milano's two files).
MILAN = {"coworking": ROOT / "sources" / "snapshots" / "milano-coworking" / "coworking__joined__f.csv",
         "fablab": ROOT / "sources" / "snapshots" / "milano-fablab" / "ds744_fablab_milano.csv"}
TYPES = {"tiers lieux a dominante coworking": "coworking", "tiers lieux a dominante fablab": "fablab"}
#: Lower bound and label of each size class of commune (legal population).
CLASSES = ((0, "0-5000"), (5000, "5000-20000"), (20000, "20000-50000"), (50000, "50000-100000"),
           (100000, "100000 et plus"))


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _key(name: str) -> str:
    """Case, accents, hyphens, apostrophes and `Saint`/`St` do not count (`St-Paul` = `Saint Paul`)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\bste?\b", lambda m: "sainte" if m.group() == "ste" else "saint", re.sub(r"[^a-z0-9]+", " ", text))
    return " ".join(text.split())


class Insee:
    """INSEE's communes (Etalab's file): current ones, and the code each other kind stands for."""

    def __init__(self, directory: Path) -> None:
        entries = json.loads((directory / "communes.json").read_text(encoding="utf-8"))
        self.current = {e["code"]: e for e in entries if e["type"] == "commune-actuelle"}
        self.parent = {e["code"]: e.get("commune") or e.get("chefLieu") for e in entries
                       if e["type"] != "commune-actuelle"}
        self.names: dict[str, set[str]] = {}
        for e in entries:
            if (code := self.of(e["code"])) is not None:
                self.names.setdefault(_key(e["nom"]), set()).add(code)
        self.regions = {r["code"]: r["nom"] for r in json.loads((directory / "regions.json").read_text("utf-8"))}

    def of(self, code: str) -> str | None:
        """The current commune a code stands for."""
        code = code.strip()
        return code if code in self.current else (self.parent.get(code) if self.parent.get(code) in self.current
                                                  else None)

    def place(self, row: dict[str, str]) -> str | None:
        """The current commune of a CGET row (module docstring), or None when it is left out."""
        if row["INSEECOM"].strip() not in ("", "0"):
            return self.of(row["INSEECOM"])
        postcode, point = row["CP"].strip(), self.of(row["INSEEMETRO"])
        named = [n for n in (row["NOMCOM"], row["COMINIT"]) if n.strip() and n.strip() != "0"]
        for name in named:
            found = sorted(self.names.get(_key(name), ()))
            by_postcode = [c for c in found if postcode in self.current[c].get("codesPostaux", [])]
            found = by_postcode or found
            if len(found) > 1 and point:
                found = [c for c in found if c == point]
            if len(found) == 1:
                return found[0]
        if point and (not named or postcode in self.current[point].get("codesPostaux", [])):
            return point
        return None


def answers(cget: Path = CGET, insee: Path = ROOT / "reference" / "insee",
            milan: dict[str, Path] | None = None) -> dict[str, str]:
    """File name → the CSV the query must answer, from the source files and INSEE's list."""
    communes = Insee(insee)
    with cget.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if any(v.strip() for v in r.values())]
    placed = [(r, code) for r in rows if (code := communes.place(r)) is not None]
    per_type = Counter(("FRA", TYPES.get(" ".join(_key(r["TYPO"]).split()), "unspecified")) for r, _ in placed)
    for kind, path in (milan or MILAN).items():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            per_type["ITA", kind] += sum(1 for line in list(handle)[1:] if line.strip())
    french = [communes.current[code] for _row, code in placed]
    per_region = Counter(c["region"] for c in french)
    per_class = Counter(max(low for low, _label in CLASSES if c["population"] >= low)
                        for c in french if c.get("population") is not None)
    labels = dict(CLASSES)
    return {
        "spaces-per-type.csv": _csv(["country", "type", "spaces"],
                                    [[*key, n] for key, n in sorted(per_type.items())]),
        "spaces-per-region-fr.csv": _csv(["region_code", "region", "spaces"],
                                         [[code, communes.regions[code], n] for code, n in sorted(per_region.items())]),
        "spaces-per-size-class.csv": _csv(["from", "size_class", "spaces"],
                                          [[low, labels[low], n] for low, n in sorted(per_class.items())]),
    }


def main(argv: list[str]) -> int:
    expected = ROOT / "queries" / "expected"
    found = answers()
    if "--check" in argv:
        stale = [name for name, text in found.items() if (expected / name).read_text(encoding="utf-8") != text]
        print("\n".join(f"differs: {name}" for name in stale) or "ok")
        return 1 if stale else 0
    for name, text in found.items():
        (expected / name).write_text(text, encoding="utf-8", newline="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
