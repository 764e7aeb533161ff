"""Run `cowork-data validate FILE --json` on every file of the bad-input corpus and check the outcome (issue 9).

For each file in ``expected.csv``: the exit code is the expected one, the expected text (a finding code or a
message fragment) is in the output, there is no traceback and no content of ``/etc/passwd``, the child's peak
resident memory is under 500 MB and it spends under 10 s of CPU (user + system, its own and its children's). Each
file runs in its own process (two at a time), measured with ``os.wait4``. A file stored as ``NAME.gz`` is inflated
into a temporary directory first.

The first file of each expected exit code runs in a new interpreter (the installed ``cowork-data`` script), and
also forked, and both must give the same exit code and output; the others run in a process forked from a server
that imported the toolkit once (:class:`Forks`): the same ``cli.main`` with the same arguments, exit code, stdout
and stderr, CPU limit and hang guard, without the ~0.6 s of CPU every new interpreter spends on the same imports
before it reads a byte of the file. A forked child's peak memory counts the library pages it touches, not the
whole of every library the server mapped (10–20 MB less than a new interpreter's on the same file).

The limit is on CPU time, not on wall time, because "a hostile file cannot make us spin" is a property of the work
done, while the wall time of a run depends on how busy the machine is. A child that spins is stopped by the kernel
at the CPU limit (``RLIMIT_CPU``); a child that blocks without spinning is killed after ``HANG_AFTER`` seconds of
wall time, a hang guard generous enough never to fire on a loaded machine. The wall time is still reported.

``python tests/corpus/check.py`` prints the figures and exits 1 when a file fails (``--figures PATH`` also writes
them as JSON); ``tests/test_corpus.py`` runs the same check and records the figures outside the repository.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import queue
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FILES = HERE / "files"
#: CPU seconds (user + system) one validation may spend; today's worst file takes about 1.2 s.
MAX_CPU_SECONDS = 10.0
MAX_MB = 500.0
#: Wall seconds after which a child that is still running is killed (and fails): a hang guard only, so that the
#: corpus never hangs the suite; the property checked is the CPU limit above.
HANG_AFTER = 300.0
#: Text that would mean an external entity was resolved: the first line of /etc/passwd.
LEAK_MARKERS = ("root:x:0:0", "root:*:0:0")

__all__ = ["Child", "Forks", "Outcome", "check_corpus", "expected_cases", "main", "run_child"]


@dataclass
class Outcome:
    file: str
    expected_exit: int
    expect: str
    exit_code: int | None = None
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    peak_mb: float = 0.0
    #: "interpreter" (a new ``cowork-data`` process) or "fork" (forked from the fork server)
    process: str = "interpreter"
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


@dataclass
class Child:
    """How one child process ended and what it used."""

    exit_code: int
    cpu_seconds: float
    wall_seconds: float
    peak_mb: float
    output: str
    problems: list[str]


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("COWORK_DATA_DEBUG", None)
    return env


def run_child(argv: list[str], *, max_cpu: float = MAX_CPU_SECONDS, hang_after: float = HANG_AFTER) -> Child:
    """Run ``argv`` to its end under a CPU limit and a wall-clock hang guard; its stdout and stderr in ``output``."""
    problems: list[str] = []
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        env = _env()
        start = time.monotonic()
        child = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
        # The kernel stops a child that spins past the limit: SIGXCPU, then SIGKILL one second later.
        cap = max(1, math.ceil(max_cpu))
        resource.prlimit(child.pid, resource.RLIMIT_CPU, (cap, cap + 1))
        own_peak_kib = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            own_peak_kib = max(own_peak_kib, _own_peak_kib(child.pid))
            if time.monotonic() - start > hang_after:
                os.kill(child.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0)
                problems.append(f"hung: killed after {hang_after:.0f} s of wall time")
                break
            time.sleep(0.01)
        wall = round(time.monotonic() - start, 2)
        child.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace") + err.read().decode("utf-8", "replace")
    return _ended(child.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, own_peak_kib, wall, text,
                  problems, max_cpu)


def _ended(code: int, cpu_seconds: float, maxrss_kib: int, own_peak_kib: int, wall: float, text: str,
           problems: list[str], max_cpu: float) -> Child:
    cpu = round(cpu_seconds, 2)
    if code in (-signal.SIGXCPU, -signal.SIGKILL) and not problems:
        problems.append(f"spun: stopped by the kernel after {cpu} s of CPU (limit {max_cpu} s)")
    elif cpu >= max_cpu:
        problems.append(f"{cpu} s of CPU ≥ {max_cpu} s")
    return Child(exit_code=code, cpu_seconds=cpu, wall_seconds=wall,
                 peak_mb=round((own_peak_kib or maxrss_kib) / 1024, 1), output=text, problems=problems)


#: The fork server: imports the toolkit (the command line and the packages a validation uses), says "ready", then
#: for every order (a JSON line: argv, cwd, the files for stdout and stderr, the CPU limit) forks a child that runs
#: ``cowork_data.cli.main`` as the ``cowork-data`` script would (stdin from /dev/null, exit code as the interpreter
#: sets it, a traceback printed for an uncaught exception, the exit functions it registered run), says "pid <n>" and,
#: once the child ended, "exit <status> <user+system CPU> <maxrss KiB>" from ``os.wait4``. The child's CPU time and
#: limit start at zero at the fork; its memory includes the imports, as a new interpreter's would.
FORK_SERVER = r"""
import atexit, importlib, json, os, pkgutil, resource, sys, traceback
report = os.dup(1)
import cowork_data.cli
for package in ("cowork_data.validate", "cowork_data.readers", "cowork_data.graph", "cowork_data.geo"):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)

