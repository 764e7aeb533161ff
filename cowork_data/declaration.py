"""The declaration of the tables and their RDF mapping (``mapping/tables.toml``), read into plain records.

Everything that depends on the mapping comes from here: the table list (:func:`tables`), the writer
(:mod:`cowork_data.graph.writer` compiles these records to column expressions), the inverse paths from a predicate
back to the field it came from (:func:`inverse_paths`, used to put SHACL results on cells), and the coded fields with
their SKOS concept schemes (:func:`scheme_of`, :func:`codes`). The syntax is described in ``mapping/README.md``.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cowork_data.errors import ConfigError
from cowork_data.i18n import Text
from cowork_data.namespaces import PREFIXES, VOCAB_BASE

__all__ = ["Cond", "Declaration", "Group", "Slot", "Table", "Term", "Triple", "codes", "declaration",
           "declaration_file", "inverse_paths", "scheme_of", "tables"]

DECLARATION = Path("mapping") / "tables.toml"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BUILTIN_PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                    "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#"}
#: Functions giving a term from fields (the writer implements each; see mapping/README.md).
TERM_FUNCTIONS = frozenset({"decimal", "integer", "date", "year_or_date", "boolean", "date_time", "web", "city",
                            "licence", "iri"})
#: Functions of ``computed`` columns and of ``each`` items.
COLUMN_FUNCTIONS = frozenset({"join", "admission_tail", "country_iri"})
ITEM_FUNCTIONS = {"feature_codes": ("code",), "opening_hours": ("n", "day", "opens", "closes")}
FILTERS = frozenset({"decimal", "sha16", "record"})

_SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(!)?(?:\|([^}:]*))?(?::([a-z0-9_]+))?\}")
_CURIE = re.compile(r"^([A-Za-z][\w-]*):([A-Za-z_][\w.-]*)$")
_CODE = re.compile(r"^([A-Za-z][\w-]*):\{([A-Za-z_]\w*)\}$")
_FUNCTION = re.compile(r"^([a-z_]+)\(([^()]*)\)$")
_LITERAL = re.compile(r'^"([^"]*)"(?:@([a-z]{2,3}(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?$')


@dataclass(frozen=True)
class Slot:
    """``{field}`` in a template: ``empty`` keeps an empty value, ``default`` replaces it, ``filter`` rewrites it."""

    field: str
    empty: bool = False
    default: str | None = None
    filter: str | None = None


Template = tuple[str | Slot, ...]


@dataclass(frozen=True)
class Term:
    """The subject or object of a triple.

    ``kind``: ``const`` (``text`` is the whole N-Triples term), ``code`` (``text`` is a namespace, ``args[0]`` the
    field appended to it as it is), ``iri`` (``template`` relative to the base, or to the node when ``relative``),
    ``literal`` (``template``, then ``lang`` or ``datatype``), ``function`` (``text`` names it, ``args`` are fields).
    """

    kind: str
    text: str = ""
    template: Template = ()
    relative: bool = False
    lang: str = ""
    datatype: str = ""
    args: tuple[str, ...] = ()

    def fields(self) -> tuple[str, ...]:
        return tuple(p.field for p in self.template if isinstance(p, Slot)) + self.args


@dataclass(frozen=True)
class Cond:
    """A condition: ``op`` is ``has`` (field not empty), ``eq``, ``ne``, ``in`` (``value`` occurs in the field),
    ``not``, ``and``, ``or`` (``parts``)."""

    op: str
    field: str = ""
    value: str = ""
    parts: tuple[Cond, ...] = ()

    def fields(self) -> tuple[str, ...]:
        return (self.field,) if self.field else tuple(f for p in self.parts for f in p.fields())


@dataclass(frozen=True)
class Triple:
    predicate: str
    obj: Term
    reverse: bool = False
    when: Cond | None = None
    source: str = ""


@dataclass(frozen=True)
class Group:
    """A sub-resource of a record (or, for the record itself, ``link`` is empty)."""

    node: Term
    triples: tuple[Triple, ...]
    link: str = ""
    link_reverse: bool = False
    when: Cond | None = None
    each: tuple[str, str, tuple[str, ...]] | None = None  # (item name, function, argument fields)


@dataclass(frozen=True)
class Table:
    name: str
    fields: tuple[str, ...]
    record: Group
    groups: tuple[Group, ...]
    graph: Template
    computed: dict[str, tuple[str, tuple[Any, ...]]] = field(default_factory=dict)
    lookup: dict[str, dict[str, str]] = field(default_factory=dict)
    unmapped: dict[str, str] = field(default_factory=dict)
    provenance: bool = False


@dataclass(frozen=True)
class Declaration:
    path: Path
    tables: tuple[str, ...]
    table: dict[str, Table]
    other: dict[str, Table]
    schemes: dict[str, tuple[str, ...]]
    prefixes: dict[str, str]

    def get(self, name: str) -> Table:
        return self.table.get(name) or self.other[name]


def declaration_file(root: Path | None = None) -> Path:
    """The declaration of the project at ``root``; a project without one uses the repository's."""
    from cowork_data.config import project_root

    if root is not None and (root / DECLARATION).is_file():
        return root / DECLARATION
    return project_root() / DECLARATION


