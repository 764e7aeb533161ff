"""The ``cowork-data`` command line: a thin Click layer over the Python API.

Each command parses its options, calls one API function and prints the result; the API's exceptions become
clean bilingual messages with the exit code of the error (2 for usage errors, 1 otherwise), never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cowork_data import __version__
from cowork_data.errors import CoworkDataError
from cowork_data.output import csv_text, json_text, text_table


class CliError(click.ClickException):
    """A toolkit error shown as its Italian and English message."""

    def __init__(self, error: CoworkDataError) -> None:
        super().__init__(error.message_en)
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"Errore / Error:\n{self.error.bilingual()}", err=True)
        report = getattr(self.error, "report", None)
        if report is not None:
            click.echo(findings_table(report, lang="it", limit=50), err=True)


class Group(click.Group):
    """Turns every unexpected exception into a short message (traceback only with COWORK_DATA_DEBUG=1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CoworkDataError as exc:
            raise CliError(exc) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("COWORK_DATA_DEBUG"):
                raise
            raise CliError(CoworkDataError(
                f"Errore interno inatteso: {type(exc).__name__}: {exc}",
                f"Unexpected internal error: {type(exc).__name__}: {exc}",
                hint_it="Riprova con COWORK_DATA_DEBUG=1 per i dettagli e segnala il problema.",
                hint_en="Run again with COWORK_DATA_DEBUG=1 for details and report the problem.",
            )) from exc


def findings_table(report, *, lang: str, limit: int | None = None) -> str:  # noqa: ANN001
    findings = report.findings[:limit] if limit else report.findings
    rows = [
        [f.file if not f.sheet else f"{f.file}:{f.sheet}", f.row or "", f.column or "", f.cell,
         f.field, f.code, f.severity, f.message(lang)]
        for f in findings
    ]
    header = ["file", "riga/row", "col", "cella/cell", "campo/field", "codice/code", "gravità/severity",
              "messaggio/message"]
    return text_table(header, rows, max_width=100)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cowork-data")
def cli() -> None:
    """cowork-data: harvest, validate and publish open data on coworking spaces, fablabs and the public calls
    that fund them, as a CSV data package and an RDF knowledge graph.

    \b
    Example:
        cowork-data build
        cowork-data validate elenco.csv
        cowork-data query --file queries/funding-2013.rq
    """


@cli.command()
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to publish (default: the project root, which is the data package).")
@click.option("--json", "as_json", is_flag=True, help="Print the build summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def build(output: Path | None, as_json: bool, quiet: bool) -> None:
    """Run harvest (from the recorded snapshots) → normalise → validate → graph → SHACL → publish.

    Publishes datapackage.json, data/*.csv, data/graph/ (Turtle, N-Triples) and the embedded SPARQL store
    build/store, atomically: a failure leaves the previous release intact.

    \b
    Example:
        cowork-data build
        cowork-data build --output /tmp/release --json
    """
    from cowork_data.pipeline import STAGES
    from cowork_data.pipeline import build as run_build

    if quiet or as_json:
        result = run_build(output=output)
    else:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[detail]}"),
                      TimeElapsedColumn(), console=console, transient=False) as bar:
            task = bar.add_task("build", total=len(STAGES), detail="")
            seen: list[str] = []

            def progress(stage: str, detail: str) -> None:
                if stage not in seen:
                    seen.append(stage)
                    bar.update(task, completed=STAGES.index(stage), description=stage)
                bar.update(task, detail=detail)

            result = run_build(output=output, progress=progress)
            bar.update(task, completed=len(STAGES), description="done", detail="")
    if as_json:
        click.echo(json_text(result.to_dict()))
        return
    click.echo(f"Pubblicato / Published: {result.output}")
    click.echo(text_table(["tabella/table", "righe/rows"], sorted(result.rows.items())))
    click.echo(f"Triple / triples: {result.triples}; archivio SPARQL / SPARQL store: {result.store_quads} quad")
    if result.warnings.findings:
        click.echo(f"Avvisi / warnings: {len(result.warnings.findings)}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--table", "-t", default=None, help="Table schema to validate against (default: guessed).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--lang", type=click.Choice(["it", "en"]), default="it", show_default=True, help="Message language.")
def validate(file: Path, table: str | None, as_json: bool, lang: str) -> None:
    """Validate a municipality's list (CSV) against the shared schema.

    Prints each finding with its row, column, cell, code and message; exits 0 when the file is valid, 1 when
    it is not, 2 when it cannot be read.

    \b
    Example:
        cowork-data validate elenco-coworking.csv
        cowork-data validate elenco.csv --lang en --json
    """
    from cowork_data.validate import validate_file

    report = validate_file(file, table=table)
    if as_json:
        data = report.to_dict()
        data["mapping"] = getattr(report, "mapping", {})
        click.echo(json_text(data))
    else:
        n_err, n_warn = len(report.errors), len(report.warnings)
        if lang == "en":
            click.echo(f"{file}: {'valid' if report.valid else 'NOT valid'} — {n_err} errors, {n_warn} warnings")
        else:
            click.echo(f"{file}: {'valido' if report.valid else 'NON valido'} — {n_err} errori, {n_warn} avvisi")
        if report.findings:
            click.echo(findings_table(report, lang=lang))
            hints = [(f.cell or f.field, f.hint(lang)) for f in report.findings if f.hint(lang)]
            if hints:
                click.echo("")
                click.echo("Come correggere:" if lang == "it" else "How to fix:")
                for where, hint in hints:
                    click.echo(f"  {where}: {hint}")
    sys.exit(0 if report.valid else 1)


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Read the query from a file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Store directory (default: build/store of the project).")
def query(sparql: str | None, query_file: Path | None, fmt: str, store: Path | None) -> None:
    """Answer a SPARQL query from the embedded store.

    \b
    Example:
        cowork-data query --file queries/funding-2013.rq
        cowork-data query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv
    """
    from cowork_data.config import project_root
    from cowork_data.errors import UsageError
    from cowork_data.publish.store import run_query

    if (sparql is None) == (query_file is None):
        raise CliError(UsageError("Indica una query oppure --file, non entrambi.",
                                  "Give a query or --file, not both."))
    text = query_file.read_text(encoding="utf-8") if query_file else sparql
    result = run_query(store or project_root() / "build" / "store", text or "")
    if result.triples is not None:
        click.echo(result.triples, nl=False)
    elif fmt == "json":
        click.echo(json_text([dict(zip(result.variables, row, strict=True)) for row in result.rows]))
    elif fmt == "csv":
        click.echo(csv_text(result.variables, result.rows), nl=False)
    else:
        click.echo(text_table(result.variables, result.rows))


def main() -> None:
    cli(prog_name="cowork-data")


__all__ = ["cli", "main"]
