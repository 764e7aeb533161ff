"""The published release from Python in one line: ``cowork_data.open()``.

    >>> import cowork_data
    >>> release = cowork_data.open()                 # the project's release, or open("path/to/release")
    >>> release.tables["spaces"]                     # a polars DataFrame, read on first use, typed by its schema
    >>> release.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")   # a polars DataFrame
    >>> release.graph()                              # an rdflib Graph (small releases only)

A release is a directory holding ``datapackage.json`` (the Data Package descriptor, with each table's Table Schema
inline), ``data/*.csv`` and ``data/graph/``; ``cowork-data build`` writes one (the repository root is the default).
Without a path, ``open()`` takes ``$COWORK_DATA_RELEASE`` when it is set, else the project's own release.

Queries run on the embedded store ``build/store`` when the release has one that is not older than the published
N-Quads (opened read-only, so a running ``cowork-data serve`` can share it); else on an in-memory pyoxigraph store
loaded from ``data/graph/cowork-data.nq`` and the vocabulary, as ``cowork-data build`` loads ``build/store``. A fresh
clone has no ``build/store``, and a checkout that changed the graph files leaves a stale one: both use the
published files. Either way the default graph is the union of the named graphs, as for ``cowork-data query`` and the
endpoint.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyoxigraph as ox

from cowork_data import i18n
from cowork_data.errors import ReleaseTooLarge, UsageError

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["DEFAULT_MAX_TRIPLES", "RELEASE_ENV", "Release", "ReleaseTooLarge", "Tables", "open_release"]

RELEASE_ENV = "COWORK_DATA_RELEASE"
DESCRIPTOR = "datapackage.json"
STORE = Path("build") / "store"
NQUADS = Path("data") / "graph" / "cowork-data.nq"
NTRIPLES = Path("data") / "graph" / "cowork-data.nt"
VOCAB_GRAPH = "https://w3id.org/cowork-data/vocab"
#: Above this many triples ``graph()`` refuses: rdflib holds about 1 kB per triple and parses ~50k triples/s.
DEFAULT_MAX_TRIPLES = 1_000_000

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {f"{_XSD}{t}" for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt",
                                    "unsignedLong", "unsignedShort", "unsignedByte")}
_FLOATS = {f"{_XSD}{t}" for t in ("decimal", "double", "float")}
_POLARS_TYPES: dict[str, Any] = {"integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean,
                                 "date": pl.Date}


def _vocabulary(root: Path) -> list[Path]:
    """The vocabulary files the store holds besides the data: the release's ``vocab/`` (the repository is a
    release), else the vocabulary shipped with the toolkit."""
    from cowork_data.config import project_root

    folder = root / "vocab" if (root / "vocab").is_dir() else project_root() / "vocab"
    return sorted(folder.glob("*.ttl"))


class Tables(Mapping[str, pl.DataFrame]):
    """The release's tables by name; each CSV is read on first access and kept."""

    def __init__(self, root: Path, resources: list[dict[str, Any]]) -> None:
        self._root = root
        self._resources = {r["name"]: r for r in resources if r.get("schema") and r.get("path")}
        self._frames: dict[str, pl.DataFrame] = {}

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in self._frames:
            if name not in self._resources:
                raise KeyError(name)
            self._frames[name] = self._read(self._resources[name])
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._resources)

    def __len__(self) -> int:
        return len(self._resources)

    def __repr__(self) -> str:
        return f"Tables({', '.join(self._resources)})"

    def _read(self, resource: dict[str, Any]) -> pl.DataFrame:
        """All cells as text first (codes such as ``015146`` keep their zeros), then each field cast to the type
        its Table Schema declares; the schema's missing values are nulls. A cell that is not of its type is an
        error naming the file, row and column."""
        schema = resource["schema"]
        path = self._root / resource["path"]
        try:
            frame = pl.read_csv(path, infer_schema=False, null_values=schema.get("missingValues", [""]),
                                encoding="utf8")
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise UsageError("error.release-table", table=resource["name"], path=path, detail=str(exc)) from exc
        casts = []
        for f in schema["fields"]:
            kind, name = _POLARS_TYPES.get(f.get("type", "string")), f["name"]
            if kind is None or name not in frame.columns:
                continue
            if kind is pl.Boolean:
                cast = pl.col(name).replace_strict({"true": True, "false": False}, default=None, return_dtype=kind)
            elif kind is pl.Date:  # Table Schema's default date format: ISO 8601, YYYY-MM-DD
                cast = pl.col(name).str.to_date("%Y-%m-%d", strict=False)
            else:
                cast = pl.col(name).cast(kind, strict=False)
            bad = frame.with_row_index("_row").filter(pl.col(name).is_not_null() & cast.is_null())
            if bad.height:
                row, value = bad["_row"][0] + 2, bad[name][0]  # row 1 is the header
                raise UsageError("error.release-cell-type", path=path, row=row, column=name, value=value,
                                 type=f["type"])
            casts.append(cast)
        return frame.with_columns(casts) if casts else frame


