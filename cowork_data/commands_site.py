"""``cowork-data site``: write the static site (map, pages, schema documentation, downloads, charts)."""

from __future__ import annotations

from pathlib import Path

import click

from cowork_data import i18n
from cowork_data.output import json_text


@click.command()
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="Directory of the site; replaced as a whole (must be empty or a previous site).")
@click.option("--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The published data package to read (default: the project root).")
@click.option("--tiles", metavar="URL", default=None,
              help="Map tile URL template ({z}/{x}/{y}); without it the map has a plain background and works offline.")
@click.option("--tiles-attribution", metavar="TEXT", default=None, help="Attribution shown with the tiles.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def site(output: Path, root: Path | None, tiles: str | None, tiles_attribution: str | None, as_json: bool) -> None:
    """Write the static site from the published data: no server needed.

    A map of the spaces (Leaflet, shipped with the site), one page per comune, space and call, the schema
    documentation in Italian and English, a download area and SVG charts. Open index.html, host the directory
    as it is, or run `cowork-data serve` (it serves ./site under /sito).

    \b
    Example:
        cowork-data site -o site/
        cowork-data site -o /tmp/sito --tiles 'https://tiles.example.org/{z}/{x}/{y}.png' --tiles-attribution '© OSM'
    """
    from cowork_data.site import build_site

    result = build_site(output, root=root, tiles=tiles, tiles_attribution=tiles_attribution)
    if as_json:
        click.echo(json_text(result.to_dict()))
        return
    click.echo(f"{i18n.pair('cli.site.written')}: {result.output} — {len(result.pages)} "
               f"{i18n.pair('cli.site.pages', sep='/')}, {len(result.files)} file, {result.markers} "
               f"{i18n.pair('cli.site.markers')}")
    for item in result.skipped:
        click.echo(f"{i18n.pair('cli.site.skipped')}: {item}", err=True)


__all__ = ["site"]
