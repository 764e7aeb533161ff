"""Write reference/istat-boundaries/comuni.bin.gz from openpolis' TopoJSON files (see its SOURCE.md).

Usage: .venv/bin/python scripts/derive_boundaries.py path/to/geojson-italy/topojson
"""

import sys
from pathlib import Path

from cowork_data.geo.boundaries import BOUNDARIES_FILE, write_boundaries

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"{write_boundaries(Path(sys.argv[1]))} comuni → {BOUNDARIES_FILE}")
