"""ISTAT list of Italian comuni (shipped in `reference/istat/`, "Fonte: ISTAT", CC BY 3.0 IT).

The file is Windows-1252 (latin-1 but for `Š` and `ž` in two Slovenian names, which latin-1 reads as control
characters), `;`-separated, with newlines inside its quoted header cells, padded cells and `.` as thousands
separator; the shared readers decode and split it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cowork_data.config import project_root
from cowork_data.errors import ConfigError, UnreadableFileError, UsageError
from cowork_data.readers import decode, parse_csv

__all__ = ["Comune", "Comuni", "ISTAT_FILE", "fold_name", "load_comuni"]

ISTAT_FILE = Path("reference") / "istat" / "comuni-2020-01-01.csv"

_COLUMNS = {
    "istat": "Codice Comune formato alfanumerico",
    "name": "Denominazione in italiano",
    "other_names": "Denominazione altra lingua",
    "belfiore": "Codice Catastale del comune",
    "province_code": "Sigla automobilistica",
    "region": "Denominazione regione",
    "population": "Popolazione legale 2011 (09/10/2011)",
}
#: Columns read when the file has them (older copies and small test files may not).
_OPTIONAL = {"province_name": "Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)"}
_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "´": "'", "‘": "'"})
# An apostrophe right after a vowel at the end of a word is an accent typed on a keyboard without it (CITTA').
_TYPED_ACCENT = re.compile(r"([aeiou])'(?=\s|$|-)")


@dataclass(frozen=True)
class Comune:
    """One comune: ISTAT code (6 digits), official Italian name, Belfiore code, province sigla, region."""

    istat: str
    name: str
    belfiore: str
    province_code: str
    region: str
    population: int | None = None
    #: The province (or metropolitan city, free consortium) as ISTAT names it: ``Monza e della Brianza``.
    province_name: str = ""
    #: The names in the comune's other official language (``Bozen`` for Bolzano), as ISTAT writes them.
    other_names: tuple[str, ...] = ()


def fold_name(name: str) -> str:
    """A comparison key for place names: case, accents, accents typed as apostrophes and spaces do not count."""
    text = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = " ".join(text.split())
    text = _TYPED_ACCENT.sub(r"\1", text)
    return re.sub(r"\s*([-/'])\s*", r"\1", text)


class Comuni:
    """The comuni with lookups by ISTAT code, Belfiore code and name."""

    def __init__(self, comuni: Iterable[Comune] = ()) -> None:
        self._items: list[Comune] = []
        self._by_istat: dict[str, Comune] = {}
        self._by_belfiore: dict[str, Comune] = {}
        self._by_name: dict[str, list[Comune]] = {}
        for comune in comuni:
            self._add(comune)

    @classmethod
    def from_csv(cls, path: Path) -> Comuni:
        """Read the ISTAT CSV (Windows-1252, `;`)."""
        try:
            text = decode(path.read_bytes(), name=str(path)).text
        except (OSError, UnreadableFileError) as exc:
            raise ConfigError("error.istat-unreadable", path=path, detail=exc) from exc
        reader = iter(parse_csv(text, delimiter=";"))
        header = [" ".join(cell.split()) for cell in next(reader, [])]
        try:
            index = {key: header.index(column) for key, column in _COLUMNS.items()}
        except ValueError as exc:
            raise ConfigError("error.istat-column-missing", file=path.name, detail=exc) from exc
        index.update({key: header.index(column) for key, column in _OPTIONAL.items() if column in header})
        comuni = cls()
        for row in reader:
            if not row:
                continue
            cell = {"province_name": "", **{key: row[i].strip() for key, i in index.items()}}
            population = cell["population"].replace(".", "")
            comune = Comune(
                istat=cell["istat"],
                name=cell["name"],
                belfiore=cell["belfiore"].upper(),
                province_code=cell["province_code"],
                region=cell["region"],
                population=int(population) if population.isdigit() else None,
                province_name=cell["province_name"],
                other_names=tuple(n.strip() for n in cell["other_names"].split("/") if n.strip()),
            )
            comuni._add(comune, cell["other_names"])
        return comuni

    def _add(self, comune: Comune, other_names: str = "") -> None:
        self._items.append(comune)
        self._by_istat[comune.istat] = comune
        self._by_belfiore[comune.belfiore] = comune
        for name in [comune.name, *other_names.split("/")]:
            bucket = self._by_name.setdefault(fold_name(name), [])
            if name.strip() and comune not in bucket:
                bucket.append(comune)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Comune]:
        return iter(self._items)

    def by_istat(self, code: str | int) -> Comune | None:
        """`015146`, `15146` or 15146 → Milano."""
        text = str(code).strip()
        return self._by_istat.get(text.zfill(6)) if text.isdigit() else None

    def by_belfiore(self, code: str) -> Comune | None:
        """`F205` or `f205` → Milano."""
        return self._by_belfiore.get(code.strip().upper())

    def by_name(self, name: str, province: str | None = None) -> Comune | None:
        """Look a comune up by name (`CITTA'` finds Città); `province` is the sigla (`MI`).

        Raises `UsageError` when the name is shared by comuni of several provinces and none is given.
        """
        candidates = self._by_name.get(fold_name(name), [])
        if province:
            candidates = [c for c in candidates if c.province_code == province.strip().upper()]
        if len(candidates) > 1:
            provinces = ", ".join(c.province_code for c in candidates)
            raise UsageError("error.comune-ambiguous", name=repr(name), provinces=provinces)
        return candidates[0] if candidates else None


#: Of the pickled list (:mod:`cowork_data.kept`): a new layout of :class:`Comuni` invalidates every kept file.
_FORMAT = "comuni-1"
#: The code a read list depends on: this module and the readers that decode and split the file.
_CODE = (Path(__file__).resolve(), Path(__file__).resolve().parent / "readers")


@lru_cache(maxsize=4)
def _load(path: Path) -> Comuni:
    """Read once per process and kept between processes (:mod:`cowork_data.kept`, key: the file's bytes and the
    code): 0.15 s to read the CSV, 0.03 s to read back."""
    from cowork_data.kept import content_key, remembered

    try:
        key = content_key([_FORMAT], [path, *_CODE])
    except OSError:  # the file cannot be read: reading it says so, in the user's language
        return Comuni.from_csv(path)
    return remembered("comuni", key, lambda: Comuni.from_csv(path))


def load_comuni(path: Path | None = None) -> Comuni:
    """The shipped ISTAT list, read once per process."""
    return _load((path or project_root() / ISTAT_FILE).resolve())