class Release:
    """A published release: its descriptor, tables, SPARQL answers and graph."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.descriptor: dict[str, Any] = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
        self.tables = Tables(root, self.descriptor.get("resources", []))
        self._store: ox.Store | None = None

    def __repr__(self) -> str:
        return f"Release({str(self.root)!r}, version={self.descriptor.get('version')!r}, tables={list(self.tables)})"

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store the queries run on (opened or loaded on first use)."""
        if self._store is None:
            self._store = ox.Store.read_only(str(self.root / STORE)) if self.has_store() else self._load_in_memory()
        return self._store

    def has_store(self) -> bool:
        """Whether the release has an embedded store as new as its N-Quads file (else queries load the file)."""
        on_disk, nquads = self.root / STORE, self.root / NQUADS
        if not on_disk.is_dir() or not any(on_disk.iterdir()):
            return False
        return not nquads.is_file() or on_disk.stat().st_mtime >= nquads.stat().st_mtime

    def _load_in_memory(self) -> ox.Store:
        nquads = self.root / NQUADS
        if not nquads.is_file():
            raise UsageError("error.release-no-graph", root=self.root, store=STORE, nquads=NQUADS)
        store = ox.Store()
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        for ttl in _vocabulary(self.root):
            store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(VOCAB_GRAPH))
        return store

    def query(self, sparql: str) -> pl.DataFrame:
        """The answer of a SPARQL query as a polars DataFrame.

        SELECT: one column per variable, in the query's order. Numeric literals become ``Int64`` or ``Float64``
        columns and ``xsd:boolean`` ``Boolean`` when every value of the column has that type; anything else is the
        value's text (an IRI's text is the IRI). ASK: one column ``result`` with one boolean. CONSTRUCT and
        DESCRIBE: the triples as columns ``subject``, ``predicate``, ``object`` (text).
        """
        try:
            answer = self.store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise UsageError("error.sparql-invalid", detail=str(exc)) from exc
        if isinstance(answer, ox.QueryBoolean):
            return pl.DataFrame({"result": [bool(answer)]})
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [[solution[v] for v in variables] for solution in answer]
            return pl.DataFrame({name: _column([row[i] for row in rows]) for i, name in enumerate(variables)},
                                schema={name: _dtype([row[i] for row in rows]) for i, name in enumerate(variables)})
        triples = [(t.subject.value, t.predicate.value, t.object.value) for t in answer]
        return pl.DataFrame(triples, schema=["subject", "predicate", "object"], orient="row")

    def query_file(self, path: str | os.PathLike[str]) -> pl.DataFrame:
        """The answer of the SPARQL query in a file (``queries/*.rq``), as :meth:`query` gives it."""
        return self.query(Path(path).read_text(encoding="utf-8"))

    def triples(self) -> int:
        """The number of triples of the published graph (lines of ``data/graph/cowork-data.nt``)."""
        path = self.root / NTRIPLES
        count = 0
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                count += block.count(b"\n")
        return count

    def graph(self, *, max_triples: int = DEFAULT_MAX_TRIPLES) -> Graph:
        """The published graph (``data/graph/cowork-data.nt``) as an rdflib ``Graph``, with the project's prefixes.

        Refuses with :class:`ReleaseTooLarge` above ``max_triples``: use :meth:`query` (pyoxigraph) for large
        releases, or pass a higher limit knowingly.
        """
        from rdflib import Graph

        from cowork_data.namespaces import PREFIXES

        size = self.triples()
        if size > max_triples:
            raise ReleaseTooLarge("error.release-too-large", size=_thousands(size), limit=_thousands(max_triples))
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        graph.parse(self.root / NTRIPLES, format="nt")
        return graph


def _dtype(terms: list[Any]) -> Any:
    values = [t for t in terms if t is not None]
    if values and all(isinstance(t, ox.Literal) for t in values):
        types = {t.datatype.value for t in values}
        if types <= _INTEGERS:
            return pl.Int64
        if types <= _INTEGERS | _FLOATS:
            return pl.Float64
        if types == {f"{_XSD}boolean"}:
            return pl.Boolean
    return pl.Utf8


def _column(terms: list[Any]) -> list[Any]:
    kind = _dtype(terms)
    if kind is pl.Int64:
        return [None if t is None else int(t.value) for t in terms]
    if kind is pl.Float64:
        return [None if t is None else float(t.value) for t in terms]
    if kind is pl.Boolean:
        return [None if t is None else t.value in ("true", "1") for t in terms]
    return [None if t is None else t.value for t in terms]


def _thousands(n: int) -> dict[str, str]:
    """``n`` written with each language's thousands separator (1.000.000, 1,000,000)."""
    return {lang: f"{n:,}".replace(",", i18n.t("label.number.thousands", lang)) for lang in i18n.languages()}


def open_release(path: str | os.PathLike[str] | None = None) -> Release:
    """The release at ``path`` (its directory or its ``datapackage.json``); without one, ``$COWORK_DATA_RELEASE``
    when set, else the project's release."""
    from cowork_data.config import project_root

    if path is None:
        path = os.environ.get(RELEASE_ENV) or None
    root = Path(path) if path is not None else project_root()
    if root.name == DESCRIPTOR and root.is_file():
        root = root.parent
    if not (root / DESCRIPTOR).is_file():
        raise UsageError("error.release-missing", root=root, descriptor=DESCRIPTOR)
    return Release(root.resolve())
