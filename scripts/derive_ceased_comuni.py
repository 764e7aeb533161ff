"""Write reference/ontopia/ceased.csv from OntoPiA's cities.csv (see reference/ontopia/SOURCE.md).

Usage: .venv/bin/python scripts/derive_ceased_comuni.py path/to/cities.csv
"""

import sys
from pathlib import Path

from cowork_data.comune_names import CEASED_FILE, write_ceased

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"{write_ceased(Path(sys.argv[1]))} names → {CEASED_FILE}")
