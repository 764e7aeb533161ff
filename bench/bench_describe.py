"""Benchmark (not a test): describe a comune's GeoJSON of 16,000 points in Gauss-Boaga fuso Ovest (EPSG:3003).

INVENTED POINTS inside the real boundary of the Comune di Milano (tests/fixtures/geo/, ISTAT / openpolis,
CC BY 4.0), written as a comune's export with its GeoJSON 2008 ``crs`` member. Prints JSON: the points, the bytes,
seconds warm (best of 5 after a warm-up call), cold (best of 3 ``cowork-data describe --json`` processes), and in
the same run the floors it is measured against: ``json.loads`` of the bytes and one pyproj transform of the 16,000
points. The issue's bound is 2 s.

    .venv/bin/python bench/bench_describe.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyproj import Transformer  # noqa: E402

from bench.timing import best  # noqa: E402
from cowork_data.geo.boundaries import boundaries  # noqa: E402
from cowork_data.harvest.describe import describe  # noqa: E402
from tests.fixtures.geo.comune_points import geojson  # noqa: E402

POINTS = 16000


def main() -> None:
    data, _ = geojson(POINTS, 3003)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "punti-3003.geojson"
        path.write_bytes(data)
        found = describe(path)
        assert found.table is not None and found.table["crs"] == "EPSG:3003" and found.table["rows"] == POINTS
        shapes = boundaries()
        located = shapes.locate([p[0] for p in found.detection.points], [p[1] for p in found.detection.points])
        assert {shapes.place(i).istat for i in located} == {"015146"}  # every point in the Comune di Milano
        warm = best(5, lambda: describe(path))
        cli = [sys.executable, "-m", "cowork_data", "describe", str(path), "--json"]
        cold = best(3, lambda: subprocess.run(cli, check=True, capture_output=True, cwd=ROOT))
        document = json.loads(data)
        xs = [f["geometry"]["coordinates"][0] for f in document["features"]]
        ys = [f["geometry"]["coordinates"][1] for f in document["features"]]
        transformer = Transformer.from_crs(3003, 4326, always_xy=True)
        transformer.transform(xs[:10], ys[:10])
        print(json.dumps({"points": POINTS, "bytes": len(data), "crs": found.table["crs"],
                          "all_points_inside_the_comune": True, "describe_warm_s": round(warm, 3),
                          "describe_cold_cli_s": round(cold, 3),
                          "floor_json_loads_s": round(best(5, lambda: json.loads(data)), 3),
                          "floor_pyproj_transform_s": round(best(5, lambda: transformer.transform(xs, ys)), 3),
                          "bound_s": 2.0}, indent=2))


if __name__ == "__main__":
    main()
