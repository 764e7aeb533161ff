"""The research notebooks (issue 19, acceptance 2): each one runs on the release and its figures equal the expected
answers in ``queries/expected/`` (or, where the answer depends on the rows shipped, counts made here from the
published CSV); Jupyter runs the same files, in one kernel for all, and shows the same outputs as the in-process run
that builds the site; every expected answer is a notebook's figure.

A kernel is started once for every notebook (nbclient + ipykernel): about 4 s. Fails, never skips."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from cowork_data.profiles.insee import load_communes
from cowork_data.reference import load_comuni
from cowork_data.site.notebooks import Notebook, NotebookError, parse_notebook, rich_output, run_notebook
from tests.conftest import figures

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
EXPECTED = ROOT / "queries" / "expected"


@pytest.fixture(scope="module")
def ran(release) -> dict[str, Notebook]:
    return {path.stem: run_notebook(path, release=release.output) for path in NOTEBOOKS}


def read_csv(release, table: str) -> list[dict[str, str]]:
    with (release.output / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def per_comune(release) -> pl.DataFrame:
    spaces = read_csv(release, "spaces")
    count = Counter((s["comune_name"], s["type"]) for s in spaces)
    desks: dict[tuple[str, str], int] = defaultdict(int)
    for s in spaces:
        desks[(s["comune_name"], s["type"])] += int(s["workstations"] or 0)
    keys = sorted(count)
    return pl.DataFrame({"comune": [k[0] for k in keys], "type": [k[1] for k in keys],
                         "spaces": [count[k] for k in keys], "workstations": [desks[k] for k in keys]})


def per_region(release) -> pl.DataFrame:
    comuni, communes = load_comuni(), load_communes()
    count: Counter[str | None] = Counter()
    desks: dict[str | None, int] = defaultdict(int)
    for s in read_csv(release, "spaces"):
        if s["country"] == "FR":
            commune = communes.get(s["commune_insee"])
            region = communes.region_name(commune.region) if commune else None
        else:
            comune = comuni.by_istat(s["comune_istat"])
            region = comune.region if comune else None
        count[region] += 1
        desks[region] += int(s["workstations"] or 0)
    keys = sorted(count, key=lambda r: (r is None, r or ""))
    return pl.DataFrame({"region": keys, "spaces": [count[k] for k in keys], "workstations": [desks[k] for k in keys]})


def cross_checks(release) -> pl.DataFrame:
    ids = {t: {r["id"] for r in read_csv(release, t)} for t in ("spaces", "calls", "organisations")}
    holders: dict[str, set[str]] = defaultdict(set)
    for org in read_csv(release, "organisations"):
        for code in (org["tax_code"], org["vat_number"]):
            if code:
                holders[code].add(org["id"])
    with (EXPECTED / "budget-per-call.csv").open(encoding="utf-8") as handle:
        over = [r for r in csv.DictReader(handle) if float(r["uptake"]) > 1]
    admissions = read_csv(release, "admissions")
    return pl.DataFrame({
        "check": ["awarded above budget", "repeated fiscal codes", "admissions of unknown spaces",
                  "admissions under unknown calls", "funding by unknown funders"],
        "rows": [len(over), sum(len(h) > 1 for h in holders.values()),
                 sum(a["space_id"] not in ids["spaces"] for a in admissions),
                 sum(a["call_id"] not in ids["calls"] for a in admissions),
                 sum(f["funder_id"] not in ids["organisations"] for f in read_csv(release, "funding"))],
    })


#: Figures whose answer depends on the rows shipped: counted here from the published CSV, independently.
INDEPENDENT = {"spaces-per-comune": per_comune, "spaces-per-region": per_region, "cross-entity-checks": cross_checks}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_figures_equal_the_expected_answers(ran, release, path: Path) -> None:
    notebook = ran[path.stem]
    shown = [o for c in notebook.cells for o in c.outputs]
    assert any(o.kind == "html" for o in shown), "the notebook shows no table"
    found = notebook.namespace["FIGURES"]
    assert found, "the notebook declares no figure"
    for name, frame in found.items():
        if (EXPECTED / f"{name}.csv").is_file():
            expected = pl.read_csv(EXPECTED / f"{name}.csv", schema=frame.schema)
        else:
            assert name in INDEPENDENT, f"{path.name}: figure {name} has no expected answer to compare with"
            expected = INDEPENDENT[name](release)
        assert_frame_equal(frame, expected, check_dtypes=False)


def test_every_expected_answer_and_research_question_is_a_notebook_figure(ran) -> None:
    names = {name for notebook in ran.values() for name in notebook.namespace["FIGURES"]}
    assert {p.stem for p in EXPECTED.glob("*.csv")} | set(INDEPENDENT) == names
    assert {"funding", "outcomes", "spaces", "checks"} <= set(ran)


def test_jupyter_runs_the_notebooks_with_the_same_outputs(ran, release, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    import time

    import jupytext
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    monkeypatch.setenv("COWORK_DATA_RELEASE", str(release.output))
    combined = nbformat.v4.new_notebook()
    spans = {}
    for path in NOTEBOOKS:
        notebook = jupytext.read(path)
        kinds = [(c.cell_type, c.source) for c in notebook.cells]
        assert kinds == [(c.kind, c.source) for c in parse_notebook(path.read_text(encoding="utf-8"))], \
            f"{path.name}: jupytext reads other cells than the site's parser"
        combined.cells.append(nbformat.v4.new_code_cell("%reset -f"))  # one kernel, a fresh namespace per notebook
        spans[path.stem] = (len(combined.cells), len(combined.cells) + len(notebook.cells))
        combined.cells.extend(notebook.cells)
    started = time.perf_counter()
    # Unix sockets in the test's folder: no TCP port at all, not even on loopback.
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    NotebookClient(combined, km=kernel, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    seconds = round(time.perf_counter() - started, 2)
    mime = {"svg": "image/svg+xml", "html": "text/html", "text": "text/plain"}
    for name, (start, end) in spans.items():
        ours = [c for c in ran[name].cells if c.kind == "code"]
        theirs = [c for c in combined.cells[start:end] if c.cell_type == "code"]
        assert len(ours) == len(theirs)
        for number, (mine, kernel) in enumerate(zip(ours, theirs, strict=True), start=1):
            assert [o.output_type for o in kernel.outputs if o.output_type == "error"] == []
            got = []
            for output in kernel.outputs:
                if output.output_type == "stream":
                    got.append(("stream", output.text))
                else:
                    kind = next(k for k in ("svg", "html", "text") if mime[k] in output.data)
                    got.append((kind, output.data[mime[kind]]))
            assert [plain(o) for o in got] == [plain((o.kind, o.content)) for o in mine.outputs], \
                f"{name}.py, code cell {number}"
    figures("notebooks-kernel", {"notebooks": len(spans), "kernel_seconds": seconds})


def plain(output: tuple[str, str]) -> tuple[str, str]:
    """Plain text without its line breaks: IPython's pretty printer wraps a long ``repr`` at 79 columns."""
    kind, content = output
    return (kind, " ".join(content.split())) if kind == "text" else output


def test_a_failing_cell_is_named_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("# %% [markdown]\n# # Broken\n\n# %%\nx = 1\nx\n\n# %%\n1 / 0\n", encoding="utf-8")
    with pytest.raises(NotebookError) as info:
        run_notebook(path)
    assert "broken.py, cella/cell 3" in info.value.message_it and "il quaderno si è fermato" in info.value.message_it
    assert "the notebook stopped: ZeroDivisionError" in info.value.message_en
    path.write_text("# %%\n%time x = 1\n", encoding="utf-8")
    with pytest.raises(NotebookError, match="magics"):
        run_notebook(path)


def test_outputs_follow_jupyter_display_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.py"
    path.write_text("# %%\nprint('a')\n2 + 2\n\n# %%\nvalue = 3\nvalue;\n\n# %%\nNone\n", encoding="utf-8")
    cells = run_notebook(path).cells
    assert [[(o.kind, o.content) for o in c.outputs] for c in cells] == [[("stream", "a\n"), ("text", "4")], [], []]
    assert rich_output(pl.DataFrame({"a": [1]})).kind == "html"
