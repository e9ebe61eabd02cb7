"""Child-process entry point that runs one indexing run for the GUI (decoding, encoding and the
background passes stay out of the GUI process, so they never hold its GIL).

Run as ``python -m photoalbum.workers.index_process --library L --models-dir M --downloads-dir D
[--model SPEC] [--precision P] [--threads N] [--kwargs JSON]``. Every stdout line is one JSON
object: ``{"progress": {...}}`` while it runs, then ``{"report": {...}}`` or
``{"error": {"kind": "locked" | "known" | "bug", "message": ...}}``. Commands arrive as stdin
lines: ``pause``, ``resume``, ``stop``, ``yield`` (the passes make way for new photos); the end of
stdin (the app went away) stops the run at the next photo batch, which leaves catalog and index
consistent. Logs go to stderr. This module is a process entry point (a composition root of its
own), which is why it opens a Library itself.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from photoalbum.core.errors import KnownError, LibraryLockedError
from photoalbum.core.indexer import IndexProgress, IndexReport
from photoalbum.core.passes.runner import PassReport

logger = logging.getLogger(__name__)

#: The module run as the child process (``python -m …``).
CHILD_MODULE = "photoalbum.workers.index_process"
#: How much nicer than the app the child runs (POSIX nice; a lower priority class on Windows).
NICE = 10
#: Progress lines at most this often (a rescan reports every file; the app shows ~10 a second).
PROGRESS_EVERY = 0.05


# --- the protocol -------------------------------------------------------------------------------
def report_to_dict(report: IndexReport) -> dict[str, Any]:
    """An IndexReport as JSON-able data (inverse: :func:`report_from_dict`)."""
    return dataclasses.asdict(report)


def report_from_dict(data: dict[str, Any]) -> IndexReport:
    """The IndexReport that :func:`report_to_dict` wrote."""
    fields = {f.name for f in dataclasses.fields(IndexReport)}
    kwargs = {k: v for k, v in data.items() if k in fields}
    kwargs["failures"] = [tuple(x) for x in kwargs.get("failures", [])]
    kwargs["scan_errors"] = [tuple(x) for x in kwargs.get("scan_errors", [])]
    passes = kwargs.get("passes")
    if isinstance(passes, dict):
        pass_fields = {f.name for f in dataclasses.fields(PassReport)}
        p = {k: v for k, v in passes.items() if k in pass_fields}
        p["failures"] = [tuple(x) for x in p.get("failures", [])]
        kwargs["passes"] = PassReport(**p)
    return IndexReport(**kwargs)


def progress_from_dict(data: dict[str, Any]) -> IndexProgress:
    """The IndexProgress of one progress line."""
    return IndexProgress(
        stage=str(data["stage"]),
        done=int(data["done"]),
        total=int(data["total"]),
        current=str(data.get("current", "")),
        rate=float(data.get("rate", 0.0)),
    )


def child_command(
    library: Path,
    models_dir: Path,
    downloads_dir: Path,
    *,
    model: str | None = None,
    precision: str = "auto",
    threads: int | None = None,
    index_kwargs: dict[str, Any] | None = None,
) -> list[str]:
    """The argv of the indexing child process."""
    argv = [
        sys.executable,
        "-m",
        CHILD_MODULE,
        "--library",
        str(library),
        "--models-dir",
        str(models_dir),
        "--downloads-dir",
        str(downloads_dir),
        "--precision",
        precision,
    ]
    if model:
        argv += ["--model", model]
    if threads:
        argv += ["--threads", str(threads)]
    if index_kwargs:
        argv += ["--kwargs", json.dumps(index_kwargs)]
    return argv


# --- the child ----------------------------------------------------------------------------------
class _Controls:
    """The run's switches, set by the stdin reader thread."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.resumed = threading.Event()
        self.resumed.set()
        self.yield_passes = threading.Event()

    def read(self, stream: TextIO) -> None:
        """Apply command lines until stdin ends (then stop: nobody is listening any more)."""
        for line in stream:
            cmd = line.strip()
            if cmd == "pause":
                self.resumed.clear()
            elif cmd == "resume":
                self.resumed.set()
            elif cmd == "yield":
                self.yield_passes.set()
            elif cmd == "stop":
                self.stop.set()
                self.resumed.set()
        self.stop.set()
        self.resumed.set()

    def wait_if_paused(self) -> None:
        """Block while paused (a stop ends the pause)."""
        while not self.resumed.wait(0.5):
            if self.stop.is_set():
                return


