"""The viewer plays a video in place from its matched moment, and a Live Photo's movie (Qt
Multimedia); a file it cannot play falls back to the desktop's player."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from photoalbum.core.ports import Photo
from photoalbum.gui.dialogs.viewer import ViewerDialog
from photoalbum.qt import Qt, QtCore
from tests.gui.test_photo_grid import photo
from tests.support.photos import make_sample_photos, snapshot
from tests.support.viewer_media import BLUE, GREEN, open_viewer, viewer_media

ROOT = Path(__file__).resolve().parents[2]

#: What Qt Multimedia warns about on a machine without a sound server or a GPU (it plays anyway),
#: and FFmpeg's complaint about the broken file.
MULTIMEDIA_NOISE = pytest.mark.qt_log_ignore(
    r"PulseAudioService",
    r"No audio device detected",
    r"No RHI backend",
    r"Could not open media",
    r"This plugin does not support raise\(\)",  # the offscreen platform, for the video surface
)
pytestmark = [pytest.mark.gui, MULTIMEDIA_NOISE]

TIMEOUT = 30000  # ms: generous, the machine may be busy; nothing here depends on its speed


@pytest.fixture
def media(tmp_path) -> tuple[Photo, Photo]:
    """A 6-second video with sound (red, green, blue scenes of 2 s) and a Live Photo whose
    1-second movie is green."""
    return viewer_media(tmp_path, audio=True)


class Frames(QtCore.QObject):
    """The frames the player's video sink shows: (start time in seconds, colour at (2, 2)).

    A QObject of the GUI thread: the sink may signal from its own thread, and the frames are
    then read here, queued, not on that thread.
    """

    def __init__(self, viewer: ViewerDialog) -> None:
        super().__init__(viewer)
        assert viewer.player is not None
        self.seen: list[tuple[float, tuple[int, int, int]]] = []
        viewer.player.video.videoSink().videoFrameChanged.connect(self._on_frame)

    def _on_frame(self, frame) -> None:
        image = frame.toImage()
        if frame.isValid() and image.width() > 2 and image.height() > 2:
            c = image.pixelColor(2, 2)
            self.seen.append((frame.startTime() / 1e6, (c.red(), c.green(), c.blue())))


def _near(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(colour, expected, strict=True))


def test_a_video_hit_plays_in_the_viewer_from_its_matched_moment(
    qtbot, loader, tmp_path, media
) -> None:
    video, live = media
    before = snapshot(tmp_path)
    opened: list[QtCore.QUrl] = []
    viewer = open_viewer(qtbot, loader, tmp_path, [video, live], [4.2, float("nan")], opened)
    qtbot.waitUntil(lambda: viewer.full_loaded, timeout=TIMEOUT)
    assert viewer.player is None  # nothing of Qt Multimedia until something is played
    assert viewer.play_button.text() == "Play from 0:04"
    assert not viewer.open_button.isVisible() and not viewer.playback_note.isVisible()

    viewer.play_button.click()
    player = viewer.player
    assert player is not None and player.path == video.path
    frames = Frames(viewer)
    assert viewer.stage.currentWidget() is player
    qtbot.waitUntil(lambda: player.position_ms() >= 4300 and bool(frames.seen), timeout=TIMEOUT)
    assert opened == []  # played here, not handed to the desktop
    # It started at the moment that matched: no frame of the red or green scenes was shown.
    assert min(t for t, _ in frames.seen) >= 4.0
    assert all(_near(colour, BLUE) for _, colour in frames.seen)
    assert viewer.playing and viewer.play_button.text() == "Pause"
    assert viewer.position_slider.isVisible() and viewer.position_slider.maximum() >= 6000
    qtbot.waitUntil(lambda: viewer.time_label.text().endswith("/ 0:06"), timeout=TIMEOUT)
    assert viewer.time_label.text().startswith("0:04")

    viewer.play_button.click()  # pause: it stays where it is, with the file still loaded
    qtbot.waitUntil(lambda: not viewer.playing, timeout=TIMEOUT)
    assert viewer.play_button.text() == "Play"
    assert player.path == video.path
    paused_at = player.position_ms()
    qtbot.wait(300)
    assert player.position_ms() == paused_at

    viewer.show_next()  # leaving the item stops the player and lets go of the file
    assert player.path is None and player.player.source().isEmpty()
    assert viewer.stage.currentWidget() is viewer.view and not viewer.playing
    viewer.reject()  # closing the viewer deletes the player
    assert viewer.player is None
    assert snapshot(tmp_path) == before  # nothing written next to the media


def test_space_plays_and_pauses_a_video_and_closes_on_a_photo(
    qtbot, loader, tmp_path, media
) -> None:
    video, _ = media
    [still] = make_sample_photos(tmp_path / "p", ("cat",))
    viewer = open_viewer(qtbot, loader, tmp_path, [video, photo(3, str(still), "fp3")], None, [])
    qtbot.keyClick(viewer, Qt.Key.Key_Space)  # a listing (no moment): from the start
    player = viewer.player
    assert player is not None and viewer.isVisible()
    qtbot.waitUntil(lambda: player.position_ms() > 0 and viewer.playing, timeout=TIMEOUT)
    assert player.position_ms() < 4000
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not viewer.playing, timeout=TIMEOUT)
    assert viewer.isVisible() and player.path == video.path
    viewer.show_next()
    assert player.path is None
    qtbot.keyClick(viewer, Qt.Key.Key_Space)  # on a photo Space closes, as it always did
    assert not viewer.isVisible()


def test_a_live_photo_plays_its_movie_in_place_then_shows_its_still(
    qtbot, loader, tmp_path, media
) -> None:
    _, live = media
    opened: list[QtCore.QUrl] = []
    viewer = open_viewer(qtbot, loader, tmp_path, [live], None, opened)
    assert viewer.live_button.isVisible() and viewer.live_button.text() == "Live"
    assert not viewer.play_button.isVisible()
    viewer.live_button.click()
    player = viewer.player
    assert player is not None and player.path == live.companions[0].path
    assert viewer.stage.currentWidget() is player and viewer.live_button.text() == "Stop"
    frames = Frames(viewer)
    qtbot.waitUntil(lambda: bool(frames.seen), timeout=TIMEOUT)
    assert _near(frames.seen[0][1], GREEN)
    # At its end the still comes back and the movie is let go.
    qtbot.waitUntil(lambda: viewer.stage.currentWidget() is viewer.view, timeout=TIMEOUT)
    assert player.path is None and viewer.live_button.text() == "Live"
    assert opened == []
    viewer.live_button.click()  # again, then stopped by the button
    assert player.path == live.companions[0].path
    viewer.live_button.click()
    assert player.path is None and viewer.stage.currentWidget() is viewer.view


def test_a_file_the_player_cannot_read_falls_back_to_the_desktops_player(
    qtbot, loader, tmp_path, media
) -> None:
    video, _ = media
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 100)
    item = dataclasses.replace(video, id=7, path=str(broken))
    opened: list[QtCore.QUrl] = []
    viewer = open_viewer(qtbot, loader, tmp_path, [item, video], [2.0, 1.0], opened)
    viewer.play_button.click()
    qtbot.waitUntil(lambda: viewer.open_button.isVisible(), timeout=TIMEOUT)
    assert not viewer.play_button.isVisible() and viewer.stage.currentWidget() is viewer.view
    assert viewer.playback_note.text().startswith("It cannot be played here: ")
    assert viewer.player is not None and viewer.player.path is None
    viewer.open_button.click()
    assert opened == [QtCore.QUrl.fromLocalFile(str(broken))]
    viewer.show_next()  # the next video plays here again
    assert viewer.play_button.isVisible() and not viewer.open_button.isVisible()
    assert not viewer.playback_note.isVisible()


def test_the_app_does_not_load_qt_multimedia_until_a_video_is_played(tmp_path) -> None:
    code = (
        "import json, sys\n"
        "from photoalbum.qt import QtWidgets\n"
        "app = QtWidgets.QApplication([])\n"
        "import photoalbum.gui.app, photoalbum.gui.main_window\n"
        "from photoalbum.gui.dialogs.viewer import ViewerDialog\n"
        "print(json.dumps(sorted(m for m in sys.modules if 'Multimedia' in m)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
