"""Vectorised graph writer: the N-Triples / N-Quads lines of :func:`cowork_data.graph.quads`, built with polars.

The same lines as ``stream.ntriples_lines(triples(tables, sources=sources))`` (the same multiset, in another order),
an order of magnitude faster, in memory that depends on ``chunk_rows``, not on the size of the tables:

- the rows of each table are taken ``chunk_rows`` at a time into a ``DataFrame`` of their stripped fields (an empty
  field is null); every term is a string column and every triple pattern of ``cowork_data.graph.mapping`` one
  ``concat_str`` expression, so a null subject or object (a missing field) drops the line;
- the values that need Python logic (an id with characters to percent-encode, a decimal like ``1.5E+3``, a literal
  to escape, an opening-hours rule, a comune IRI, a boolean) go through the reference functions of
  ``iris`` / ``literals`` / ``hours`` and rdflib's ``n3()`` once per unique value, and are joined back; the common
  forms (safe ids, plain decimals, canonical integers and dates, literals without ``\\ " CR LF``) stay vectorised;
- the few per-source triples (sources, snapshots, ``owl:sameAs`` links) come from the reference
  :class:`~cowork_data.graph.mapping.Mapper` and :func:`~cowork_data.graph.stream.ntriples_lines`.

:func:`write_ntriples_fast` and :func:`write_nquads_fast` write the lines as they come, duplicates kept (like
:func:`~cowork_data.graph.stream.write_ntriples_stream`), from a second thread while the next lines are built;
:func:`ntriples_chunks` yields them as string ``pl.Series``. The default 25,000 rows per chunk keeps the writer's
own memory near 350 MB at any size (100,000 rows take about 900 MB and are no faster).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from cowork_data.cities import CityVersion, city_version
from cowork_data.graph import CITIES_GRAPH, TABLE_ORDER, iris, literals
from cowork_data.graph.hours import opening_hours_specifications
from cowork_data.graph.mapping import Mapper
from cowork_data.graph.stream import _term, ntriples_lines
from cowork_data.namespaces import (
    ADMISSION_STATUS,
    ADMS,
    AWARD_STATUS,
    CALL_TYPE,
    CLV,
    COV,
    CPV,
    CW,
    DCT,
    DEFAULT_BASE,
    FEATURE,
    GEO,
    L0,
    LOCN,
    ORG,
    PRJ,
    PROV,
    SCHEMA,
    SPACE_TYPE,
    TI,
    WGS,
    graph_iri,
)

__all__ = ["ntriples_chunks", "write_nquads_fast", "write_ntriples_fast"]

Row = Mapping[str, str]
Tables = Mapping[str, Sequence[Row]]
#: One triple pattern: the parts of its line (before the end), concatenated; a null part drops the line.
Pattern = list[pl.Expr]

#: The characters ``str.strip()`` / ``str.split()`` treat as whitespace (``str.isspace``), wider than Unicode's
#: White_Space (the separators ``\x1c``-``\x1f``).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
              "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Values that urllib.parse.quote leaves as they are, with the safe sets of cowork_data.graph.iris.
_PATH_OK = r"^[A-Za-z0-9_.\-~/:@!$\&'()*+,;=]*$"
_WEB_OK = r"^[A-Za-z0-9_.\-~/:?#\[\]@!$\&'()*+,;=%]*$"
_ESCAPED = r'[\\"\n\r]'
# Lexical forms rdflib and cowork_data.graph.literals keep as they are (decimals without a point get ".0").
_DECIMAL_POINT = r"^-?(0|[1-9][0-9]*)\.[0-9]+$"
_DECIMAL_INTEGRAL = r"^-?(0|[1-9][0-9]*)$"
_INTEGER = r"^(0|-?[1-9][0-9]*)$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_YEAR = r"^[0-9]{4}$"  # year_or_date: xsd:gYear

_GROUP = 6  # patterns evaluated together (in parallel) before their lines are handed on
_IN_FLIGHT = 4  # line Series handed to the writing thread and not yet written
_CACHE_MAX = 200_000  # entries per slow-path cache before it is cleared


def _t(node: URIRef) -> str:
    return f"<{node}>"


_A = _t(RDF.type)
_TRUE = f'"true"^^<{XSD.boolean}>'
_DECIMAL_END = f'"^^<{XSD.decimal}>'
#: literals.{kind} → (regex of the lexical forms kept as they are, end of the term after the value)
_TYPED_FAST = {"integer": (_INTEGER, f'"^^<{XSD.integer}>'), "date": (_DATE, f'"^^<{XSD.date}>'),
               "year_or_date": (_YEAR, f'"^^<{XSD.gYear}>')}

_FIELDS: dict[str, tuple[str, ...]] = {
    "organisations": ("id", "kind", "vat_number", "legal_name", "tax_code", "ipa_code", "legal_form", "ateco_code",
                      "website", "comune_istat"),
    "spaces": ("id", "name", "type", "operator_id", "street_address", "house_number", "postcode", "comune_istat",
               "comune_name", "latitude", "longitude", "features", "workstations", "opening_hours", "email", "phone",
               "description", "services", "opening_hours_note", "wheelchair", "website", "open_since"),
    "calls": ("id", "title", "description", "type", "publisher_id", "parent_id", "announced_date", "opening_date",
              "closing_date", "award_cap", "award_cap_share", "legal_act", "url"),
    "funding": ("call_id", "funder_id", "amount", "currency", "note"),
    "admissions": ("call_id", "space_id", "status", "date_submitted", "date_accepted", "valid_from", "valid_until"),
    "awards": ("call_id", "number", "beneficiary_kind", "beneficiary_id", "space_id", "amount", "status",
               "date_granted"),
    "outcomes": ("call_id", "as_of", "applications", "admitted", "rejected", "pending", "approximate", "note"),
}
_PROVENANCE_FIELDS = ("source_id", "source_record", "source_url")


def ntriples_chunks(
    tables: Tables,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    chunk_rows: int = 25_000,
) -> Iterator[pl.Series]:
    """Yield the N-Triples lines (``"<s> <p> <o> .\\n"``) of ``tables`` as string Series, ``chunk_rows`` rows at a time.

    Together they are the lines of ``stream.ntriples_lines(triples(tables, sources=sources, base=base))``, duplicates
    included, in another order.
    """
    yield from _Writer(tables, sources, base, quads=False).chunks(chunk_rows)


def write_ntriples_fast(
    tables: Tables,
    path: Path,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    chunk_rows: int = 25_000,
) -> int:
    """Write the N-Triples of ``tables`` (duplicates kept, as N-Triples allows); returns the number of lines."""
    return _write(_Writer(tables, sources, base, quads=False).chunks(chunk_rows), path)


def write_nquads_fast(
    tables: Tables,
    path: Path,
    *,
    sources: Mapping[str, Mapping[str, Any]],
    base: str = DEFAULT_BASE,
    chunk_rows: int = 25_000,
) -> int:
    """Write the quads of :func:`cowork_data.graph.quads` as N-Quads (``<s> <p> <o> <g> .``); returns the lines."""
    return _write(_Writer(tables, sources, base, quads=True).chunks(chunk_rows), path)


def _write(chunks: Iterator[pl.Series], path: Path) -> int:
    """Write the lines in a second thread (polars and the file write release the GIL) while the next are built."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb", buffering=1 << 20) as fh, ThreadPoolExecutor(1) as pool:
        pending: deque[Future[None]] = deque()
        for lines in chunks:
            if len(lines):
                pending.append(pool.submit(_write_lines, fh, lines))
                count += len(lines)
                while len(pending) > _IN_FLIGHT:
                    pending.popleft().result()
        for done in pending:
            done.result()
    return count


