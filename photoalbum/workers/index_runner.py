"""ProcessIndexRunner: runs the app's indexing runs in a child process and relays them.

Decoding, encoding and the background passes hold the GIL for many short stretches; in the GUI's
process each one can make the window wait (measured with ``bench/bench_gui.py``). In a child
process they cannot, and a native decoder crashing on a hostile file takes down the run, not the
app. A child that dies while decoding (its decode journal left behind) is started again at once, a
few times: each run isolates the photos that were in flight and records the one that crashed the
decoder as failed (:mod:`photoalbum.core.decode_journal`), so one hostile file costs a few
seconds, not the rest of the library. The child (``photoalbum.workers.index_process``) takes the
library's writer lock like a CLI ``index`` would; the app's readers pick up what it commits.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from photoalbum.core.errors import KnownError, LibraryLockedError
from photoalbum.workers.messages import LibraryOptions

if TYPE_CHECKING:  # pragma: no cover - the engine's modules load with the first run
    from photoalbum.core.indexer import IndexProgress, IndexReport
    from photoalbum.core.paths import Paths

logger = logging.getLogger(__name__)

#: How often the relay looks at pause / cancel / yield while waiting for the child's next line.
POLL_SECONDS = 0.1
#: How long the child may take to finish after its last line before it is killed.
EXIT_GRACE_SECONDS = 30.0
#: Immediate restarts of a child that died while decoding (two isolate and record one culprit).
CRASH_RESTARTS = 3


class IndexProcessError(RuntimeError):
    """The indexing child process failed unexpectedly (a bug, or it crashed)."""


class IndexProcessDied(IndexProcessError):
    """The indexing child process ended without a report (killed, or a native crash)."""


class ProcessIndexRunner:
    """Callable like :meth:`Library.index` for the index worker, but runs in a child process.

    Args:
        paths: the library's and the model store's dirs (the child opens its own Library).
        command: builds the child's argv (tests may substitute another interpreter call).
    """

    def __init__(self, paths: Paths, command: Callable[..., list[str]] | None = None) -> None:
        self.paths = paths
        self.command = command
        self.pid: int | None = None  # the running child's process id (None between runs)

    def __call__(
        self,
        options: LibraryOptions,
        *,
        on_progress: Callable[[IndexProgress], None],
        should_stop: Callable[[], bool],
        paused: Callable[[], bool],
        yield_passes: Callable[[], bool],
        index_kwargs: dict[str, Any] | None = None,
    ) -> IndexReport:
        """Run one index run to its end; raises like :meth:`Library.index` would."""
        from photoalbum.workers.index_process import child_command

        argv = (self.command or child_command)(
            self.paths.library,
            self.paths.models,
            self.paths.downloads,
            model=options.model,
            precision=options.precision,
            threads=options.threads,
            index_kwargs=index_kwargs,
        )

        def switches() -> _Switches:
            return _Switches(stop=should_stop(), paused=paused(), yield_passes=yield_passes())

        for restart in range(CRASH_RESTARTS + 1):
            try:
                return self._run_child(argv, on_progress, switches)
            except IndexProcessDied as exc:
                if (
                    restart == CRASH_RESTARTS
                    or should_stop()
                    or not self.paths.decode_journal.exists()
                ):
                    raise
                logger.warning(
                    "%s; it died while decoding photos: starting it again to isolate "
                    "them (%d of %d)",
                    exc,
                    restart + 1,
                    CRASH_RESTARTS,
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def _run_child(
        self,
        argv: list[str],
        on_progress: Callable[[IndexProgress], None],
        switches: Callable[[], _Switches],
    ) -> IndexReport:
        logger.info("indexing in a child process: %s", " ".join(argv))
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )  # the child lowers its own priority (index_process)
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        self.pid = proc.pid
        lines: queue.Queue[str | None] = queue.Queue()
        tail: list[str] = []
        readers = [
            threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True),
            threading.Thread(target=_log_lines, args=(proc.stderr, tail), daemon=True),
        ]
        for t in readers:
            t.start()
        final: dict[str, Any] | None = None
        relay = _Relay(proc.stdin)
        try:
            while True:
                try:
                    line = lines.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    line = ""
                if line is None:
                    break
                if line:
                    final = self._handle(line, on_progress) or final
                relay.update(switches())
        finally:
            relay.close()
            try:
                proc.wait(EXIT_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                logger.warning("the indexing process did not exit; killing it")
                proc.kill()
                proc.wait()
            for t in readers:
                t.join(5)
            self.pid = None
        return _outcome(final, proc.returncode, tail)

    @staticmethod
    def _handle(line: str, on_progress: Callable[[IndexProgress], None]) -> dict[str, Any] | None:
        try:
            msg = json.loads(line)
        except ValueError:
            logger.info("index process: %s", line.rstrip())
            return None
        if not isinstance(msg, dict):
            return None
        if "progress" in msg:
            from photoalbum.workers.index_process import progress_from_dict

            on_progress(progress_from_dict(msg["progress"]))
            return None
        if "report" in msg or "error" in msg:
            return msg
        return None


@dataclass(frozen=True)
class _Switches:
    """What the app asks of the run right now."""

    stop: bool
    paused: bool
    yield_passes: bool


class _Relay:
    """Sends the run's switches to the child when they change."""

    def __init__(self, stdin: IO[str]) -> None:
        self.stdin = stdin
        self.stopped = False
        self.paused = False
        self.yielded = False

    def update(self, now: _Switches) -> None:
        if now.stop and not self.stopped:
            self.stopped = True
            self._send("stop")
        if now.paused != self.paused:
            self.paused = now.paused
            self._send("pause" if now.paused else "resume")
        if now.yield_passes and not self.yielded:
            self.yielded = True
            self._send("yield")

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stdin.close()

    def _send(self, command: str) -> None:
        # OSError/ValueError: the child is gone (its outcome will say why)
        with contextlib.suppress(OSError, ValueError):
            self.stdin.write(command + "\n")
            self.stdin.flush()


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    try:
        for line in stream:
            lines.put(line)
    finally:
        lines.put(None)


def _log_lines(stream: IO[str], tail: list[str]) -> None:
    for line in stream:
        text = line.rstrip()
        if text:
            logger.info("index process: %s", text)
            tail.append(text)
            del tail[:-20]


def _outcome(final: dict[str, Any] | None, returncode: int | None, tail: list[str]) -> IndexReport:
    if final is not None and isinstance(final.get("report"), dict):
        from photoalbum.workers.index_process import report_from_dict

        return report_from_dict(final["report"])
    error = final.get("error") if final is not None else None
    if isinstance(error, dict):
        kind, message = error.get("kind"), str(error.get("message", ""))
        if kind == "locked":
            raise LibraryLockedError(message)
        if kind == "known":
            raise KnownError(message)
        raise IndexProcessError(f"the indexing process failed: {message}")
    last = tail[-1] if tail else "no output"
    raise IndexProcessDied(
        f"the indexing process ended without a report (exit code {returncode}; last log line: "
        f"{last}); it will be retried"
    )
