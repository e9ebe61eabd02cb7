"""One writer per library: an inter-process lock held while catalog and index are written."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
from pathlib import Path
from types import TracebackType

import filelock

from photoalbum.core.errors import KnownError, LibraryLockedError

logger = logging.getLogger(__name__)


class WriterLock:
    """The library's writer lock (an OS file lock, released by the OS if the process dies).

    Usage::

        with WriterLock(paths.lock_file, who="index"):
            ...  # scan, encode, commit

    Raises:
        LibraryLockedError: another process (or another WriterLock object) holds it and ``timeout``
            ran out; the message names the holder when known.
    """

    def __init__(self, path: Path, *, who: str = "photoalbum", timeout: float = 0.0) -> None:
        self.path = path
        self.who = who
        self.timeout = timeout
        self._lock = filelock.FileLock(str(path), is_singleton=False)
        self._info = path.with_name(path.name + ".info")

    def holder(self) -> str:
        """Who holds the lock, as far as the info file says."""
        try:
            info = json.loads(self._info.read_text())
            return f"{info.get('who')} (pid {info.get('pid')} on {info.get('host')})"
        except (OSError, ValueError):
            return "another photoalbum process"

    def acquire(self) -> None:
        """Take the lock or raise LibraryLockedError."""
        try:
            self._lock.acquire(timeout=self.timeout, poll_interval=0.1)
        except filelock.Timeout:
            raise LibraryLockedError(
                f"the library at {self.path.parent} is being written by {self.holder()}; "
                "wait for it to finish (or stop it) and try again"
            ) from None
        except OSError as exc:  # the lock file cannot be made: a folder in its place, no rights
            raise KnownError(
                f"cannot take the library's lock file {self.path}: {exc.strerror or exc}; "
                "remove whatever is at that path (or fix its permissions) and try again"
            ) from None
        try:
            self._info.write_text(
                json.dumps(
                    {
                        "who": self.who,
                        "pid": os.getpid(),
                        "host": socket.gethostname(),
                        "since": time.time(),
                    }
                )
            )
        except OSError as exc:  # informational only
            logger.debug("could not write lock info: %s", exc)

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self._lock.is_locked:
            with contextlib.suppress(OSError):
                self._info.unlink(missing_ok=True)
            self._lock.release(force=True)

    @property
    def is_locked(self) -> bool:
        """True while this object holds the lock."""
        return self._lock.is_locked

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