class _Writer:
    """Writes protocol lines to stdout, one at a time (the indexer reports from one thread, the
    passes from theirs)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._lock = threading.Lock()
        self._last = 0.0
        self._last_stage = ""
        self.closed = False  # the app stopped reading (it quit): the run still ends cleanly

    def line(self, obj: dict[str, Any]) -> None:
        """One JSON line, flushed; nothing once the reader has gone."""
        text = json.dumps(obj, ensure_ascii=False) + "\n"
        with self._lock:
            if self.closed:
                return
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):  # broken pipe / closed file
                self.closed = True

    def progress(self, p: IndexProgress) -> None:
        """A progress line, thinned out to one per :data:`PROGRESS_EVERY` within a stage."""
        now = time.monotonic()
        if not p.is_final and p.stage == self._last_stage and now - self._last < PROGRESS_EVERY:
            return
        self._last, self._last_stage = now, p.stage
        self.line({"progress": dataclasses.asdict(p)})


def _lower_priority() -> None:
    try:
        if hasattr(os, "nice"):
            os.nice(NICE)
        elif sys.platform == "win32":  # pragma: no cover - Windows only
            import ctypes

            below_normal = 0x4000
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
    except OSError as exc:
        logger.debug("cannot lower the indexing process's priority: %s", exc)


def run(args: argparse.Namespace, controls: _Controls, out: _Writer) -> dict[str, Any]:
    """Open the library and index it; returns the final protocol line."""
    from photoalbum.core.paths import Paths
    from photoalbum.library import Library, refuse_to_prepare

    paths = Paths(
        library=Path(args.library), models=Path(args.models_dir), downloads=Path(args.downloads_dir)
    )
    kwargs: dict[str, Any] = json.loads(args.kwargs) if args.kwargs else {}
    lib = Library(
        paths,
        model=args.model,
        precision=args.precision,
        threads=args.threads,
        background=True,
        preparer=refuse_to_prepare,
        may_prepare=True,  # an indexing run: a never-prepared model reaches the setup-page hint
    )
    try:
        report = lib.index(
            on_progress=out.progress,
            should_stop=controls.stop.is_set,
            wait_if_paused=controls.wait_if_paused,
            yield_passes=controls.yield_passes.is_set,
            **kwargs,
        )
    finally:
        lib.close()
    return {"report": report_to_dict(report)}


def main(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Entry point of the child process; exit code 0 when a report was written."""
    parser = argparse.ArgumentParser(prog="photoalbum-index")
    parser.add_argument("--library", required=True)
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--downloads-dir", required=True)
    parser.add_argument("--model")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--kwargs")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    _lower_priority()
    controls = _Controls()
    out = _Writer(stdout or sys.stdout)
    threading.Thread(
        target=controls.read, args=(stdin or sys.stdin,), name="commands", daemon=True
    ).start()
    try:
        result = run(args, controls, out)
    except LibraryLockedError as exc:
        result = {"error": {"kind": "locked", "message": str(exc)}}
    except KnownError as exc:  # disk full, unreadable folder, model trouble…
        result = {"error": {"kind": "known", "message": str(exc)}}
    except Exception as exc:  # a bug: the traceback goes to the log
        traceback.print_exc()
        result = {"error": {"kind": "bug", "message": f"{type(exc).__name__}: {exc}"}}
    out.line(result)
    return 0 if "report" in result else 1


if __name__ == "__main__":  # pragma: no cover - run as a child process
    raise SystemExit(main())
