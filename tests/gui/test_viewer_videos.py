"""The viewer on a video (the frame at the matched moment, a play button) and a Live Photo."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.core.ports import Photo
from photoalbum.core.text import TextLine
from photoalbum.gui.dialogs import viewer as viewer_module
from photoalbum.gui.dialogs.viewer import ViewerDialog
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.qt import QtCore, QtGui
from tests.gui.test_photo_grid import photo
from tests.gui.test_viewer_files import _info
from tests.support.photos import make_sample_photos, snapshot
from tests.support.viewer_media import BLUE, RED, open_viewer, viewer_media

pytestmark = pytest.mark.gui


@pytest.fixture
def media(tmp_path) -> tuple[Photo, Photo]:
    """A 6-second video (red, green, blue scenes of 2 s) and a Live Photo with its movie."""
    return viewer_media(tmp_path)


def _shown_colour(viewer: ViewerDialog) -> tuple[int, int, int]:
    colour = viewer.view.item.pixmap().toImage().pixelColor(2, 2)
    return colour.red(), colour.green(), colour.blue()


def _no_multimedia(monkeypatch, reason: str = "libpulse.so.0: cannot open shared object file"):
    """Qt Multimedia cannot be loaded (as without libpulse on Linux)."""

    def fail():
        raise ImportError(reason)

    monkeypatch.setattr(viewer_module, "multimedia", fail)


def test_without_qt_multimedia_a_video_opens_in_the_desktops_player(
    qtbot, loader, tmp_path, media, monkeypatch
) -> None:
    _no_multimedia(monkeypatch)
    video, live = media
    before = snapshot(tmp_path)
    opened: list[QtCore.QUrl] = []
    viewer = open_viewer(qtbot, loader, tmp_path, [video, live], [4.2, float("nan")], opened)
    qtbot.waitUntil(lambda: viewer.full_loaded, timeout=10000)
    assert _shown_colour(viewer) == pytest.approx(BLUE, abs=16)  # the frame at 0:04
    assert viewer.view.item.pixmap().size() == QtCore.QSize(64, 48)
    assert viewer.moment_caption.text() == "Moment 0:04 of 0:06"
    assert viewer.media_bar.isVisible() and not viewer.live_button.isVisible()
    assert viewer.play_button.text() == "Play from 0:04"
    info = _info(viewer)
    assert ("Media:", "Video") in info and ("Duration:", "0:06") in info
    viewer.play_button.click()  # Qt Multimedia fails to load: the desktop's player takes it
    assert opened == [QtCore.QUrl.fromLocalFile(video.path)]
    assert opened[0].isLocalFile()
    assert viewer.player is None and viewer.stage.currentWidget() is viewer.view
    assert viewer.open_button.isVisible() and not viewer.play_button.isVisible()
    assert "skip to the moment yourself" in viewer.open_button.toolTip()
    assert viewer.playback_note.isVisible()
    assert viewer.playback_note.text() == (
        "Videos cannot be played here (Qt Multimedia: libpulse.so.0: cannot open shared object "
        "file)."
    )
    assert viewer.moment_caption.text() == "Moment 0:04 of 0:06"  # the frame stays
    viewer.open_button.click()
    assert opened[-1] == QtCore.QUrl.fromLocalFile(video.path)

    viewer.show_next()  # the Live Photo: its still, and a button opening its movie
    assert viewer.open_button.isVisible() and not viewer.live_button.isVisible()
    assert not viewer.play_button.isVisible()
    assert viewer.moment_caption.text() == ""
    assert not any(label in ("Media:", "Duration:") for label, _ in _info(viewer))
    viewer.open_button.click()
    assert opened[-1] == QtCore.QUrl.fromLocalFile(live.companions[0].path)
    assert snapshot(tmp_path) == before  # nothing written next to the media


def test_a_video_without_a_moment_shows_its_first_moment(qtbot, loader, tmp_path, media) -> None:
    video, _ = media
    opened: list[QtCore.QUrl] = []
    viewer = open_viewer(qtbot, loader, tmp_path, [video], None, opened)  # a listing: no moments
    qtbot.waitUntil(lambda: viewer.full_loaded, timeout=10000)
    assert _shown_colour(viewer) == pytest.approx(RED, abs=16)
    assert viewer.moment_caption.text() == "Video, 0:06 long"
    assert viewer.play_button.text() == "Play"


def test_a_photo_has_no_media_bar(qtbot, loader, tmp_path) -> None:
    [still] = make_sample_photos(tmp_path / "p", ("cat",))
    viewer = open_viewer(qtbot, loader, tmp_path, [photo(1, str(still), "fp1")], None, [])
    assert not viewer.media_bar.isVisible()
    assert viewer.play_video() is False and viewer.play_live_photo() is False


def test_a_player_that_is_missing_is_said(qtbot, loader, tmp_path, media, monkeypatch) -> None:
    _no_multimedia(monkeypatch)
    video, _ = media
    urls: list[QtCore.QUrl] = []
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda url: urls.append(url) or False)
    model = PhotoGridModel(loader, lambda fp: tmp_path / f"{fp}.jpg", thumb_size=64)
    model.set_results([1], [0.9], [video], moments=[2.0])
    viewer = ViewerDialog(model, loader, 0)  # no opener given: the desktop's
    qtbot.addWidget(viewer)
    assert viewer.play_button.text() == "Play from 0:02"
    assert viewer.play_video() is False
    assert urls == [QtCore.QUrl.fromLocalFile(video.path)]
    assert viewer.title.text() == f"No application opens {Path(video.path).name}"


def test_a_videos_text_is_outlined_only_on_the_moment_it_was_read_in(
    qtbot, loader, tmp_path, media
) -> None:
    video, _ = media
    model = PhotoGridModel(loader, lambda fp: tmp_path / "thumbs" / f"{fp}.jpg", thumb_size=64)
    model.set_results([video.id], [0.9], [video], moments=[4.0])
    viewer = ViewerDialog(model, loader, 0, words=("stop",), open_url=lambda url: True)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.full_loaded, timeout=10000)
    box = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))
    lines = [TextLine("STOP", 0.9, box, 0.0), TextLine("Stop here", 0.9, box, 4.0)]
    viewer.set_text_lines(video.id, lines)
    assert len(viewer.view.highlights) == 1  # the moment shown (0:04), not the sign at 0:00
    assert [ln.text for ln in viewer.text_lines] == ["STOP", "Stop here"]  # both listed
    model.set_results([video.id], [0.9], [video], moments=[2.0])
    viewer.set_text_lines(video.id, lines)
    assert viewer.view.highlights == []
