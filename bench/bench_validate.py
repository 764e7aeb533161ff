"""Benchmark (not a test): validate a generated 1,000-row XLSX warm (in process) and cold (a fresh CLI process).

INVENTED DATA: the rows are generated (made-up names on real Milan streets' pattern), they describe nothing real.
Prints JSON: rows, seconds warm (best of 5 after one warm-up call), warm with the SHACL shapes (one run, pySHACL)
and cold (best of 3 `cowork-data validate` runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cowork_data.validate import validate_file  # noqa: E402
from cowork_data.validate.writers import GridSheet, write_grid  # noqa: E402

HEADER = ["Denominazione", "Tipologia", "P.IVA gestore", "Indirizzo", "Civico", "CAP", "Comune", "Latitudine",
          "Longitudine", "N. postazioni", "Dotazioni", "Sito web", "Email", "Telefono", "Aperto dal"]
ROWS = 1000


def make(path: Path) -> Path:
    rows = [[f"Spazio Prova {i}", ("coworking", "fablab")[i % 2], "01199250158", f"Via Prova {i}", str(i % 90 + 1),
             "20144", "Milano", f"{45.40 + i / 100000:.5f}", f"{9.15 + i / 100000:.5f}", str(i % 40 + 1),
             "workstations wifi", f"https://spazio-{i}.example.org/", f"info{i}@example.org",
             "+390212345678", "2013"] for i in range(ROWS)]
    return write_grid(path, [GridSheet("Spazi", [HEADER, *rows], 1, {7, 8, 9})])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = make(Path(tmp) / "mille.xlsx")
        report = validate_file(path)
        assert report.valid, report.to_dict()["findings"][:3]
        warm = []
        for _ in range(5):
            start = time.perf_counter()
            validate_file(path)
            warm.append(time.perf_counter() - start)
        start = time.perf_counter()
        validate_file(path, shacl=True)
        with_shacl = time.perf_counter() - start
        cli = [str(ROOT / ".venv" / "bin" / "cowork-data"), "validate", str(path)]
        cold = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(cli, capture_output=True, text=True, check=False)
            cold.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    print(json.dumps({"benchmark": "validate", "rows": ROWS, "format": "xlsx",
                      "warm_seconds": round(min(warm), 3), "warm_seconds_with_shacl": round(with_shacl, 3),
                      "cold_cli_seconds": round(min(cold), 3), "targets": {"warm": 1.0, "cold_cli": 2.5}}, indent=2))


if __name__ == "__main__":
    main()
