"""A Table Schema as an OpenAPI 3.0 schema with its JSON-LD context, and its example CSVs (``assets/schemas/``).

- :func:`openapi_document`: the OAS3 document of a table (https://spec.openapis.org/oas/v3.0.3), as the Italian
  National Data Catalog (schema.gov.it) publishes schemas: ``components.schemas.{table}`` is a row, typed by
  ``x-jsonld-type`` (the RDF class of its record) and linked by ``x-jsonld-context`` to the properties the graph
  gives it.
- :func:`jsonld_context`: that context, derived from the mapping declaration (``mapping/tables.toml``), so it
  says what the graph says: the fields that are properties of the record itself (a literal, a code of a concept
  scheme, a link to another record, a typed value); fields the graph puts on a sub-resource (an address, a feature)
  are not in it.
- :func:`valid_example` and :func:`invalid_example`: a row of each field's documented example, and rows that each
  break one constraint of one field, with the error frictionless reports for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cowork_data.declaration import RDF_TYPE, Cond, Slot, Term, declaration
from cowork_data.errors import ConfigError
from cowork_data.namespaces import DEFAULT_BASE

__all__ = ["invalid_example", "jsonld_context", "jsonld_type", "openapi_document", "valid_example"]

XSD = "http://www.w3.org/2001/XMLSchema#"
CC0 = {"name": "CC0-1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"}
#: The writer's functions whose term is a literal of one datatype, or an IRI.
_TYPED = {"decimal": f"{XSD}decimal", "integer": f"{XSD}integer", "date": f"{XSD}date", "boolean": f"{XSD}boolean",
          "web": "@id"}
_OAS_TYPES = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
              "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"},
              "datetime": {"type": "string", "format": "date-time"}, "year": {"type": "integer"},
              "any": {}}


def _only_presence(cond: Cond | None) -> bool:
    """A condition that only asks fields to be filled (which a context cannot say, and an absent value implies)."""
    return cond is None or cond.op == "has" or (cond.op == "and" and all(_only_presence(p) for p in cond.parts))


def _single_slot(term: Term) -> tuple[str, str] | None:
    """``(prefix, field)`` of a template ``prefix{field}`` (the prefix may be empty)."""
    parts = term.template
    if len(parts) == 1 and isinstance(parts[0], Slot) and not parts[0].default and not parts[0].filter:
        return "", parts[0].field
    if len(parts) == 2 and isinstance(parts[0], str) and isinstance(parts[1], Slot) and not parts[1].filter \
            and not parts[1].default:
        return parts[0], parts[1].field
    return None


def jsonld_type(table: str, *, root: Any = None) -> str:
    """The IRI of the first class every record of ``table`` has."""
    spec = declaration(root).table[table]
    for triple in spec.record.triples:
        if triple.predicate == RDF_TYPE and triple.obj.kind == "const" and triple.when is None:
            return triple.obj.text.strip("<>")
    raise ConfigError("error.assets-no-class", table=table)


def jsonld_context(table: str, *, base: str = DEFAULT_BASE, root: Any = None) -> dict[str, Any]:
    """The JSON-LD 1.1 context that turns a row of ``table`` (field → value) into its record's own triples."""
    spec = declaration(root).table[table]
    context: dict[str, Any] = {"@version": 1.1}
    node = _single_slot(spec.record.node) if spec.record.node.kind == "iri" and not spec.record.node.relative \
        else None
    if node and node[1] in spec.fields:
        context["@base"] = base + node[0]
        context[node[1]] = "@id"
    for triple in spec.record.triples:
        obj, names = triple.obj, triple.obj.fields()
        if triple.reverse or not _only_presence(triple.when) or len(names) != 1 or names[0] in context:
            continue
        field = names[0]
        if field not in spec.fields:
            continue
        if obj.kind == "literal" and _single_slot(obj) == ("", field):
            term: dict[str, Any] = {"@id": triple.predicate}
            if obj.lang:
                term["@language"] = obj.lang
            elif obj.datatype:
                term["@type"] = obj.datatype
        elif obj.kind == "code":
            term = {"@id": triple.predicate, "@type": "@vocab", "@context": {"@vocab": obj.text}}
        elif obj.kind == "iri" and not obj.relative and (slot := _single_slot(obj)) and slot[1] == field:
            term = {"@id": triple.predicate, "@type": "@id", "@context": {"@base": base + slot[0]}}
        elif obj.kind == "function" and obj.text in _TYPED:
            term = {"@id": triple.predicate, "@type": _TYPED[obj.text]}
        else:
            continue
        context[field] = term
    return context


def _property(field: Mapping[str, Any]) -> dict[str, Any]:
    prop: dict[str, Any] = dict(_OAS_TYPES.get(str(field.get("type", "string")), {"type": "string"}))
    if field.get("format") in ("uri", "email"):
        prop["format"] = field["format"]
    prop["title"] = field.get("title", field["name"])
    if field.get("description"):
        prop["description"] = field["description"]
    constraints = field.get("constraints", {})
    for key in ("pattern", "enum", "minimum", "maximum", "minLength", "maxLength"):
        if key in constraints:
            prop[key] = constraints[key]
    if "example" in field:
        prop["example"] = _typed(field, str(field["example"]))
    for key in ("title_en", "description_en"):
        if field.get(key):
            prop[f"x-{key.replace('_', '-')}"] = field[key]
    return prop