def run(order):
    atexit._clear()  # the server's exit functions wait for its own threads, which the child does not have
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        os.dup2(os.open(order[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    os.close(report)
    resource.setrlimit(resource.RLIMIT_CPU, (order["cpu"], order["cpu"] + 1))
    os.chdir(order["cwd"])
    sys.argv = order["argv"]
    try:
        cowork_data.cli.main()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
        if not isinstance(exit.code, int) and exit.code is not None:
            print(exit.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    return code & 0xFF

os.write(report, b"ready\n")
for line in sys.stdin:
    order = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = run(order)
        finally:
            os._exit(code)
    os.write(report, f"pid {pid}\n".encode())
    _, status, usage = os.wait4(pid, 0)
    os.write(report, f"exit {os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime} "
                     f"{usage.ru_maxrss}\n".encode())
"""


class Forks:
    """A fork server (:data:`FORK_SERVER`): ``run`` is :func:`run_child` for ``cowork-data ARGS…``, in a process
    forked from it instead of a new interpreter. One order at a time; stop it with ``close``."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", FORK_SERVER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, cwd=ROOT, env=_env(), text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self._line(600.0) == "ready", "the fork server did not start"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put("")

    def _line(self, timeout: float) -> str:
        line = self.lines.get(timeout=timeout)
        assert line, "the fork server stopped"
        return line

    def run(self, args: list[str], *, max_cpu: float = MAX_CPU_SECONDS, hang_after: float = HANG_AFTER) -> Child:
        problems: list[str] = []
        with tempfile.TemporaryDirectory() as tmp:
            out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
            order = {"argv": ["cowork-data", *args], "cwd": str(ROOT), "stdout": str(out), "stderr": str(err),
                     "cpu": max(1, math.ceil(max_cpu))}
            start = time.monotonic()
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(order) + "\n")
            self.process.stdin.flush()
            word, pid = self._line(60.0).split()
            assert word == "pid", word
            own_peak_kib, killed = 0, False
            while True:
                try:
                    line = self.lines.get(timeout=0.01)
                    break
                except queue.Empty:
                    own_peak_kib = max(own_peak_kib, _own_peak_kib(int(pid)))
                if not killed and time.monotonic() - start > hang_after:
                    os.kill(int(pid), signal.SIGKILL)
                    problems.append(f"hung: killed after {hang_after:.0f} s of wall time")
                    killed = True
            wall = round(time.monotonic() - start, 2)
            word, code, cpu, maxrss = line.split()
            assert word == "exit", line
            text = out.read_bytes().decode("utf-8", "replace") + err.read_bytes().decode("utf-8", "replace")
        return _ended(int(code), float(cpu), int(maxrss), own_peak_kib, wall, text, problems, max_cpu)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


_PARENT_CMDLINE = Path("/proc/self/cmdline").read_bytes()


def _own_peak_kib(pid: int) -> int:
    """The child's own peak resident memory (``VmHWM`` of the memory it has after ``exec``), in KiB; 0 before then.

    ``ru_maxrss`` from ``os.wait4`` is not the child's own: Linux carries the high-water mark of the memory the child
    had before ``exec`` (a copy of this process) into it, so every child would report at least this process's
    resident size. ``VmHWM`` belongs to the new memory only; it is read while the child runs (a growth in its last
    10 ms is missed) and only once ``/proc/PID/cmdline`` differs from this process's, i.e. after ``exec``.
    """
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if cmdline == _PARENT_CMDLINE:
            return 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_case(case: dict[str, str], workdir: Path, forks: Forks | None = None, *,
             compare: Forks | None = None) -> Outcome:
    """One file's outcome: validated by a new interpreter, or by a process forked from ``forks``; with
    ``compare``, by a new interpreter and also by a process forked from ``compare``, which must give the same exit
    code and output."""
    outcome = Outcome(file=case["file"], expected_exit=int(case["exit_code"]), expect=case["expect"],
                      process="interpreter" if forks is None else "fork")
    path = _materialise(case["file"], workdir)
    args = ["validate", str(path), "--json"]
    child = run_child([*_command(), *args]) if forks is None else forks.run(args)
    if forks is None and compare is not None:  # the fork server's child behaves as the interpreter did
        forked = compare.run(args)
        if (forked.exit_code, forked.output) != (child.exit_code, child.output):
            outcome.problems.append(f"a forked validation gave exit {forked.exit_code} and "
                                    f"{forked.output[-300:]!r}, a new interpreter exit {child.exit_code}")
    outcome.exit_code, outcome.cpu_seconds, outcome.wall_seconds = child.exit_code, child.cpu_seconds, \
        child.wall_seconds
    outcome.peak_mb = child.peak_mb
    outcome.problems.extend(child.problems)
    text = child.output
    if outcome.exit_code != outcome.expected_exit:
        outcome.problems.append(f"exit {outcome.exit_code}, expected {outcome.expected_exit}: {text[-300:]!r}")
    if outcome.expect not in text:
        outcome.problems.append(f"{outcome.expect!r} not in the output: {text[-300:]!r}")
    if "Traceback" in text:
        outcome.problems.append("traceback in the output")
    if any(marker in text for marker in LEAK_MARKERS):
        outcome.problems.append("/etc/passwd content in the output")
    if outcome.peak_mb >= MAX_MB:
        outcome.problems.append(f"peak {outcome.peak_mb} MB ≥ {MAX_MB} MB")
    return outcome


@contextmanager
def _fork_servers(count: int) -> Iterator[queue.Queue[Forks]]:
    servers: queue.Queue[Forks] = queue.Queue()
    started: list[Forks] = []
    try:
        for _ in range(count):
            started.append(Forks())
            servers.put(started[-1])
        yield servers
    finally:
        for server in started:
            server.close()


def check_corpus(*, workers: int = 2) -> list[Outcome]:
    """Every corpus file's outcome, in the order of ``expected.csv``: the first file of each exit code in a new
    interpreter (and forked, to compare), the others forked from one fork server per worker."""
    cases = expected_cases()
    first = {case["exit_code"]: case["file"] for case in reversed(cases)}

    def one(case: dict[str, str]) -> Outcome:
        forks = servers.get()
        try:
            if first[case["exit_code"]] == case["file"]:
                return run_case(case, Path(tmp), compare=forks)
            return run_case(case, Path(tmp), forks)
        finally:
            servers.put(forks)

    with tempfile.TemporaryDirectory() as tmp, _fork_servers(workers) as servers, \
            ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, cases))


def figures(outcomes: list[Outcome]) -> dict[str, object]:
    return {
        "files": len(outcomes),
        "failed": sum(1 for o in outcomes if not o.ok),
        "max_cpu_seconds": max((o.cpu_seconds for o in outcomes), default=0.0),
        "max_peak_mb": max((o.peak_mb for o in outcomes), default=0.0),
        "total_cpu_seconds": round(sum(o.cpu_seconds for o in outcomes), 2),
        "max_wall_seconds": max((o.wall_seconds for o in outcomes), default=0.0),
        "limits": {"cpu_seconds": MAX_CPU_SECONDS, "peak_mb": MAX_MB, "hang_guard_wall_seconds": HANG_AFTER},
        "outcomes": [{**asdict(o), "ok": o.ok} for o in outcomes],
    }


def table(outcomes: list[Outcome]) -> str:
    width = max((len(o.file) for o in outcomes), default=4)
    lines = [f"{'file':<{width}}  exit  expected  CPU s  wall s  peak MB  process      result"]
    for o in outcomes:
        lines.append(f"{o.file:<{width}}  {o.exit_code!s:>4}  {o.expected_exit:>8}  {o.cpu_seconds:>5.2f}  "
                     f"{o.wall_seconds:>6.2f}  {o.peak_mb:>7.1f}  {o.process:<11}  "
                     f"{'ok' if o.ok else 'FAIL: ' + '; '.join(o.problems)}")
    summary = figures(outcomes)
    lines.append(f"{summary['files']} files, {summary['failed']} failed; max {summary['max_cpu_seconds']} s of CPU "
                 f"(limit {MAX_CPU_SECONDS} s), max peak {summary['max_peak_mb']} MB, "
                 f"{summary['total_cpu_seconds']} s of child CPU in all")
    return "\n".join(lines)


def write_figures(outcomes: list[Outcome], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures(outcomes), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--figures", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    outcomes = check_corpus()
    print(table(outcomes))
    if args.figures:
        write_figures(outcomes, args.figures)
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
