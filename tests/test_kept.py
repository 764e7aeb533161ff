"""Tables kept between processes (``cowork_data.kept``): the ISTAT list, the comune-name index and the cities'
history are read back when their key matches, made again when the file is missing, stale or corrupt, and still
made when the cache cannot be written; the key follows the bytes of the files they are made from."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from cowork_data import cities, comune_names, kept, reference
from tests.conftest import ROOT


def _clear() -> None:
    reference._load.cache_clear()
    comune_names._index.cache_clear()
    comune_names._resolve_cached.cache_clear()
    cities.city_versions.cache_clear()
    cities._by_start_and_end.cache_clear()


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COWORK_DATA_CACHE", str(folder))
    _clear()
    yield folder
    _clear()


class Made:
    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_made_once_then_read_back(cache: Path) -> None:
    make = Made({"a": [1, 2]})
    assert kept.remembered("thing", "k" * 64, make) == {"a": [1, 2]}
    assert kept.remembered("thing", "k" * 64, make) == {"a": [1, 2]} and make.calls == 1
    assert [p.name for p in cache.glob("thing-*.pickle")] == [f"thing-{'k' * 32}.pickle"]
    assert kept.remembered("thing", "j" * 64, Made("other")) == "other"  # another key: made, not read


@pytest.mark.parametrize("damage", ["corrupt", "stale", "empty", "not-a-pair"])
def test_a_damaged_or_stale_file_is_made_again(cache: Path, damage: str) -> None:
    key = "a" * 64
    kept.remembered("thing", key, Made([1, 2, 3]))
    path = next(cache.glob("thing-*.pickle"))
    path.write_bytes({"corrupt": path.read_bytes()[:-5], "stale": pickle.dumps(("b" * 64, [9])),
                      "empty": b"", "not-a-pair": pickle.dumps([1, 2, 3])}[damage])
    make = Made([1, 2, 3])
    assert kept.remembered("thing", key, make) == [1, 2, 3] and make.calls == 1
    assert pickle.loads(path.read_bytes()) == (key, [1, 2, 3])  # noqa: S301 - rewritten whole


def test_a_cache_that_cannot_be_written_only_costs_the_making(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("COWORK_DATA_CACHE", str(blocker / "cache"))
    make = Made("value")
    assert kept.remembered("thing", "c" * 64, make) == "value"
    assert kept.remembered("thing", "c" * 64, make) == "value" and make.calls == 2


def test_only_the_newest_files_of_a_name_are_kept(cache: Path) -> None:
    cache.mkdir(parents=True)
    olds = [cache / f"thing-{i:032x}.pickle" for i in range(kept.KEEP + 3)]
    for i, old in enumerate(olds):
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    (cache / "other-0.pickle").write_bytes(b"another name")
    kept.remembered("thing", "d" * 64, Made(1))
    left = set(cache.glob("thing-*.pickle"))
    assert len(left) == kept.KEEP and cache / f"thing-{'d' * 32}.pickle" in left and olds[0] not in left
    assert (cache / "other-0.pickle").exists() and not list(cache.glob(".thing-*"))


def test_shared_objects_are_referred_to_not_copied(cache: Path) -> None:
    shared = {"x": ["the shared object"]}
    content = [shared["x"], shared["x"], "own"]
    refer = {id(shared["x"]): "x"}
    kw = {"refer": lambda o: refer.get(id(o)), "resolve": shared.__getitem__}
    kept.remembered("thing", "e" * 64, Made(content), **kw)
    again = kept.remembered("thing", "e" * 64, Made(None), **kw)
    assert again == content and again[0] is shared["x"] and again[1] is shared["x"]
    gone = kept.remembered("thing", "e" * 64, Made("made again"), refer=kw["refer"], resolve={}.__getitem__)
    assert gone == "made again"  # a reference that no longer resolves: a damaged file


def test_the_key_follows_the_bytes_of_its_files(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_bytes(b"one")
    key = kept.content_key(["1"], [a])
    assert key == kept.content_key(["1"], [a]) and key != kept.content_key(["2"], [a])
    a.write_bytes(b"two")
    assert kept.content_key(["1"], [a]) != key
    with pytest.raises(OSError):
        kept.content_key(["1"], [tmp_path / "missing.csv"])


def test_the_istat_list_is_kept_and_follows_its_file(cache: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "comuni.csv"
    shutil.copyfile(ROOT / reference.ISTAT_FILE, copy)
    first = reference.load_comuni(copy)
    assert first.by_istat("015209").name == "Sesto San Giovanni" and list(cache.glob("comuni-*.pickle"))
    reference._load.cache_clear()  # a new process: read back, not read from the CSV

    def no_read(_path: Path) -> None:
        raise AssertionError("the CSV was read again")

    with monkeypatch.context() as m:
        m.setattr(reference.Comuni, "from_csv", staticmethod(no_read))
        again = reference.load_comuni(copy)
    assert [(c.istat, c.name, c.other_names) for c in again] == [(c.istat, c.name, c.other_names) for c in first]
    copy.write_bytes(copy.read_bytes().replace(b"Sesto San Giovanni", b"Sesto San Giovanna"))
    reference._load.cache_clear()
    assert reference.load_comuni(copy).by_istat("015209").name == "Sesto San Giovanna"  # a new key: read anew


def test_the_comune_name_index_is_kept_shares_the_comuni_and_follows_its_files(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert comune_names.resolve("Mailand").comune.istat == "015146"
    assert list(cache.glob("comune-names-*.pickle"))
    _clear()

    def no_build(_comuni: object) -> None:
        raise AssertionError("the index was built again")

    with monkeypatch.context() as m:
        m.setattr(comune_names, "_build_index", no_build)
        index = comune_names._index()
        assert comune_names.resolve("CITTA' DI CASTELLO").comune.istat == "054013"
    assert index.by_istat["015146"] is reference.load_comuni().by_istat("015146")  # one object, not a copy
    assert index.official["Milano"][0] is index.by_istat["015146"]
    exonyms = tmp_path / "exonyms.csv"
    exonyms.write_bytes(comune_names.EXONYMS_FILE.read_bytes() + b"Mediolanum,de,015146,Milano\n")
    monkeypatch.setattr(comune_names, "EXONYMS_FILE", exonyms)
    _clear()
    assert comune_names.resolve("Mediolanum").comune.istat == "015146"  # the changed file: a new key, built anew


def test_the_cities_history_is_kept_and_follows_its_file(cache: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "cities.csv"
    table.write_text("istat,validity_start,validity_end,name\n015146,2015-01-01,9999-12-31,MILANO\n",
                     encoding="utf-8")
    assert cities.city_versions(table)["015146"][0].name == "MILANO" and list(cache.glob("cities-*.pickle"))
    cities.city_versions.cache_clear()
    with monkeypatch.context() as m:
        m.setattr(cities, "_read_versions", lambda _path: {})
        assert cities.city_versions(table)["015146"][0].start == "2015-01-01"  # read back
    table.write_text("istat,validity_start,validity_end,name\n015146,1997-07-26,9999-12-31,MILANO\n",
                     encoding="utf-8")
    cities.city_versions.cache_clear()
    assert cities.city_versions(table)["015146"][0].start == "1997-07-26"
