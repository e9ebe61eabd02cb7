"""VideoPlayer: plays a video, or a Live Photo's movie, inside the viewer (Qt Multimedia)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from photoalbum.qt import Multimedia, QtCore, QtWidgets, Signal

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.qt import QtMultimedia, QtMultimediaWidgets

logger = logging.getLogger(__name__)


class VideoPlayer(QtWidgets.QWidget):
    """A video surface playing one file at a time, from a given moment, with its sound.

    Built only when something is to be played: ``mm`` is Qt Multimedia, which the viewer imports
    then (never at the app's start). The file is only read. The viewer owns the controls; this
    widget reports what they show.

    Signals:
        position_changed(int, int): the position and the duration, in milliseconds.
        playing_changed(bool): it started (True) or paused/stopped (False).
        finished(): the end of the file was reached.
        failed(str): the file cannot be played here (no playback backend, unreadable file); the
            reason, for the UI. The player has released the file by then.
    """

    position_changed = Signal(int, int)
    playing_changed = Signal(bool)
    finished = Signal()
    failed = Signal(str)

    def __init__(self, mm: Multimedia, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._mm = mm
        self.player: QtMultimedia.QMediaPlayer = mm.QtMultimedia.QMediaPlayer(self)
        self.audio: QtMultimedia.QAudioOutput = mm.QtMultimedia.QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.video: QtMultimediaWidgets.QVideoWidget = mm.QtMultimediaWidgets.QVideoWidget(self)
        self.video.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.player.setVideoOutput(self.video)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video)
        self.path: str | None = None  # the file loaded (None: released)
        self._start_ms = 0
        self._pending = False  # play once the file is loaded (its length and seeking known)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.errorOccurred.connect(self._on_error)
        self.player.positionChanged.connect(self._on_position)
        self.player.durationChanged.connect(self._on_position)
        self.player.playbackStateChanged.connect(self._on_state)

    # --- control -------------------------------------------------------------------------------
    def open(self, path: str, start_s: float | None = None) -> None:
        """Load ``path`` and play it from ``start_s`` seconds (its start by default).

        Loading runs in the background: playback starts when the file is loaded, and ``failed``
        says if it cannot be.
        """
        self.release()
        if not self.player.isAvailable():
            self.failed.emit(self.tr("Qt Multimedia has no playback backend on this system."))
            return
        self.path = path
        self._start_ms = max(0, round((start_s or 0.0) * 1000))
        self._pending = True
        self.player.setSource(QtCore.QUrl.fromLocalFile(path))

    def play(self) -> None:
        """Play (again from the start once the end was reached)."""
        if self.path is not None and not self._pending:
            self.player.play()

    def pause(self) -> None:
        """Pause where it is."""
        self.player.pause()

    def toggle(self) -> None:
        """Pause when playing, else play."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        """Go to ``ms`` milliseconds from the start."""
        self.player.setPosition(ms)

    def release(self) -> None:
        """Stop and let go of the file (its decoder and audio stream are closed)."""
        self._pending = False
        if self.path is None:
            return
        self.path = None
        self.player.stop()
        self.player.setSource(QtCore.QUrl())

    # --- state ---------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """True while it plays (or is about to, once the file is loaded)."""
        state = self._mm.QtMultimedia.QMediaPlayer.PlaybackState.PlayingState
        return self._pending or self.player.playbackState() == state

    def position_ms(self) -> int:
        """Where it is, in milliseconds from the start."""
        return int(self.player.position())

    def duration_ms(self) -> int:
        """The file's length in milliseconds (0 until it is loaded)."""
        return int(self.player.duration())

    # --- player events -------------------------------------------------------------------------
    def _on_status(self, status: object) -> None:
        status_enum = self._mm.QtMultimedia.QMediaPlayer.MediaStatus
        if status == status_enum.LoadedMedia and self._pending:
            self._pending = False
            if self._start_ms:
                self.player.setPosition(self._start_ms)
            self.player.play()
        elif status == status_enum.EndOfMedia and self.path is not None:
            self.finished.emit()

    def _on_error(self, error: object, message: str) -> None:
        if error == self._mm.QtMultimedia.QMediaPlayer.Error.NoError or self.path is None:
            return  # nothing wrong, or about a file already let go (the viewer moved on)
        logger.info("cannot play %s: %s", self.path, message)
        self.release()
        self.failed.emit(message or self.tr("The file cannot be played."))

    def _on_position(self, *_: object) -> None:
        self.position_changed.emit(self.position_ms(), self.duration_ms())

    def _on_state(self, *_: object) -> None:
        self.playing_changed.emit(self.playing)
