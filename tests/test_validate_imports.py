"""What a cold validation imports: a list whose cells are plain ASCII text needs neither ftfy (the mojibake test,
0.1 s to import) nor frictionless (the reference engine, 0.3-0.6 s with pydantic and jsonschema); a list with
accents still gets ftfy (here its double-encoded UTF-8 undone). Invented spaces, real comuni and points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
from cowork_data.validate import validate_file
out = []
for path in sys.argv[1:]:
    report = validate_file(path)
    out.append({"codes": sorted({f.code for f in report.findings}),
                "imported": sorted(m for m in ("ftfy", "frictionless") if m in sys.modules)})
print(json.dumps(out))
"""


def test_a_plain_list_imports_neither_ftfy_nor_frictionless(tmp_path: Path) -> None:
    plain = tmp_path / "semplice.csv"
    plain.write_text("Denominazione;Tipologia;Comune;Latitudine;Longitudine\n"
                     "Spazio inventato;coworking;Milano;45.46420;9.18998\n", encoding="utf-8")
    accents = tmp_path / "accenti.csv"
    accents.write_text("Denominazione;Tipologia;Comune;Latitudine;Longitudine\n"
                       "Spazio inventato;coworking;ForlÃ¬;44.22250;12.04083\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(plain), str(accents)], capture_output=True, text=True,
                          check=True, timeout=300)
    first, second = json.loads(done.stdout)
    assert first["imported"] == []
    assert "ftfy" in second["imported"] and second["codes"] == first["codes"], second  # Forlì read as Forlì
