"""Commands of the knowledge graph: ``push`` and the SPARQL options of ``serve`` (registered by ``cli.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cowork_data import i18n
from cowork_data.output import json_text, text_table

__all__ = ["push", "sparql_options", "sparql_settings"]


def sparql_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--store``, ``--query-timeout``, ``--max-results`` for the SPARQL endpoint of ``serve``."""
    f = click.option("--max-results", default=10_000, show_default=True, type=click.IntRange(min=1),
                     help="Most solutions or triples a SPARQL answer holds (the rest is cut).")(f)
    f = click.option("--query-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
                     help="Seconds a SPARQL query may run before it is stopped.")(f)
    f = click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Store directory for /sparql and /data/… (default: build/store of the project).")(f)
    return f


def sparql_settings(store_path: Path | None, query_timeout: float, max_results: int) -> Any:
    """The endpoint settings from the options of :func:`sparql_options`."""
    from cowork_data.config import project_root
    from cowork_data.serve.sparql import SparqlSettings

    root = project_root()
    return SparqlSettings(store_path=store_path or root / "build" / "store", timeout=query_timeout,
                          max_results=max_results, queries_dir=root / "queries")


@click.command()
@click.option("--endpoint", required=True,
              help="SPARQL 1.1 Graph Store endpoint (Oxigraph: http://host:port/store; Fuseki: …/dataset/data; "
                   "Virtuoso: …/sparql-graph-crud-auth).")
@click.option("--file", "nquads", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="N-Quads file to push (default: data/graph/cowork-data.nq of the project).")
@click.option("--user", default=None, help="User name for HTTP authentication.")
@click.option("--password", default=None, envvar="COWORK_DATA_PUSH_PASSWORD",
              help="Password for HTTP authentication (or COWORK_DATA_PUSH_PASSWORD).")
@click.option("--auth", "auth_scheme", type=click.Choice(["basic", "digest"]), default="basic", show_default=True,
              help="HTTP authentication scheme (Virtuoso: digest).")
@click.option("--timeout", default=60.0, show_default=True, type=float, help="Seconds per HTTP request.")
@click.option("--json", "as_json", is_flag=True, help="Print the triples sent per graph as JSON.")
def push(endpoint: str, nquads: Path | None, user: str | None, password: str | None, auth_scheme: str,
         timeout: float, as_json: bool) -> None:
    """Upload each named graph (one per source) to a triple store with the SPARQL 1.1 Graph Store Protocol.

    Every graph is sent with HTTP PUT, which replaces it: pushing again gives the same store, never duplicates.

    \b
    Example:
        oxigraph serve --location /tmp/oxi --bind 127.0.0.1:7878 &
        cowork-data push --endpoint http://127.0.0.1:7878/store
        cowork-data push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --auth digest
    """
    from cowork_data.config import project_root
    from cowork_data.publish.push import push_graphs

    auth = (user, password or "") if user else None
    result = push_graphs(nquads or project_root() / "data" / "graph" / "cowork-data.nq", endpoint,
                         timeout=timeout, auth=auth, auth_scheme=auth_scheme)
    if as_json:
        click.echo(json_text({"endpoint": result.endpoint, "graphs": result.graphs, "quads": result.quads}))
        return
    headers = [i18n.pair(f"cli.column.{name}", sep="/") for name in ("graph", "triples")]
    click.echo(text_table(headers, sorted(result.graphs.items())))
    click.echo(f"{i18n.pair('cli.push.sent')}: {result.quads} quad → {result.endpoint}")
