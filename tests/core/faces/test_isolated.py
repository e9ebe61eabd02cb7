"""Tests for the face analysis child process: it dies with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Starts the faces pass's pool, reports its child's pid, then waits to be killed.
_PARENT = """
import os, sys, time
from photoalbum.core.faces.analyzer import AnalyzerOptions
from photoalbum.core.faces.isolated import IsolatedAnalyzer

analyzer = IsolatedAnalyzer(AnalyzerOptions())
child = analyzer._get_pool().submit(os.getpid).result()
time.sleep(1.0)  # the child outlives a pause of its parent's
assert analyzer._get_pool().submit(os.getpid).result() == child
print(child, flush=True)
time.sleep(120)
"""


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie nobody reaped has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_child_exits_when_its_parent_is_killed() -> None:
    repo = Path(__file__).resolve().parents[3]
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT],
        cwd=repo,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(repo)},
        text=True,
    )
    try:
        line = parent.stdout.readline()
        assert line.strip().isdigit(), f"parent said {line!r}"
        child = int(line)
        assert _running(child)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    gone = not _running(child)
    if not gone:  # pragma: no cover - clean up what the failure left
        os.kill(child, signal.SIGKILL)
    assert gone, "the face analysis child outlived its killed parent"


def test_exit_with_parent_is_a_no_op_outside_a_pool() -> None:
    from photoalbum.core.faces.isolated import exit_with_parent

    exit_with_parent()  # this process has no multiprocessing parent: nothing to watch
