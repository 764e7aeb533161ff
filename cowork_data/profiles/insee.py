"""INSEE's Code officiel géographique (COG) of French communes, from Etalab's `@etalab/decoupage-administratif`.

Shipped unchanged in `reference/insee/` (Licence Ouverte 2.0; see its SOURCE.md): `communes.json` lists current
communes (`commune-actuelle`), the municipal arrondissements of Paris, Lyon and Marseille
(`arrondissement-municipal`, with the `commune` they belong to) and the former communes kept as *communes
déléguées* or *associées* (with their `chefLieu`, the current commune); current communes carry the `anciensCodes`
of the communes merged into them. A code from an older list (the CGET inventory is of 2019) is resolved to the
current commune through these links, and says how (:attr:`Resolution.how`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cowork_data.config import project_root
from cowork_data.errors import ConfigError
from cowork_data.reference import fold_name

__all__ = ["INSEE_DIR", "Commune", "Communes", "Resolution", "load_communes", "name_key", "size_class"]

INSEE_DIR = Path("reference") / "insee"
#: An INSEE commune code: 5 characters, the département first (`2A`/`2B` in Corsica, `97x` overseas).
CODE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")
#: Size classes of communes by legal population, as the CGET inventory's COMCLASS column names them.
SIZE_CLASSES = ((5_000, "0-5000"), (20_000, "5000-20000"), (50_000, "20000-50000"), (100_000, "50000-100000"))


@dataclass(frozen=True)
class Commune:
    """A current French commune: INSEE code, official name, département, région, population, postcodes."""

    code: str
    name: str
    departement: str
    region: str
    zone: str
    population: int | None
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    """A code or name resolved to a current commune; `how` is `current`, `arrondissement`, `delegated`,
    `former`, `name+postcode` or `name+departement`; `given` is what the source wrote."""

    commune: Commune
    how: str
    given: str


def size_class(population: int | None) -> str:
    """The size class of a commune by population (`0-5000` … `100000 et plus`); `""` when unknown."""
    if population is None:
        return ""
    return next((label for limit, label in SIZE_CLASSES if population < limit), "100000 et plus")


def name_key(name: str) -> str:
    """Name key: case, accents, hyphens, a leading article and `St` for `Saint` do not count (`ST-MALO` is
    `Saint-Malo`, `Puy-en-Velay` is `Le Puy-en-Velay`)."""
    text = fold_name(name).replace("-", " ").replace("'", " ")
    text = re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", text))
    return re.sub(r"^(?:le|la|les|l)\s+", "", " ".join(text.split()))


class Communes:
    """Lookups of current communes by code (current or former) and by name, with départements and régions."""

    def __init__(self, entries: list[dict], departements: list[dict], regions: list[dict]) -> None:
        self.departements = {d["code"]: d["nom"] for d in departements}
        self.regions = {r["code"]: r["nom"] for r in regions}
        self._current: dict[str, Commune] = {}
        self._links: dict[str, tuple[str, str]] = {}  # other code → (current code, how)
        self._by_name: dict[str, list[Commune]] = {}
        for e in entries:
            if e.get("type") != "commune-actuelle":
                continue
            commune = Commune(code=e["code"], name=e["nom"], departement=e.get("departement", ""),
                              region=e.get("region", ""), zone=e.get("zone", ""), population=e.get("population"),
                              postcodes=tuple(e.get("codesPostaux") or ()))
            self._current[commune.code] = commune
            self._by_name.setdefault(name_key(commune.name), []).append(commune)
            for old in e.get("anciensCodes") or ():
                self._links.setdefault(old, (commune.code, "former"))
        for e in entries:
            kind, target = e.get("type"), e.get("commune") or e.get("chefLieu")
            if kind == "commune-actuelle" or target not in self._current:
                continue
            how = "arrondissement" if kind == "arrondissement-municipal" else "delegated"
            if e["code"] not in self._current:
                self._links[e["code"]] = (target, how)
            # a former commune's name finds its current commune too (Morez is now in Hauts de Bienne)
            bucket = self._by_name.setdefault(name_key(e["nom"]), [])
            if self._current[target] not in bucket:
                bucket.append(self._current[target])

    @classmethod
    def from_dir(cls, directory: Path) -> Communes:
        try:
            parts = [json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
                     for name in ("communes", "departements", "regions")]
        except (OSError, ValueError) as exc:
            raise ConfigError("error.insee-unreadable", path=directory, detail=str(exc)) from exc
        return cls(*parts)

    def __len__(self) -> int:
        return len(self._current)

    def __iter__(self) -> Iterator[Commune]:
        return iter(self._current.values())

    def get(self, code: str) -> Commune | None:
        """The current commune with exactly this code."""
        return self._current.get(code.strip().upper())

    def resolve(self, code: str) -> Resolution | None:
        """The current commune of a code: itself, or through an arrondissement, a delegated or a former commune."""
        code = code.strip().upper()
        if code in self._current:
            return Resolution(self._current[code], "current", code)
        if code in self._links:
            target, how = self._links[code]
            return Resolution(self._current[target], how, code)
        return None

    def by_name(self, name: str, *, postcode: str = "", departement: str = "") -> list[Commune]:
        """Current communes named `name` (or with a former commune of that name), narrowed by postcode, else by
        département; the caller decides what several candidates mean."""
        candidates = self._by_name.get(name_key(name), [])
        if postcode:
            narrowed = [c for c in candidates if postcode in c.postcodes]
            if narrowed:
                return narrowed
        if departement:
            return [c for c in candidates if c.departement == departement.strip().upper()]
        return list(candidates)

    def departement_name(self, code: str) -> str:
        return self.departements.get(code, "")

    def region_name(self, code: str) -> str:
        return self.regions.get(code, "")


@lru_cache(maxsize=2)
def _load(directory: Path) -> Communes:
    return Communes.from_dir(directory)


def load_communes(directory: Path | None = None) -> Communes:
    """The shipped INSEE list, read once per process."""
    return _load((directory or project_root() / INSEE_DIR).resolve())
