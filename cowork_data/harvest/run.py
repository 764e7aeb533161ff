"""Harvest the catalogue: each source on its own, recorded (offline, the default) or live.

Offline, a source's last good snapshot is checked (sha256, adapter parse, shape). Live, it is fetched through
the :class:`~cowork_data.harvest.http.HttpClient` (catalogue first for CKAN and DCAT), conditionally when the
last good snapshot has an ETag or Last-Modified; the new bytes replace the last good snapshot only when they
pass the shape checks and differ from it. A failing source never stops the others, and nothing here writes
the published package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cowork_data import i18n
from cowork_data.config import Source, load_sources, project_root
from cowork_data.errors import CoworkDataError, UsageError
from cowork_data.geo.crs import in_comune
from cowork_data.geo.points import table_points
from cowork_data.harvest.adapters import RawTable, UnreadableSnapshot, locate
from cowork_data.harvest.checks import ShapeError, check_shape
from cowork_data.harvest.http import USER_AGENT, FetchError, HttpClient, HttpPolicy
from cowork_data.harvest.paging import PagingError, fetch_pages
from cowork_data.harvest.snapshot import Snapshot, load_snapshot
from cowork_data.harvest.spec import HarvestSpec, harvest_spec
from cowork_data.harvest.store import archive, replace_last_good
from cowork_data.i18n import Text

__all__ = ["HarvestReport", "SourceOutcome", "catalogue_status", "harvest"]

#: Why an outcome is what it is: a catalogue key (``cli.harvest.reason.<name>``) or the texts of an error.
Reason = Text | Mapping[str, str]


@dataclass
class SourceOutcome:
    """What happened to one source: status `recorded`, `local`, `updated`, `unchanged` or `failed`."""

    source_id: str
    kind: str  #: the harvest kind of the source (``ckan``, ``file``, … :data:`cowork_data.harvest.spec.KINDS`)
    status: str
    cause: str = ""  #: why it failed or is unchanged: a fetch or shape cause code (``too-large``, ``same-bytes``)
    message_it: str = ""
    message_en: str = ""
    sha256: str = ""  #: of the bytes checked or fetched
    retrieved_at: str = ""  #: when those bytes were fetched (ISO 8601, UTC)
    records: int = 0  #: rows (or features) of the snapshot
    snapshot: str = ""  #: the file written or checked; a rejected harvest's is under ``rejected/``
    url: str = ""  #: the URL of the data (after the catalogue's choice of distribution)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


@dataclass
class HarvestReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def outcome(self, source_id: str) -> SourceOutcome:
        return next(o for o in self.outcomes if o.source_id == source_id)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "sources": [o.to_dict() for o in self.outcomes]}


def _header(headers: dict[str, Any], name: str) -> str:
    return next((str(v) for k, v in headers.items() if k.lower() == name.lower()), "")


def _outcome(source: Source, spec: HarvestSpec, status: str, *, cause: str = "", reason: Reason | None = None,
             **extra: Any) -> SourceOutcome:
    """The outcome, with its message: ``reason`` (default: the status's ``cli.harvest.reason.<status>``)."""
    it, en = i18n.both("cli.harvest.failed" if status == "failed" else "cli.harvest.source", source=source.id,
                       reason=reason or Text.of(f"cli.harvest.reason.{status}"))
    return SourceOutcome(source_id=source.id, kind=spec.kind, status=status, cause=cause,
                         message_it=it, message_en=en, **extra)


def _with_url(exc: CoworkDataError, url: str) -> dict[str, str]:
    return {lang: f"{text} ({url})" for lang, text in exc.texts().items()}


def _check_recorded(source: Source, spec: HarvestSpec, snapshot: Snapshot) -> int:
    records = 0
    for part in snapshot.files:
        fmt = spec.format if len(snapshot.files) == 1 else part.path.suffix.lstrip(".").lower()
        records += len(check_shape(source, fmt, part.data).rows)
    return records


def _recorded(source: Source, spec: HarvestSpec, root: Path) -> SourceOutcome:
    snapshot = load_snapshot(source, root)
    records = _check_recorded(source, spec, snapshot)
    status = "local" if spec.kind == "local" else "recorded"
    return _outcome(source, spec, status, sha256=snapshot.provenance.get("sha256", ""),
                    retrieved_at=str(snapshot.provenance.get("retrieved_at", "")), records=records,
                    snapshot=str(snapshot.path), url=str(snapshot.provenance.get("url", "")))


def _coordinates(table: RawTable, spec: HarvestSpec, comune: str) -> dict[str, Any]:
    """The coordinates' system of a harvested table, why, and the conversion to WGS 84 (for its provenance); the
    source's comune settles what ranges alone leave open."""
    found, columns = table_points(table.header, table.rows, table.meta, fmt=spec.format, crs=spec.crs,
                                  inside=in_comune(comune))
    return {"columns": list(columns.names), **found.provenance()} if columns is not None else {}


def _live(source: Source, spec: HarvestSpec, root: Path, client: HttpClient) -> SourceOutcome:
    try:
        last: Snapshot | None = load_snapshot(source, root)
    except CoworkDataError:
        last = None  # a missing or damaged last snapshot is replaced by a good harvest, never the other way
    licence = dict(source.licence)
    data_url, extra, dist = spec.url, {}, None
    if spec.catalogue:
        answer = client.get(spec.url)
        dist = locate(spec.kind, answer.data, dataset=spec.dataset, resource=spec.resource, formats=spec.formats,
                      base=answer.final_url)
        data_url = dist.url
        if dist.licence.get("id"):
            licence = dist.licence
        extra["catalogue"] = {"url": answer.final_url, "status": answer.status, "retrieved_at": answer.retrieved_at,
                              "sha256": hashlib.sha256(answer.data).hexdigest()}
        extra["distribution"] = {"iri": dist.iri, "title": dist.title, "dataset": dist.dataset,
                                 "format": dist.format, "modified": dist.modified}
    etag = last_modified = ""
    if last is not None and last.provenance.get("url") == data_url:
        etag = _header(last.provenance.get("headers") or {}, "ETag")
        last_modified = _header(last.provenance.get("headers") or {}, "Last-Modified")
    if spec.kind == "datastore":  # pages joined into one answer: a conditional GET of the first says nothing
        result, extra["pages"] = fetch_pages(client, data_url)
    else:
        result = client.get(data_url, etag=etag, last_modified=last_modified)
    if result.not_modified:
        return _outcome(source, spec, "unchanged", cause="not-modified",
                        reason=Text.of("cli.harvest.reason.not-modified"), url=data_url,
                        sha256=last.provenance.get("sha256", "") if last else "")
    sha = hashlib.sha256(result.data).hexdigest()
    provenance = {
        "source_id": source.id, "url": data_url, "final_url": result.final_url, "retrieved_at": result.retrieved_at,
        "status": result.status, "sha256": sha, "bytes": len(result.data), "licence": licence,
        "headers": {k: v for k, v in sorted(result.headers.items()) if k.lower() != "set-cookie"},
        "harvester": USER_AGENT, "adapter": spec.kind, "format": spec.format, "fixture": False, "note": "", **extra,
    }
    try:
        table = check_shape(source, spec.format, result.data)
    except ShapeError as exc:
        if dist is not None and exc.cause == "html-instead-of-data":
            exc = ShapeError(exc.cause, "error.distribution-html", title=dist.title or dist.iri or "-", url=data_url,
                             dataset=dist.dataset or spec.dataset or "-", format=(dist.format or spec.format).upper())
        kept = archive(root, source, result.data, provenance, rejected=True)
        return _outcome(source, spec, "failed", cause=exc.cause, reason=_with_url(exc, data_url), url=data_url,
                        sha256=sha, snapshot=str(kept))
    coordinates = _coordinates(table, spec, source.comune)
    if coordinates:
        provenance["coordinates"] = coordinates
    common = {"sha256": sha, "retrieved_at": result.retrieved_at, "records": len(table.rows), "url": data_url}
    if last is not None and last.provenance.get("sha256") == sha:
        return _outcome(source, spec, "unchanged", cause="same-bytes", reason=Text.of("cli.harvest.reason.same-bytes"),
                        snapshot=str(last.path), **common)
    archive(root, source, result.data, provenance)
    path = replace_last_good(root, source, result.data, provenance)
    return _outcome(source, spec, "updated", snapshot=str(path), **common)


def _one(source: Source, root: Path, live: bool, client: HttpClient | None) -> SourceOutcome:
    spec = HarvestSpec(kind="?", url="", format="")
    try:
        spec = harvest_spec(source)
        if not live or spec.kind == "local":
            return _recorded(source, spec, root)
        assert client is not None
        return _live(source, spec, root, client)
    except (FetchError, PagingError) as exc:
        return _outcome(source, spec, "failed", cause=exc.cause, reason=exc.texts(), url=exc.url)
    except ShapeError as exc:
        return _outcome(source, spec, "failed", cause=exc.cause, reason=exc.texts())
    except UnreadableSnapshot as exc:
        return _outcome(source, spec, "failed", cause="catalogue",
                        reason=Text.of("cli.harvest.reason.catalogue", reason=exc.texts()))
    except CoworkDataError as exc:
        return _outcome(source, spec, "failed", cause=type(exc).__name__, reason=exc.texts())


def harvest(source_ids: Sequence[str] = (), *, root: Path | None = None, live: bool = False,
            policy: HttpPolicy | None = None) -> HarvestReport:
    """Harvest `source_ids` (default: every source): check the recorded snapshots, or fetch with `live=True`."""
    root = Path(root) if root else project_root()
    sources = load_sources(root)
    known = {s.id: s for s in sources}
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise UsageError("error.sources-unknown", unknown=", ".join(unknown), known=", ".join(known))
    chosen = [known[s] for s in dict.fromkeys(source_ids)] if source_ids else sources
    client = HttpClient(policy) if live else None
    report = HarvestReport()
    try:
        for source in chosen:
            report.outcomes.append(_one(source, root, live, client))
    finally:
        if client is not None:
            report.requests = list(client.sent)
            client.close()
    return report


def catalogue_status(*, root: Path | None = None) -> list[dict[str, Any]]:
    """One row per source: id, adapter kind, format, snapshot date, sha256, fixture flag and whether it loads."""
    root = Path(root) if root else project_root()
    rows = []
    for source in load_sources(root):
        row: dict[str, Any] = {"id": source.id, "adapter": "", "format": "", "url": "", "retrieved_at": "",
                               "sha256": "", "fixture": source.fixture, "status": "ok", "message": ""}
        try:
            spec = harvest_spec(source)
            row.update(adapter=spec.kind, format=spec.format, url=spec.url)
            snapshot = load_snapshot(source, root)
            row.update(retrieved_at=str(snapshot.provenance.get("retrieved_at", "")),
                       sha256=str(snapshot.provenance.get("sha256", "")))
        except CoworkDataError as exc:
            row.update(status="error", message=f"{exc.message_it} / {exc.message_en}")
        rows.append(row)
    return rows
