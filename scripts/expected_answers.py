"""The expected answers of the queries on spaces per type, per French région and per size class of commune,
computed from the published table (`data/spaces.csv`) and INSEE's list (`reference/insee/`) with the standard
library only: no code of the toolkit, no SPARQL, so a query that maps or counts wrongly cannot agree by accident.

    python scripts/expected_answers.py            # writes queries/expected/spaces-per-{type,region-fr,size-class}.csv
    python scripts/expected_answers.py --check    # exits 1 when a committed answer differs (tests run this)
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ISO3 = {"IT": "ITA", "FR": "FRA"}
#: Lower bound and label of each size class of commune (legal population).
CLASSES = ((0, "0-5000"), (5000, "5000-20000"), (20000, "20000-50000"), (50000, "50000-100000"),
           (100000, "100000 et plus"))


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def answers(table: Path = ROOT / "data" / "spaces.csv", insee: Path = ROOT / "reference" / "insee") -> dict[str, str]:
    """File name → the CSV the query must answer, from the spaces table ``table`` and the INSEE list ``insee``."""
    with table.open(encoding="utf-8", newline="") as handle:
        spaces = list(csv.DictReader(handle))
    communes = {c["code"]: c for c in json.loads((insee / "communes.json").read_text(encoding="utf-8"))
                if c.get("type") == "commune-actuelle"}
    regions = {r["code"]: r["nom"] for r in json.loads((insee / "regions.json").read_text(encoding="utf-8"))}

    per_type = Counter((ISO3[s["country"] or "IT"], s["type"]) for s in spaces)
    french = [communes[s["commune_insee"]] for s in spaces if s["country"] == "FR"]
    per_region = Counter(c["region"] for c in french)
    per_class = Counter(max(low for low, _label in CLASSES if c["population"] >= low)
                        for c in french if c.get("population") is not None)
    labels = dict(CLASSES)
    return {
        "spaces-per-type.csv": _csv(["country", "type", "spaces"],
                                    [[*key, n] for key, n in sorted(per_type.items())]),
        "spaces-per-region-fr.csv": _csv(["region_code", "region", "spaces"],
                                      [[code, regions[code], n] for code, n in sorted(per_region.items())]),
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
