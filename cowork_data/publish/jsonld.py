"""JSON-LD written by streaming from sorted N-Triples lines (any size, bounded memory).

The document is the union graph compacted with the published context (embedded, so that the file reads offline):
one node object per subject, one per line, in the order of the sorted lines; ``@id`` first, then ``@type``, then the
properties in the order of their IRIs; IRIs as compact IRIs where a prefix of the context is their start; literals as
strings (``xsd:string``), ``{"@value", "@language"}`` or ``{"@value", "@type"}`` (the lexical form as it is, so
nothing is lost to a JSON number); several values as an array in line order. Same lines, same bytes.

Format: https://www.w3.org/TR/json-ld11/ (compacted document form).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from cowork_data.publish.lines import line_chunks, split_terms, unescape_literal, write_text
from cowork_data.publish.turtle import by_unique

__all__ = ["write_jsonld"]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json(values: pl.Series) -> pl.Series:
    """Each string as a JSON string literal."""
    encoded = pl.DataFrame({"v": values}).select(pl.struct("v").struct.json_encode()).to_series()
    return encoded.str.slice(5).str.strip_suffix("}")


def _compact(iris: pl.Series, prefixes: Mapping[str, str]) -> pl.Series:
    """IRIs (no brackets) as compact IRIs ``prefix:rest`` with the longest namespace that starts them."""
    return by_unique(iris, lambda values: _compact_each(values, prefixes))


def _compact_each(iris: pl.Series, prefixes: Mapping[str, str]) -> pl.Series:
    """One regular expression: the namespaces longest first (leftmost-first alternation takes the longest that
    fits; a namespace two prefixes share takes the last prefix in name order), then a rest that is not empty and
    does not start with ``//``."""
    names: dict[str, str] = {}
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: len(item[1])):
        names[namespace] = prefix
    if not names:
        return iris
    alternatives = "|".join(pl.escape_regex(ns) for ns in sorted(names, key=len, reverse=True))
    split = iris.str.extract_groups(f"^({alternatives})([^/].*|/[^/].*|/)$").struct.unnest()
    prefix = split["1"].replace_strict(list(names), list(names.values()), default=None, return_dtype=pl.String)
    short = prefix + ":" + split["2"]
    return short.zip_with(short.is_not_null(), iris).rename(iris.name)


def _values(frame: pl.DataFrame, prefixes: Mapping[str, str]) -> pl.DataFrame:
    """``key`` (a compact property or ``@type``) and ``value`` (its JSON text) of each line."""
    is_type = frame["p"] == RDF_TYPE
    # An object term starts with < or ": a leading T marks the object of an rdf:type (a class, not a node).
    objects = pl.DataFrame({"o": frame["o"], "t": is_type}).select(
        pl.when(pl.col("t")).then(pl.concat_str([pl.lit("T"), pl.col("o")])).otherwise(pl.col("o"))).to_series()
    value = by_unique(objects, lambda terms: _object_values(terms, prefixes))
    key = by_unique(frame["p"], lambda p: pl.Series(["@type"] * len(p), dtype=pl.String).zip_with(
        p == RDF_TYPE, _compact(p.str.strip_prefix("<").str.strip_suffix(">"), prefixes)))
    return pl.DataFrame({"s": frame["s"], "rank": (~is_type).cast(pl.Int8), "p": frame["p"], "key": key,
                         "value": value})


def _object_values(terms: pl.Series, prefixes: Mapping[str, str]) -> pl.Series:
    """The JSON text of each object term (``T<…>``: the object of an ``rdf:type``, written as a compact IRI)."""
    is_type = terms.str.starts_with("T")
    o = terms.str.strip_prefix("T")
    is_iri = o.str.starts_with("<")
    iri = _compact(o.str.strip_prefix("<").str.strip_suffix(">"), prefixes)
    literal = o.str.extract_groups(r'^"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$').struct.unnest()
    text, lang, datatype = literal["1"], literal["2"], literal["3"]
    escaped = text.str.contains("\\", literal=True).fill_null(False)
    if escaped.any():
        slow = text.filter(escaped).unique().to_list()
        text = text.replace_strict(slow, [unescape_literal(t) for t in slow], default=text, return_dtype=pl.String)
    string = _json(text)
    plain = lang.is_null() & (datatype.is_null() | (datatype == XSD_STRING))
    typed_value = '{"@value":' + string + ',"@type":' + _json(_compact(datatype.fill_null(""), prefixes)) + "}"
    lang_value = '{"@value":' + string + ',"@language":' + _json(lang.fill_null("")) + "}"
    value = string.zip_with(plain.fill_null(False), lang_value.zip_with(lang.is_not_null(), typed_value))
    node = ('{"@id":' + _json(iri) + "}").zip_with(~is_type, _json(iri))
    return node.zip_with(is_iri, value).rename(terms.name)


