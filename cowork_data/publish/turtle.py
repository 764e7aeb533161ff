"""Turtle and TriG written by streaming from sorted N-Triples / N-Quads lines (any size, bounded memory).

The input order is the output order: subjects, then predicates, then objects as their N-Triples text sorts (and, in
TriG, graphs first). IRIs are written with a prefix where the rest is a plain local name, ``rdf:type`` as ``a``,
integers, decimals and booleans in their short form when the lexical form is the short form's; everything else as
in N-Triples. No blank nodes: our graph has none. Same lines, same bytes.

Formats: https://www.w3.org/TR/turtle/, https://www.w3.org/TR/trig/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import polars as pl

from cowork_data.publish.lines import line_chunks, split_terms, write_text

__all__ = ["by_unique", "compact_iris", "turtle_terms", "write_trig", "write_turtle"]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: A local name that needs no escape in a prefixed name (PN_LOCAL without ``:``, ``%`` or ``\\``).
LOCAL = r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$"
_SHORT = {f"{XSD}integer": r"^[+-]?[0-9]+$", f"{XSD}decimal": r"^[+-]?[0-9]*\.[0-9]+$",
          f"{XSD}boolean": r"^(true|false)$"}


def by_unique(values: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``fn`` of each value, computed once per distinct value (a chunk's terms repeat: subjects, predicates,
    classes, codes) and joined back in the values' order."""
    keys = values.rename("k").to_frame()
    distinct = keys.unique()
    if len(distinct) * 2 > len(keys):
        return fn(values)
    mapped = distinct.with_columns(v=fn(distinct["k"]))
    return keys.join(mapped, on="k", how="left", nulls_equal=True, maintain_order="left")["v"]


def compact_iris(terms: pl.Series, prefixes: Mapping[str, str], base: str | None = None) -> pl.Series:
    """IRI terms (``<…>``) as ``prefix:local`` where a prefix's namespace is the IRI but a plain local name, else
    relative to ``base`` where resolving the relative reference gives the IRI back (no dot segment, no colon
    before the first slash)."""
    return by_unique(terms, lambda t: _compact_iris(t, prefixes, base))


def _compact_iris(terms: pl.Series, prefixes: Mapping[str, str], base: str | None) -> pl.Series:
    split = terms.str.extract_groups(r"^<(.*[/#])([^/#<>]*)>$").struct.unnest()
    namespace, local = split["1"], split["2"]
    names = {namespace_iri: prefix for prefix, namespace_iri in prefixes.items()}
    prefix = namespace.replace_strict(list(names), list(names.values()), default=None, return_dtype=pl.String)
    short = prefix + ":" + local
    ok = short.is_not_null() & local.str.contains(LOCAL)
    out = terms
    if base:
        rest = terms.str.strip_prefix(f"<{base}")
        relative = (terms.str.starts_with(f"<{base}") & rest.str.contains(r"^[A-Za-z0-9_~-][^:/#]*([/#].*)?>$")
                    & ~rest.str.contains(r"(^|/)\.\.?([/#>]|$)"))
        out = ("<" + rest).zip_with(relative.fill_null(False), terms)
    return short.zip_with(ok.fill_null(False), out).rename(terms.name)


def _objects(o: pl.Series, prefixes: Mapping[str, str], base: str | None) -> pl.Series:
    """Object terms in Turtle: IRIs compacted, typed literals with a compacted datatype or in short form."""
    return by_unique(o, lambda values: _object_terms(values, prefixes, base))


def _object_terms(o: pl.Series, prefixes: Mapping[str, str], base: str | None) -> pl.Series:
    iri = o.str.starts_with("<")
    typed = o.str.extract_groups(r'^"(.*)"\^\^(<[^>]*>)$').struct.unnest()
    lexical, datatype = typed["1"], typed["2"]
    out = o
    is_typed = datatype.is_not_null()
    if is_typed.any():
        out = ('"' + lexical + '"^^' + compact_iris(datatype.fill_null("<>"), prefixes)).zip_with(is_typed, out)
        for dt, pattern in _SHORT.items():
            short = is_typed & (datatype == f"<{dt}>") & lexical.str.contains(pattern)
            out = lexical.zip_with(short.fill_null(False), out)
    if iri.any():
        out = _compact_iris(o, prefixes, base).zip_with(iri, out)
    return out.rename(o.name)


def _predicates(p: pl.Series, prefixes: Mapping[str, str]) -> pl.Series:
    return by_unique(p, lambda values: _compact_iris(values, prefixes, None).zip_with(
        values != RDF_TYPE, pl.Series(["a"] * len(values), dtype=pl.String)))


def prefix_lines(prefixes: Mapping[str, str], base: str | None) -> str:
    lines = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return f"@base <{base}> .\n{lines}" if base else lines