def _write_lines(fh: BinaryIO, lines: pl.Series) -> None:
    lines.to_frame("line").write_csv(fh, include_header=False, quote_style="never", line_terminator="")


# Terms of one column (eager; null = no value, no triple).


def _cached(values: list[str], fn: Callable[[str], str], cache: dict[str, str]) -> list[str]:
    if len(cache) > _CACHE_MAX:
        cache.clear()
    out = []
    for value in values:
        text = cache.get(value)
        if text is None:
            text = cache[value] = fn(value)
        out.append(text)
    return out


def _version(key: str) -> CityVersion | None:
    """The city version of a ``{istat}|{date}`` key of ``_Writer.city_key`` (``None``: a code OntoPiA lacks)."""
    istat, _, day = key.partition("|")
    return city_version(istat, day or None)


def _city_term(key: str) -> str | None:
    version = _version(key)
    return None if version is None else _t(version.iri)


def _mapped(values: pl.Series, fn: Callable[[str], str], cache: dict[str, str],
            fast: pl.Series | None = None, fast_value: pl.Series | None = None) -> pl.Series:
    """``fast_value`` where ``fast`` holds, else ``fn(value)``, computed once per unique value (and cached)."""
    if fast is not None and fast_value is not None:
        ok = fast.fill_null(True)
        if ok.all():
            return fast_value
        slow = values.filter(~ok).unique()
    else:
        slow = values.drop_nulls().unique()
    keys = slow.to_list()
    if not keys:
        return _nulls(values)
    result = values.replace_strict(keys, _cached(keys, fn, cache), default=None, return_dtype=pl.String)
    if fast is not None and fast_value is not None:
        return fast_value.zip_with(ok, result)
    return result


