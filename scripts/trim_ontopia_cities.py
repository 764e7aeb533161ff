"""Write reference/ontopia/cities.csv from OntoPiA's cities.csv (see reference/ontopia/SOURCE.md).

Usage: .venv/bin/python scripts/trim_ontopia_cities.py path/to/cities.csv
"""

import sys
from pathlib import Path

from cowork_data.cities import CITIES_FILE, trim_ontopia_cities

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"{trim_ontopia_cities(Path(sys.argv[1]), CITIES_FILE)} versions → {CITIES_FILE}")
