"""A DCAT-AP (or DCAT-AP_IT) catalogue in JSON-LD: the distribution of one dataset.

Read as plain JSON (no remote `@context` is fetched): nodes are collected from `@graph` and nested objects,
property names compared by their local name (`dcat:distribution`, `distribution` and the full IRI alike).
"""

from __future__ import annotations

import json

from cowork_data.harvest.adapters.base import Distribution, UnreadableSnapshot

__all__ = ["locate"]


def _local(name: str) -> str:
    return name.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _values(node: dict, prop: str) -> list[object]:
    found: list[object] = []
    for key, value in node.items():
        if not key.startswith("@") and _local(key) == prop:
            found.extend(value if isinstance(value, list) else [value])
    return found


def _literal(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("@value", value.get("@id", ""))
    return str(value)


def _collect(value: object, nodes: dict[str, dict], order: list[dict]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, nodes, order)
    elif isinstance(value, dict):
        if "@id" in value and len(value) > 1:
            nodes.setdefault(value["@id"], value)
        if len(value) > 1:
            order.append(value)
        for key, item in value.items():
            if key != "@context":
                _collect(item, nodes, order)


def _types(node: dict) -> set[str]:
    kinds = node.get("@type", [])
    return {_local(t) for t in (kinds if isinstance(kinds, list) else [kinds])}


def locate(data: bytes, *, dataset: str = "", formats: tuple[str, ...] = ("CSV",), **_: object) -> Distribution:
    """The distribution of `dataset` (matched on `@id`, `dct:identifier` or title) in the first of `formats`."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableSnapshot(f"catalogo JSON-LD non valido: {exc}", f"invalid JSON-LD catalogue: {exc}") from exc
    nodes: dict[str, dict] = {}
    order: list[dict] = []
    _collect(document, nodes, order)
    datasets = [n for n in order if "Dataset" in _types(n)]

    def names(d: dict) -> set[str]:
        return {str(d.get("@id", "")), *(_literal(v) for v in _values(d, "identifier") + _values(d, "title"))}

    match = [d for d in datasets if not dataset or dataset in names(d)]
    if not match:
        raise UnreadableSnapshot(f"dataset {dataset!r} assente dal catalogo",
                                 f"dataset {dataset!r} not in the catalogue")
    node = match[0]
    wanted = [f.casefold() for f in formats]
    candidates = []
    for ref in _values(node, "distribution"):
        dist = nodes.get(ref["@id"], ref) if isinstance(ref, dict) and "@id" in ref else ref
        if not isinstance(dist, dict):
            continue
        url = next((_literal(v) for p in ("downloadURL", "accessURL") for v in _values(dist, p)), "")
        fmt = next((_local(_literal(v)) for v in _values(dist, "format")), "")
        if not fmt:
            fmt = next((_local(_literal(v)) for v in _values(dist, "mediaType")), "")
        if url and fmt.casefold() in wanted:
            licence = next((_literal(v) for v in _values(dist, "license") + _values(node, "license")), "")
            candidates.append((wanted.index(fmt.casefold()), url, fmt, dist, licence))
    if not candidates:
        raise UnreadableSnapshot(f"nessuna distribuzione {'/'.join(formats)}", f"no {'/'.join(formats)} distribution")
    _, url, fmt, dist, licence = min(candidates, key=lambda c: c[0])
    return Distribution(url=url, format=fmt.lower(), title=next((_literal(v) for v in _values(dist, "title")), ""),
                        licence={"id": _local(licence), "url": licence, "note": ""},
                        modified=next((_literal(v) for v in _values(dist, "modified")), ""))
