"""``cowork-data assets``: write ``assets/``, the shared schema as a national semantic asset (schema.gov.it)."""

from __future__ import annotations

import sys

import click

from cowork_data import i18n
from cowork_data.output import json_text


@click.command()
@click.option("--check", is_flag=True, help="Only compare assets/ with a fresh generation; exit 1 when they differ.")
@click.option("--json", "as_json", is_flag=True, help="Print the files written and removed (or stale) as JSON.")
def assets(check: bool, as_json: bool) -> None:
    """Write assets/ from schemas/, vocab/, mapping/tables.toml and publisher.toml, in the layout of the Italian
    National Data Catalog (schema.gov.it): the SKOS schemes as controlled vocabularies (Turtle, CSV, data package
    with its JSON-LD context), each Table Schema as an OpenAPI 3 schema with its JSON-LD context, metadata and
    examples, under schemas/{table}/v{version}/ and latest/, and the ontology vocab/cw.ttl under
    ontologies/vocab/. Older versions already in assets/ are kept; a change under a published version is refused
    (raise the version and add it to schemas/CHANGELOG.md).

    `cowork-data build` does not write assets/: it publishes the data; run this after changing a schema or a
    vocabulary (`make run` runs both).

    \b
    Example:
        cowork-data assets
        cowork-data assets --check
    """
    from cowork_data.config import project_root
    from cowork_data.publish.assets import stale_assets, write_assets

    root = project_root()
    if check:
        stale = stale_assets(root)
        if as_json:
            click.echo(json_text({"stale": stale}))
        else:
            click.echo(i18n.pair("cli.assets.stale" if stale else "cli.assets.up-to-date", count=len(stale)))
            for path in stale:
                click.echo(f"  assets/{path}")
        sys.exit(1 if stale else 0)
    result = write_assets(root)
    if as_json:
        click.echo(json_text({"written": result.written, "removed": result.removed}))
        return
    click.echo(i18n.pair("cli.assets.written", written=len(result.written), removed=len(result.removed)))


__all__ = ["assets"]