def _nodes(frame: pl.DataFrame, prefixes: Mapping[str, str]) -> pl.Series:
    """Texts whose concatenation is the frame's node objects, one per subject, joined by ``,\\n`` (the frame holds
    whole subjects in the order of their sorted lines). A subject's lines are a run, and so are its lines of one
    predicate once the ``rdf:type`` lines are moved first: each line's text opens and closes what its place in
    those runs asks for (no grouping, no joining in Python)."""
    s = pl.col("s")
    values = _values(frame, prefixes).with_columns(node=(s != s.shift(1)).fill_null(True).cum_sum())
    values = values.sort(["node", "rank"], maintain_order=True)
    values = values.with_columns(key=by_unique(values["key"], _json), id=_ids(values["s"], prefixes))
    node, p = pl.col("node"), pl.col("p")
    first_node, last_node = (node != node.shift(1)).fill_null(True), (node != node.shift(-1)).fill_null(True)
    first_prop = first_node | (p != p.shift(1)).fill_null(True)
    last_prop = last_node | (p != p.shift(-1)).fill_null(True)
    last_line = pl.int_range(pl.len()) == pl.len() - 1
    text = pl.concat_str([
        pl.when(first_node).then(pl.concat_str([pl.lit('{"@id":'), pl.col("id"), pl.lit(",")])).otherwise(pl.lit("")),
        pl.when(first_prop).then(pl.concat_str([pl.col("key"), pl.lit(":"), pl.when(last_prop).then(pl.lit(""))
                                                .otherwise(pl.lit("["))])).otherwise(pl.lit(",")),
        pl.col("value"),
        pl.when(last_prop & ~first_prop).then(pl.lit("]")).otherwise(pl.lit("")),
        pl.when(last_node & last_line).then(pl.lit("}")).when(last_node).then(pl.lit("},\n"))
        .when(last_prop).then(pl.lit(",")).otherwise(pl.lit("")),
    ])
    return values.select(text.alias("text")).to_series()


def _ids(subjects: pl.Series, prefixes: Mapping[str, str]) -> pl.Series:
    return by_unique(subjects, lambda s: _json(_compact(s.str.strip_prefix("<").str.strip_suffix(">"), prefixes)))


def _chunks(ntriples: Path) -> Iterator[pl.DataFrame]:
    """Frames of whole subjects: the last subject of a chunk is held back for the next."""
    held: pl.DataFrame | None = None
    for lines in line_chunks(ntriples):
        frame = split_terms(lines, quads=False).select("s", "p", "o")
        if held is not None:
            frame = pl.concat([held, frame])
        last = frame["s"][-1]
        keep = frame["s"] == last
        held = frame.filter(keep)
        if (~keep).any():
            yield frame.filter(~keep)
    if held is not None and len(held):
        yield held


def write_jsonld(ntriples: Path | pl.DataFrame, path: Path, context: Mapping[str, Any]) -> None:
    """The JSON-LD document of a sorted N-Triples file (read in chunks), or of the frame of its terms (in memory, as
    :func:`~cowork_data.publish.lines.unique_triples` gives them), with ``context`` embedded."""
    prefixes = {k: v for k, v in context.items() if isinstance(v, str)}
    frames = [ntriples.select("s", "p", "o")] if isinstance(ntriples, pl.DataFrame) else _chunks(ntriples)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb", buffering=1 << 20) as fh:
        fh.write(('{\n"@context": ' + json.dumps(dict(context), ensure_ascii=False, indent=1, sort_keys=True)
                  + ',\n"@graph": [').encode("utf-8"))
        first = True
        for frame in frames:
            if not len(frame):
                continue
            fh.write(b"\n" if first else b",\n")
            write_text(fh, _nodes(frame, prefixes))
            first = False
        fh.write(b"\n]\n}\n")
