"""Stable identifiers: slugs of spaces and fallback ids of organisations, frozen at first sight.

`ids/crosswalk.csv` maps (table, source_id, source_key) → id, where source_key is the source's own record id
or, when the source has none, a stable key built from the normalised name and address. Once an id is in the
crosswalk it never changes, so IRIs survive renames; the file is committed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from cowork_data.atomic import write_text_atomic
from cowork_data.errors import ConfigError

__all__ = ["COLUMNS", "CROSSWALK_FILE", "Crosswalk", "slugify"]

CROSSWALK_FILE = Path("ids") / "crosswalk.csv"
COLUMNS = ("table", "source_id", "source_key", "id")
_MAX_SLUG = 60


def slugify(text: str) -> str:
    """ASCII, lower-case, words joined by `-` (`Coworking delle Specialità` → `coworking-delle-specialita`)."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    return slug


class Crosswalk:
    """The (table, source_id, source_key) → id map, with minting of new ids."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str, str], str] = {}
        self._used: dict[str, set[str]] = {}
        self._by_source: dict[str, dict[tuple[str, str, str], str]] = {}

    @classmethod
    def load(cls, path: Path) -> Crosswalk:
        """Read a crosswalk file; a missing file is an empty crosswalk."""
        crosswalk = cls()
        if not path.exists():
            return crosswalk
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ConfigError("error.crosswalk-header", path=path, columns=",".join(COLUMNS))
        for line, row in enumerate(reader, start=2):
            key = (row["table"], row["source_id"], row["source_key"])
            if not all(key) or not row["id"] or key in crosswalk._ids:
                raise ConfigError("error.crosswalk-row", path=path, line=line)
            crosswalk._put(key, row["id"])
        return crosswalk

    def _put(self, key: tuple[str, str, str], id_: str) -> str:
        self._ids[key] = id_
        self._by_source.setdefault(key[1], {})[key] = id_
        self._used.setdefault(key[0], set()).add(id_)
        return id_

    def __len__(self) -> int:
        return len(self._ids)

    def rows(self, source_id: str) -> list[tuple[str, str, str, str]]:
        """The frozen ``(table, source_id, source_key, id)`` rows of one source, sorted."""
        return sorted((*key, id_) for key, id_ in self._by_source.get(source_id, {}).items())

    def get(self, table: str, source_id: str, source_key: str) -> str | None:
        """The frozen id of a record, if it has one."""
        return self._ids.get((table, source_id, source_key))

    def assign(self, table: str, source_id: str, source_key: str, name: str, belfiore: str) -> str:
        """The id of a record: the frozen one, else a new unique one minted from its name.

        Spaces get `{belfiore lower}/{slug}`; organisations `nc-{slug}` (no code known).
        """
        key = (table, source_id, source_key)
        if key in self._ids:
            return self._ids[key]
        slug = slugify(name) or "senza-nome"
        stem = f"nc-{slug}" if table == "organisations" else f"{belfiore.lower()}/{slug}"
        used = self._used.get(table, set())
        candidate, n = stem, 2
        while candidate in used:
            candidate, n = f"{stem}-{n}", n + 1
        return self._put(key, candidate)

    def register(self, table: str, source_id: str, source_key: str, id_: str) -> str:
        """Freeze `id_` for a record that names its own id; a record already frozen keeps its id."""
        key = (table, source_id, source_key)
        if key in self._ids:
            return self._ids[key]
        if id_ in self._used.get(table, set()):
            raise ConfigError("error.id-taken", id=id_, table=table, source=source_id)
        return self._put(key, id_)

    def save(self, path: Path) -> None:
        """Write the crosswalk sorted, with `\\n` line ends, so the same content gives the same bytes."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for key in sorted(self._ids):
            writer.writerow([*key, self._ids[key]])
        write_text_atomic(path, buffer.getvalue())  # the frozen ids must never be left half-written