def _typed(field: Mapping[str, Any], text: str) -> Any:
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return text.lower() in ("true", "1", "yes")
    return text


def openapi_document(schema: Mapping[str, Any], *, publisher: Mapping[str, str], base: str = DEFAULT_BASE,
                     root: Any = None) -> dict[str, Any]:
    """The OAS3 document of the Table Schema ``schema`` (one component: the row)."""
    table = str(schema["name"])
    fields = schema["fields"]
    component: dict[str, Any] = {
        "type": "object",
        "title": schema.get("title", table),
        "description": schema.get("description", ""),
        "x-jsonld-type": jsonld_type(table, root=root),
        "x-jsonld-context": jsonld_context(table, base=base, root=root),
        "required": [f["name"] for f in fields if f.get("constraints", {}).get("required")],
        "additionalProperties": False,
        "properties": {f["name"]: _property(f) for f in fields},
    }
    if not component["required"]:
        del component["required"]
    description = "\n\n".join(t for t in (schema.get("description"), schema.get("description_en")) if t)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": schema.get("title", table),
            "x-summary": schema.get("title_en", schema.get("title", table)),
            "description": description,
            "version": str(schema["version"]),
            "license": dict(CC0),
            "contact": {"name": publisher["name"], "email": publisher["email"], "url": publisher["homepage"]},
        },
        "paths": {},
        "components": {"schemas": {table: component}},
    }


def valid_example(schema: Mapping[str, Any]) -> list[list[str]]:
    """Header and one row: every field's documented example."""
    fields = schema["fields"]
    return [[f["name"] for f in fields], [str(f.get("example", "")) for f in fields]]


def _breaking(field: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(value, frictionless error type, what it breaks) for each constraint of ``field`` a value can break."""
    kind = field.get("type", "string")
    constraints = field.get("constraints", {})
    out: list[tuple[str, str, str]] = []
    if constraints.get("required"):
        out.append(("", "constraint-error", "required"))
    if kind in ("integer", "number", "date", "datetime", "year", "boolean"):
        out.append(("non-è-un-valore", "type-error", f"type {kind}"))
    if "enum" in constraints:
        out.append(("codice-inesistente", "constraint-error", "enum"))
    if "pattern" in constraints:
        out.append(("!!", "constraint-error", "pattern"))
    if "minimum" in constraints:
        value = constraints["minimum"] - 1
        out.append((str(int(value) if kind == "integer" else value), "constraint-error", "minimum"))
    if "maximum" in constraints:
        value = constraints["maximum"] + 1
        out.append((str(int(value) if kind == "integer" else value), "constraint-error", "maximum"))
    if field.get("format") == "email":
        out.append(("non-è-una-email", "type-error", "format email"))
    if field.get("format") == "uri":
        out.append(("non è un URL", "type-error", "format uri"))
    return out


def _variant(value: str, n: int) -> str:
    """``value`` with its last characters replaced by ``n`` in the same character class (digits by digits, letters
    by letters), so that a key stays distinct and still matches its pattern."""
    tail = len(value) - len(value.rstrip("0123456789"))
    if tail:
        return value[:-tail] + str(n).zfill(tail)
    letters = len(value) - len(value.rstrip("abcdefghijklmnopqrstuvwxyz"))
    if letters >= 2:
        return value[:-2] + "abcdefghijklmnopqrstuvwxyz"[n // 26 % 26] + "abcdefghijklmnopqrstuvwxyz"[n % 26]
    return f"{value}{n}"


def invalid_example(schema: Mapping[str, Any]) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """Header and rows that each break exactly one constraint of one field (the other cells are the examples), and
    the error each must give: ``{"row": n, "field": name, "type": frictionless error type, "breaks": what}``, rows
    numbered as frictionless does (the header is row 1)."""
    header, example = valid_example(schema)
    rows: list[list[str]] = [header]
    expected: list[dict[str, Any]] = []
    unique = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")}
    key = set(schema.get("primaryKey") or []) | unique
    for n, field in enumerate(schema["fields"]):
        for value, error, breaks in _breaking(field):
            row = list(example)
            row[n] = value
            for k, name in enumerate(header):  # keep keys distinct, so that only the broken cell is wrong
                if name in key and k != n:
                    row[k] = _variant(example[k], len(rows))
            rows.append(row)
            expected.append({"row": len(rows), "field": field["name"], "type": error, "breaks": breaks})
            if breaks == "required" and (schema.get("primaryKey") or []) == [field["name"]]:  # a null single key
                expected.append({"row": len(rows), "field": None, "type": "primary-key", "breaks": "primary key"})
    return rows, expected
