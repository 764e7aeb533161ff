"""The shapes a user's file is checked against, compiled by the fast engine once and kept between processes.

Parsing the shapes (rdflib) and compiling them to SPARQL (:func:`cowork_data.validate.fastshacl.compile_shapes`)
takes 1–2.4 s, most of a cold ``cowork-data validate``; reading them back from a pickle takes about 0.02 s. The
file is ``{cache}/shapes-{layers}-{key}.pickle`` in the user's cache directory (``$COWORK_DATA_CACHE``, else
``$XDG_CACHE_HOME/cowork-data``, else ``~/.cache/cowork-data``), never in the checkout. Its key is the sha256 of the
shapes files' bytes, the code that compiles and describes them (the engine's modules, this one), the toolkit's and
rdflib's versions and Python's; the key is stored inside the file too. A file that is missing, stale, corrupt or
unreadable is recompiled and rewritten (a temporary file renamed into place); a cache directory that cannot be
written only costs the compilation. The newest files of other keys are kept (several checkouts may share the cache).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "compiled_shapes", "shapes_key"]

FORMAT = 1  # of the pickled content; a new layout invalidates every file
KEEP = 8  # files of other keys kept for the same layers (other versions of the code sharing the cache)
_PACKAGE = Path(__file__).resolve().parent
#: The code a compiled check depends on: the compiler and the finding descriptions it is read with.
_CODE = (_PACKAGE / "fastshacl", _PACKAGE / "shapes.py", _PACKAGE.parent / "namespaces.py", Path(__file__))


def cache_dir() -> Path:
    """Where the compiled shapes are kept: ``$COWORK_DATA_CACHE``, else the user's cache directory."""
    if folder := os.environ.get("COWORK_DATA_CACHE"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cowork-data"


def shapes_key(layers: Sequence[str], shapes_dir: Path | None = None) -> str:
    """The sha256 the compiled ``layers`` depend on (see the module docstring)."""
    import rdflib

    from cowork_data import __version__
    from cowork_data.validate.shapes import DEFAULT_SHAPES_DIR

    h = hashlib.sha256()
    for part in (str(FORMAT), __version__, rdflib.__version__, sys.version, *layers):
        h.update(part.encode("utf-8") + b"\0")
    files = [(shapes_dir or DEFAULT_SHAPES_DIR) / f"{layer}.ttl" for layer in layers]
    files += sorted(p for c in _CODE for p in ([c] if c.is_file() else c.glob("*.py")))
    for path in files:
        h.update(path.name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@cache
def compiled_shapes(layers: tuple[str, ...] = ("core",), shapes_dir: Path | None = None) -> tuple[Any, list[Any]]:
    """The shapes graph of ``layers`` and its compiled checks: from the cache when it holds them for the same
    key, else compiled (and the cache written); once per process."""
    from cowork_data.validate.shapes import load_shapes

    try:
        key = shapes_key(layers, shapes_dir)
    except OSError:  # a shapes file missing: load_shapes says which, in the user's language
        return _compile(load_shapes(layers, shapes_dir=shapes_dir))
    name = "-".join(layer.replace("/", "_") for layer in layers)
    path = cache_dir() / f"shapes-{name}-{key[:32]}.pickle"
    try:
        stored_key, shapes, checks = pickle.loads(path.read_bytes())  # noqa: S301 - the user's own cache
        if stored_key == key:
            return shapes, checks
    except Exception:  # noqa: BLE001, S110 - missing, corrupt or from another version: compiled again
        pass
    shapes, checks = _compile(load_shapes(layers, shapes_dir=shapes_dir))
    _store(path, (key, shapes, checks), stale=f"shapes-{name}-")
    return shapes, checks


def _compile(shapes: Any) -> tuple[Any, list[Any]]:
    from cowork_data.validate.fastshacl import compile_shapes

    return shapes, compile_shapes(shapes)


def _store(path: Path, content: Any, *, stale: str) -> None:
    """Write the pickle atomically; remove all but the newest :data:`KEEP` files of the same layers. Nothing is
    said when the cache cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".shapes-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(content, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # several versions of the toolkit may share the cache (one per checkout): the newest few files are kept
        older = sorted(path.parent.glob(f"{stale}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in older[KEEP:]:
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        pass
