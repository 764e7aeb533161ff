"""A new source from a description: ``sources/NAME.toml`` that ``cowork-data harvest NAME`` accepts.

- a table (a local file or a URL described live): the TOML and the bytes as its snapshot, with provenance (sha256,
  where the bytes came from, the coordinate system detected and why), so the offline harvest checks it at once;
  the system told by ranges is pinned as ``harvest.crs`` (the next export may be too small to tell it again);
- a CKAN package or search, a datastore, a DCAT catalogue: the TOML (the package, resource or dataset chosen, or
  an error listing them when the answer leaves a choice); the data file comes with the first live harvest, run
  here when ``live``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from cowork_data import i18n
from cowork_data.config import load_sources, project_root
from cowork_data.errors import UsageError
from cowork_data.harvest.adapters import ckan, dcat
from cowork_data.harvest.adapters.base import Distribution, UnreadableSnapshot
from cowork_data.harvest.describe import Description, now
from cowork_data.harvest.http import USER_AGENT, HttpPolicy
from cowork_data.harvest.store import replace_last_good

__all__ = ["write_source"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_SUFFIX = {"csv": "csv", "xlsx": "xlsx", "xls": "xls", "ods": "ods", "geojson": "geojson", "json": "json",
           "kml": "kml", "html": "html", "pdf": "pdf", "ckan-datastore": "json"}


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _kind_of_url(url: str) -> str:
    path = urlsplit(url).path
    if "/api/explore/" in path or "/explore/dataset/" in path:
        return "opendatasoft"
    if path.startswith(("/resource/", "/api/views/")):
        return "socrata"
    return "file"


def _choose(description: Description, dataset: str, formats: tuple[str, ...]) -> Distribution:
    data = description.data
    try:
        if description.kind == "catalogue":
            return dcat.locate(data, dataset=dataset, formats=formats, base=description.url)
        return ckan.locate(data, dataset=dataset, formats=formats, base=description.url)
    except UnreadableSnapshot as exc:
        raise UsageError("error.describe-choose", reason=exc.texts()) from exc


def write_source(description: Description, name: str, *, root: Path | None = None, comune: str = "",
                 publisher: str = "", dataset: str = "", formats: tuple[str, ...] = ("CSV",), live: bool = False,
                 policy: HttpPolicy | None = None, overwrite: bool = False) -> Path:
    """Write ``sources/NAME.toml`` (and a table's snapshot); returns the TOML's path. Refuses to overwrite an
    existing source unless ``overwrite``."""
    root = Path(root) if root else project_root()
    if not _NAME.match(name):
        raise UsageError("error.describe-name", name=name)
    path = root / "sources" / f"{name}.toml"
    if path.exists() and not overwrite:
        raise UsageError("error.describe-exists", path=str(path))
    target = description.url or description.target
    title, licence, harvest_lines = PurePosixPath(urlsplit(target).path).stem or name, {}, []
    table = description.table or {}
    snapshot_name = "data"
    if description.kind == "table" or description.kind == "ckan-datastore":
        fmt = description.format
        snapshot_name = PurePosixPath(urlsplit(target).path).name if description.url else Path(target).name
        if not snapshot_name or "." not in snapshot_name:
            snapshot_name = f"{name}.{_SUFFIX.get(fmt, 'dat')}"
        if description.url:
            kind = "datastore" if description.kind == "ckan-datastore" else _kind_of_url(description.url)
            harvest_lines += [f"kind = {_quote(kind)}", f"url = {_quote(description.url)}"]
            if kind != "datastore":
                harvest_lines.append(f"format = {_quote(fmt)}")
        else:
            harvest_lines += ['kind = "local"', f"format = {_quote(fmt)}"]
        detection = description.detection
        if detection is not None and detection.ok and not detection.declared:
            harvest_lines.append(f"crs = {_quote(detection.crs)}")
    else:
        chosen = _choose(description, dataset, formats)
        title, licence = chosen.dataset or chosen.title or title, dict(chosen.licence)
        snapshot_name = PurePosixPath(urlsplit(chosen.url).path).name or f"{name}.{chosen.format or 'csv'}"
        kind = "dcat" if description.kind == "catalogue" else "ckan"
        picked = dataset or next((d.identifier or d.iri for d in description.datasets
                                  if any(x is chosen or x.url == chosen.url for x in d.distributions)), "")
        harvest_lines += [f"kind = {_quote(kind)}", f"url = {_quote(target)}", f"format = {_quote(chosen.format)}"]
        if picked:
            harvest_lines.append(f"dataset = {_quote(picked)}")
        if kind == "ckan" and chosen.iri:
            harvest_lines.append(f"resource = {_quote(chosen.iri)}")
        harvest_lines.append(f"formats = [{', '.join(_quote(f) for f in formats)}]")
    if description.datasets and len(description.datasets) == 1 and description.kind != "catalogue":
        title = description.datasets[0].title or title
    licence_id = licence.get("id") or "NOASSERTION"
    licence_url = licence.get("url") or (target if target.startswith(("http://", "https://")) else
                                         "https://spdx.org/licenses/")
    mapping = table.get("mapping") or {}
    adapter = "local"
    if harvest_lines:
        adapter = json.loads(harvest_lines[0].split("=", 1)[1])
        adapter = "ckan" if adapter == "datastore" else adapter
    lines = [f"# {i18n.t('cli.describe.written', 'it', target=target)}",
             f"# {i18n.t('cli.describe.written', 'en', target=target)}",
             f"id = {_quote(name)}", f"title = {_quote(title)}",
             f"publisher = {_quote(publisher or i18n.pair('cli.describe.publisher-unknown'))}",
             f"url = {_quote(target if target.startswith(('http://', 'https://')) else 'file:' + Path(target).name)}",
             f"adapter = {_quote(adapter)}",
             'format = "milano-csv"', 'tables = ["spaces"]', f"comune = {_quote(comune)}",
             'space_type = "coworking"', f"snapshot = {_quote(f'sources/snapshots/{name}/{snapshot_name}')}",
             "fixture = false", "", "[licence]", f"id = {_quote(licence_id)}", f"url = {_quote(licence_url)}",
             f"note = {_quote(i18n.pair('cli.describe.licence-note'))}", ""]
    if harvest_lines:
        lines += ["[harvest]", *harvest_lines, ""]
    lines += ["[columns]", *(f"{_quote(k)} = {_quote(v)}" for k, v in mapping.items()), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    source = next(s for s in load_sources(root) if s.id == name)
    if description.kind in ("table", "ckan-datastore"):
        provenance = {"source_id": name, "url": description.url or f"file:{Path(description.target).name}",
                      "final_url": description.url, "retrieved_at": now(), "status": 200 if description.url else None,
                      "sha256": hashlib.sha256(description.data).hexdigest(), "bytes": len(description.data),
                      "licence": source.licence, "headers": {}, "harvester": USER_AGENT, "adapter": "describe",
                      "format": description.format, "fixture": False,
                      "note": i18n.pair("cli.describe.snapshot-note")}
        if description.detection is not None and description.columns is not None:
            provenance["coordinates"] = {"columns": list(description.columns.names),
                                         **description.detection.provenance()}
        replace_last_good(root, source, description.data, provenance)
    elif live:
        from cowork_data.harvest.run import harvest

        outcome = harvest([name], root=root, live=True, policy=policy).outcome(name)
        if not outcome.ok:
            raise UsageError("error.describe-first-harvest", source=name,
                             reason={"it": outcome.message_it, "en": outcome.message_en})
    return path
