"""What the toolkit keeps between processes: tables it derives from shipped files, pickled in the user's cache.

A cold ``cowork-data validate`` reads the ISTAT list, builds the comune-name index and reads the cities' history
(0.3 s) and compiles the shapes (1–2.4 s) before it checks a row; read back from a pickle, each takes a few
hundredths of a second. The cache is ``$COWORK_DATA_CACHE``, else ``$XDG_CACHE_HOME/cowork-data``, else
``~/.cache/cowork-data`` — never the checkout. A file is ``{name}-{key}.pickle``; its key is the sha256 of
everything the content is made from (the bytes of the input files and of the code that reads them, the toolkit's
and Python's versions), stored inside the file too. A file that is missing, stale, corrupt or unreadable is made
again and rewritten (a temporary file renamed into place); a cache that cannot be written only costs the making.
The newest :data:`KEEP` files of each name are kept (several checkouts, several versions, may share the cache).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["KEEP", "cache_dir", "content_key", "remembered", "store"]

KEEP = 8
T = TypeVar("T")


def cache_dir() -> Path:
    """Where the toolkit keeps what it derives: ``$COWORK_DATA_CACHE``, else the user's cache directory."""
    if folder := os.environ.get("COWORK_DATA_CACHE"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cowork-data"


def content_key(parts: Iterable[str], files: Iterable[Path]) -> str:
    """The sha256 of ``parts`` (format numbers, library versions), the toolkit's and Python's versions and the
    names and bytes of ``files`` (a folder stands for its ``*.py`` files). A file that cannot be read raises
    OSError."""
    from cowork_data import __version__

    h = hashlib.sha256()
    for part in (__version__, sys.version, *parts):
        h.update(part.encode("utf-8") + b"\0")
    for path in files:
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            h.update(file.name.encode("utf-8") + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return h.hexdigest()


class _Pickler(pickle.Pickler):
    def __init__(self, file: Any, refer: Callable[[Any], Any]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.refer = refer

    def persistent_id(self, obj: Any) -> Any:
        return self.refer(obj)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, resolve: Callable[[Any], Any]) -> None:
        super().__init__(file)
        self.resolve = resolve

    def persistent_load(self, pid: Any) -> Any:
        return self.resolve(pid)


def remembered(name: str, key: str, make: Callable[[], T], *, refer: Callable[[Any], Any] | None = None,
               resolve: Callable[[Any], Any] | None = None) -> T:
    """``make()``, or what it made for the same ``key`` in an earlier process.

    ``refer`` and ``resolve`` keep objects the content shares with another kept table out of its file: ``refer``
    gives such an object's reference (None for any other object), ``resolve`` the object of a reference when the
    file is read (an error in it counts as a damaged file)."""
    import io

    path = cache_dir() / f"{name}-{key[:32]}.pickle"
    try:
        data = path.read_bytes()
        loader = _Unpickler(io.BytesIO(data), resolve) if resolve else pickle.Unpickler(io.BytesIO(data))
        stored_key, content = loader.load()  # the user's own cache
        if stored_key == key:
            return content
    except Exception:  # noqa: BLE001, S110 - missing, corrupt, from another version: made again
        pass
    content = make()
    store(path, (key, content), stale=f"{name}-", refer=refer)
    return content


def store(path: Path, content: Any, *, stale: str, refer: Callable[[Any], Any] | None = None) -> None:
    """Pickle ``content`` to ``path`` atomically; remove all but the newest :data:`KEEP` files whose name starts
    with ``stale``. Nothing is said when the cache cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{stale}", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                if refer is None:
                    pickle.dump(content, fh, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    _Pickler(fh, refer).dump(content)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        older = sorted(path.parent.glob(f"{stale}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in older[KEEP:]:
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        pass
