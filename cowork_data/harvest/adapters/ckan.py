"""CKAN Action API `package_show` (https://docs.ckan.org/en/latest/api/): the resource to download and the
licence of the package (`license_id`, `license_url`, `license_title`)."""

from __future__ import annotations

import json

from cowork_data.harvest.adapters.base import Distribution, UnreadableSnapshot

__all__ = ["locate", "package_show_url"]


def package_show_url(base_url: str, dataset_id: str) -> str:
    return f"{base_url.rstrip('/')}/api/3/action/package_show?id={dataset_id}"


def locate(data: bytes, *, resource: str = "", formats: tuple[str, ...] = ("CSV",), **_: object) -> Distribution:
    """The resource with id `resource`, else the first resource whose format is the earliest in `formats`."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableSnapshot(f"risposta CKAN non JSON: {exc}", f"CKAN answer is not JSON: {exc}") from exc
    if not isinstance(document, dict) or not document.get("success") or not isinstance(document.get("result"), dict):
        raise UnreadableSnapshot("risposta CKAN senza esito positivo", "CKAN answer without success")
    package = document["result"]
    resources = [r for r in package.get("resources") or [] if isinstance(r, dict) and r.get("url")]
    chosen = next((r for r in resources if resource and r.get("id") == resource), None)
    if chosen is None:
        wanted = [f.casefold() for f in formats]
        ranked = [r for r in resources if str(r.get("format", "")).casefold() in wanted]
        ranked.sort(key=lambda r: wanted.index(str(r.get("format", "")).casefold()))
        chosen = ranked[0] if ranked else None
    if chosen is None:
        raise UnreadableSnapshot(f"nessuna risorsa {resource or '/'.join(formats)} nel pacchetto",
                                 f"no {resource or '/'.join(formats)} resource in the package")
    licence = {"id": str(package.get("license_id") or ""), "url": str(package.get("license_url") or ""),
               "note": str(package.get("license_title") or "")}
    return Distribution(url=chosen["url"], format=str(chosen.get("format", "")).lower(),
                        title=str(chosen.get("name") or ""), licence=licence,
                        modified=str(chosen.get("last_modified") or chosen.get("metadata_modified") or ""))