class _Writer:
    """One write: the base, the cross-table facts of the reference Mapper, and the caches of the slow paths."""

    def __init__(self, tables: Tables, sources: Mapping[str, Mapping[str, Any]], base: str, *, quads: bool) -> None:
        self.tables, self.sources, self.base, self.quads = tables, sources, base, quads
        self.mapper = Mapper(tables, base, sources)
        self.snapshots = {k: str(v) for k, v in self.mapper.snapshots.items()}
        self.funders = {call: str(iris.organization_iri(base, publisher))
                        for call, publisher in self.mapper.call_publisher.items()}
        self.caches: dict[str, dict[str, str]] = {}
        self.hours: dict[str, list[tuple[str, list[str]]]] = {}
        self.feature_codes: dict[str, list[str]] = {}
        self.city_names: dict[URIRef, tuple[str, set[str]]] = {}
        self.referenced: set[str] = set()

    def cache(self, name: str) -> dict[str, str]:
        return self.caches.setdefault(name, {})

    # the whole graph

    def chunks(self, chunk_rows: int) -> Iterator[pl.Series]:
        builders = {"organisations": self.organisation, "spaces": self.space, "calls": self.call,
                    "funding": self.funding, "admissions": self.admission, "awards": self.award,
                    "outcomes": self.outcome}
        for table in TABLE_ORDER:
            rows = self.tables.get(table, ())
            fields = _FIELDS[table] + _PROVENANCE_FIELDS
            for start in range(0, len(rows), chunk_rows):
                df = _frame(rows[start:start + chunk_rows], fields)
                sid = df["source_id"]
                self.referenced.update(sid.drop_nulls().unique().to_list())
                end = self.end(sid)
                for frame, patterns in builders[table](df):
                    if self.quads and "_end" not in frame.columns:  # the exploded frames bring their own
                        frame = frame.with_columns(end.alias("_end"))
                    yield from self.lines(frame, patterns)
                del df  # before the next chunk's frame is built
        yield from self.tail()

    def end(self, source_id: pl.Series) -> pl.Series:
        """The end of each row's lines: ``" ."`` or, for N-Quads, the graph of the row's source and ``" ."``."""
        graph = str(graph_iri("", base=self.base))
        return pl.select(pl.concat_str([pl.lit(f" <{graph}"), pl.lit(source_id).fill_null("unsourced"),
                                        pl.lit("> .\n")])).to_series()

    def lines(self, frame: pl.DataFrame, patterns: list[Pattern]) -> Iterator[pl.Series]:
        end = pl.col("_end") if self.quads else pl.lit(" .\n")
        for i in range(0, len(patterns), _GROUP):
            group = patterns[i:i + _GROUP]
            out = frame.select(pl.concat_str([*parts, end]).alias(f"l{n}") for n, parts in enumerate(group))
            for column in out.iter_columns():
                yield column.drop_nulls()

    def tail(self) -> Iterator[pl.Series]:
        """The per-source triples: ``owl:sameAs`` links, comuni, sources, referenced but undescribed sources."""
        base, mapper = self.base, self.mapper
        links = self.tables.get("same_as", ())
        for start in range(0, len(links), 10_000):
            batch = [(s, p, o, graph_iri(link.get("source_id") or "unsourced", base=base))
                     for link in links[start:start + 10_000] for s, p, o in mapper.same_as(link)]
            yield self.python_lines(batch)
        yield from self.cities()
        for source_id in sorted(self.sources):
            g = graph_iri(source_id, base=base)
            yield self.python_lines([(s, p, o, g) for s, p, o in mapper.source(source_id, self.sources[source_id])])
        for source_id in sorted(self.referenced - set(self.sources)):
            node, g = iris.source_iri(base, source_id), graph_iri(source_id, base=base)
            yield self.python_lines([(node, RDF.type, PROV.Entity, g), (node, DCT.identifier, Literal(source_id), g)])

    def cities(self) -> Iterator[pl.Series]:
        """``Mapper.cities``: each comune met, its ISTAT code and its names (``@it``), in the ``istat`` graph."""
        if not self.city_names:
            return
        iri = pl.Series("c", [_t(c) for c in self.city_names], dtype=pl.String)
        istat = pl.Series("istat", [code for code, _names in self.city_names.values()], dtype=pl.String)
        names = pl.DataFrame({"c": [_t(c) for c, (_code, names) in self.city_names.items() for _name in names],
                              "name": [name for _code, names in self.city_names.values() for name in names]},
                             schema={"c": pl.String, "name": pl.String})
        name = names["name"]
        label = _mapped(name, lambda v: _term(Literal(v, lang="it"), {}), self.cache("label"),
                        ~name.str.contains(_ESCAPED), '"' + name + '"@it')
        end = {"_end": pl.lit(f" {_t(graph_iri(CITIES_GRAPH, base=self.base))} .\n")} if self.quads else {}
        city = pl.DataFrame({"c": iri, "id": self.plain(istat)}).with_columns(**end)
        labels = pl.DataFrame({"c": names["c"], "label": label}).with_columns(**end)
        yield from self.lines(city, [[pl.col("c"), pl.lit(f" {_A} {_t(CLV.City)}")],
                                     [pl.col("c"), pl.lit(f" {_t(DCT.identifier)} "), pl.col("id")]])
        yield from self.lines(labels, [[pl.col("c"), pl.lit(f" {_t(RDFS.label)} "), pl.col("label")]])

    def python_lines(self, quads: list[tuple[Any, Any, Any, URIRef]]) -> pl.Series:
        lines = list(ntriples_lines((s, p, o) for s, p, o, _g in quads))
        if self.quads:
            lines = [line[:-3] + f" <{g}> .\n" for line, (*_triple, g) in zip(lines, quads, strict=True)]
        return pl.Series("line", lines, dtype=pl.String)

    # terms

    def path(self, values: pl.Series) -> pl.Series:
        """``iris._path``: percent-encoding outside the safe set."""
        return _mapped(values, iris._path, self.cache("path"), values.str.contains(_PATH_OK), values)

    def web(self, values: pl.Series) -> pl.Series:
        """``<iris.web_iri(value)>``."""
        fast = values.str.contains(_WEB_OK)
        return _mapped(values, lambda v: _t(iris.web_iri(v)), self.cache("web"), fast, "<" + values + ">")

    def plain(self, values: pl.Series) -> pl.Series:
        """``Literal(value)`` as a term, escaped by rdflib's ``n3()`` when it holds ``\\``, ``"``, CR or LF."""
        fast = ~values.str.contains(_ESCAPED)
        return _mapped(values, lambda v: _term(Literal(v), {}), self.cache("plain"), fast, '"' + values + '"')

    def typed(self, values: pl.Series, kind: str) -> pl.Series:
        """The term of ``literals.{kind}(value)``; the forms both keep as they are stay vectorised."""
        if kind == "decimal":
            return self.decimal(values)[1]
        fn = getattr(literals, kind)
        if kind not in _TYPED_FAST:  # boolean: a handful of values
            return _mapped(values, lambda v: _term(fn(v), {}), self.cache(kind))
        pattern, end = _TYPED_FAST[kind]
        return _mapped(values, lambda v: _term(fn(v), {}), self.cache(kind), values.str.contains(pattern),
                       '"' + values + end)

    def decimal(self, values: pl.Series) -> tuple[pl.Series, pl.Series]:
        """(lexical form, term) of ``literals.decimal(value)``."""
        point, integral = values.str.contains(_DECIMAL_POINT), values.str.contains(_DECIMAL_INTEGRAL)
        lexical = values.zip_with(point.fill_null(False), values + ".0")
        fast = point | integral
        lexical = _mapped(values, lambda v: str(literals.decimal(v)), self.cache("decimal-lexical"), fast, lexical)
        term = _mapped(values, lambda v: _term(literals.decimal(v), {}), self.cache("decimal"), fast,
                       '"' + lexical + _DECIMAL_END)
        return lexical, term

    def city_key(self, istat: pl.Series, source_id: pl.Series) -> pl.Series:
        """``{istat}|{date}``: a row's comune and the retrieval date of its snapshot (``Mapper._city``)."""
        dates = self.mapper.dates
        on = source_id.replace_strict(list(dates), [d or "" for d in dates.values()], default="",
                                      return_dtype=pl.String) if dates else pl.Series([""] * len(istat))
        return pl.select(pl.concat_str([pl.lit(istat), pl.lit(on).fill_null("")], separator="|")).to_series()

    def city(self, istat: pl.Series, source_id: pl.Series) -> pl.Series:
        key = self.city_key(istat, source_id).zip_with(istat.is_not_null(), _nulls(istat))
        return _mapped(key, _city_term, self.cache("city"))

    def record(self, kind: str, ids: pl.Series) -> pl.Series:
        """The IRI (no brackets) of a record: ``{base}data/{kind}/{id}``, an empty id giving the bare prefix."""
        return f"{self.base}data/{kind}/" + self.path(ids.fill_null(""))

    # shared parts of the mapping

    def provenance(self, df: pl.DataFrame, subject: str) -> tuple[dict[str, pl.Series], list[Pattern]]:
        """Columns and patterns of ``Mapper._provenance`` on the subject column ``subject``."""
        sid, record, url = df["source_id"], df["source_record"], df["source_url"]
        cols = {"p_src": "<" + self.record("source", sid).zip_with(sid.is_not_null(), _nulls(sid)) + ">",
                "p_url": self.web(url)}
        patterns = [_triple(subject, PROV.wasDerivedFrom, pl.col("p_src")),
                    _triple(subject, DCT.source, pl.col("p_url"))]
        if self.snapshots:
            snapshot = sid.replace_strict(list(self.snapshots), list(self.snapshots.values()), default=None,
                                          return_dtype=pl.String)
            part = record.str.extract(r"(?s)^(.*)#", 1)
            fragment = record.str.extract(r"(?s)#([^#]*)$", 1).fill_null(record)
            has_part = part.fill_null("") != ""
            quoted = self.path(part.zip_with(has_part, _nulls(part)))
            with_part = snapshot + "/" + quoted + "#" + fragment
            fragment_iri = with_part.zip_with(has_part, snapshot + "#" + fragment)
            cols["p_snap"] = "<" + snapshot.zip_with(record.is_not_null(), _nulls(snapshot)) + ">"
            cols["p_rec"] = fragment_iri.zip_with(record.is_not_null() & snapshot.is_not_null(), _nulls(snapshot))
            patterns += [_triple(subject, PROV.wasDerivedFrom, _iri("p_rec")),
                         _triple("p_rec", RDF.type, _const(PROV.Entity)),
                         _triple("p_rec", DCT.isPartOf, pl.col("p_snap"))]
        return cols, patterns

    def amount(self, node: str, value: pl.Series, currency: pl.Series | None = None) -> tuple[dict[str, pl.Series],
                                                                                              list[Pattern]]:
        """``Mapper._amount`` on the node column ``node`` (null where there is no amount)."""
        cols = {f"{node}_value": self.typed(value, "decimal")}
        if currency is None:
            currency_term = pl.lit('"EUR"')
        else:
            cols[f"{node}_currency"] = self.plain(currency.fill_null("EUR"))
            currency_term = pl.col(f"{node}_currency")
        return cols, [_triple(node, RDF.type, _const(SCHEMA.MonetaryAmount)),
                      _triple(node, SCHEMA.value, pl.col(f"{node}_value")),
                      _triple(node, SCHEMA.currency, currency_term)]

    def interval(self, node: str, start: pl.Series, end: pl.Series) -> tuple[dict[str, pl.Series], list[Pattern]]:
        """``Mapper._interval`` on the node column ``node``."""
        cols = {f"{node}_start": self.typed(start, "date"), f"{node}_end": self.typed(end, "date")}
        return cols, [_triple(node, RDF.type, _const(TI.TimeInterval)),
                      _triple(node, TI.startTime, pl.col(f"{node}_start")),
                      _triple(node, TI.endTime, pl.col(f"{node}_end"))]

    def add_cities(self, istat: pl.Series, names: pl.Series | None, source_id: pl.Series) -> None:
        frame = pl.DataFrame({"key": self.city_key(istat, source_id),
                              "name": names if names is not None else _nulls(istat)})
        for key, name in frame.filter(istat.is_not_null()).unique().iter_rows():
            version = _version(key)
            if version is None:
                continue
            found = self.city_names.setdefault(version.iri, (version.istat, set()))[1]
            if name:
                found.add(name)

    # tables: each gives [(frame, patterns)], the patterns naming the frame's columns

    def organisation(self, df: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        o = self.record("organization", df["id"])
        public = df["kind"].fill_null("") == "public-body"
        private = ~public & df["vat_number"].is_not_null()
        istat = df["comune_istat"]
        self.add_cities(istat, None, df["source_id"])
        has = _has(df)
        cols = {"o": o, "public": public, "private": private,
                "legal_name": self.plain(df["legal_name"]), "tax_code": self.plain(df["tax_code"]),
                "vat": self.plain(df["vat_number"]), "ipa": self.plain(df["ipa_code"]),
                "form": self.plain(df["legal_form"]), "ateco": self.plain(df["ateco_code"]),
                "website": self.web(df["website"]), "city": self.city(istat, df["source_id"]),
                "status": _hash(o, "legal-status", has("legal_form")),
                "activity": _hash(o, "activity-type", has("ateco_code")),
                "address": _hash(o, "address", has("comune_istat"))}
        patterns = [
            _triple("o", RDF.type, _const(COV.Organization)),
            _triple("o", RDF.type, _const(COV.PublicOrganization, pl.col("public"))),
            _triple("o", RDF.type, _const(COV.PrivateOrganization, pl.col("private"))),
            _triple("o", COV.legalName, pl.col("legal_name")),
            _triple("o", COV.taxCode, pl.col("tax_code")),
            _triple("o", COV.VATnumber, pl.col("vat")),
            _triple("o", COV.IPAcode, pl.col("ipa")),
            _triple("o", COV.hasLegalStatus, _iri("status")),
            _triple("status", RDF.type, _const(COV.LegalStatus)),
            _triple("status", L0.identifier, pl.col("form")),
            _triple("o", COV.hasPrivateOrgActivityType, _iri("activity")),
            _triple("activity", RDF.type, _const(COV.PrivateOrgActivityType)),
            _triple("activity", L0.identifier, pl.col("ateco")),
            _triple("o", SCHEMA.url, pl.col("website")),
            _triple("o", CLV.hasAddress, _iri("address")),
            _triple("address", RDF.type, _const(CLV.Address)),
            _triple("address", CLV.hasCity, pl.col("city")),
        ]
        prov_cols, prov = self.provenance(df, "o")
        return [(pl.DataFrame(cols | prov_cols), patterns + prov)]

    def space(self, df: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        s = self.record("workspace", df["id"])
        has = _has(df)
        street, number, postcode = df["street_address"], df["house_number"], df["postcode"]
        istat, comune = df["comune_istat"], df["comune_name"]
        self.add_cities(istat, comune, df["source_id"])
        lat_lex, lat = self.decimal(df["latitude"])
        lon_lex, lon = self.decimal(df["longitude"])
        position = has("latitude") & has("longitude")
        full = pl.select(pl.concat_str(
            [_nonempty(pl.concat_str([pl.lit(street), pl.lit(number)], separator=" ", ignore_nulls=True)),
             _nonempty(pl.concat_str([pl.lit(postcode), pl.lit(comune)], separator=" ", ignore_nulls=True))],
            separator=", ", ignore_nulls=True)).to_series()
        wkt = "POINT(" + lon_lex + " " + lat_lex + ")"
        wkt_term = _mapped(wkt, lambda v: _term(Literal(v, datatype=GEO.wktLiteral), {}), self.cache("wkt"),
                           ~wkt.str.contains(_ESCAPED), '"' + wkt + f'"^^<{GEO.wktLiteral}>')
        operator = df["operator_id"]
        cols = {
            "s": s, "name": self.plain(df["name"]), "type": f"<{SPACE_TYPE}" + df["type"] + ">",
            "org": self.record("organization", operator).zip_with(operator.is_not_null(), _nulls(operator)),
            "address": _hash(s, "address", has("street_address") | has("house_number") | has("postcode")
                             | has("comune_istat")),
            "full": self.plain(_nonempty_series(full)), "street": self.plain(street), "number": self.plain(number),
            "postcode": self.plain(postcode), "city": self.city(istat, df["source_id"]),
            "lat": lat.zip_with(position, _nulls(lat)), "lon": lon.zip_with(position, _nulls(lon)),
            "geometry": _hash(s, "geometry", position), "wkt": wkt_term,
            "url": self.web(df["website"]), "created": self.typed(df["open_since"], "year_or_date"),
        }
        patterns = [_triple("s", RDF.type, _const(cls)) for cls in (CW.Workspace, SCHEMA.Place, ORG.Site)] + [
            _triple("s", SCHEMA.name, pl.col("name")),
            _triple("s", DCT.type, pl.col("type")),
            _triple("s", ORG.siteOf, _iri("org")),
            _triple("org", ORG.hasSite, _iri("s")),
            _triple("s", CLV.hasAddress, _iri("address")),
            _triple("address", RDF.type, _const(CLV.Address)),
            _triple("address", CLV.fullAddress, pl.col("full")),
            _triple("address", LOCN.thoroughfare, pl.col("street")),
            _triple("address", LOCN.locatorDesignator, pl.col("number")),
            _triple("address", CLV.postCode, pl.col("postcode")),
            _triple("address", CLV.hasCity, pl.col("city")),
            _triple("s", WGS.lat, pl.col("lat")),
            _triple("s", WGS.long, pl.col("lon")),
            _triple("s", GEO.hasGeometry, _iri("geometry")),
            _triple("geometry", RDF.type, _const(GEO.Geometry)),
            _triple("geometry", GEO.asWKT, pl.col("wkt")),
            _triple("s", SCHEMA.url, pl.col("url")),
            _triple("s", DCT.created, pl.col("created")),
        ]
        for field, prop in (("opening_hours", SCHEMA.openingHours), ("email", SCHEMA.email),
                            ("phone", SCHEMA.telephone), ("description", SCHEMA.description),
                            ("services", CW.servicesNote), ("opening_hours_note", CW.openingHoursNote),
                            ("wheelchair", CW.wheelchair)):
            cols[f"f_{field}"] = self.plain(df[field])
            patterns.append(_triple("s", prop, pl.col(f"f_{field}")))
        prov_cols, prov = self.provenance(df, "s")
        blocks = [(pl.DataFrame(cols | prov_cols), patterns + prov)]
        end = {"_end": self.end(df["source_id"])} if self.quads else {}
        blocks += self.features(pl.DataFrame({"s": s, "codes": df["features"], "w": df["workstations"]} | end))
        blocks += self.opening_hours(pl.DataFrame({"s": s, "hours": df["opening_hours"]} | end))
        return blocks

    def features(self, frame: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        """``Mapper._features``: the sorted unique codes of each (features, has workstations) value, computed once
        per unique value and joined back, one row per (space, code)."""
        frame = frame.with_columns(key=pl.col("codes").fill_null("") + pl.when(pl.col("w").is_null()).then(
            pl.lit("\x00")).otherwise(pl.lit("\x00workstations")))
        keys = frame["key"].unique().to_list()
        known = self.feature_codes
        if len(known) > _CACHE_MAX:
            known.clear()
        for key in keys:
            if key not in known:
                text, _, extra = key.rpartition("\x00")
                known[key] = sorted(set(text.split()) | ({extra} if extra else set()))
        lookup = pl.DataFrame({"key": keys, "code": [known[k] for k in keys]},
                              schema={"key": pl.String, "code": pl.List(pl.String)})
        rows = frame.join(lookup, on="key", how="left").explode("code", empty_as_null=True).drop_nulls("code")
        code, w = rows["code"], rows["w"]
        count = w.zip_with(code == "workstations", _nulls(w))
        value = self.typed(count, "integer").fill_null(_TRUE)
        f = rows["s"] + "#feature-" + self.path(code)
        frame = rows.select("s", *(["_end"] if self.quads else [])).with_columns(
            f=f, type=f"<{FEATURE}" + code + ">", name=self.plain(code), value=value)
        return [(frame, [_triple("s", SCHEMA.amenityFeature, _iri("f")),
                         _triple("f", RDF.type, _const(SCHEMA.LocationFeatureSpecification)),
                         _triple("f", DCT.type, pl.col("type")),
                         _triple("f", SCHEMA.name, pl.col("name")),
                         _triple("f", SCHEMA.value, pl.col("value"))])]

    def opening_hours(self, frame: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        """``schema:OpeningHoursSpecification`` nodes: one row per (space, rule), then per (space, rule, triple)."""
        values = frame["hours"].drop_nulls().unique().to_list()
        lookup_rows = []
        for value in values:
            specs = self.hours.get(value)
            if specs is None:
                if len(self.hours) > _CACHE_MAX:
                    self.hours.clear()
                specs = self.hours[value] = _hours(value)
            lookup_rows += [(value, fragment, tails) for fragment, tails in specs]
        if not lookup_rows:
            return []
        lookup = pl.DataFrame(lookup_rows, schema={"hours": pl.String, "fragment": pl.String,
                                                   "tails": pl.List(pl.String)}, orient="row")
        rules = frame.join(lookup, on="hours", how="inner").with_columns(
            h=pl.col("s") + "#" + pl.col("fragment"))
        body = rules.select("h", "tails", *(["_end"] if self.quads else [])).explode("tails", empty_as_null=True)
        return [(rules, [_triple("s", SCHEMA.openingHoursSpecification, _iri("h"))]),
                (body, [[pl.lit("<"), pl.col("h"), pl.lit("> "), pl.col("tails")]])]

    def call(self, df: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        c = self.record("call", df["id"])
        has = _has(df)
        parent, publisher = df["parent_id"], df["publisher_id"]
        cols = {
            "c": c, "id": self.plain(df["id"].fill_null("")), "title": self.plain(df["title"]),
            "description": self.plain(df["description"]), "type": f"<{CALL_TYPE}" + df["type"] + ">",
            "publisher": "<" + self.record("organization", publisher).zip_with(has("publisher_id"),
                                                                               _nulls(publisher)) + ">",
            "parent": "<" + self.record("call", parent).zip_with(has("parent_id"), _nulls(parent)) + ">",
            "issued": self.typed(df["announced_date"], "date"),
            "w": _hash(c, "window", has("opening_date") | has("closing_date")),
            "cap": _hash(c, "cap", has("award_cap")),
            "share": self.typed(df["award_cap_share"], "decimal"), "act": self.plain(df["legal_act"]),
            "url": self.web(df["url"]),
        }
        patterns = [
            _triple("c", RDF.type, _const(PRJ.Call)),
            _triple("c", L0.identifier, pl.col("id")),
            _triple("c", L0.name, pl.col("title")),
            _triple("c", L0.description, pl.col("description")),
            _triple("c", DCT.type, pl.col("type")),
            _triple("c", DCT.publisher, pl.col("publisher")),
            _triple("c", DCT.isPartOf, pl.col("parent")),
            _triple("c", DCT.issued, pl.col("issued")),
            _triple("c", TI.atTime, _iri("w")),
            _triple("c", CW.awardCap, _iri("cap")),
            _triple("c", CW.awardCapShare, pl.col("share")),
            _triple("c", CW.legalAct, pl.col("act")),
            _triple("c", SCHEMA.url, pl.col("url")),
        ]
        for extra_cols, extra in (self.interval("w", df["opening_date"], df["closing_date"]),
                                  self.amount("cap", df["award_cap"]), self.provenance(df, "c")):
            cols |= extra_cols
            patterns += extra
        return [(pl.DataFrame(cols), patterns)]

    def funding(self, df: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        funder = df["funder_id"].fill_null("")
        c = self.record("call", df["call_id"])
        g = c + "#" + self.path("funding-" + funder)
        amount = df["amount"]
        cols = {"g": g, "c": c, "funder": "<" + self.record("organization", funder) + ">",
                "n": (c + "#" + self.path("funding-" + funder + "-amount")).zip_with(amount.is_not_null(),
                                                                                     _nulls(amount)),
                "note": self.plain(df["note"])}
        patterns = [
            _triple("g", RDF.type, _const(SCHEMA.MonetaryGrant)),
            _triple("g", SCHEMA.funder, pl.col("funder")),
            _triple("g", SCHEMA.fundedItem, _iri("c")),
            _triple("g", SCHEMA.amount, _iri("n")),
            _triple("g", RDFS.comment, pl.col("note")),
        ]
        for extra_cols, extra in (self.amount("n", amount, df["currency"]), self.provenance(df, "g")):
            cols |= extra_cols
            patterns += extra
        return [(pl.DataFrame(cols), patterns)]

    def admission(self, df: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        call_id, space_id = df["call_id"].fill_null(""), df["space_id"].fill_null("")
        has = _has(df)
        belfiore = space_id.str.extract(r"(?s)^([^/]*)", 1)
        slug = space_id.str.extract(r"(?s)^[^/]*/(.*)$", 1).fill_null("")
        call_belfiore = call_id.str.extract(r"(?s)^([^/]*)", 1)
        tail = slug.zip_with((slug != "") & (belfiore == call_belfiore), space_id)
        c = self.record("call", call_id)
        a = c + "/admission/" + self.path(tail)
        cols = {"a": a, "c": c, "space": self.record("workspace", space_id),
                "status": f"<{ADMISSION_STATUS}" + df["status"] + ">",
                "submitted": self.typed(df["date_submitted"], "date"),
                "accepted": self.typed(df["date_accepted"], "date"),
                "v": _hash(a, "validity", has("valid_from") | has("valid_until"))}
        patterns = [
            _triple("a", RDF.type, _const(CW.RegistryAdmission)),
            _triple("a", CW.call, _iri("c")),
            _triple("a", CW.admittedWorkspace, _iri("space")),
            _triple("a", ADMS.status, pl.col("status")),
            _triple("a", DCT.dateSubmitted, pl.col("submitted")),
            _triple("a", DCT.dateAccepted, pl.col("accepted")),
            _triple("a", TI.atTime, _iri("v")),
        ]
        for extra_cols, extra in (self.interval("v", df["valid_from"], df["valid_until"]), self.provenance(df, "a")):
            cols |= extra_cols
            patterns += extra
        return [(pl.DataFrame(cols), patterns)]

    def award(self, df: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        call_id = df["call_id"].fill_null("")
        has = _has(df)
        c = self.record("call", call_id)
        a = c + "/award/" + self.path(df["number"].fill_null(""))
        person = df["beneficiary_kind"].fill_null("") == "person"
        beneficiary = df["beneficiary_id"]
        organisation = ~person & beneficiary.is_not_null()
        funder = call_id.replace_strict(list(self.funders), list(self.funders.values()), default=None,
                                        return_dtype=pl.String)
        space, amount = df["space_id"], df["amount"]
        cols = {"a": a, "c": c, "funder": funder, "p": _hash(a, "beneficiary", person),
                "beneficiary": self.record("organization", beneficiary).zip_with(organisation, _nulls(beneficiary)),
                "space": self.record("workspace", space).zip_with(has("space_id"), _nulls(space)),
                "n": _hash(a, "amount", has("amount")), "status": f"<{AWARD_STATUS}" + df["status"] + ">",
                "granted": self.typed(df["date_granted"], "date")}
        patterns = [
            _triple("a", RDF.type, _const(SCHEMA.MonetaryGrant)),
            _triple("a", CW.call, _iri("c")),
            _triple("a", SCHEMA.funder, _iri("funder")),
            _triple("a", SCHEMA.fundedItem, _iri("p")),
            _triple("p", RDF.type, _const(CPV.Person)),
            _triple("a", SCHEMA.fundedItem, _iri("beneficiary")),
            _triple("a", SCHEMA.location, _iri("space")),
            _triple("a", SCHEMA.amount, _iri("n")),
            _triple("a", ADMS.status, pl.col("status")),
            _triple("a", DCT.dateAccepted, pl.col("granted")),
        ]
        for extra_cols, extra in (self.amount("n", amount), self.provenance(df, "a")):
            cols |= extra_cols
            patterns += extra
        return [(pl.DataFrame(cols), patterns)]

    def outcome(self, df: pl.DataFrame) -> list[tuple[pl.DataFrame, list[Pattern]]]:
        call_id = df["call_id"].fill_null("")
        c = self.record("call", call_id)
        cols = {"o": c + "/outcome/" + self.path(df["as_of"].fill_null("")), "c": c,
                "as_of": self.typed(df["as_of"], "year_or_date"),
                "approximate": self.typed(df["approximate"], "boolean"), "note": self.plain(df["note"])}
        patterns = [
            _triple("o", RDF.type, _const(CW.CallOutcome)),
            _triple("o", CW.call, _iri("c")),
            _triple("o", CW.asOf, pl.col("as_of")),
            _triple("o", CW.approximate, pl.col("approximate")),
            _triple("o", RDFS.comment, pl.col("note")),
        ]
        for field, prop in (("applications", CW.applications), ("admitted", CW.admitted),
                            ("rejected", CW.rejected), ("pending", CW.pending)):
            cols[field] = self.typed(df[field], "integer")
            patterns.append(_triple("o", prop, pl.col(field)))
        prov_cols, prov = self.provenance(df, "o")
        return [(pl.DataFrame(cols | prov_cols), patterns + prov)]


# small helpers


def _frame(rows: Sequence[Row], fields: tuple[str, ...]) -> pl.DataFrame:
    """The rows' fields as stripped strings (``str.strip``), an empty or missing field as null."""
    data = pl.DataFrame([pl.Series(f, _column(rows, f), dtype=pl.String) for f in fields])
    return data.select(_nonempty(pl.col(f).str.strip_chars(WHITESPACE)).alias(f) for f in fields)


def _column(rows: Sequence[Row], field: str) -> list[Any]:
    try:
        return list(map(itemgetter(field), rows))
    except KeyError:  # a row without the field
        return [row.get(field) for row in rows]


def _nonempty(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_bytes() > 0).then(expr)


def _nonempty_series(values: pl.Series) -> pl.Series:
    return values.zip_with(values.fill_null("") != "", _nulls(values))


def _nulls(like: pl.Series) -> pl.Series:
    return pl.Series(like.name, [None] * len(like), dtype=pl.String)


def _has(df: pl.DataFrame) -> Callable[[str], pl.Series]:
    return lambda field: df[field].is_not_null()


def _hash(record: pl.Series, fragment: str, where: pl.Series) -> pl.Series:
    """``iris.hash_iri(record, fragment)`` (no brackets) where ``where`` holds, else null."""
    return (record + f"#{iris._path(fragment)}").zip_with(where, _nulls(record))


def _triple(subject: str, predicate: URIRef, obj: pl.Expr) -> Pattern:
    """A triple whose subject is the IRI (no brackets) in column ``subject``."""
    return [pl.lit("<"), pl.col(subject), pl.lit(f"> <{predicate}> "), obj]


def _iri(column: str) -> pl.Expr:
    return pl.concat_str([pl.lit("<"), pl.col(column), pl.lit(">")])


def _const(node: URIRef, where: pl.Expr | None = None) -> pl.Expr:
    term = pl.lit(_t(node))
    return term if where is None else pl.when(where).then(term)


def _hours(value: str) -> list[tuple[str, list[str]]]:
    """``(fragment, ["<p> <o>", …])`` of each opening hours specification of ``value`` (``Mapper.space``)."""
    out = []
    for n, (days, opens, closes) in enumerate(opening_hours_specifications(value), 1):
        tails = [f"{_A} {_t(SCHEMA.OpeningHoursSpecification)}"]
        tails += [f"{_t(SCHEMA.dayOfWeek)} {_t(SCHEMA[day])}" for day in days]
        tails.append(f"{_t(SCHEMA.opens)} {_term(Literal(opens, datatype=XSD.time), {})}")
        tails.append(f"{_t(SCHEMA.closes)} {_term(Literal(closes, datatype=XSD.time), {})}")
        out.append((iris._path(f"opening-hours-{n}"), tails))
    return out
