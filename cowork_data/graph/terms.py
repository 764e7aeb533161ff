"""RDF terms as N-Triples text, for whole columns (polars) with the exact rules of one value (Python).

Each column function keeps the common forms vectorised (safe ids, plain decimals, canonical integers and dates,
literals without ``\\ " CR LF``) and sends every other distinct value once through the Python rule of
:mod:`cowork_data.graph.iris` / :mod:`cowork_data.graph.literals` (whose lexical forms are rdflib's). Literals are
written as canonical N-Triples: ``\\``, ``"``, LF and CR escaped, everything else as it is (UTF-8).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import polars as pl
from rdflib import Literal, URIRef

from cowork_data.cities import city_version
from cowork_data.graph import iris, literals

__all__ = ["WHITESPACE", "Terms", "escape", "literal_text", "nulls", "quiet_rdflib", "where"]

#: The characters ``str.strip()`` / ``str.split()`` treat as whitespace (``str.isspace``), wider than Unicode's
#: White_Space (the separators ``\x1c``-``\x1f``).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
              "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
XSD = "http://www.w3.org/2001/XMLSchema#"
# Values that urllib.parse.quote leaves as they are, with the safe sets of cowork_data.graph.iris.
PATH_OK = r"^[A-Za-z0-9_.\-~/:@!$\&'()*+,;=]*$"
WEB_OK = r"^[A-Za-z0-9_.\-~/:?#\[\]@!$\&'()*+,;=%]*$"
ESCAPED = r'[\\"\n\r]'
# Lexical forms rdflib and cowork_data.graph.literals keep as they are (decimals without a point get ".0").
DECIMAL_POINT = r"^-?(0|[1-9][0-9]*)\.[0-9]+$"
DECIMAL_INTEGRAL = r"^-?(0|[1-9][0-9]*)$"
#: Datatype → the lexical forms rdflib keeps as they are (anything else goes through ``rdflib.Literal``).
CANONICAL = {f"{XSD}integer": r"^(0|-?[1-9][0-9]*)$", f"{XSD}date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
             f"{XSD}gYear": r"^[0-9]{4}$", f"{XSD}time": r"^[0-9]{2}:[0-9]{2}:[0-9]{2}$",
             f"{XSD}hexBinary": r"^[0-9a-f]*$", f"{XSD}decimal": DECIMAL_POINT}
_CACHE_MAX = 200_000  # entries per slow-path cache before it is cleared


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback and warns for every ill-typed literal it is given: the shapes report them instead."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _city_text(key: str, *, iri: bool) -> str | None:
    istat, _, day = key.partition("|")
    version = city_version(istat, day or None)
    if version is None:
        return None
    return str(version.iri) if iri else version.istat


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def literal_text(lit: Literal) -> str:
    """A literal (its lexical form as rdflib normalises it) as an N-Triples term."""
    out = f'"{escape(str(lit))}"'
    if lit.language:
        return f"{out}@{lit.language}"
    if lit.datatype is not None:
        return f"{out}^^<{lit.datatype}>"
    return out


def nulls(like: pl.Series) -> pl.Series:
    return pl.Series(like.name, [None] * len(like), dtype=pl.String)


def where(values: pl.Series, condition: pl.Series) -> pl.Series:
    """``values`` where ``condition`` holds, else null."""
    return values.zip_with(condition.fill_null(False), nulls(values))


class Terms:
    """Column functions of one write: the base IRI and the caches of the slow paths (shared by every chunk)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.caches: dict[str, dict[str, str]] = {}

    def mapped(self, values: pl.Series, fn: Callable[[str], str], name: str, fast: pl.Series | None = None,
               fast_value: pl.Series | None = None) -> pl.Series:
        """``fast_value`` where ``fast`` holds, else ``fn(value)``, computed once per distinct value (and cached)."""
        if fast is not None and fast_value is not None:
            ok = fast.fill_null(True)
            if ok.all():
                return fast_value
            slow = values.filter(~ok).unique()
        else:
            slow = values.drop_nulls().unique()
        keys = slow.drop_nulls().to_list()
        if not keys:
            return fast_value if fast_value is not None else nulls(values)
        cache = self.caches.setdefault(name, {})
        if len(cache) > _CACHE_MAX:
            cache.clear()
        out = []
        with quiet_rdflib():  # an ill-typed value stays in the graph as such, for the shapes to report
            for value in keys:
                text = cache.get(value)
                if text is None:
                    text = cache[value] = fn(value)
                out.append(text)
        result = values.replace_strict(keys, out, default=None, return_dtype=pl.String)
        if fast is not None and fast_value is not None:
            return fast_value.zip_with(ok, result)
        return result

    # IRIs (without the angle brackets)

    def path(self, values: pl.Series) -> pl.Series:
        """``iris.path_segment``: percent-encoding outside the safe set of a path segment."""
        return self.mapped(values, iris.path_segment, "path", values.str.contains(PATH_OK), values)

    def web(self, values: pl.Series) -> pl.Series:
        """``iris.web_iri``."""
        return self.mapped(values, lambda v: str(iris.web_iri(v)), "web", values.str.contains(WEB_OK), values)

    def city_key(self, istat: pl.Series, on: pl.Series | None) -> pl.Series:
        """``{istat}|{day}``: a comune and the day its version is wanted on (empty: the current version)."""
        day = on.str.slice(0, 10).fill_null("") if on is not None else pl.Series([""] * len(istat), dtype=pl.String)
        return pl.select(pl.concat_str([pl.lit(istat), pl.lit(day)], separator="|")).to_series()

    def city(self, key: pl.Series) -> pl.Series:
        """The OntoPiA IRI of the comune version of each ``city_key`` (null: a code OntoPiA does not know)."""
        return self.mapped(key, lambda k: _city_text(k, iri=True), "city")

    def city_code(self, key: pl.Series) -> pl.Series:
        """The ISTAT code of that version (a comune's code changes with its province)."""
        return self.mapped(key, lambda k: _city_text(k, iri=False), "city-code")

    def record(self, values: pl.Series) -> pl.Series:
        """``iris.record_iri`` after the snapshot IRI: ``#row=5`` for ``row=5``, ``/calls.csv#row=2`` for
        ``calls.csv#row=2`` (the file part percent-encoded, the fragment as it is)."""
        def slow(value: str) -> str:
            part, _, fragment = value.rpartition("#")
            return f"/{iris.path_segment(part)}#{fragment}" if part else f"#{fragment}"
        return self.mapped(values, slow, "record", ~values.str.contains("#"), "#" + values)

    # literals (whole terms)

    def plain(self, values: pl.Series, suffix: str = "") -> pl.Series:
        """A plain literal (``suffix``: ``@lang`` or ``^^<datatype>`` added as it is)."""
        fast = ~values.str.contains(ESCAPED)
        return self.mapped(values, lambda v: f'"{escape(v)}"{suffix}', f"plain{suffix}", fast,
                           '"' + values + '"' + suffix)

    def typed(self, values: pl.Series, datatype: str) -> pl.Series:
        """A literal of ``datatype`` with rdflib's lexical form (canonical forms stay vectorised)."""
        suffix = f"^^<{datatype}>"
        pattern = CANONICAL.get(datatype)
        if pattern is None and datatype.startswith(XSD):
            return self.mapped(values, lambda v: literal_text(Literal(v, datatype=URIRef(datatype))), suffix)
        if pattern is None:  # not an XSD type: rdflib keeps the text
            return self.plain(values, suffix)
        return self.mapped(values, lambda v: literal_text(Literal(v, datatype=URIRef(datatype))), suffix,
                           values.str.contains(pattern), '"' + values + '"' + suffix)

    def function(self, name: str, values: pl.Series) -> pl.Series:
        """The term of ``literals.{name}(value)`` (``decimal``, ``integer``, ``date``, ``year_or_date``,
        ``boolean``, ``date_time``)."""
        if name == "decimal":
            return self.typed(self.decimal_lexical(values), f"{XSD}decimal")
        fn = getattr(literals, name)
        slow = lambda v: literal_text(fn(v))  # noqa: E731
        if name == "integer":
            return self.mapped(values, slow, name, values.str.contains(CANONICAL[f"{XSD}integer"]),
                               '"' + values + f'"^^<{XSD}integer>')
        if name == "date":
            return self.typed(values, f"{XSD}date")
        if name == "year_or_date":
            return self.mapped(values, slow, name, values.str.contains(CANONICAL[f"{XSD}gYear"]),
                               '"' + values + f'"^^<{XSD}gYear>')
        return self.mapped(values, slow, name)  # boolean, date_time: a handful of values

    def decimal_lexical(self, values: pl.Series) -> pl.Series:
        """The lexical form of ``literals.decimal(value)`` (plain notation with a point)."""
        point, integral = values.str.contains(DECIMAL_POINT), values.str.contains(DECIMAL_INTEGRAL)
        fast_value = values.zip_with(point.fill_null(False), values + ".0")
        return self.mapped(values, lambda v: str(literals.decimal(v)), "decimal-lexical", point | integral,
                           fast_value)

    def licence(self, values: pl.Series) -> pl.Series:
        """A licence: its IRI when it is a URL, else a plain literal."""
        is_iri = values.str.starts_with("http://") | values.str.starts_with("https://")
        return ("<" + self.web(values) + ">").zip_with(is_iri.fill_null(False), self.plain(values))
