"""Benchmark (not a test) of the validator, the figures of issue 17's acceptance 2 and 3.

INVENTED DATA: every space is generated (made-up names, streets and numbers); the comuni, their names as people
write them, the points (inside the comuni's ISTAT boundaries) and the phones' layouts are real. Prints JSON:

- ``messy_10k``: a 10,000-row CSV with every defect the validator knows (comuni written other ways, exonyms, ceased
  and unknown names, decimal commas, national and foreign phones, points in another comune, at sea, swapped, empty
  comuni a point fills, spaces around values, duplicates, rows abroad) validated warm (best of 3, SHACL on, as by
  default) and as a cold CLI call (best of 2 ``cowork-data validate --json``; the compiled shapes in the user's
  cache, as after any first call); targets < 2 s and < 3 s;

- ``unknown_names``: 1,000 distinct misspelt names resolved (closest official name, rapidfuzz); target < 1 s;
- ``points``: 10,000 points placed in their comune (STRtree, boundaries loaded), and the boundaries' cold load;
  target < 0.5 s;
- ``world_460``: the 460-row list of spaces in 40 countries (``tests/fixtures/validator/make_world.py``) warm, with
  the number of "outside Italy" findings per foreign row; target < 1.5 s and exactly one.

Each figure has the CPU seconds it took (user + system of every thread; of the child for the CLI call) and the
one-minute load average when it started: the machine the figures are taken on is shared, and the CPU time, much less
sensitive to its load than the wall time, is about what the wall time would be on an idle machine (less where the
SHACL queries run on two cores).
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "validator"))

HEADER = ["Denominazione", "Tipologia", "Indirizzo", "CAP", "Comune", "Telefono", "Latitudine", "Longitudine",
          "N. postazioni"]
#: (as written, the ISTAT code of the comune whose point the row gets)
WRITTEN = [("Milano", "015146"), ("MILANO", "015146"), ("Milan", "015146"), ("Mailand", "015146"),
           ("Florence", "048017"), ("Genoa", "010025"), ("Monza (MB)", "108033"), ("Desio - Monza e Brianza", "108023"),
           ("Cinisello-Balsamo", "015077"), ("CITTA' DI CASTELLO", "054013"), ("S. Donato Milanese", "015192"),
           ("Bassano del Grappa - Vicenza", "024012"), ("Tremezzo", "013252"), ("Bolzano/Bozen", "021008"),
           ("Roma", "058091"), ("Torino", "001272"), ("Bologna", "037006"), ("Forli", "040012"),
           ("Sesto San Giovanni", "015209"), ("Napoli", "063049")]
ROWS = 10_000


def _points() -> dict[str, tuple[float, float]]:
    from cowork_data.geo.boundaries import boundaries

    geo = boundaries()
    return {istat: (p.y, p.x) for istat in {i for _, i in WRITTEN}
            for p in [geo.geometries[geo.by_istat[istat]].point_on_surface()]}


def messy_rows() -> list[list[str]]:
    points = _points()
    out = []
    for i in range(ROWS):
        written, istat = WRITTEN[i % len(WRITTEN)]
        lat, lon = points[istat]
        row = [f"Spazio inventato {i}", ("coworking", "fablab", "Co-working")[i % 3], f"Via Inventata {i % 500}",
               "20121", written, "+390212345678", f"{lat:.5f}", f"{lon:.5f}", str(i % 40 + 1)]
        kind = i % 17
        if kind == 1:
            row[5] = "02 1234567"  # national format
        elif kind == 2:
            row[5] = "0424 51 24 91"
        elif kind == 3:
            row[6], row[7] = row[6].replace(".", ","), row[7].replace(".", ",")  # decimal commas
        elif kind == 4:
            row[6], row[7] = row[7], row[6]  # swapped
        elif kind == 5:
            row[4] = "Milano"
            row[6], row[7] = f"{points['015209'][0]:.5f}", f"{points['015209'][1]:.5f}"  # in Sesto San Giovanni
        elif kind == 6:
            row[6], row[7] = "43.50000", "14.50000"  # the Adriatic
        elif kind == 7:
            row[4] = ""  # filled from the point
        elif kind == 8:
            row[4] = f"Comnue inventato {i}"  # unknown, distinct names
        elif kind == 9:
            row[0] = f"  {row[0]} "  # spaces around
        elif kind == 10:
            row[0] = "Spazio inventato 0"
            row[2] = "Via Inventata 0"  # a duplicate of row 0
        elif kind == 11:
            row[8] = "1.200"
        elif kind == 12:
            row[4], row[3], row[5], row[6], row[7] = "London", "SW1A 1AA", "020 7946 0018", "51.50140", "-0.14190"
        elif kind == 13:
            row[5] = "+44 20 7946 0018"  # a foreign number in an Italian row
        out.append(row)
    return out


def _best(runs: int, call) -> float:  # noqa: ANN001 - a callable
    return _timed(runs, call)["seconds"]


def _timed(runs: int, call, *, child: bool = False) -> dict[str, float]:  # noqa: ANN001 - a callable
    """Best of ``runs``: wall seconds, CPU seconds (user + system: of this process, or of the child processes
    ``call`` waits for when ``child``; less sensitive to the load of a shared machine than the wall time) and the
    one-minute load average when the best run started."""
    best: dict[str, float] = {}
    for _ in range(runs):
        load = os.getloadavg()[0]
        who = resource.RUSAGE_CHILDREN if child else resource.RUSAGE_SELF
        before, start = resource.getrusage(who), time.perf_counter()
        call()
        wall, after = time.perf_counter() - start, resource.getrusage(who)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if not best or wall < best["seconds"]:
            best = {"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "load_average": round(load, 2)}
    return best


def main() -> None:
    import make_world
    import numpy as np

    from cowork_data.comune_names import resolve
    from cowork_data.geo.boundaries import Boundaries, boundaries
    from cowork_data.validate import validate_file

    result: dict[str, object] = {"benchmark": "validate"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "elenco-10k.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=";", lineterminator="\n").writerows([HEADER, *messy_rows()])
        report = validate_file(path)
        counts = report.counts()
        warm = _timed(3, lambda: validate_file(path))
        cli = [str(ROOT / ".venv" / "bin" / "cowork-data"), "validate", str(path), "--json"]
        cold = _timed(2, lambda: subprocess.run(cli, capture_output=True, check=False), child=True)
        result["messy_10k"] = {"rows": ROWS, "findings": len(report.findings), "kinds": counts,
                               "warm_seconds": warm["seconds"], "warm_cpu_seconds": warm["cpu_seconds"],
                               "warm_load_average": warm["load_average"],
                               "cold_cli_seconds": cold["seconds"], "cold_cli_cpu_seconds": cold["cpu_seconds"],
                               "cold_load_average": cold["load_average"],
                               "targets": {"warm": 2.0, "cold_cli": 3.0}}

        names = [f"{name[:-2]}{chr(97 + i % 26)}{name[-2:]}{'x' * (i // 260)}"
                 for i, name in enumerate(n for n, _ in WRITTEN * 50)][:1000]
        load, start, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
        resolved = [resolve(name) for name in names]
        names_s, names_cpu = time.perf_counter() - start, time.process_time() - cpu
        result["unknown_names"] = {"names": len(names), "distinct": len(set(names)), "seconds": round(names_s, 3),
                                   "ms_per_name": round(1000 * names_s / len(names), 3),
                                   "cpu_seconds": round(names_cpu, 3), "load_average": round(load, 2),
                                   "suggested": sum(1 for r in resolved if r.suggestion or r.comune),
                                   "target_seconds": 1.0}

        start = time.perf_counter()
        Boundaries.read()
        load = time.perf_counter() - start
        geo = boundaries()
        rng = np.random.default_rng(17)
        lons, lats = rng.uniform(6.6, 18.5, 10_000), rng.uniform(36.6, 47.1, 10_000)
        placed = _best(3, lambda: geo.locate(lons, lats))
        result["points"] = {"points": 10_000, "in_a_comune": sum(i is not None for i in geo.locate(lons, lats)),
                            "seconds": round(placed, 3), "boundaries_read_seconds": round(load, 3),
                            "target_seconds": 0.5}

        world = make_world.write(Path(tmp) / "world.csv")
        report = validate_file(world)
        per_row: dict[int, int] = {}
        for f in report.findings:
            if f.row:
                per_row[f.row] = per_row.get(f.row, 0) + 1
        abroad = [f.row for f in report.findings if f.code == "row-outside-italy"]
        world_warm = _timed(3, lambda: validate_file(world))
        result["world_460"] = {"rows": 460, "countries": len(make_world.CITIES),
                               "warm_seconds": world_warm["seconds"], "warm_cpu_seconds": world_warm["cpu_seconds"],
                               "load_average": world_warm["load_average"],
                               "rows_outside_italy": len(abroad),
                               "findings_per_foreign_row": sorted({per_row[r] for r in abroad}),
                               "list_findings": report.counts().get("list-outside-italy", 0),
                               "target_seconds": 1.5}
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
