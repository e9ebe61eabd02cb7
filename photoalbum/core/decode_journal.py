"""Which photos were being decoded when a process died, so one that crashes the decoder is isolated.

A photo that makes a native decoder crash (a segfault in libjpeg, libheif, …) kills the process
and would kill every later run at the same photo, so the photos after it would never be indexed.
The indexer therefore notes each decode's start and end in an append-only journal in the library
(one ``write`` each, no fsync: a killed process's writes survive, only a power cut loses them,
and then the next run just decodes as usual). A run that ends, however it ends, removes the
journal, or keeps just the suspects it did not get to. When a run starts and finds one, the
process before it died:

* photos it was decoding among others are *suspects*: decoded last, one at a time;
* a photo it was decoding *alone* has one more *lone death*; once it has
  :data:`LONE_DEATHS` of them it is the *culprit*: recorded as failed (:func:`crash_reason`,
  which names the decoder libraries' versions), not opened again until the file changes or
  those libraries do (:func:`crash_retry_due`). With fewer it stays a suspect.

The INT8 self-check that precedes a library's first run decodes its sample one at a time: its
decodes are journaled as lone ones (:meth:`DecodeJournal.appending`), and it skips the photos a
process died on, so a hostile photo in that sample cannot stop every run before indexing starts.

A process killed for another reason (kill -9, out of memory) only makes its in-flight photos
suspects: they are decoded alone, succeed, and nothing is lost. One kill during a lone decode
is not enough to condemn a photo either (two kills in a row, the second while a photo was
decoded alone, used to record a valid photo as failed for good): it takes a second lone death.
The app restarts a child that died this way at once (:mod:`photoalbum.workers.index_runner`);
a CLI ``index`` does it on its next run.

File format: one JSON array per line, ``[mark, path]``; mark ``"start"``, ``"alone"``, ``"end"``
or ``"suspect"`` (carried over from an earlier death: ``["suspect", path, lone deaths]``). JSON
keeps any file name on one line. The journal is not fsynced; a full disk while writing it is a
:class:`~photoalbum.core.errors.DiskFullError` (the run stops with that message).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from photoalbum.core.durable import disk_full, is_disk_full, write_atomically
from photoalbum.core.errors import DiskFullError

logger = logging.getLogger(__name__)

#: Lone-decode deaths that make a photo the culprit (one can be a kill for another reason).
LONE_DEATHS = 2
#: How every failure reason recorded for a culprit begins (reasons of older versions too).
CRASH_PREFIX = "the image decoder crashed on this file"
#: The libraries whose native code decodes photos; a new version of one retries culprits.
DECODER_LIBRARIES = ("Pillow", "pillow-heif", "rawpy")  # rawpy: LibRaw inside


def decoder_versions() -> str:
    """The decoder libraries' versions, e.g. ``"Pillow 11.0.0, pillow-heif 0.20.0"``."""
    parts = []
    for name in DECODER_LIBRARIES:
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} absent")
    return ", ".join(parts)


def crash_reason(versions: str) -> str:
    """The failure reason recorded for a culprit, naming the decoder ``versions`` it crashed."""
    return f"{CRASH_PREFIX} (decoding it alone, {LONE_DEATHS} times; {versions})"


def crash_retry_due(reason: str | None, versions: str) -> bool:
    """True for a culprit's failure ``reason`` recorded under other decoder ``versions`` (an
    upgrade may have fixed the crash: the photo is tried again)."""
    return reason is not None and reason.startswith(CRASH_PREFIX) and f"; {versions})" not in reason


@dataclass(frozen=True)
class Recovered:
    """What the journal of a process that died says.

    ``deaths``: lone-decode deaths so far of each suspect that has any (culprits have
    :data:`LONE_DEATHS`); the next session carries them.
    """

    suspects: frozenset[str] = field(default_factory=frozenset)
    culprits: frozenset[str] = field(default_factory=frozenset)
    deaths: Mapping[str, int] = field(default_factory=dict)

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
        self._untried: dict[str, int] = {}  # suspect -> lone deaths so far
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
        carried: dict[str, int] = {}  # path -> lone deaths before this journal's run
        for line in data.splitlines():
            try:
                mark, path, *rest = json.loads(line)
            except (ValueError, TypeError):
                continue  # a line cut short by the death
            if not isinstance(path, str):
                continue
            if mark == "end":
                open_.pop(path, None)
            elif (
                mark == "alone" or mark == "suspect" or open_.get(path) not in ("alone", "suspect")
            ):
                open_[path] = str(mark)
            if mark == "suspect" and rest and isinstance(rest[0], int):
                carried[path] = max(0, rest[0])
        deaths = {p: carried.get(p, 0) + (m == "alone") for p, m in open_.items()}
        culprits = frozenset(p for p, n in deaths.items() if n >= LONE_DEATHS)
        dead = Recovered(
            suspects=frozenset(open_) - culprits,
            culprits=culprits,
            deaths={p: n for p, n in deaths.items() if n and p not in culprits},
        )
        if dead.photos:
            logger.warning(
                "the last indexing run died while decoding %d photo(s): %s",
                len(dead.photos),
                ", ".join(sorted(dead.photos)[:5]),
            )
        return dead

    @contextlib.contextmanager
    def session(
        self, suspects: Iterable[str] = (), deaths: Mapping[str, int] | None = None
    ) -> Iterator[DecodeJournal]:
        """Journal one run's decodes; ``suspects`` are carried over until decoded alone, with
        their lone-decode ``deaths`` so far (:attr:`Recovered.deaths`).

        When the run ends (by return or by exception) the journal is removed, or holds just the
        suspects not yet decoded alone (a cancelled run), so the next run still isolates them.
        """
        deaths = deaths or {}
        self._untried = {p: int(deaths.get(p, 0)) for p in suspects}
        try:
            with self._opened(os.O_TRUNC):
                for path in sorted(self._untried):
                    self._write("suspect", path, self._untried[path])
                yield self
        finally:
            if self._untried:
                self._keep_untried()
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()

    def _keep_untried(self) -> None:
        """Leave just the untried suspects in the journal. If that cannot be written (a full
        disk), the whole journal stays: it says the same about them (they are still open)."""
        text = "".join(
            json.dumps(["suspect", p, n]) + "\n" for p, n in sorted(self._untried.items())
        )
        try:
            # Not fsynced, like the journal's own lines: a power cut loses nothing that matters.
            write_atomically(self.path, text.encode("ascii"), durable=False)
        except (OSError, DiskFullError) as exc:
            logger.warning(
                "could not shorten the decode journal %s (%s); keeping it whole", self.path, exc
            )

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
            self._untried.pop(path, None)
        self._write("alone" if alone else "start", path)

    def ended(self, path: str) -> None:
        """The decode of ``path`` returned (decoded or failed, but the process lives)."""
        self._write("end", path)

    def _write(self, mark: str, path: str, *extra: int) -> None:
        if self._fd is None:
            return
        data = (json.dumps([mark, path, *extra]) + "\n").encode("ascii")  # JSON escapes the rest
        with self._lock:
            try:
                written = os.write(self._fd, data)
            except OSError as exc:
                if is_disk_full(exc):  # decoding on unjournaled would give up crash isolation
                    raise disk_full(self.path, "the decode journal") from exc
                raise
        if written < len(data):  # a short write: the disk filled up mid-line
            raise disk_full(self.path, "the decode journal")