def declaration(root: Path | None = None) -> Declaration:
    """The declaration of the project at ``root`` (default: the project root), read and checked once per file."""
    path = declaration_file(root).resolve()
    return _load(str(path), _mtime(path))


def tables(root: Path | None = None) -> tuple[str, ...]:
    """The canonical tables in dependency order (a table only refers to tables before it; calls also to itself)."""
    return declaration(root).tables


def scheme_of(table: str, field_name: str, root: Path | None = None) -> str | None:
    """The concept scheme (``vocab/{scheme}.ttl``) of a coded field, or None."""
    for scheme, fields in declaration(root).schemes.items():
        if f"{table}.{field_name}" in fields:
            return scheme
    return None


def codes(scheme: str, root: Path | None = None) -> dict[str, tuple[str, str]]:
    """The codes of a concept scheme with their (Italian, English) preferred labels, in the scheme's order."""
    from cowork_data.config import project_root

    path = (root or project_root()) / "vocab" / f"{scheme}.ttl"
    return _codes(str(path.resolve()), _mtime(path))


def inverse_paths(table: str, root: Path | None = None) -> dict[str, str]:
    """Predicate IRI → the field its value comes from, for the triples of ``table`` (the record's own first).

    A triple's field is the first field of its object; a link to a sub-resource takes the first field of the
    sub-resource's condition (or of its items). Constants (``a cw:Workspace``) have none.
    """
    decl = declaration(root)
    spec = decl.get(table)
    out: dict[str, str] = {}
    for group in (spec.record, *spec.groups):
        if group.link:
            first = (group.when.fields() if group.when else ()) or (group.each[2] if group.each else ())
            if first:
                out.setdefault(group.link, first[0])
        for triple in group.triples:
            names = [f for f in triple.obj.fields() if f in spec.fields or f in spec.computed]
            names = [_source_field(spec, f) for f in names]
            if names:
                out.setdefault(triple.predicate, names[0])
    return out


def _source_field(spec: Table, name: str) -> str:
    if name in spec.computed:
        args = [a for a in _flat_args(spec.computed[name][1]) if a in spec.fields]
        return args[0] if args else name
    return name


def _flat_args(args: tuple[Any, ...]) -> list[str]:
    out: list[str] = []
    for arg in args:
        if isinstance(arg, tuple):
            out += _flat_args(arg[1])
        elif isinstance(arg, str) and not arg.startswith("'"):
            out.append(arg)
    return out


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.exists() else 0


class _Errors:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, where: str, reason: str, /, **params: Any) -> ConfigError:
        """The error at ``where``: ``reason`` names the catalogue's ``error.declaration.reason.<reason>``."""
        return ConfigError("error.declaration", path=self.path, where=where,
                           reason=Text.of(f"error.declaration.reason.{reason}", **params))