def _changed(column: str, previous: str | None) -> pl.Expr:
    """The value differs from the line before (for the first line of a chunk: from the last of the chunk before)."""
    before = pl.col(column).shift(1)
    if previous is not None:
        before = before.fill_null(pl.lit(previous))
    return (pl.col(column) != before).fill_null(True)


def _render(frame: pl.DataFrame, previous: tuple[str | None, str | None, str | None], quads: bool) -> pl.Series:
    """The text of each line: a new graph opens a block, a new subject a paragraph, a new predicate a ``;``, another
    object a ``,``; the text before a line closes what the line before left open."""
    g_prev, s_prev, p_prev = previous
    indent = "    " if quads else ""
    file_start = (pl.int_range(pl.len()) == 0) & pl.lit(s_prev is None)
    body = pl.concat_str([pl.lit(indent), pl.col("ts"), pl.lit(" "), pl.col("tp"), pl.lit(" "), pl.col("to")])
    graph_open = pl.concat_str([pl.col("g"), pl.lit(" {\n")])
    text = pl.when(file_start).then(pl.concat_str([graph_open, body]) if quads else body)
    if quads:
        text = text.when(_changed("g", g_prev)).then(pl.concat_str([pl.lit(" .\n}\n\n"), graph_open, body]))
    text = (text.when(_changed("s", s_prev) | (_changed("g", g_prev) if quads else pl.lit(False)))
            .then(pl.concat_str([pl.lit(" .\n\n"), body]))
            .when(_changed("p", p_prev)).then(pl.concat_str([pl.lit(f" ;\n{indent}    "), pl.col("tp"), pl.lit(" "),
                                                             pl.col("to")]))
            .otherwise(pl.concat_str([pl.lit(f" ,\n{indent}        "), pl.col("to")])))
    return frame.select(text.alias("text")).to_series()


def turtle_terms(frame: pl.DataFrame, prefixes: Mapping[str, str], base: str | None) -> pl.DataFrame:
    """A frame of :func:`~cowork_data.publish.lines.split_terms` with each term as Turtle and TriG write it:
    ``ts``, ``tp``, ``to`` (computed once per distinct value; the same for both formats)."""
    return frame.with_columns(
        ts=pl.lit(compact_iris(frame["s"], prefixes, base)),
        tp=pl.lit(_predicates(frame["p"], prefixes)),
        to=pl.lit(_objects(frame["o"], prefixes, base)),
    )


def _blocks(frames: Iterable[pl.DataFrame], prefixes: Mapping[str, str], base: str | None, *,
            quads: bool) -> Iterator[pl.Series | str]:
    previous: tuple[str | None, str | None, str | None] = (None, None, None)
    for frame in frames:
        if not len(frame):
            continue
        if not quads:
            frame = frame.with_columns(g=pl.lit(""))
        if "ts" not in frame.columns:
            frame = turtle_terms(frame, prefixes, base)
        yield _render(frame, previous, quads)  # the graph stays absolute (one per block)
        last = frame.select("g", "s", "p").row(len(frame) - 1)
        previous = (last[0], last[1], last[2])
    if previous[1] is not None:
        yield " .\n}\n" if quads else " .\n"


def write_turtle(ntriples: Path | pl.DataFrame, path: Path, prefixes: Mapping[str, str],
                 base: str | None = None) -> None:
    """Turtle of a sorted N-Triples file (read in chunks), or of the frame of its terms (in memory, as
    :func:`~cowork_data.publish.lines.unique_triples` gives them): the base and prefixes, then one block per
    subject."""
    frames = [ntriples] if isinstance(ntriples, pl.DataFrame) else (
        split_terms(lines, quads=False) for lines in line_chunks(ntriples))
    _write(_blocks(frames, prefixes, base, quads=False), path, prefixes, base)


def write_trig(nquads: Path | pl.DataFrame, path: Path, prefixes: Mapping[str, str], base: str | None = None) -> None:
    """TriG of an N-Quads file sorted by graph (read in chunks), or of the frame of its terms in that order (in
    memory): the base and prefixes, then one ``<graph> { … }`` block per named graph."""
    frames = [nquads] if isinstance(nquads, pl.DataFrame) else (
        split_terms(lines, quads=True) for lines in line_chunks(nquads))
    _write(_blocks(frames, prefixes, base, quads=True), path, prefixes, base)


def _write(blocks: Iterator[pl.Series | str], path: Path, prefixes: Mapping[str, str], base: str | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb", buffering=1 << 20) as fh:
        fh.write(prefix_lines(prefixes, base).encode("utf-8"))
        first = True
        for block in blocks:
            if first:
                fh.write(b"\n")
                first = False
            if isinstance(block, str):
                fh.write(block.encode("utf-8"))
            else:
                write_text(fh, block)
