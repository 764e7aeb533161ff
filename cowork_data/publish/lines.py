"""N-Triples / N-Quads lines: read in chunks or whole, split into terms, sorted, written as they come.

Every line the graph writer produces is one ``<s> <p> <o> [<g>] .`` line with no raw line break (literals are
escaped), so a file of them can be cut at any newline and sorted as text. A part of the graph files is read whole
and its triples sorted by polars (:func:`unique_triples`, byte order); a larger one is sorted outside memory by the
system's ``sort`` (GNU coreutils) in the C locale (:func:`sort_unique`), which merges on disk when the data do not
fit in ``memory_mb``. Both orders are byte order, which for UTF-8 is code point order, the order of Python's sorted
strings."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import polars as pl

from cowork_data.errors import ConfigError

__all__ = ["TERMS", "line_chunks", "read_lines", "sort_unique", "split_terms", "unescape_literal", "unique_triples",
           "write_lines", "write_text"]

_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\r": "\r"}


def unescape_literal(text: str) -> str:
    """The string of an N-Triples literal's escaped text (the project's writer escapes only ``\\ " LF CR``)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i:i + 2], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


CHUNK_LINES = 500_000
#: Subject, predicate, object and (N-Quads) graph of a line; our data have no blank nodes.
TERMS = r"^(<[^>]*>) (<[^>]*>) (.*?)(?: (<[^>]*>))? \.$"


def line_chunks(path: Path, lines: int | None = None) -> Iterator[pl.Series]:
    """The lines of ``path`` (without their line break), about ``lines`` (:data:`CHUNK_LINES`) at a time."""
    hint = (lines or CHUNK_LINES) * 160
    with path.open("r", encoding="utf-8", newline="\n") as fh:
        while True:
            block = fh.readlines(hint)
            if not block:
                return
            yield pl.Series("line", block, dtype=pl.String).str.strip_suffix("\n")


def read_lines(path: Path) -> pl.Series:
    """Every line of ``path`` (without its line break), in memory."""
    with path.open("r", encoding="utf-8", newline="\n") as fh:
        return pl.Series("line", fh.readlines(), dtype=pl.String).str.strip_suffix("\n")


def write_lines(fh: BinaryIO, lines: pl.Series) -> None:
    """Write lines that have no line break of their own, each ended by ``\\n``."""
    write_text(fh, lines + "\n")


def write_text(fh: BinaryIO, texts: pl.Series) -> None:
    """Write each string as it is, one after the other (polars writes them; no Python string per value)."""
    if len(texts):
        texts.to_frame("text").write_csv(fh, include_header=False, quote_style="never", line_terminator="")


def split_terms(lines: pl.Series, *, quads: bool = True) -> pl.DataFrame:
    """``s``, ``p``, ``o`` and ``g`` (null in N-Triples) of each line, as N-Triples term text.

    Cut at the first two spaces (a subject and a predicate are IRIs, which hold none) and before the graph, the
    last IRI of the line (``quads=False``: the lines are N-Triples, none has a graph); the same terms as
    :data:`TERMS` gives, at a third of its cost (a regular expression with captures over the whole line).
    """
    parts = lines.str.splitn(" ", 3).struct.unnest()
    rest = parts["field_2"]
    triple = rest.str.strip_suffix(" .")
    if quads:
        graph = rest.str.extract(r" (<[^ <>]*>) \.$", 1)
        quad = pl.DataFrame({"r": rest, "g": graph}).select(
            pl.col("r").str.strip_suffix(pl.concat_str([pl.lit(" "), pl.col("g"), pl.lit(" .")]))).to_series()
        obj = quad.zip_with(graph.is_not_null(), triple)
    else:
        graph = pl.Series([None] * len(lines), dtype=pl.String)
        obj = triple
    return pl.DataFrame({"s": parts["field_0"], "p": parts["field_1"], "o": obj, "g": graph})


def unique_triples(quads: pl.DataFrame) -> pl.DataFrame:
    """The distinct triples of a frame of :func:`split_terms` (with any other columns, e.g. terms already written
    for Turtle), sorted as their N-Triples lines in byte order (polars compares strings by their UTF-8 bytes, as
    ``sort`` does in the C locale); ``line`` is the N-Triples line, ``g`` is dropped."""
    line = pl.concat_str([pl.col("s"), pl.lit(" "), pl.col("p"), pl.lit(" "), pl.col("o"), pl.lit(" .")])
    ordered = quads.drop("g").with_columns(line=line).sort("line")  # then each line once: unlike its predecessor
    return ordered.filter((pl.col("line") != pl.col("line").shift(1)).fill_null(True))


def sort_unique(sources: Iterable[Path], out: Path, *, tmp: Path, memory_mb: int = 512,
                threads: int | None = None) -> int:
    """Sort the lines of ``sources`` into ``out``, each distinct line once; returns the number of lines."""
    sort = shutil.which("sort")
    if sort is None:
        raise ConfigError("error.sort-missing")
    tmp.mkdir(parents=True, exist_ok=True)
    cmd = [sort, "-u", "-S", f"{memory_mb}M", "-T", str(tmp), f"--parallel={threads or os.cpu_count() or 1}",
           "-o", str(out), "--", *map(str, sources)]
    done = subprocess.run(cmd, env={**os.environ, "LC_ALL": "C"}, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigError("error.sort-failed", detail=done.stderr.strip())
    return count_lines(out)


def count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 24):
            count += block.count(b"\n")
    return count