@cache
def _load(path_text: str, _mtime_ns: int) -> Declaration:
    path = Path(path_text)
    fail = _Errors(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise fail("file", "unreadable") from exc
    except tomllib.TOMLDecodeError as exc:
        raise fail("TOML", "toml", detail=str(exc)) from exc
    prefixes = {**BUILTIN_PREFIXES, **PREFIXES}
    schemes = {name: tuple(fields) for name, fields in data.get("schemes", {}).items()}
    prefixes.update({name: f"{VOCAB_BASE}{name}/" for name in schemes})
    names = tuple(data.get("tables", ()))
    if not names or set(names) != set(data.get("table", {})):
        raise fail("tables", "tables")
    schemas_dir = path.parent.parent / "schemas"
    parser = _Parser(prefixes, fail)
    provenance = data.get("provenance", {})
    table = {}
    for name in names:
        fields = _schema_fields(schemas_dir / f"{name}.json", fail)
        table[name] = parser.table(name, data["table"][name], fields, provenance)
    other = {name: parser.table(name, spec, tuple(spec.get("fields", ())), None)
             for name, spec in data.get("other", {}).items()}
    for required in ("sources", "cities", "same_as"):
        if required not in other:
            raise fail(f"other.{required}", "missing")
    for scheme, fields in schemes.items():
        for qualified in fields:
            t, _, f = qualified.partition(".")
            if t not in table or f not in table[t].fields:
                raise fail(f"schemes.{scheme}", "scheme-field", field=qualified)
    return Declaration(path=path, tables=names, table=table, other=other, schemes=schemes, prefixes=prefixes)


def _schema_fields(path: Path, fail: _Errors) -> tuple[str, ...]:
    try:
        return tuple(f["name"] for f in json.loads(path.read_text(encoding="utf-8"))["fields"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise fail(path.name, "table-schema") from exc


@cache
def _codes(path_text: str, _mtime_ns: int) -> dict[str, tuple[str, str]]:
    import pyoxigraph as ox

    path = Path(path_text)
    skos = "http://www.w3.org/2004/02/skos/core#"
    notations: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    try:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
            if not isinstance(obj, ox.Literal):
                continue
            if predicate == f"{skos}notation":
                notations[str(subject)] = obj.value
            elif predicate == f"{skos}prefLabel":
                labels.setdefault(str(subject), {})[obj.language or ""] = obj.value
    except (OSError, SyntaxError) as exc:
        raise ConfigError("error.concept-scheme-unreadable", path=path, detail=str(exc)) from exc
    # the scheme's order is the file's (an RDF graph has none)
    text = path.read_text(encoding="utf-8")
    ordered = sorted(notations.items(), key=lambda item: text.find(f'skos:notation "{item[1]}"'))
    return {code: (labels.get(concept, {}).get("it", code), labels.get(concept, {}).get("en", code))
            for concept, code in ordered}


class _Parser:
    def __init__(self, prefixes: dict[str, str], fail: _Errors) -> None:
        self.prefixes, self.fail = prefixes, fail

    def table(self, name: str, spec: dict[str, Any], fields: tuple[str, ...],
              provenance: dict[str, Any] | None) -> Table:
        where = f"[{'table' if provenance is not None else 'other'}.{name}]"
        computed = {key: self.call(f"{where}.computed.{key}", text, COLUMN_FUNCTIONS)
                    for key, text in spec.get("computed", {}).items()}
        lookup = dict(spec.get("lookup", {}))
        groups = [self.group(f"{where}.nodes[{i}]", g) for i, g in enumerate(spec.get("nodes", ()))]
        if "node" not in spec:
            raise self.fail(where, "no-node")
        record = Group(node=self.term(f"{where}.node", spec["node"]),
                       triples=tuple(self.triple(f"{where}.triples", t) for t in spec.get("triples", ())))
        with_provenance = provenance is not None and bool(provenance)
        if with_provenance:
            lookup.update(provenance.get("lookup", {}))
            record = Group(node=record.node, triples=record.triples + tuple(
                self.triple("[provenance].triples", t) for t in provenance.get("triples", ())))
            groups += [self.group(f"[provenance].nodes[{i}]", g) for i, g in enumerate(provenance.get("nodes", ()))]
        graph = self.template(f"{where}.graph", spec.get("graph", ""))
        result = Table(name=name, fields=fields, record=record, groups=tuple(groups), graph=graph, computed=computed,
                       lookup=lookup, unmapped=dict(spec.get("unmapped", {})), provenance=with_provenance)
        self.check_fields(where, result)
        return result

    def check_fields(self, where: str, table: Table) -> None:
        known = set(table.fields) | set(table.computed) | set(table.lookup)
        used: set[str] = set()
        for _fn, args in table.computed.values():
            used.update(_flat_args(args))
        for spec in table.lookup.values():
            used.add(spec.get("on", ""))
        for group in (table.record, *table.groups):
            items = set(ITEM_FUNCTIONS[group.each[1]]) if group.each else set()
            if group.each:
                used.update(group.each[2])
            names = set(group.node.fields()) | set(group.when.fields() if group.when else ())
            for triple in group.triples:
                names |= set(triple.obj.fields()) | set(triple.when.fields() if triple.when else ())
            for name in names - items:
                if name not in known:
                    raise self.fail(where, "field-unknown", name=name)
            used |= names - items
        used |= {p.field for p in table.graph if isinstance(p, Slot)}
        for name in table.unmapped:
            if name in used:
                raise self.fail(f"{where}.unmapped", "unmapped-is-mapped", name=name)
        missing = [f for f in table.fields if f not in used and f not in table.unmapped]
        if missing:
            raise self.fail(where, "fields-unmapped", fields=", ".join(missing))

    def group(self, where: str, spec: dict[str, Any]) -> Group:
        each = None
        if "each" in spec:
            each = self.each(f"{where}.each", spec["each"])
        link, reverse = str(spec.get("link", "")), False
        if link.startswith("^"):
            link, reverse = link[1:], True
        if "node" not in spec:
            raise self.fail(where, "no-node")
        return Group(node=self.term(f"{where}.node", spec["node"]),
                     triples=tuple(self.triple(f"{where}.triples", t) for t in spec.get("triples", ())),
                     link=self.iri(where, link) if link else "", link_reverse=reverse,
                     when=self.cond(f"{where}.when", spec["when"]) if "when" in spec else None, each=each)

    def triple(self, where: str, text: str) -> Triple:
        text = text.strip()
        reverse = text.startswith("^")
        predicate, _, rest = text.lstrip("^").partition(" ")
        rest = rest.strip()
        if rest.startswith('"'):
            close = rest.find('"', 1)
            end = rest.find(" ? ", close)
        else:
            end = rest.find(" ? ")
        obj, cond = (rest, "") if end < 0 else (rest[:end].strip(), rest[end + 3:].strip())
        where = f"{where} «{text}»"
        return Triple(predicate=RDF_TYPE if predicate == "a" else self.iri(where, predicate),
                      obj=self.term(where, obj), reverse=reverse, when=self.cond(where, cond) if cond else None,
                      source=text)

    def iri(self, where: str, curie: str) -> str:
        match = _CURIE.match(curie)
        if not match or match[1] not in self.prefixes:
            raise self.fail(where, "curie", curie=curie)
        return self.prefixes[match[1]] + match[2]

    def term(self, where: str, text: str) -> Term:
        text = text.strip()
        if text == "true":
            return Term("const", text='"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')
        if text == "@" or text.startswith("@#"):
            return Term("iri", template=self.template(where, text[1:]), relative=True)
        if text.startswith("<") and text.endswith(">"):
            return Term("iri", template=self.template(where, text[1:-1]))
        if match := _LITERAL.match(text):
            datatype = self.iri(where, match[3]) if match[3] else ""
            return Term("literal", template=self.template(where, match[1]), lang=match[2] or "", datatype=datatype)
        if match := _FUNCTION.match(text):
            if match[1] not in TERM_FUNCTIONS:
                raise self.fail(where, "function-unknown", name=match[1])
            args = tuple(a.strip() for a in match[2].split(",") if a.strip())
            return Term("function", text=match[1], args=args)
        if match := _CODE.match(text):
            if match[1] not in self.prefixes:
                raise self.fail(where, "prefix-unknown", name=match[1])
            return Term("code", text=self.prefixes[match[1]], args=(match[2],))
        return Term("const", text=f"<{self.iri(where, text)}>")

    def template(self, where: str, text: str) -> Template:
        parts: list[str | Slot] = []
        pos = 0
        for match in _SLOT.finditer(text):
            if match.start() > pos:
                parts.append(text[pos:match.start()])
            if match[4] and match[4] not in FILTERS:
                raise self.fail(where, "filter-unknown", name=match[4])
            parts.append(Slot(match[1], empty=bool(match[2]), default=match[3], filter=match[4]))
            pos = match.end()
        if pos < len(text):
            parts.append(text[pos:])
        if any("{" in p or "}" in p for p in parts if isinstance(p, str)):
            raise self.fail(where, "placeholder", text=text)
        return tuple(parts)

    def cond(self, where: str, text: str) -> Cond:
        try:
            found = self._cond(ast.parse(text, mode="eval").body)
        except SyntaxError:
            found = None
        if found is None:
            raise self.fail(where, "condition", text=text)
        return found

    def _cond(self, node: ast.AST) -> Cond | None:
        if isinstance(node, ast.Name):
            return Cond("has", field=node.id)
        if isinstance(node, ast.BoolOp):
            parts = [self._cond(v) for v in node.values]
            if any(p is None for p in parts):
                return None
            return Cond("and" if isinstance(node.op, ast.And) else "or", parts=tuple(p for p in parts if p))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._cond(node.operand)
            return Cond("not", parts=(inner,)) if inner is not None else None
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, op, right = node.left, node.ops[0], node.comparators[0]
            if isinstance(op, ast.Eq | ast.NotEq) and isinstance(left, ast.Name) and _is_text(right):
                return Cond("eq" if isinstance(op, ast.Eq) else "ne", field=left.id, value=right.value)
            if isinstance(op, ast.In | ast.NotIn) and _is_text(left) and isinstance(right, ast.Name):
                found = Cond("in", field=right.id, value=left.value)
                return found if isinstance(op, ast.In) else Cond("not", parts=(found,))
        return None

    def call(self, where: str, text: str, allowed: frozenset[str]) -> tuple[str, tuple[Any, ...]]:
        try:
            found = self._call(ast.parse(text, mode="eval").body, allowed)
        except SyntaxError:
            found = None
        if found is None:
            raise self.fail(where, "expression", text=text)
        return found

    def _call(self, node: ast.AST, allowed: frozenset[str]) -> tuple[str, tuple[Any, ...]] | None:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in allowed):
            return None
        args: list[Any] = []
        for arg in node.args:
            if isinstance(arg, ast.Name):
                args.append(arg.id)
            elif _is_text(arg):
                args.append(repr(arg.value))  # quoted: a constant, not a field
            else:
                inner = self._call(arg, allowed)
                if inner is None:
                    return None
                args.append(inner)
        return node.func.id, tuple(args)

    def each(self, where: str, text: str) -> tuple[str, str, tuple[str, ...]]:
        call = None
        try:
            tree = ast.parse(text, mode="eval").body
        except SyntaxError:
            tree = None
        if (isinstance(tree, ast.Compare) and isinstance(tree.ops[0], ast.In) and isinstance(tree.left, ast.Name)):
            call = self._call(tree.comparators[0], frozenset(ITEM_FUNCTIONS))
        if call is None or not isinstance(tree, ast.Compare) or not isinstance(tree.left, ast.Name):
            raise self.fail(where, "expression", text=text)
        fn, args = call
        if not all(isinstance(a, str) and not a.startswith("'") for a in args):
            raise self.fail(where, "arguments")
        return tree.left.id, fn, tuple(args)


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
