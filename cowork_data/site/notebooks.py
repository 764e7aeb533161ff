"""The research notebooks (``notebooks/*.py``, jupytext percent scripts): run them and draw them as site pages.

A notebook is a Python file whose cells start with ``# %%`` (code) or ``# %% [markdown]`` (text, each line behind
``#``), the format jupytext reads and writes (https://jupytext.readthedocs.io/en/latest/formats-scripts.html): Jupyter
opens it as a notebook, ``python notebooks/x.py`` runs it as a script.

:func:`run_notebook` executes the cells in order in one fresh namespace, in this process, and records what Jupyter
would show: the text each cell prints and the value of a cell's last expression (unless it ends with ``;``), as its
SVG (``_repr_svg_``), its HTML (``_repr_html_``, polars DataFrames) or its ``repr``. That is IPython's display rule
for the notebooks' code, which uses no magics and no ``display()``; ``tests/test_notebooks.py`` runs the same files in
a Jupyter kernel (nbclient) and checks that the kernel shows the same outputs. The site is built without a kernel.
"""

from __future__ import annotations

import ast
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowork_data.errors import NotebookError

__all__ = ["Cell", "Notebook", "NotebookError", "Output", "parse_notebook", "rich_output", "run_notebook"]

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_MAGIC = re.compile(r"^\s*[%!]")


@dataclass(frozen=True)
class Output:
    """One output of a code cell: ``stream`` (printed text), ``text``, ``html`` or ``svg``."""

    kind: str
    content: str


@dataclass
class Cell:
    kind: str  # "code" or "markdown"
    source: str
    outputs: list[Output] = field(default_factory=list)


@dataclass
class Notebook:
    """A notebook after its run: its cells with their outputs and the names its code defined."""

    path: Path
    cells: list[Cell]
    namespace: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def title(self) -> str:
        """The first heading of the first text cell."""
        for cell in self.cells:
            if cell.kind == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("#"):
                        return line.lstrip("#").strip()
        return self.name

    @property
    def summary(self) -> str:
        """The first paragraph after the title."""
        for cell in self.cells:
            if cell.kind == "markdown":
                paragraphs = [p.strip() for p in cell.source.split("\n\n")]
                return next((p for p in paragraphs if p and not p.startswith("#")), "")
        return ""


def parse_notebook(text: str) -> list[Cell]:
    """The cells of a percent script; text before the first marker is a code cell when it is not blank."""
    cells: list[Cell] = []
    kind, lines = "code", []

    def close() -> None:
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines())
        if body.strip():
            cells.append(Cell(kind, body))

    for line in text.splitlines():
        marker = _MARKER.match(line)
        if marker:
            close()
            kind, lines = ("markdown" if re.search(r"\[(markdown|md)\]", marker["rest"]) else "code"), []
        else:
            lines.append(line)
    close()
    return cells


def rich_output(value: Any) -> Output:
    """How Jupyter shows a value: its SVG, else its HTML, else its ``repr``."""
    for method, kind in (("_repr_svg_", "svg"), ("_repr_html_", "html")):
        render = getattr(value, method, None)
        if callable(render):
            content = render()
            if content is not None:
                return Output(kind, str(content))
    return Output("text", repr(value))


@contextmanager
def _release(path: Path | None) -> Iterator[None]:
    from cowork_data.release import RELEASE_ENV

    previous = os.environ.get(RELEASE_ENV)
    if path is not None:
        os.environ[RELEASE_ENV] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(RELEASE_ENV, None)
        else:
            os.environ[RELEASE_ENV] = previous


def _execute(cell: Cell, namespace: dict[str, Any], where: str) -> list[Output]:
    if any(_MAGIC.match(line) for line in cell.source.splitlines()):
        raise NotebookError("error.notebook-magic", where=where)
    tree = ast.parse(cell.source, filename=where)
    shown = tree.body and isinstance(tree.body[-1], ast.Expr) and not cell.source.rstrip().endswith(";")
    body = tree.body[:-1] if shown else tree.body
    printed = io.StringIO()
    with redirect_stdout(printed):
        exec(compile(ast.Module(body=body, type_ignores=[]), where, "exec"), namespace)  # noqa: S102 - our notebooks
        value = eval(compile(ast.Expression(tree.body[-1].value), where, "eval"), namespace) if shown else None  # noqa: S307
    outputs = [Output("stream", printed.getvalue())] if printed.getvalue() else []
    if value is not None:
        outputs.append(rich_output(value))
    return outputs


def run_notebook(path: Path, *, release: Path | None = None) -> Notebook:
    """Run a notebook's cells in order; ``release`` is the release its ``cowork_data.open()`` opens (default: as
    ``open()`` decides). Raises :class:`NotebookError` naming the cell that failed."""
    notebook = Notebook(Path(path), parse_notebook(Path(path).read_text(encoding="utf-8")))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    with _release(release):
        for number, cell in enumerate(notebook.cells, start=1):
            if cell.kind != "code":
                continue
            where = f"{notebook.path.name}, cella/cell {number}"
            try:
                cell.outputs = _execute(cell, namespace, where)
            except NotebookError:
                raise
            except Exception as exc:
                raise NotebookError("error.notebook-stopped", where=where, kind=type(exc).__name__,
                                    detail=str(exc)) from exc
    notebook.namespace = namespace
    return notebook


@dataclass(frozen=True)
class _Shown:
    """A cell ready for the page: its text (Markdown drawn as HTML) or code, and its outputs as markup."""

    kind: str
    html: Any
    outputs: tuple[tuple[str, Any], ...] = ()


def _shown(cell: Cell) -> _Shown:
    from markdown_it import MarkdownIt
    from markupsafe import Markup, escape

    if cell.kind == "markdown":
        return _Shown("markdown", Markup(MarkdownIt("commonmark", {"html": False}).render(cell.source)))
    outputs = tuple((o.kind, Markup(o.content) if o.kind in ("html", "svg") else escape(o.content))
                    for o in cell.outputs)
    return _Shown("code", escape(cell.source), outputs)


def notebook_pages(site: Any, *, release: Path, folder: Path | None = None) -> list[Notebook]:
    """Run every notebook of ``folder`` (default: the project's ``notebooks/``) on ``release`` and write its page
    ``quaderni/{name}.html``, its source ``quaderni/{name}.py`` and the index ``quaderni/index.html`` through the
    site's renderer (``site.render(template, path, section, **context)``, ``site.stage``)."""
    from cowork_data.config import project_root

    folder = folder or project_root() / "notebooks"
    notebooks = [run_notebook(path, release=release) for path in sorted(folder.glob("*.py"))]
    if not notebooks:
        return []
    (site.stage / "quaderni").mkdir(exist_ok=True)
    for notebook in notebooks:
        (site.stage / "quaderni" / notebook.path.name).write_bytes(notebook.path.read_bytes())
        site.render("notebook.html.j2", f"quaderni/{notebook.name}.html", "notebooks", notebook=notebook,
                    cells=[_shown(cell) for cell in notebook.cells])
    site.render("notebooks.html.j2", "quaderni/index.html", "notebooks", notebooks=notebooks)
    return notebooks
