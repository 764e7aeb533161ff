"""Commands of the harvest stage: `harvest`, `sources`, `diff` (registered in `cowork_data.cli`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cowork_data import i18n
from cowork_data.output import json_text, text_table


def _columns(*names: str) -> list[str]:
    return [i18n.pair(f"cli.column.{name}", sep="/") if name not in ("record", "sha256", "snapshot", "fixture", "id",
                                                                     "") else name for name in names]

__all__ = ["diff", "harvest", "sources"]


@click.command()
@click.argument("source_ids", nargs=-1, metavar="[SOURCE]...")
@click.option("--live", is_flag=True, help="Fetch the sources from their portals (default: check the recorded "
                                           "snapshots, no network).")
@click.option("--json", "as_json", is_flag=True, help="Print the per-source report as JSON.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Read timeout in seconds (live).")
@click.option("--retries", type=int, default=3, show_default=True, help="Retries on errors and 429/5xx (live).")
@click.option("--max-mb", type=float, default=200.0, show_default=True,
              help="Largest response accepted, also after decompression (live).")
@click.option("--interval", type=float, default=1.0, show_default=True,
              help="Seconds between two requests to the same host (live).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Allow a private or local host (refused by default), e.g. a portal on your own network.")
def harvest(source_ids: tuple[str, ...], live: bool, as_json: bool, timeout: float, retries: int, max_mb: float,
            interval: float, allow_hosts: tuple[str, ...]) -> None:
    """Harvest the sources: check the recorded snapshots, or fetch them with --live.

    Live harvesting sends conditional requests (ETag, Last-Modified), retries politely (Retry-After) and stores a
    new snapshot with its provenance only when the bytes pass the source's checks; the last good snapshot and the
    published package are never touched by a failure. One failing source does not stop the others; the exit
    code is 1 when any source failed.

    \b
    Example:
        cowork-data harvest
        cowork-data harvest milano-coworking --live
        cowork-data harvest --live --json --retries 1
        cowork-data harvest my-source --live --allow-host 10.0.0.5:8080
    """
    from cowork_data.harvest.http import HttpPolicy
    from cowork_data.harvest.run import harvest as run_harvest

    policy = HttpPolicy(read_timeout=timeout, connect_timeout=min(timeout, 10.0), retries=retries,
                        max_bytes=int(max_mb * 1024 * 1024), min_interval=interval, allow_hosts=allow_hosts)
    report = run_harvest(source_ids, live=live, policy=policy)
    if as_json:
        click.echo(json_text(report.to_dict()))
    else:
        rows = [[o.source_id, o.kind, o.status, o.records or "", o.sha256[:12], o.retrieved_at]
                for o in report.outcomes]
        click.echo(text_table(_columns("source", "adapter", "status", "record", "sha256", "date"), rows))
        for outcome in report.outcomes:
            stream = not outcome.ok
            click.echo(outcome.message_it, err=stream)
            click.echo(f"  {outcome.message_en}", err=stream)
    sys.exit(0 if report.ok else 1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def sources(as_json: bool) -> None:
    """List the sources catalogue with the status of each recorded snapshot.

    Shows the id, the adapter (ckan, dcat, socrata, opendatasoft, file, html, pdf, local), the format, the date
    and short sha256 of the last good snapshot, and whether its rows are invented (fixture).

    \b
    Example:
        cowork-data sources
        cowork-data sources --json
    """
    from cowork_data.harvest.run import catalogue_status

    rows = catalogue_status()
    if as_json:
        click.echo(json_text(rows))
    else:
        click.echo(text_table(
            _columns("source", "adapter", "format", "snapshot", "sha256", "fixture", "status"),
            [[r["id"], r["adapter"], r["format"], r["retrieved_at"], r["sha256"][:12],
              i18n.pair("cli.word.yes", sep="/") if r["fixture"] else "",
              r["status"]] for r in rows]))
        for row in rows:
            if row["message"]:
                click.echo(f"{row['id']}: {row['message']}", err=True)
    sys.exit(0 if all(r["status"] == "ok" for r in rows) else 1)


@click.command()
@click.argument("old", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--source", "source_id", default="", help="Source of both files (default: from their provenance).")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def diff(old: Path, new: Path, source_id: str, as_json: bool) -> None:
    """Compare two harvests of a source: spaces added, removed and changed field by field.

    \b
    Example:
        cowork-data diff old/coworking__joined__f.csv sources/snapshots/milano-coworking/coworking__joined__f.csv
        cowork-data diff a.csv b.csv --source milano-coworking --json
    """
    from cowork_data.diff import diff_snapshots

    result = diff_snapshots(old, new, source_id=source_id)
    if as_json:
        click.echo(json_text(result.to_dict()))
        return
    word = {name: i18n.pair(f"cli.diff.{name}", sep="/") for name in ("added", "removed", "changes")}
    click.echo(f"{result.source_id}: +{len(result.added)} {word['added']}, -{len(result.removed)} {word['removed']}, "
               f"~{len(result.changed)} {word['changes']}")
    rows = [["+", r["id"], "", "", r["name"]] for r in result.added]
    rows += [["-", r["id"], "", r["name"], ""] for r in result.removed]
    rows += [["~", c.id, c.field, c.old, c.new] for c in result.changed]
    if rows:
        click.echo(text_table(_columns("", "id", "field", "before", "after"), rows, max_width=60))
