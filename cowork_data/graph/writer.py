"""The graph writer: the declaration (``mapping/tables.toml``) compiled to polars column expressions.

The one implementation of the mapping. Rows are taken ``chunk_rows`` at a time into a ``DataFrame`` of their
stripped fields (an empty field is null); every term of the declaration becomes a string column and every triple one
``concat_str`` expression, so a null subject or object (a missing field) drops the line, as a condition that does not
hold does. Values that need Python (an id to percent-encode, a decimal like ``1.5E+3``, a literal to escape, an
opening-hours rule, a comune IRI) go through :class:`cowork_data.graph.terms.Terms` once per distinct value.

The output is N-Quads lines (``<s> <p> <o> <g> .``; with ``quads=False`` N-Triples lines), as string ``pl.Series``,
duplicates included (a store or a sort removes them), in no particular order.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

import polars as pl

from cowork_data.declaration import ITEM_FUNCTIONS, Cond, Declaration, Group, Slot, Table, Term, Triple
from cowork_data.errors import ConfigError
from cowork_data.graph import functions
from cowork_data.graph.places import place_rows
from cowork_data.graph.terms import WHITESPACE, Terms, nulls, where

__all__ = ["Writer", "frame", "source_rows"]

Rows = Sequence[Mapping[str, Any]]
_GROUP = 6  # line expressions evaluated together (in parallel) before their lines are handed on


def frame(rows: Rows | pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """The rows' ``fields`` as stripped strings (``str.strip``), an empty or missing field as null."""
    if isinstance(rows, pl.DataFrame):
        data = rows.select(pl.col(f).cast(pl.String) if f in rows.columns else pl.lit(None, pl.String).alias(f)
                           for f in fields)
    else:
        data = pl.DataFrame([pl.Series(f, _column(rows, f), dtype=pl.String) for f in fields],
                            schema=dict.fromkeys(fields, pl.String))
    stripped = [pl.col(f).str.strip_chars(WHITESPACE).alias(f) for f in fields]
    return data.select(stripped).select(pl.when(pl.col(f).str.len_bytes() > 0).then(pl.col(f)).alias(f)
                                        for f in fields)


def _column(rows: Rows, name: str) -> list[Any]:
    try:
        values = list(map(itemgetter(name), rows))
    except KeyError:  # a row without the field
        values = [row.get(name) for row in rows]
    return [v if v is None or isinstance(v, str) else str(v) for v in values]


def source_rows(sources: Mapping[str, Mapping[str, Any]], referenced: Iterable[str] = ()) -> list[dict[str, str]]:
    """The rows of ``other.sources``: each described source, then each source rows name but nobody describes."""
    rows = []
    for source_id in sorted(sources):
        meta = sources[source_id]
        licence = meta.get("licence")
        if isinstance(licence, Mapping):
            licence = licence.get("url") or licence.get("id") or ""
        rows.append({"id": source_id, "title": str(meta.get("title") or ""), "url": str(meta.get("url") or ""),
                     "licence": str(licence or ""), "publisher": str(meta.get("publisher") or ""),
                     "sha256": str(meta.get("sha256") or ""), "retrieved_at": str(meta.get("retrieved_at") or ""),
                     "fixture": "true" if meta.get("fixture") else "false",
                     "attribution": str(meta.get("attribution") or "")})
    rows += [{"id": source_id} for source_id in sorted(set(referenced) - set(sources))]
    return rows


