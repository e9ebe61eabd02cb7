"""AlbumsPanel: albums listed, photos dropped onto one, delete asks and says the photos stay."""

from __future__ import annotations

from datetime import datetime

import pytest

from photoalbum.gui.itemmodels.photo_grid import PHOTO_IDS_MIME
from photoalbum.gui.widgets.albums_panel import AlbumsPanel, photo_ids_of
from photoalbum.library.albums import AlbumInfo
from photoalbum.qt import Qt, QtCore, QtGui
from photoalbum.workers.thumbnails import ThumbnailLoader

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot):
    loader = ThumbnailLoader(max_threads=1)
    asked: list[str] = []
    p = AlbumsPanel(loader, confirm=lambda title, text: asked.append(text) or True)
    p.asked = asked
    qtbot.addWidget(p)
    p.resize(240, 400)
    p.show()
    qtbot.waitExposed(p)
    p.set_albums(
        [
            AlbumInfo(1, "Beach", datetime(2024, 1, 1), 4, 0, None),
            AlbumInfo(2, "Trip", datetime(2024, 1, 1), 9, 2, None),
        ]
    )
    yield p
    loader.shutdown(5000)


def _drop(panel: AlbumsPanel, row: int, ids: bytes) -> None:
    mime = QtCore.QMimeData()
    mime.setData(PHOTO_IDS_MIME, QtCore.QByteArray(ids))
    view = panel.list
    pos = QtCore.QPointF(view.visualItemRect(view.item(row)).center())
    event = QtGui.QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)


def test_photos_dropped_on_an_album_are_added_to_it(panel):
    dropped: list = []
    panel.photos_dropped.connect(lambda album, ids: dropped.append((album, ids)))
    _drop(panel, 1, b"7,8,9")
    assert dropped == [(2, (7, 8, 9))]
    assert photo_ids_of(QtCore.QMimeData()) == ()  # a drag from elsewhere adds nothing


def test_delete_asks_and_says_the_photos_stay(panel):
    deleted: list[int] = []
    panel.delete_requested.connect(deleted.append)
    panel.list.setCurrentRow(0)
    panel.delete_button.click()
    assert deleted == [1]
    assert "The photos stay in your library and on disk" in panel.asked[-1]


def test_an_open_album_with_missing_photos_offers_to_remove_them(panel):
    panel.set_open(2, 2)
    assert panel.missing_button.isVisible() and "2 photos" in panel.missing_label.text()
    removed: list[int] = []
    panel.remove_missing_requested.connect(removed.append)
    panel.missing_button.click()
    assert removed == [2]
    panel.set_open(None)
    assert not panel.missing_button.isVisible()
