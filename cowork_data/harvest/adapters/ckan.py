"""CKAN's Action API as portals answer it (https://docs.ckan.org/en/latest/api/).

- ``package_show``: one package (``result`` with ``resources``);
- ``package_search``: a list of packages (``result.results``, ``result.count``): the source picks one by id or name
  (``harvest.dataset``), and without it the answer must leave no choice (else an error lists the packages);
- ``datastore_search``: records (``result.records``, ``result.fields``, ``result.total``), one page at a time, the
  next page at ``result._links.next`` (read by the harvest within its size and time limits, see :func:`next_page`).

A resource's date is its ``last_modified``, else its ``metadata_modified``, else the package's
``metadata_modified``; titles in Italian are preferred (``title_translated`` of ckanext-fluent / dcatapit); the
licence is the package's (``license_url``, ``license_id``, ``license_title``) normalised to the Italian vocabulary.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from cowork_data.harvest.adapters.base import (
    Dataset,
    Distribution,
    RawTable,
    UnreadableSnapshot,
    cell_text,
    json_document,
)
from cowork_data.harvest.adapters.dcat import format_token
from cowork_data.harvest.licences import normalise_licence

__all__ = ["answer", "answer_kind", "datastore_search_url", "join_pages", "locate", "next_page", "package_show_url",
           "packages", "parse"]

_LANGUAGES = ("it", "", "en")


def package_show_url(base_url: str, dataset_id: str) -> str:
    return f"{base_url.rstrip('/')}/api/3/action/package_show?id={dataset_id}"


def datastore_search_url(base_url: str, resource_id: str, *, limit: int = 1000) -> str:
    return f"{base_url.rstrip('/')}/api/3/action/datastore_search?resource_id={resource_id}&limit={limit}"


def answer(data: bytes) -> dict[str, Any]:
    """The ``result`` of a CKAN answer; raises :class:`UnreadableSnapshot` for JSON that is not one, or an error."""
    document = json_document(data, "error.ckan-not-json")
    if not isinstance(document, dict) or "success" not in document:
        raise UnreadableSnapshot("error.ckan-not-ckan")
    if not document.get("success") or not isinstance(document.get("result"), dict | list):
        error = document.get("error") if isinstance(document.get("error"), dict) else {}
        detail = str(error.get("message") or error.get("__type") or "-")[:200]
        raise UnreadableSnapshot("error.ckan-failed", detail=detail)
    result = document["result"]
    return result if isinstance(result, dict) else {"results": result}


def answer_kind(result: dict[str, Any]) -> str:
    """``ckan-package``, ``ckan-search`` or ``ckan-datastore``: which action the ``result`` comes from."""
    if isinstance(result.get("records"), list):
        return "ckan-datastore"
    if isinstance(result.get("results"), list):
        return "ckan-search"
    if isinstance(result.get("resources"), list) or result.get("name") or result.get("id"):
        return "ckan-package"
    raise UnreadableSnapshot("error.ckan-unknown-result", keys=", ".join(sorted(map(str, result))[:8]) or "-")


def _text(value: Any) -> str:
    return str(value).strip() if value is not None and not isinstance(value, dict | list) else ""


def _translated(package: dict[str, Any], key: str) -> dict[str, str]:
    found = {}
    translated = package.get(f"{key}_translated")
    if isinstance(translated, dict):
        found = {str(lang): _text(text) for lang, text in translated.items() if _text(text)}
    if _text(package.get(key)):
        found.setdefault("", _text(package.get(key)))
    return found


def _preferred(texts: dict[str, str]) -> str:
    return next((texts[lang] for lang in _LANGUAGES if lang in texts), next(iter(texts.values()), ""))


def _licence(package: dict[str, Any]) -> dict[str, str]:
    names = [_text(package.get(k)) for k in ("license_url", "license_id", "license_title")]
    licence = normalise_licence(*[n for n in names if n])
    if licence:
        return licence
    return {"id": names[1], "url": names[0], "note": names[2]} if any(names) else {}


def _dataset(package: dict[str, Any], base: str) -> Dataset:
    titles = _translated(package, "title")
    descriptions = _translated(package, "notes")
    licence = _licence(package)
    modified = _text(package.get("metadata_modified"))
    dists = []
    for resource in package.get("resources") or []:
        if not isinstance(resource, dict) or not _text(resource.get("url")):
            continue
        names = _translated(resource, "name")
        dists.append(Distribution(
            url=urljoin(base, _text(resource["url"])) if base else _text(resource["url"]),
            format=format_token(_text(resource.get("format")) or _text(resource.get("mimetype"))).lower(),
            title=_preferred(names), licence=licence, titles=names,
            modified=_text(resource.get("last_modified")) or _text(resource.get("metadata_modified")) or modified,
            iri=_text(resource.get("id")), description=_preferred(_translated(resource, "description")),
            dataset=_preferred(titles)))
    return Dataset(iri=_text(package.get("id")), identifier=_text(package.get("name")) or _text(package.get("id")),
                   title=_preferred(titles), titles=titles, description=_preferred(descriptions),
                   descriptions=descriptions, modified=modified, licence=licence, distributions=dists)


def packages(data: bytes, *, base: str = "") -> list[Dataset]:
    """The packages of a ``package_show`` (one) or ``package_search`` answer (every one of the page)."""
    result = answer(data)
    kind = answer_kind(result)
    if kind == "ckan-datastore":
        raise UnreadableSnapshot("error.ckan-datastore-no-packages")
    listed = [result] if kind == "ckan-package" else [p for p in result["results"] if isinstance(p, dict)]
    return [_dataset(p, base) for p in listed]


def locate(data: bytes, *, dataset: str = "", resource: str = "", formats: tuple[str, ...] = ("CSV",),
           base: str = "", **_: object) -> Distribution:
    """The resource with id ``resource``, else the first resource in the earliest of ``formats``, of the package
    ``dataset`` (id or name) — required when a ``package_search`` answer offers more than one."""
    found = packages(data, base=base)
    matching = [p for p in found if not dataset or dataset in (p.iri, p.identifier)]
    if dataset and not matching and len(found) > 1:
        raise UnreadableSnapshot("error.ckan-no-package", dataset=dataset,
                                 known=", ".join(p.identifier for p in found[:10]) or "-")
    matching = matching or found
    if resource:
        for package in matching:
            chosen = next((d for d in package.distributions if d.iri == resource), None)
            if chosen is not None:
                return chosen
        raise UnreadableSnapshot("error.ckan-no-resource", resource=resource,
                                 dataset=dataset or (matching[0].identifier if len(matching) == 1 else "-"))
    wanted = [format_token(f) for f in formats]

    def candidates(package: Dataset) -> list[Distribution]:
        ranked = [d for d in package.distributions if format_token(d.format) in wanted]
        return sorted(ranked, key=lambda d: wanted.index(format_token(d.format)))

    offered = [(p, candidates(p)) for p in matching]
    offered = [(p, c) for p, c in offered if c]
    if not offered:
        raise UnreadableSnapshot("error.ckan-no-format", formats="/".join(formats),
                                 dataset=dataset or ", ".join(p.identifier for p in matching[:5]) or "-")
    if len(offered) > 1:
        listed = "; ".join(f"{p.identifier} ({p.title})" for p, _ in offered[:10])
        raise UnreadableSnapshot("error.ckan-choose", count=len(offered), packages=listed)
    return offered[0][1][0]


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "ckan-datastore") -> RawTable:
    """The records of a ``datastore_search`` answer (every page the harvest joined), columns in ``fields`` order
    (CKAN's own ``_id`` dropped, as in its CSV dump)."""
    result = answer(data)
    if answer_kind(result) != "ckan-datastore":
        raise UnreadableSnapshot("error.ckan-not-datastore")
    header = [str(f.get("id")) for f in result.get("fields") or [] if isinstance(f, dict) and f.get("id") != "_id"]
    records = [r for r in result["records"] if isinstance(r, dict)]
    for record in records:
        header += [str(k) for k in record if k != "_id" and str(k) not in header]
    rows = [[cell_text(record.get(name)) for name in header] for record in records]
    offset = int(result.get("offset") or 0) if str(result.get("offset") or "0").isdigit() else 0
    return RawTable(header=header, rows=rows, locators=[f"record={offset + i + 1}" for i in range(len(rows))])


def next_page(data: bytes, url: str, seen: int = 0) -> tuple[str, int, int]:
    """``(next URL, records on this page, total)`` of a ``datastore_search`` page after ``seen`` records read
    before it; the URL is ``""`` on the last page (no ``_links.next``, no records, or all ``total`` records read —
    CKAN links a next page even from the last one)."""
    result = answer(data)
    records = result.get("records") if isinstance(result.get("records"), list) else []
    total = result.get("total") if isinstance(result.get("total"), int) else -1
    links = result.get("_links") if isinstance(result.get("_links"), dict) else {}
    link = links.get("next")
    if not link or not records or (total >= 0 and seen + len(records) >= total):
        return "", len(records), total
    return urljoin(url, str(link)), len(records), total


def join_pages(pages: list[bytes]) -> bytes:
    """One ``datastore_search`` answer holding the records of every page, in order (the snapshot we store)."""
    first = answer(pages[0])
    records = [r for page in pages for r in answer(page).get("records") or []]
    result = {"fields": first.get("fields") or [], "records": records, "total": first.get("total", len(records)),
              "offset": 0, "resource_id": first.get("resource_id", ""), "pages": len(pages)}
    return json.dumps({"success": True, "result": result}, ensure_ascii=False, indent=1, sort_keys=True).encode()
