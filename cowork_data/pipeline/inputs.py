"""What a build reads, fingerprinted cheaply: a rebuild with nothing changed reads nothing else.

A national catalogue has thousands of sources; re-reading and re-hashing every snapshot and catalogue file to find
that none changed costs seconds (and parsing 8,000 TOML files more). :func:`fingerprint` instead digests

- the version of the code and of the shipped reference lists (:func:`cowork_data.pipeline.cache.code_version`),
  the engine, the base IRI and whether the store is published;
- the *bytes* of the small inputs the build reads whole: ``schemas/``, ``mapping/``, ``shapes/``, ``vocab/``,
  ``publisher.toml`` and ``ids/`` — the build itself writes ``ids/`` (the identifiers it mints, the links it
  finds), so the record holds the bytes it left there, which a build from them gives again;
- the *file system facts* of everything under ``sources/`` (catalogue files, snapshots, provenance): relative
  name, size, modification and status-change times in nanoseconds and inode — the test ``git status`` and
  ``make`` rely on. Any write, rename, copy or ``touch`` changes them; a file rewritten with its old time restored
  still changes its status-change time.

After a build that succeeded, ``last-build.pickle`` in the cache records the fingerprint it started from and what
it published (rows, triples, files, warnings); the next build returns that record without reading a source when
the fingerprint is the same and the published release is still the one recorded (same ``datapackage.json``
sha256, graph files of the recorded size and time, store present). Anything else takes the full path, which
re-checks each source by its content.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cowork_data.pipeline.cache import Cache, code_version, digest, tree_digest

__all__ = ["LAST_BUILD", "ReadAhead", "SourceIndex", "file_facts", "fingerprint", "forget_build", "ids_digest",
           "last_build", "published_facts", "record_build", "snapshot_files", "stat_digest"]

LAST_BUILD = "last-build.pickle"
#: The inputs read whole (their bytes count).
SMALL_INPUTS = ("schemas", "mapping", "shapes", "vocab", "publisher.toml")


def stat_digest(directory: Path) -> str:
    """sha256 over the relative name, size, times (ns) and inode of every file below ``directory``."""
    rows: list[str] = []

    def walk(path: str, prefix: str) -> None:
        try:
            entries = list(os.scandir(path))
        except FileNotFoundError:
            return
        for entry in entries:
            name = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{name}/")
            else:
                st = entry.stat()
                rows.append(f"{name}\t{st.st_size}\t{st.st_mtime_ns}\t{st.st_ctime_ns}\t{st.st_ino}")

    walk(str(directory), "")
    rows.sort()
    return hashlib.sha256("\n".join(rows).encode("utf-8", "surrogateescape")).hexdigest()


def ids_digest(root: Path) -> str:
    """The bytes of ``ids/`` (frozen identifiers, links)."""
    return tree_digest([root / "ids"], root)


def fingerprint(root: Path, *, engine: str, store: bool, base: str, version: str) -> str:
    """The digest of everything a build of ``root`` reads but ``ids/`` (see the module docstring)."""
    small = tree_digest([root / name for name in SMALL_INPUTS], root)
    return digest(code_version(), version, engine, str(store), base, str(root.resolve()), small,
                  stat_digest(root / "sources"))


def published_facts(output: Path) -> dict[str, str]:
    """Size, times and inode of every published file (``datapackage.json``, everything under ``data/``)."""
    files = [output / "datapackage.json", *(p for p in (output / "data").rglob("*") if p.is_file())]
    return {str(p.relative_to(output)): file_facts(p) for p in sorted(files)}


def record_build(cache: Cache, inputs: str, descriptor: str, result: Mapping[str, Any], output: Path) -> None:
    """Record a build that succeeded: its fingerprint, the sha256 of the ``datapackage.json`` it left published,
    the file system facts of the published files and ``result`` (written by a rename: a killed build leaves the
    record before, or none)."""
    cache.directory.mkdir(parents=True, exist_ok=True)
    tmp = cache.directory / f".{LAST_BUILD}.{os.getpid()}.tmp"
    record = {"inputs": inputs, "descriptor": descriptor, "result": dict(result), "published": published_facts(output)}
    tmp.write_bytes(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, cache.directory / LAST_BUILD)


def last_build(cache: Cache, inputs: str, output: Path) -> dict[str, Any] | None:
    """What the last build published, if it started from the fingerprint ``inputs`` and every file it published
    is still there with the facts it had (else None)."""
    try:
        record = pickle.loads((cache.directory / LAST_BUILD).read_bytes())
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != inputs:
        return None
    return record if record.get("published") == published_facts(output) else None


def forget_build(cache: Cache) -> None:
    """Drop the record (a build is about to change the published release)."""
    (cache.directory / LAST_BUILD).unlink(missing_ok=True)


def file_facts(path: Path) -> str:
    """Size, times (ns) and inode of a file ("" when it is missing)."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{st.st_size}\t{st.st_mtime_ns}\t{st.st_ctime_ns}\t{st.st_ino}"