class Writer:
    """One write of a graph: the declaration, the base IRI, the lookups and what the tail needs (comuni met,
    sources named)."""

    def __init__(self, declaration: Declaration, *, base: str, sources: Mapping[str, Mapping[str, Any]],
                 tables: Mapping[str, Rows | pl.DataFrame] | None = None, quads: bool = True,
                 lookups: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.decl, self.base, self.quads = declaration, base, quads
        self.terms = Terms(base)
        self.sources = source_rows(sources)
        self.lookups: dict[str, dict[str, str]] = dict(lookups or {})
        for spec in declaration.table.values():
            for name, lookup in spec.lookup.items():
                if name not in self.lookups:
                    self.lookups[name] = self.lookup_values(lookup, tables or {})
        self.cities: dict[str, tuple[str, set[str]]] = {}
        #: The same, per source of the rows that name them (a source's cache keeps its own).
        self.cities_by_source: dict[str, dict[str, tuple[str, set[str]]]] = {}
        self.referenced: set[str] = set()

    def lookup_values(self, lookup: Mapping[str, str], tables: Mapping[str, Rows | pl.DataFrame]) -> dict[str, str]:
        """``key → value`` of a lookup (the last row wins; empty values are left out)."""
        rows = self.sources if lookup["table"] == "sources" else tables.get(lookup["table"], ())
        data = frame(rows, [lookup["key"], lookup["value"]]) if len(rows) else None
        if data is None:
            return {}
        pairs = data.drop_nulls()
        return dict(zip(pairs[lookup["key"]].to_list(), pairs[lookup["value"]].to_list(), strict=True))

    # the whole graph

    def chunks(self, tables: Mapping[str, Rows | pl.DataFrame], chunk_rows: int = 25_000) -> Iterator[pl.Series]:
        """The lines of every table, of the links between records, then of the sources and the comuni."""
        for name in self.decl.tables:
            yield from self.table(name, tables.get(name, ()), chunk_rows)
        yield from self.table("same_as", tables.get("same_as", ()), chunk_rows)
        for name, rows in place_rows(tables.get("spaces", ())).items():  # the French communes and their areas
            yield from self.table(name, rows)
        yield from self.tail()

    def table(self, name: str, rows: Rows | pl.DataFrame, chunk_rows: int = 25_000) -> Iterator[pl.Series]:
        spec = self.decl.get(name)
        for start in range(0, len(rows), chunk_rows):
            part = rows[start:start + chunk_rows]
            df = frame(part, spec.fields)
            if spec.provenance and "source_id" in df.columns:
                self.referenced.update(df["source_id"].drop_nulls().unique().to_list())
            yield from self.frame_lines(spec, df)

    def tail(self) -> Iterator[pl.Series]:
        """The sources (described, then only named) and the comuni met (``other.sources``, ``other.cities``)."""
        yield from self.table("sources", self.sources + [
            {"id": s} for s in sorted(self.referenced - {row["id"] for row in self.sources})])
        rows = [{"iri": iri, "istat": self.cities[iri][0], "name": name} for iri in sorted(self.cities)
                for name in (sorted(self.cities[iri][1]) or [None])]
        yield from self.table("cities", rows)

    # one frame

    def frame_lines(self, spec: Table, df: pl.DataFrame) -> Iterator[pl.Series]:
        env = _Env(self, spec, df)
        end = self.end(spec, env)
        record = self.iri(spec.record.node, env, None)
        yield from self.group_lines(spec.record, env, record, None, end)
        for group in spec.groups:
            if group.each:
                yield from self.each_lines(spec, group, env, record, end)
            else:
                node = self.node(group, env, record)
                yield from self.group_lines(group, env, node, record, end)

    def end(self, spec: Table, env: _Env) -> pl.Series | None:
        """The end of each row's lines: the graph of the row and ``" ."`` (None for N-Triples: ``" ."``)."""
        if not self.quads:
            return None
        graph = env.template(spec.graph, encode=False).fill_null("unsourced")
        return f" <{self.base}graph/" + graph + "> .\n"

    def node(self, group: Group, env: _Env, record: pl.Series | None) -> pl.Series:
        node = self.iri(group.node, env, record)
        return where(node, env.cond(group.when)) if group.when else node

    def iri(self, term: Term, env: _Env, record: pl.Series | None) -> pl.Series:
        """The IRI (no brackets) of a node term."""
        if term.kind == "iri":
            tail = env.template(term.template, encode=True)
            if term.relative:
                assert record is not None
                return record + tail if len(term.template) else record
            return self.base + tail
        if term.kind == "function" and term.text == "city":
            return self.terms.city(self.city_key(term, env))
        if term.kind == "function" and term.text == "iri":
            return env.get(term.args[0])
        raise ConfigError("error.declaration-node", term=term)

    def city_key(self, term: Term, env: _Env) -> pl.Series:
        """``city(istat[, day[, name]])``: the comune's code and the day its version is wanted on."""
        return self.terms.city_key(env.get(term.args[0]), env.get(term.args[1]) if len(term.args) > 1 else None)

    def group_lines(self, group: Group, env: _Env, node: pl.Series, parent: pl.Series | None,
                    end: pl.Series | None) -> Iterator[pl.Series]:
        cols: dict[str, pl.Series] = {"_s": node}
        if end is not None:
            cols["_end"] = end
        patterns: list[pl.Expr] = []
        if group.link and parent is not None:
            cols["_parent"] = parent
            s, o = ("_s", "_parent") if group.link_reverse else ("_parent", "_s")
            patterns.append(_line(_iri(s), group.link, _iri(o), end is not None))
        for n, triple in enumerate(group.triples):
            obj = self.term(triple.obj, env, node)
            cols[f"_o{n}"] = obj
            line = (_line(pl.col(f"_o{n}"), triple.predicate, _iri("_s"), end is not None) if triple.reverse
                    else _line(_iri("_s"), triple.predicate, pl.col(f"_o{n}"), end is not None))
            if triple.when is not None:
                cols[f"_c{n}"] = env.cond(triple.when)
                line = pl.when(pl.col(f"_c{n}")).then(line)
            patterns.append(line)
            self.register_cities(triple, env, node, cols.get(f"_c{n}"))
        data = pl.DataFrame(cols)
        for i in range(0, len(patterns), _GROUP):
            out = data.select(p.alias(f"l{j}") for j, p in enumerate(patterns[i:i + _GROUP]))
            for column in out.iter_columns():
                lines = column.drop_nulls()
                if len(lines):
                    yield lines

    def term(self, term: Term, env: _Env, node: pl.Series) -> pl.Series:
        """An object term as N-Triples text (null: no triple)."""
        n = len(node)
        if term.kind == "const":
            return pl.Series([term.text] * n, dtype=pl.String)
        if term.kind == "code":
            return f"<{term.text}" + self.terms.path(env.get(term.args[0])) + ">"
        if term.kind == "iri":
            return "<" + self.iri(term, env, node) + ">"
        if term.kind == "literal":
            values = env.template(term.template, encode=False)
            if term.datatype:
                return self.terms.typed(values, term.datatype)
            return self.terms.plain(values, f"@{term.lang}" if term.lang else "")
        name, args = term.text, [env.get(a) for a in term.args]
        if name == "web":
            return "<" + self.terms.web(args[0]) + ">"
        if name == "city":
            return "<" + self.terms.city(self.city_key(term, env)) + ">"
        if name == "iri":
            return "<" + args[0] + ">"
        if name == "licence":
            return self.terms.licence(args[0])
        return self.terms.function(name, args[0])

    def register_cities(self, triple: Triple, env: _Env, node: pl.Series, cond: pl.Series | None) -> None:
        """Remember the comuni (version IRI, its ISTAT code, the names rows give) that ``city(…)`` objects name,
        for ``other.cities``."""
        if triple.obj.kind != "function" or triple.obj.text != "city":
            return
        key = self.city_key(triple.obj, env)
        names = env.get(triple.obj.args[2]) if len(triple.obj.args) > 2 else nulls(key)
        keep = node.is_not_null() & env.get(triple.obj.args[0]).is_not_null()
        if cond is not None:
            keep = keep & cond
        source = env.get("source_id") if "source_id" in env.spec.fields else nulls(key)
        found = pl.DataFrame({"key": key, "name": names, "source": source}).filter(keep).unique()
        iris, codes = self.terms.city(found["key"]), self.terms.city_code(found["key"])
        for iri, code, name, source_id in zip(iris.to_list(), codes.to_list(), found["name"].to_list(),
                                              found["source"].to_list(), strict=True):
            if iri is None:  # a code OntoPiA does not know: no city (the core shapes report it)
                continue
            for known in (self.cities, self.cities_by_source.setdefault(source_id or "", {})):
                names_of = known.setdefault(iri, (code, set()))[1]
                if name:
                    names_of.add(name)

    def each_lines(self, spec: Table, group: Group, env: _Env, record: pl.Series,
                   end: pl.Series | None) -> Iterator[pl.Series]:
        """A sub-resource per item of ``each``: the items of each distinct argument tuple, joined back to rows."""
        assert group.each is not None
        _item, fn, args = group.each
        names = ITEM_FUNCTIONS[fn]
        key = pl.select(pl.concat_str([pl.lit(env.get(a)).fill_null("\x02") for a in args],
                                      separator="\x01")).to_series()
        rows = []
        for value in key.unique().to_list():
            params = [None if part == "\x02" else part for part in value.split("\x01")]
            rows += [(value, *item) for item in getattr(functions, fn)(*params)]
        if not rows:
            return
        schema = {"_key": pl.String} | {n: (pl.List(pl.String) if n == "day" else pl.String) for n in names}
        items = pl.DataFrame(rows, schema=schema, orient="row")
        base = env.df.with_columns(_key=key, _record=record, **({"_end": end} if end is not None else {}))
        joined = base.join(items, on="_key", how="inner")
        lists = [n for n in names if schema[n] != pl.String]
        inner = _Env(self, spec, joined, items=set(names))
        flat = Group(node=group.node, triples=tuple(t for t in group.triples if not set(t.obj.fields()) & set(lists)),
                     link=group.link, link_reverse=group.link_reverse, when=group.when)
        node = self.node(flat, inner, joined["_record"])
        yield from self.group_lines(flat, inner, node, joined["_record"], joined["_end"] if end is not None else None)
        listed = tuple(t for t in group.triples if set(t.obj.fields()) & set(lists))
        if listed:
            exploded = joined.explode(lists, empty_as_null=True)
            inner = _Env(self, spec, exploded, items=set(names))
            node = self.node(flat, inner, exploded["_record"])
            yield from self.group_lines(Group(node=group.node, triples=listed), inner, node, None,
                                        exploded["_end"] if end is not None else None)


def _iri(column: str) -> pl.Expr:
    return pl.concat_str([pl.lit("<"), pl.col(column), pl.lit(">")])


def _line(subject: pl.Expr, predicate: str, obj: pl.Expr, quads: bool) -> pl.Expr:
    return pl.concat_str([subject, pl.lit(f" <{predicate}> "), obj, pl.col("_end") if quads else pl.lit(" .\n")])


class _Env:
    """The values of the names a table's declaration uses, on one frame: fields, computed columns, lookups and the
    fields of the current items."""

    def __init__(self, writer: Writer, spec: Table, df: pl.DataFrame, items: set[str] | None = None) -> None:
        self.writer, self.spec, self.df = writer, spec, df
        self.items = items or set()
        self.values: dict[str, pl.Series] = {}

    def get(self, name: str) -> pl.Series:
        found = self.values.get(name)
        if found is not None:
            return found
        spec = self.spec
        if name in self.items or name in spec.fields:
            found = self.df[name]
        elif name in spec.computed:
            found = self.call(*spec.computed[name])
        elif name in spec.lookup:
            lookup = self.writer.lookups[name]
            on = self.get(spec.lookup[name]["on"])
            found = on.replace_strict(list(lookup), list(lookup.values()), default=None, return_dtype=pl.String) \
                if lookup else nulls(on)
        else:
            raise ConfigError("error.declaration-name", name=name)
        self.values[name] = found
        return found

    def call(self, fn: str, args: tuple[Any, ...]) -> pl.Series:
        values = [self.call(*a) if isinstance(a, tuple) else
                  ast.literal_eval(a) if a[:1] in "'\"" else self.get(a) for a in args]
        return getattr(functions, fn)(*values, length=len(self.df))

    def template(self, template: tuple[str | Slot, ...], *, encode: bool) -> pl.Series:
        """A template's text: slots are the names' values (percent-encoded for an IRI path when ``encode``)."""
        parts: list[pl.Series | str] = []
        for part in template:
            if isinstance(part, str):
                parts.append(part)
                continue
            values = self.get(part.field)
            if part.default is not None:
                values = values.fill_null(part.default)
            elif part.empty:
                values = values.fill_null("")
            if part.filter == "decimal":
                values = self.writer.terms.decimal_lexical(values)
            elif part.filter == "sha16":
                values = values.str.slice(0, 16)
            elif part.filter == "record":
                values = self.writer.terms.record(values)
            elif encode:
                values = self.writer.terms.path(values)
            parts.append(values)
        if not parts:
            return pl.Series([""] * len(self.df), dtype=pl.String)
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]
        exprs = [pl.lit(p) if isinstance(p, str) else pl.lit(p) for p in parts]
        if all(isinstance(p, str) for p in parts):
            return pl.Series(["".join(parts)] * len(self.df), dtype=pl.String)  # type: ignore[arg-type]
        return pl.select(pl.concat_str(exprs)).to_series()

    def cond(self, cond: Cond) -> pl.Series:
        op = cond.op
        if op == "has":
            return self.get(cond.field).is_not_null()
        if op in ("eq", "ne"):
            values = self.get(cond.field).fill_null("")
            return values == cond.value if op == "eq" else values != cond.value
        if op == "in":
            return self.get(cond.field).fill_null("").str.contains(cond.value, literal=True)
        parts = [self.cond(p) for p in cond.parts]
        if op == "not":
            return ~parts[0]
        out = parts[0]
        for part in parts[1:]:
            out = out & part if op == "and" else out | part
        return out
