"""The compiled shapes kept between processes (``cowork_data.validate.compiled_shapes``): read back when the key
matches, compiled again when the file is missing, stale or corrupt, harmless when the cache cannot be written."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cowork_data.validate import compiled_shapes as cs

#: A small shapes file (invented for the test) in place of the project's core shapes: compiled in milliseconds.
SMALL = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype <http://www.w3.org/2001/XMLSchema#string> ] .
"""


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COWORK_DATA_CACHE", str(folder))
    cs.compiled_shapes.cache_clear()
    yield folder
    cs.compiled_shapes.cache_clear()


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    folder = tmp_path / "shapes"
    folder.mkdir()
    (folder / "core.ttl").write_text(SMALL, encoding="utf-8")
    return folder


def _texts(checks: list) -> list[str]:  # noqa: ANN001
    return [c.text for c in checks]


def _fresh(shapes_dir: Path | None = None) -> list[str]:
    from cowork_data.validate.fastshacl import compile_shapes
    from cowork_data.validate.shapes import load_shapes

    return _texts(compile_shapes(load_shapes(("core",), shapes_dir=shapes_dir)))


def test_compiled_once_then_read_back(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shapes, checks = cs.compiled_shapes(("core",))
    files = list(cache.glob("shapes-core-*.pickle"))
    assert len(files) == 1 and cs.shapes_key(("core",))[:32] in files[0].name
    assert _texts(checks) == _fresh() and len(shapes) > 0
    cs.compiled_shapes.cache_clear()  # a new process: the file is read, nothing compiled

    def no_compile(_shapes):  # noqa: ANN001, ANN202
        raise AssertionError("compiled again")

    monkeypatch.setattr(cs, "_compile", no_compile)
    again_shapes, again = cs.compiled_shapes(("core",))
    assert _texts(again) == _texts(checks) and len(again_shapes) == len(shapes)


@pytest.mark.parametrize("damage", ["corrupt", "stale", "empty"])
def test_a_damaged_or_stale_file_is_compiled_again(cache: Path, small: Path, damage: str) -> None:
    cs.compiled_shapes(("core",), small)
    path = next(cache.glob("shapes-core-*.pickle"))
    if damage == "corrupt":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "stale":  # the right name, content of another key
        _key, (shapes, checks) = pickle.loads(path.read_bytes())  # noqa: S301
        path.write_bytes(pickle.dumps(("another key", (shapes, checks[:1]))))
    else:
        path.write_bytes(b"")
    cs.compiled_shapes.cache_clear()
    _shapes, checks = cs.compiled_shapes(("core",), small)
    assert _texts(checks) == _fresh(small) and checks
    stored_key, (_shapes, stored) = pickle.loads(path.read_bytes())  # noqa: S301 - rewritten whole
    assert stored_key == cs.shapes_key(("core",), small) and len(stored) == len(checks)


def test_only_the_newest_files_of_other_keys_are_kept(cache: Path, small: Path) -> None:
    import os

    cache.mkdir(parents=True)
    olds = [cache / f"shapes-core-{i:032x}.pickle" for i in range(cs.KEEP + 3)]
    for i, old in enumerate(olds):
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    cs.compiled_shapes(("core",), small)
    kept = set(cache.glob("shapes-core-*.pickle"))
    assert len(kept) == cs.KEEP and cache / f"shapes-core-{cs.shapes_key(('core',), small)[:32]}.pickle" in kept
    assert olds[-1] in kept and olds[0] not in kept
    assert not list(cache.glob(".shapes-*"))  # no temporary file left


def test_a_cache_that_cannot_be_written_only_costs_the_compilation(tmp_path: Path, small: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("COWORK_DATA_CACHE", str(blocker / "cache"))
    cs.compiled_shapes.cache_clear()
    try:
        _shapes, checks = cs.compiled_shapes(("core",), small)
    finally:
        cs.compiled_shapes.cache_clear()
    assert _texts(checks) == _fresh(small) and checks


def test_the_key_follows_the_shapes_bytes(tmp_path: Path) -> None:
    from cowork_data.validate.shapes import DEFAULT_SHAPES_DIR

    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "core.ttl").write_bytes((DEFAULT_SHAPES_DIR / "core.ttl").read_bytes())
    key = cs.shapes_key(("core",), copy)
    assert key == cs.shapes_key(("core",))
    (copy / "core.ttl").write_bytes((DEFAULT_SHAPES_DIR / "core.ttl").read_bytes() + b"\n# changed\n")
    assert cs.shapes_key(("core",), copy) != key


def test_the_default_cache_is_the_users_not_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COWORK_DATA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cs.cache_dir() == tmp_path / "xdg" / "cowork-data"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cs.cache_dir() == Path.home() / ".cache" / "cowork-data"
