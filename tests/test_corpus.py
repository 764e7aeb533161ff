"""The bad-input corpus (issue 9): every file gives its expected exit code and message, no traceback, no leak of
/etc/passwd, under 500 MB of memory and 10 s each. The figures are printed and written to
``test-artifacts/corpus-figures.json``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "corpus"))

import check  # noqa: E402


def test_corpus_has_forty_files_each_with_an_outcome() -> None:
    cases = check.expected_cases()
    assert len(cases) >= 40
    for case in cases:
        stored = [check.FILES / case["file"], check.FILES / f"{case['file']}.gz"]
        assert any(p.exists() for p in stored), case["file"]
        assert all(p.stat().st_size < 1024 * 1024 for p in stored if p.exists()), case["file"]
        assert case["exit_code"] in ("1", "2") and case["expect"] and case["why"], case
    on_disk = {p.name.removesuffix(".gz") for p in check.FILES.iterdir()}
    assert on_disk == {c["file"] for c in cases}


def test_every_corpus_file_gives_its_expected_outcome() -> None:
    outcomes = check.check_corpus()
    report = check.table(outcomes)
    check.write_figures(outcomes, ROOT / "test-artifacts" / "corpus-figures.json")
    print("\n" + report)
    sys.__stdout__.write("\n" + report + "\n")  # shown even when pytest captures output
    failed = [f"{o.file}: {'; '.join(o.problems)}" for o in outcomes if not o.ok]
    assert not failed, "\n".join(failed)
