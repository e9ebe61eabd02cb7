"""ModelPreparer: prepares or imports a model in a child process, so torch never loads in the GUI."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from photoalbum.qt import QtCore, Signal
from photoalbum.workers.translation import arg

logger = logging.getLogger(__name__)

#: A stderr line of the child starting with this carries a JSON progress record.
PROGRESS_PREFIX = "PHOTOALBUM-PROGRESS "
#: The module run as the child process (``python -m …``).
CHILD_MODULE = "photoalbum.workers.prepare_process"


def child_command(
    models_dir: Path, downloads_dir: Path, spec: str, import_path: str | None = None
) -> list[str]:
    """The argv of the preparation child process."""
    argv = [
        sys.executable,
        "-m",
        CHILD_MODULE,
        "--models-dir",
        str(models_dir),
        "--downloads-dir",
        str(downloads_dir),
    ]
    if import_path:
        argv += ["--import", import_path]
    return argv + ["--", spec]


def parse_progress(line: str) -> tuple[str, int, int] | None:
    """(stage, done, total) from one stderr line of the child, or None for other lines."""
    if not line.startswith(PROGRESS_PREFIX):
        return None
    try:
        data = json.loads(line[len(PROGRESS_PREFIX) :])
        return str(data["stage"]), int(data.get("done", 0)), int(data.get("total", 0))
    except (ValueError, KeyError, TypeError):
        return None


class ModelPreparer(QtCore.QObject):
    """Runs ``python -m photoalbum.workers.prepare_process`` with QProcess (no thread needed).

    Signals:
        progress(str stage, int done, int total): a progress record (total 0: indeterminate).
        finished(bool ok, str kind, str message): kind is "ok", "offline", "known", "cancelled"
            or "bug"; message is for people (what happened and what to do).
    """

    progress = Signal(str, int, int)
    finished = Signal(bool, str, str)

    def __init__(
        self, models_dir: Path, downloads_dir: Path, parent: QtCore.QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.models_dir = Path(models_dir)
        self.downloads_dir = Path(downloads_dir)
        self._process: QtCore.QProcess | None = None
        self._stderr = b""
        self._stderr_tail: list[str] = []
        self._cancelled = False

    @property
    def running(self) -> bool:
        """True while a child process runs."""
        return self._process is not None

    def prepare(self, spec: str) -> None:
        """Download (if needed), export and check ``spec``."""
        self._start(child_command(self.models_dir, self.downloads_dir, spec))

    def import_path(self, spec: str, path: str) -> None:
        """Prepare ``spec`` from a local checkpoint file or a folder of exported ONNX towers."""
        self._start(child_command(self.models_dir, self.downloads_dir, spec, path))

    def cancel(self) -> None:
        """Stop the child process (an unfinished preparation is never picked up)."""
        if self._process is not None:
            self._cancelled = True
            self._process.kill()

    def shutdown(self, msec: int = 5000) -> None:
        """Kill a running child and wait for it (before the app quits)."""
        if self._process is not None:
            self._cancelled = True
            self._process.kill()
            self._process.waitForFinished(msec)

    def _start(self, argv: Sequence[str]) -> None:
        if self._process is not None:
            raise RuntimeError("a model preparation is already running")
        self._stderr = b""
        self._stderr_tail = []
        self._cancelled = False
        proc = QtCore.QProcess(self)
        proc.setProgram(argv[0])
        proc.setArguments(list(argv[1:]))
        proc.readyReadStandardError.connect(self._on_process_stderr)
        proc.finished.connect(self._on_process_finished)
        proc.errorOccurred.connect(self._on_process_error)
        self._process = proc
        logger.info("preparing a model: %s", " ".join(argv))
        proc.start()

    def _on_process_stderr(self) -> None:
        if self._process is None:
            return
        self._stderr += bytes(self._process.readAllStandardError().data())
        *lines, self._stderr = self._stderr.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            parsed = parse_progress(line)
            if parsed is not None:
                self.progress.emit(*parsed)
            elif line.strip():
                logger.info("model preparation: %s", line)
                self._stderr_tail = (self._stderr_tail + [line])[-20:]

    def _on_process_error(self, error: QtCore.QProcess.ProcessError) -> None:
        if error == QtCore.QProcess.ProcessError.FailedToStart and self._process is not None:
            self._process.deleteLater()
            self._process = None
            message = QtCore.QCoreApplication.translate(
                "ModelPreparer", "could not start the preparation process (%1)"
            )
            self.finished.emit(False, "bug", arg(message, error))

    def _on_process_finished(self, code: int, status: QtCore.QProcess.ExitStatus) -> None:
        proc = self._process
        if proc is None:
            return
        self._on_process_stderr()
        out = bytes(proc.readAllStandardOutput().data()).decode("utf-8", "replace")
        self._process = None
        proc.deleteLater()
        if self._cancelled:
            self.finished.emit(
                False,
                "cancelled",
                QtCore.QCoreApplication.translate("ModelPreparer", "Preparation cancelled."),
            )
            return
        result = None
        for line in reversed(out.strip().splitlines()):
            try:
                result = json.loads(line)
                break
            except ValueError:
                continue
        if isinstance(result, dict) and result.get("ok"):
            self.finished.emit(True, "ok", str(result.get("message", "")))
        elif isinstance(result, dict):
            self.finished.emit(False, str(result.get("kind", "known")), str(result.get("message")))
        else:
            tail = "\n".join(self._stderr_tail[-8:])
            self.finished.emit(
                False,
                "bug",
                arg(
                    QtCore.QCoreApplication.translate(
                        "ModelPreparer", "the preparation process failed (exit %1)"
                    ),
                    code,
                )
                + (f":\n{tail}" if tail else ""),
            )
