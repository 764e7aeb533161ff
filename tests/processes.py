"""Test helper: server processes (``cowork-data serve``, Oxigraph, Virtuoso) that never outlive the test run.

Each one starts in its own process group, so that stopping it also stops what it started (the SPARQL query
workers of ``serve``); the kernel sends it SIGKILL when the test process dies, even by SIGKILL (Linux
``PR_SET_PDEATHSIG``), and the groups still running when the interpreter exits are killed by an ``atexit`` hook.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["spawn", "stop"]

_RUNNING: set[int] = set()  # process group ids
_PR_SET_PDEATHSIG = 1
# Looked up once, here: between fork and exec the child only calls it (no dlopen, no import in a forked child).
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent(parent: int) -> None:
    """In the child, before exec: be killed when the parent dies (and if it already died, go now)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def spawn(argv: Sequence[str], **popen: Any) -> subprocess.Popen:  # noqa: ANN401 - Popen's keyword arguments
    """``subprocess.Popen(argv, **popen)`` in a new process group that dies with the test process."""
    parent = os.getpid()
    process = subprocess.Popen(list(argv), start_new_session=True, preexec_fn=lambda: _die_with_parent(parent),
                               **popen)
    _RUNNING.add(process.pid)
    return process


def stop(process: subprocess.Popen, *, timeout: float = 30.0) -> int:
    """SIGTERM to the process's group, SIGKILL to it after ``timeout`` seconds; the exit code."""
    try:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            return process.wait(timeout=timeout)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # what the group's leader left behind
        _RUNNING.discard(process.pid)


@atexit.register
def _kill_the_rest() -> None:
    for group in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
