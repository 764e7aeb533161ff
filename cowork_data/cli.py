"""The ``cowork-data`` command line: a thin Click layer over the Python API.

Each command parses its options, calls one API function and prints the result; the API's exceptions become
clean bilingual messages with the exit code of the error (2 for usage errors, 1 otherwise), never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cowork_data import __version__, commands_graph, commands_harvest, i18n
from cowork_data.commands_assets import assets as assets_command
from cowork_data.commands_site import site as site_command
from cowork_data.errors import CoworkDataError
from cowork_data.output import csv_text, json_bytes, json_text, text_table


class CliError(click.ClickException):
    """A toolkit error shown as its Italian and English message."""

    def __init__(self, error: CoworkDataError) -> None:
        super().__init__(error.message_en)
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"{i18n.pair('cli.error')}:\n{self.error.bilingual()}", err=True)
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
            raise CliError(CoworkDataError("error.internal", kind=type(exc).__name__, detail=str(exc))) from exc


def findings_table(report, *, lang: str, limit: int | None = None) -> str:  # noqa: ANN001
    findings = report.findings[:limit] if limit else report.findings
    rows = [
        [f.file if not f.sheet else f"{f.file}:{f.sheet}", f.row or "", f.column or "", f.cell,
         f.field, f.code, f.severity, f.message(lang)]
        for f in findings
    ]
    header = columns("file", "row", "col", "cell", "field", "code", "severity", "message")
    return text_table(header, rows, max_width=100)


def columns(*names: str) -> list[str]:
    """Column headers in Italian and English (``riga/row``) from the catalogue (``cli.column.<name>``)."""
    return [i18n.pair(f"cli.column.{name}", sep="/") for name in names]


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
@click.option("--root", "-r", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The project directory (sources/, schemas/, mapping/, shapes/, vocab/, ids/; default: this one).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to publish (default: the project root, which is the data package).")
@click.option("--json", "as_json", is_flag=True, help="Print the build summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.option("--engine", type=click.Choice(["fast", "reference"]), default="fast", show_default=True,
              help="Validators: fast (compiled checks, SHACL on pyoxigraph) or reference (frictionless, pySHACL).")
@click.option("--no-store", "no_store", is_flag=True,
              help="Publish the files without the SPARQL store build/store (the graph is still checked).")
@click.option("--notes", "show_notes", is_flag=True,
              help="List every row a source's reader left out, doubted or found twice (file row and why).")
def build(root: Path | None, output: Path | None, as_json: bool, quiet: bool, engine: str, no_store: bool,
          show_notes: bool = False) -> None:
    """Run harvest (from the recorded snapshots) → normalise → validate → graph → publish → SHACL.

    Publishes datapackage.json, data/*.csv and data/*.parquet, data/graph/ (N-Quads, N-Triples, Turtle, TriG,
    JSON-LD) and the embedded SPARQL store build/store, atomically: a failure leaves the previous release intact.
    A rebuild redoes only the sources that changed (cache in build/cache under the output).

    \b
    Example:
        cowork-data build
        cowork-data build --output /tmp/release --json
        cowork-data build --root ~/registro-nazionale --output /srv/portal --no-store
        cowork-data build --engine reference
        cowork-data build --notes
    """
    from cowork_data.pipeline import STAGES, note_line
    from cowork_data.pipeline import build as run_build

    if quiet or as_json:
        result = run_build(root=root, output=output, engine=engine, store=not no_store)
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

            result = run_build(root=root, output=output, progress=progress, engine=engine, store=not no_store)
            bar.update(task, completed=len(STAGES), description="done", detail="")
    if as_json:
        click.echo(json_text(result.to_dict()))
        return
    click.echo(f"{i18n.pair('cli.build.published')}: {result.output}")
    click.echo(text_table(columns("table", "rows"), sorted(result.rows.items())))
    click.echo(f"{i18n.pair('cli.build.triples')}: {result.triples}; {i18n.pair('cli.build.store')}: "
               f"{result.store_quads} quad")
    for source_id, note in sorted(result.notes.items()):
        click.echo(f"{source_id}: {note_line(note)}")
        lists = [(label, note.get(f"{kind}_rows", [])) for kind, label in (
            ("unresolved", "cli.build.note-unresolved"), ("duplicate", "cli.build.note-duplicate"),
            ("dubious", "cli.build.note-dubious"))]
        if show_notes:
            for label, lines in lists:
                for line in lines:
                    click.echo(f"  {i18n.pair(label)}: {line}")
        elif any(lines for _kind, lines in lists):
            click.echo(f"  {i18n.pair('cli.build.notes-hint')}")
    if result.warnings.findings:
        click.echo(f"{i18n.pair('cli.build.warnings')}: {len(result.warnings.findings)}")


def table_option(f):  # noqa: ANN001, ANN201 - a click decorator
    return click.option("--table", "-t", default=None,
                        help="Table schema to validate against (default: guessed from each sheet's header).")(f)


def mapping_option(f):  # noqa: ANN001, ANN201 - a click decorator
    return click.option("--mapping", "-m", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                        default=None, help="Mapping file (YAML, JSON or CSV): header in the file → schema field.")(f)


class LanguageChoice(click.Choice):
    """The languages of the message catalogue, read when the option is parsed (a new language file counts)."""

    def __init__(self) -> None:
        super().__init__(list(i18n.languages()))

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return i18n.languages()

    @choices.setter
    def choices(self, value: object) -> None:  # click.Choice.__init__ assigns it
        pass


def lang_option(f):  # noqa: ANN001, ANN201 - a click decorator
    return click.option("--lang", type=LanguageChoice(), default=i18n.DEFAULT, show_default=True,
                        help="Message language.")(f)


def report_text(report, *, lang: str, name: str) -> str:  # noqa: ANN001
    """The terminal report: summary first (verdict, counts, columns recognised), then findings and hints."""
    t = i18n.Section("cli.report", lang)
    lines = [t.format("summary-valid" if report.valid else "summary-invalid", name=name, errors=len(report.errors),
                      warnings=len(report.warnings))]
    if report.findings:
        from cowork_data.validate.summary import summarise

        lines.append(i18n.t("label.summary.title", lang) + ":")
        lines.extend(f"  {group.line(lang)}" for group in summarise(report))
    for sheet in report.sheets:
        lines.append(t.format("columns", where=f" [{sheet.name}]" if sheet.name else "", table=sheet.table,
                              row=sheet.header_row, columns=", ".join(f"{h} → {f}" for h, f in sheet.mapping.items())))
        if sheet.ignored:
            lines.append(t.format("ignored", columns=", ".join(sheet.ignored)))
    if report.findings:
        lines.append("")
        lines.append(findings_table(report, lang=lang))
        hints = [(f.cell or f.field, f.hint(lang)) for f in report.findings if f.hint(lang)]
        if hints:
            lines.append("")
            lines.append(t["how-to-fix"])
            lines.extend(f"  {where}: {hint}" for where, hint in hints)
    return "\n".join(lines)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@table_option
@mapping_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report as a standalone HTML page with the faulty cells highlighted.")
@click.option("--annotate", "annotated", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a copy of the file (.xlsx; a CSV becomes an XLSX) with each faulty cell highlighted "
                   "and the finding and its fix hint as the cell's comment, in the --lang language.")
@click.option("--shacl/--no-shacl", default=True, show_default=True,
              help="Also check the core SHACL shapes (fast engine), findings placed on their cells.")
@lang_option
def validate(file: Path, table: str | None, mapping: Path | None, as_json: bool, html_file: Path | None,
             annotated: Path | None, shacl: bool, lang: str) -> None:
    """Validate a municipality's list (CSV, XLSX or ODS) against the shared schema.

    Reads every sheet that looks like a table (the header may be below title rows), reports the columns it
    recognised, and prints each finding with its sheet, row, column, cell, code, message and fix hint; exits 0
    when the file is valid, 1 when it is not, 2 when it cannot be read.

    \b
    Example:
        cowork-data validate elenco-coworking.xlsx
        cowork-data validate elenco.csv --lang en --json
        cowork-data validate elenco.ods --mapping colonne.yaml --html rapporto.html
        cowork-data validate elenco.xlsx --no-shacl
        cowork-data validate elenco.csv --annotate elenco-annotato.xlsx
    """
    from cowork_data.validate import validate_file
    from cowork_data.validate.collector import collector_paused

    # one pause of the cyclic collector for the validation and its report: each restart of it passed over all
    # the findings and cells the validation had made (0.1 s of a 10,000-row list), which hold no cycles
    with collector_paused():
        report = validate_file(file, table=table, mapping=mapping, shacl=shacl)
        if annotated is not None:
            from cowork_data.validate.annotate import annotate_file

            annotate_file(file, report, annotated, lang=lang)
        if html_file is not None:
            from cowork_data.validate.html import report_page

            html_file.write_text(report_page(report, lang=lang), encoding="utf-8")
        if as_json:
            from cowork_data.validate.summary import summarise

            click.echo(json_bytes({**report.to_dict(), "summary": [g.to_dict(lang) for g in summarise(report)]}),
                       nl=False)
        else:
            click.echo(report_text(report, lang=lang, name=str(file)))
    sys.exit(0 if report.valid else 1)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the repaired file (.csv, .xlsx or .ods); never the input itself.")
@table_option
@mapping_option
@click.option("--json", "as_json", is_flag=True, help="Print the change log and what remains as JSON.")
@lang_option
def fix(file: Path, output: Path, table: str | None, mapping: Path | None, as_json: bool, lang: str) -> None:
    """Repair what is safe to repair automatically and list every change.

    Safe repairs: spaces around values, garbled characters (mojibake), codes in the wrong case or in Italian,
    leading zeros dropped by the spreadsheet (CAP, ISTAT code), decimal commas in coordinates, phone numbers to
    +39…, swapped latitude/longitude, known column names. What needs a person stays in the report printed after
    the change log. Exits 0 when the repaired file is valid, 1 when findings remain.

    \b
    Example:
        cowork-data fix elenco.xlsx -o elenco-corretto.xlsx
        cowork-data fix elenco.csv -o elenco-corretto.csv --lang en
    """
    from cowork_data.validate.fix import fix_file

    result = fix_file(file, output, table=table, mapping=mapping)
    if as_json:
        click.echo(json_text(result.to_dict()))
    else:
        click.echo(i18n.t("cli.fix.written", lang, output=output, changes=len(result.changes)))
        if result.changes:
            rows = [[c.sheet, c.cell, c.field, c.code, c.old, c.new, c.reason(lang)] for c in result.changes]
            click.echo(text_table(columns("sheet", "cell", "field", "code", "before", "after", "reason"), rows,
                                  max_width=60))
        click.echo("")
        click.echo(i18n.t("cli.fix.by-hand", lang))
        click.echo(report_text(result.after, lang=lang, name=str(output)))
    sys.exit(0 if result.after.valid else 1)


@cli.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("modello.xlsx"),
              show_default=True, help="Where to write the template (.xlsx).")
@click.option("--table", "-t", default="spaces", show_default=True, help="Table schema of the template.")
def template(output: Path, table: str) -> None:
    """Write a spreadsheet template for a table, generated from its schema.

    Italian headers with a note describing each field, drop-down lists for coded fields (type, comune from the
    ISTAT list), number and date validation, code columns formatted as text.

    \b
    Example:
        cowork-data template -o modello.xlsx
        cowork-data template --table organisations -o gestori.xlsx
    """
    from cowork_data.template import write_template

    info = write_template(output, table=table)
    click.echo(f"{i18n.pair('cli.template.written')}: {info.path} ({info.sheet}: {len(info.fields)} "
               f"{i18n.pair('cli.template.columns', sep='/')}; {i18n.pair('cli.template.dropdowns', sep='/')}: "
               f"{', '.join(info.dropdowns)})")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--max-upload-mb", default=10.0, show_default=True, type=float, help="Largest file accepted.")
@commands_graph.sparql_options
def serve(host: str, port: int, max_upload_mb: float, store_path: Path | None, query_timeout: float,
          max_results: int) -> None:
    """Serve the web pages: /valida, the validation page (upload a file, read the report); /sparql, the read-only
    SPARQL 1.1 endpoint on the embedded store (with a page to write queries; a GET without a query is its service
    description); /store, the read-only Graph Store (GET ?graph=IRI or ?default); /data/…, the data IRIs; /sito,
    the static site written by "cowork-data site" (when site/ exists).

    Uploaded files are validated in memory and a temporary file deleted before the response is sent; nothing is
    kept on the server.

    \b
    Example:
        cowork-data serve
        cowork-data serve --host 0.0.0.0 --port 8080 --max-upload-mb 5
        cowork-data serve --query-timeout 5 --max-results 1000
    """
    import uvicorn

    from cowork_data.serve import create_app

    uvicorn.run(create_app(max_upload_bytes=int(max_upload_mb * 1024 * 1024),
                           sparql_settings=commands_graph.sparql_settings(store_path, query_timeout, max_results)),
                host=host, port=port)


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
        raise CliError(UsageError("error.query-or-file"))
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


cli.add_command(site_command)
cli.add_command(assets_command)
cli.add_command(commands_harvest.harvest)
cli.add_command(commands_harvest.sources)
cli.add_command(commands_harvest.diff)
cli.add_command(commands_harvest.describe)
cli.add_command(commands_graph.push)


def main() -> None:
    cli(prog_name="cowork-data")


__all__ = ["cli", "main"]
