"""The shapes a user's file is checked against, compiled by the fast engine once and kept between processes.

Parsing the shapes (rdflib) and compiling them to SPARQL (:func:`cowork_data.validate.fastshacl.compile_shapes`)
takes 1–2.4 s, most of a cold ``cowork-data validate``; reading them back from a pickle takes about 0.02 s. The
file is ``shapes-{layers}-{key}.pickle`` in the toolkit's cache (:mod:`cowork_data.kept`: the user's, never the
checkout; its rules for stale, corrupt and unwritable files). Its key is the sha256 of the shapes files' bytes, the
code that compiles and describes them (the engine's modules, this one), the toolkit's, rdflib's and Python's
versions; the key is stored inside the file too.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from cowork_data.kept import KEEP, cache_dir, content_key, remembered

__all__ = ["KEEP", "cache_dir", "compiled_shapes", "shapes_key"]

FORMAT = 2  # of the pickled content ((key, (shapes, checks)) since 2); a new layout invalidates every file
_PACKAGE = Path(__file__).resolve().parent
#: The code a compiled check depends on: the compiler and the finding descriptions it is read with.
_CODE = (_PACKAGE / "fastshacl", _PACKAGE / "shapes.py", _PACKAGE.parent / "namespaces.py", Path(__file__))


def shapes_key(layers: Sequence[str], shapes_dir: Path | None = None) -> str:
    """The sha256 the compiled ``layers`` depend on (see the module docstring)."""
    import rdflib

    from cowork_data.validate.shapes import DEFAULT_SHAPES_DIR

    files = [(shapes_dir or DEFAULT_SHAPES_DIR) / f"{layer}.ttl" for layer in layers]
    return content_key((str(FORMAT), rdflib.__version__, *layers), [*files, *_CODE])


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
    return remembered(f"shapes-{name}", key, lambda: _compile(load_shapes(layers, shapes_dir=shapes_dir)))


def _compile(shapes: Any) -> tuple[Any, list[Any]]:
    from cowork_data.validate.fastshacl import compile_shapes

    return shapes, compile_shapes(shapes)
