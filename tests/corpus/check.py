"""Run `cowork-data validate FILE --json` on every file of the bad-input corpus and check the outcome (issue 9).

For each file in ``expected.csv``: the exit code is the expected one, the expected text (a finding code or a
message fragment) is in the output, there is no traceback and no content of ``/etc/passwd``, the child's peak
resident memory is under 500 MB and it finishes in under 10 s. Each file runs in its own process (two at a time),
measured with ``os.wait4``. A file stored as ``NAME.gz`` is inflated into a temporary directory first.

``python tests/corpus/check.py`` prints the figures and exits 1 when a file fails; ``tests/test_corpus.py`` runs
the same check and writes the figures to ``test-artifacts/corpus-figures.json``.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FILES = HERE / "files"
MAX_SECONDS = 10.0
MAX_MB = 500.0
#: A child still running after this long is killed (and fails): the corpus must never hang the suite.
KILL_AFTER = 60.0
#: Text that would mean an external entity was resolved: the first line of /etc/passwd.
LEAK_MARKERS = ("root:x:0:0", "root:*:0:0")

__all__ = ["Outcome", "check_corpus", "expected_cases", "main"]


@dataclass
class Outcome:
    file: str
    expected_exit: int
    expect: str
    exit_code: int | None = None
    seconds: float = 0.0
    peak_mb: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_cases() -> list[dict[str, str]]:
    with (HERE / "expected.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _command() -> list[str]:
    script = Path(sys.executable).parent / "cowork-data"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cowork_data"]


def _materialise(name: str, workdir: Path) -> Path:
    """The file to validate: the corpus file itself, or the inflated copy of ``NAME.gz``."""
    if (FILES / name).exists():
        return FILES / name
    target = workdir / name
    target.write_bytes(gzip.decompress((FILES / f"{name}.gz").read_bytes()))
    return target


def run_case(case: dict[str, str], workdir: Path) -> Outcome:
    outcome = Outcome(file=case["file"], expected_exit=int(case["exit_code"]), expect=case["expect"])
    path = _materialise(case["file"], workdir)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        env.pop("COWORK_DATA_DEBUG", None)
        start = time.monotonic()
        child = subprocess.Popen([*_command(), "validate", str(path), "--json"], stdout=out, stderr=err,
                                 stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > KILL_AFTER:
                os.kill(child.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0)
                outcome.problems.append(f"killed after {KILL_AFTER:.0f} s")
                break
            time.sleep(0.01)
        outcome.seconds = round(time.monotonic() - start, 2)
        child.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
        outcome.exit_code = child.returncode
        outcome.peak_mb = round(usage.ru_maxrss / 1024, 1)  # kilobytes on Linux
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace") + err.read().decode("utf-8", "replace")
    if outcome.exit_code != outcome.expected_exit:
        outcome.problems.append(f"exit {outcome.exit_code}, expected {outcome.expected_exit}: {text[-300:]!r}")
    if outcome.expect not in text:
        outcome.problems.append(f"{outcome.expect!r} not in the output: {text[-300:]!r}")
    if "Traceback" in text:
        outcome.problems.append("traceback in the output")
    if any(marker in text for marker in LEAK_MARKERS):
        outcome.problems.append("/etc/passwd content in the output")
    if outcome.seconds >= MAX_SECONDS:
        outcome.problems.append(f"{outcome.seconds} s ≥ {MAX_SECONDS} s")
    if outcome.peak_mb >= MAX_MB:
        outcome.problems.append(f"peak {outcome.peak_mb} MB ≥ {MAX_MB} MB")
    return outcome


def check_corpus(*, workers: int = 2) -> list[Outcome]:
    """Every corpus file's outcome, in the order of ``expected.csv``."""
    cases = expected_cases()
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda case: run_case(case, Path(tmp)), cases))


def figures(outcomes: list[Outcome]) -> dict[str, object]:
    return {
        "files": len(outcomes),
        "failed": sum(1 for o in outcomes if not o.ok),
        "max_seconds": max((o.seconds for o in outcomes), default=0.0),
        "max_peak_mb": max((o.peak_mb for o in outcomes), default=0.0),
        "total_seconds": round(sum(o.seconds for o in outcomes), 2),
        "limits": {"seconds": MAX_SECONDS, "peak_mb": MAX_MB},
        "outcomes": [{**asdict(o), "ok": o.ok} for o in outcomes],
    }


def table(outcomes: list[Outcome]) -> str:
    width = max((len(o.file) for o in outcomes), default=4)
    lines = [f"{'file':<{width}}  exit  expected  seconds  peak MB  result"]
    for o in outcomes:
        lines.append(f"{o.file:<{width}}  {o.exit_code!s:>4}  {o.expected_exit:>8}  {o.seconds:>7.2f}  "
                     f"{o.peak_mb:>7.1f}  {'ok' if o.ok else 'FAIL: ' + '; '.join(o.problems)}")
    summary = figures(outcomes)
    lines.append(f"{summary['files']} files, {summary['failed']} failed; max {summary['max_seconds']} s, "
                 f"max peak {summary['max_peak_mb']} MB, {summary['total_seconds']} s of child time in all")
    return "\n".join(lines)


def write_figures(outcomes: list[Outcome], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures(outcomes), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> int:
    outcomes = check_corpus()
    print(table(outcomes))
    write_figures(outcomes, ROOT / "test-artifacts" / "corpus-figures.json")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
