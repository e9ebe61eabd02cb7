"""Which photos were being decoded when a process died, so one that crashes the decoder is isolated.

A photo that makes a native decoder crash (a segfault in libjpeg, libheif, …) kills the process
and would kill every later run at the same photo, so the photos after it would never be indexed.
The indexer therefore notes each decode's start and end in an append-only journal in the library
(one ``write`` each, no fsync: a killed process's writes survive, only a power cut loses them,
and then the next run just decodes as usual). A run that ends, however it ends, removes the
journal, or keeps just the suspects it did not get to. When a run starts and finds one, the
process before it died:

* photos it was decoding among others are *suspects*: decoded last, one at a time;
* a photo it was decoding *alone* is the *culprit*: recorded as failed, not opened again (until
  the file changes, like any failed photo).

The INT8 self-check that precedes a library's first run decodes its sample one at a time: its
decodes are journaled as lone ones (:meth:`DecodeJournal.appending`), and it skips the photos a
process died on, so a hostile photo in that sample cannot stop every run before indexing starts.

A process killed for another reason (kill -9, out of memory) only makes its in-flight photos
suspects: they are decoded alone, succeed, and nothing is lost — unless it was killed during a
lone decode, which then records that photo as failed (``index`` after touching the file, or any
change to it, tries it again). The app restarts a child that died this way at once
(:mod:`photoalbum.workers.index_runner`); a CLI ``index`` does it on its next run.

File format: one JSON array per line, ``[mark, path]``; mark ``"start"``, ``"alone"``, ``"end"``
or ``"suspect"`` (carried over from an earlier death). JSON keeps any file name on one line.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

#: The failure reason recorded for a culprit.
CRASH_REASON = "the image decoder crashed on this file (tried alone after an earlier crash)"


@dataclass(frozen=True)
class Recovered:
    """What the journal of a process that died says."""

    suspects: frozenset[str] = field(default_factory=frozenset)
    culprits: frozenset[str] = field(default_factory=frozenset)

    @property
    def photos(self) -> frozenset[str]:
        """Every photo the dead process was decoding (suspects and culprits are apart)."""
        return self.suspects | self.culprits


class DecodeJournal:
    """The decode journal of one library (used under its writer lock).

    Args:
        path: the journal file (absent while no run is in progress).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._untried: set[str] = set()
        self._lock = threading.Lock()

    def recover(self) -> Recovered:
        """Read what a dead process left (nothing: an empty :class:`Recovered`)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Recovered()
        except OSError as exc:
            logger.warning("cannot read the decode journal %s (%s); ignoring it", self.path, exc)
            return Recovered()
        open_: dict[str, str] = {}  # path -> "start" | "alone" | "suspect"
        for line in data.splitlines():
            try:
                mark, path = json.loads(line)
            except (ValueError, TypeError):
                continue  # a line cut short by the death
            if not isinstance(path, str):
                continue
            if mark == "end":
                open_.pop(path, None)
            elif mark == "alone" or mark == "suspect" or open_.get(path) not in ("alone", "suspect"):
                open_[path] = str(mark)
        dead = Recovered(
            suspects=frozenset(p for p, m in open_.items() if m in ("start", "suspect")),
            culprits=frozenset(p for p, m in open_.items() if m == "alone"),
        )
        if dead.photos:
            logger.warning("the last indexing run died while decoding %d photo(s): %s",
                           len(dead.photos), ", ".join(sorted(dead.photos)[:5]))
        return dead

    @contextlib.contextmanager
    def session(self, suspects: Iterable[str] = ()) -> Iterator[DecodeJournal]:
        """Journal one run's decodes; ``suspects`` are carried over until decoded alone.

        When the run ends (by return or by exception) the journal is removed, or holds just the
        suspects not yet decoded alone (a cancelled run), so the next run still isolates them.
        """
        self._untried = set(suspects)
        try:
            with self._opened(os.O_TRUNC):
                for path in sorted(self._untried):
                    self._write("suspect", path)
                yield self
        finally:
            if self._untried:
                tmp = self.path.with_name(self.path.name + ".tmp")
                tmp.write_text("".join(json.dumps(["suspect", p]) + "\n"
                                       for p in sorted(self._untried)), encoding="utf-8")
                os.replace(tmp, self.path)
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()

    @contextlib.contextmanager
    def appending(self) -> Iterator[DecodeJournal]:
        """Journal lone decodes before a run (the INT8 self-check) after what is there; the
        journal stays for the run, whose :meth:`recover` then sees a crash here too."""
        with self._opened():
            yield self

    @contextlib.contextmanager
    def _opened(self, flags: int = 0) -> Iterator[None]:
        """The journal open for appending (``flags``: more ``os.open`` flags) while inside."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | flags, 0o600)
        try:
            yield
        finally:
            fd, self._fd = self._fd, None
            os.close(fd)

    def started(self, path: str, *, alone: bool = False) -> None:
        """A decode of ``path`` begins (``alone``: nothing else is being decoded)."""
        if alone:
            self._untried.discard(path)
        self._write("alone" if alone else "start", path)

    def ended(self, path: str) -> None:
        """The decode of ``path`` returned (decoded or failed, but the process lives)."""
        self._write("end", path)

    def _write(self, mark: str, path: str) -> None:
        if self._fd is None:
            return
        data = (json.dumps([mark, path]) + "\n").encode("ascii")  # JSON escapes the rest
        with self._lock:
            os.write(self._fd, data)