class SourceIndex:
    """The catalogue's sources and, per source, the key of its cache entry, remembered by the file system facts of
    its files (``sources.pickle`` in the cache): a source whose catalogue file, snapshots and provenance files have
    the facts recorded is neither parsed nor read again. ``versions`` (code, schemas, declaration) is part of every
    record, so a new version re-reads every source."""

    def __init__(self, cache: Cache, root: Path, versions: str) -> None:
        self.path = cache.directory / "sources.pickle"
        self.root = root
        self.versions = versions
        try:
            recorded = pickle.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
            recorded = {}
        ok = isinstance(recorded, dict) and recorded.get("versions") == versions \
            and recorded.get("root") == str(root)
        self.parsed: dict[str, tuple[str, Any]] = recorded.get("parsed", {}) if ok else {}
        self.keys: dict[str, tuple[str, str]] = recorded.get("keys", {}) if ok else {}

    def sources(self) -> list[Any]:
        """Every source of ``sources/*.toml`` sorted by id (:func:`cowork_data.config.load_source` for the files
        whose facts changed)."""
        from cowork_data.config import load_source, sources_dir

        out, parsed = [], {}
        paths = [(path, file_facts(path)) for path in sources_dir(self.root).glob("*.toml")]
        known = {path.name: self.parsed.get(path.name) for path, _facts in paths}
        changed = [path for path, facts in paths if known[path.name] is None or known[path.name][0] != facts]
        with ReadAhead([[path] for path in changed]) as ahead:
            for path, facts in paths:
                was = known[path.name]
                if was is not None and was[0] == facts:
                    source = was[1]
                else:
                    source = load_source(path)
                    ahead.advance()
                parsed[path.name] = (facts, source)
                out.append(source)
        self.parsed = parsed
        return sorted(out, key=lambda s: s.id)

    def facts(self, source: Any, extra: str) -> str:
        """The facts of a source's files (catalogue file, snapshots, their provenance) and ``extra``."""
        return digest(extra, *(f"{f}\t{file_facts(f)}" for f in [source.path, *snapshot_files(self.root, source)]))

    def key(self, source: Any, facts: str) -> str | None:
        known = self.keys.get(source.id)
        return known[1] if known is not None and known[0] == facts else None

    def remember(self, source: Any, facts: str, key: str) -> None:
        self.keys[source.id] = (facts, key)

    def save(self, keep: set[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"versions": self.versions, "root": str(self.root), "parsed": self.parsed,
                "keys": {k: v for k, v in self.keys.items() if k in keep}}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.path)


def snapshot_files(root: Path, source: Any) -> list[Path]:
    """A source's snapshot files and their provenance files."""
    from cowork_data.harvest.snapshot import provenance_path

    return [f for relative in source.snapshots for f in (root / relative, provenance_path(root / relative))]


class ReadAhead:
    """The files of the next items of a loop read ahead by the kernel while the loop parses the current one.

    A cold build reads a few small files per source, thousands in all, one after the other: when they are not in
    the page cache each read waits for the disk while the processor is idle. A thread asks the kernel to read the
    files of up to ``window`` items past the loop's (``POSIX_FADV_WILLNEED``: the kernel starts the reads and
    returns); the loop calls :meth:`advance` after each item. What is read stays the loop's own reads: no byte
    goes through this class, so the build reads, checks and reports exactly as without it. Nothing is done where
    the system has no ``posix_fadvise``."""

    def __init__(self, items: Sequence[Sequence[Path]], window: int = 256) -> None:
        self.items = items
        self.window = window
        self.done = 0
        self.stop = False
        self.ready = threading.Condition()
        self.thread: threading.Thread | None = None
        if items and hasattr(os, "posix_fadvise"):
            self.thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
            self.thread.start()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self) -> None:
        """One more item read by the loop."""
        with self.ready:
            self.done += 1
            self.ready.notify()

    def close(self) -> None:
        with self.ready:
            self.stop = True
            self.ready.notify()
        if self.thread is not None:
            self.thread.join()

    def _run(self) -> None:
        for k, files in enumerate(self.items):
            with self.ready:
                while not self.stop and k >= self.done + self.window:
                    self.ready.wait()
                if self.stop:
                    return
            for path in files:
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:
                    continue  # the loop's own read reports it
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
                except OSError:
                    pass
                finally:
                    os.close(fd)
