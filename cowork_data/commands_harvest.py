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

__all__ = ["describe", "diff", "harvest", "sources"]


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


@click.command()
@click.argument("target", metavar="FILE|URL")
@click.option("--json", "as_json", is_flag=True, help="Print the description as JSON.")
@click.option("--live", is_flag=True, help="Download a URL (without it a URL is refused: no network by default).")
@click.option("--write", "name", default="", metavar="NAME",
              help="Write sources/NAME.toml (and a table's snapshot) that `cowork-data harvest NAME` accepts.")
@click.option("--crs", default="", metavar="EPSG:CODE", help="The coordinates' system, when the file does not say it.")
@click.option("--comune", default="", metavar="ISTAT",
              help="ISTAT code of the comune of every row: settles a system the ranges leave open; written in the "
                   "source.")
@click.option("--dataset", default="", help="The dataset or CKAN package to write the source for (id or name).")
@click.option("--format", "formats", multiple=True, default=("CSV",), show_default=True,
              help="Distribution formats in order of preference (catalogues, CKAN).")
@click.option("--publisher", default="", help="Publisher of the source (written in the TOML).")
@click.option("--overwrite", is_flag=True, help="Replace an existing source of that name.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Allow a private or local host (refused by default).")
def describe(target: str, as_json: bool, live: bool, name: str, crs: str, comune: str, dataset: str,
             formats: tuple[str, ...], publisher: str, overwrite: bool, allow_hosts: tuple[str, ...]) -> None:
    """Say what a file or URL is, the step before a new source: a DCAT catalogue, a CKAN answer (package, search,
    datastore) or a table, with its encoding, delimiter, header row, columns, coordinate system and first points.

    With --write NAME it writes sources/NAME.toml (and, for a table, the snapshot) ready for the harvest.

    \b
    Example:
        cowork-data describe export.csv
        cowork-data describe punti.geojson --json
        cowork-data describe https://dati.example.org/catalog.rdf --live
        cowork-data describe export.csv --write comune-esempio-coworking --comune 015146
    """
    from cowork_data.harvest.describe import describe as run_describe

    policy = None
    if live or name:  # the HTTP stack and the sources' configuration only when they are used
        from cowork_data.harvest.http import HttpPolicy

        policy = HttpPolicy(allow_hosts=allow_hosts)
    from cowork_data.geo.crs import in_comune

    description = run_describe(target, live=live, policy=policy, crs=crs, inside=in_comune(comune))
    if as_json:
        click.echo(json_text(description.to_dict()))
    else:
        _print_description(description)
    if name:
        from cowork_data.harvest.new_source import write_source

        path = write_source(description, name, comune=comune, publisher=publisher, dataset=dataset,
                            formats=formats, live=live, policy=policy, overwrite=overwrite)
        click.echo(i18n.pair("cli.describe.source-written", sep="\n", path=str(path), name=name),
                   err=as_json)


def _print_description(description: object) -> None:
    data = description.to_dict()  # type: ignore[attr-defined]
    label = {k: i18n.pair(f"cli.describe.{k}", sep="/") for k in (
        "kind", "datasets", "distributions", "encoding", "delimiter", "header-row", "rows", "columns", "crs",
        "mapping", "points", "none")}
    click.echo(f"{label['kind']}: {data['kind']}")
    if data["datasets"]:
        click.echo(f"{label['datasets']}: {len(data['datasets'])}")
        for dataset in data["datasets"]:
            click.echo(f"- {dataset['title']}")
            for dist in dataset["distributions"]:
                click.echo(f"    {dist['format'] or '?'}  {dist['licence'] or '-'}  {dist['url']}")
    table = data["table"]
    if table:
        for key, field in (("encoding", "encoding"), ("delimiter", "delimiter"), ("header-row", "header_row"),
                           ("rows", "rows")):
            click.echo(f"{label[key]}: {table[field] if table[field] not in ('', None) else '-'}")
        click.echo(f"{label['columns']}: {', '.join(table['columns'])}")
        crs = table["crs_name"] or label["none"]
        click.echo(f"{label['crs']}: {crs}")
        for lang in ("it", "en"):
            if table["crs_reason"]:
                click.echo(f"  {table['crs_reason'][lang]}")
        for finding in table["findings"]:
            click.echo(f"  ! {finding['it']}", err=True)
            click.echo(f"  ! {finding['en']}", err=True)
        mapping = ", ".join(f"{k} → {v}" for k, v in table["mapping"].items()) or label["none"]
        click.echo(f"{label['mapping']}: {mapping}")
        click.echo(f"{label['points']}: {table['points'] or label['none']}")
