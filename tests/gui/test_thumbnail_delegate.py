"""ThumbnailDelegate: cells are composed once and repainted with one cached pixmap each."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from photoalbum.gui.delegates.thumbnail_delegate import ThumbnailDelegate
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.widgets.photo_grid_view import PhotoGridView
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets
from photoalbum.workers.thumbnails import ThumbnailLoader
from tests.gui.test_photo_grid import photo

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot, tmp_path):
    loader = ThumbnailLoader(max_threads=1)
    model = PhotoGridModel(loader, lambda fp: tmp_path / f"{fp}.jpg", thumb_size=64)
    photos = [photo(i, str(tmp_path / f"IMG_{i}.jpg"), f"fp{i}") for i in range(1, 41)]
    model.set_results(np.arange(1, 41), [0.5] * 40, photos=photos)
    thumb = QtGui.QPixmap(64, 48)
    thumb.fill(QtGui.QColor("steelblue"))
    for p in photos:
        model._pixmaps[p.fingerprint] = thumb  # as if every thumbnail had loaded
    view = PhotoGridView(ThumbnailDelegate(64))
    view.setModel(model)
    view.resize(400, 300)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    yield view
    loader.shutdown(5000)


def composed(view: PhotoGridView) -> list[tuple]:
    calls: list[tuple] = []
    delegate = view.itemDelegate()
    real = delegate._compose
    delegate._compose = lambda key, *a: calls.append(key) or real(key, *a)
    return calls


def test_a_repaint_reuses_the_composed_cells(view) -> None:
    calls = composed(view)
    view.itemDelegate().set_cell(64)  # forget what showing the view composed
    view.viewport().repaint()
    first = len(calls)
    assert first > 0  # the visible cells, composed once
    view.viewport().repaint()
    assert len(calls) == first  # nothing composed again
    view.setCurrentIndex(view.model().index(0, 0))  # selected: that cell is drawn anew
    view.viewport().repaint()
    assert len(calls) == first + 1 and calls[-1][2] is True


def test_model_cell_matches_data(view) -> None:
    model: PhotoGridModel = view.model()
    pixmap, caption = model.cell(3)
    index = model.index(3, 0)
    assert caption == index.data(PhotoGridModel.CaptionRole)
    assert caption[1].endswith("0.50")  # the score is shown for results
    assert pixmap.cacheKey() == index.data(Qt.ItemDataRole.DecorationRole).cacheKey()
    assert model.cell(10**6) == (None, None)


def test_composed_cell_is_opaque_and_shows_the_thumbnail(view) -> None:
    view.viewport().repaint()
    cells = list(view.itemDelegate()._cells.values())
    assert cells and not cells[0].hasAlphaChannel()
    image = view.viewport().grab().toImage()
    rect = view.visualRect(view.model().index(0, 0))
    center = image.pixelColor(rect.center().x(), rect.y() + 6 + 32)
    assert center == QtGui.QColor("steelblue")


def test_timeline_headers_and_the_approximate_mark_are_painted(view) -> None:
    from photoalbum.gui.itemmodels.timeline import TimelineIndex

    model: PhotoGridModel = view.model()
    model.set_results(model.ids.copy())  # unscored: a listing
    view.itemDelegate().set_cell(64)
    calls = composed(view)
    dates = np.datetime64("2024-03-12T10:00:00") - (np.arange(40) // 3).astype("timedelta64[D]")
    approx = np.zeros(40, bool)
    approx[1] = True
    model.set_timeline(TimelineIndex(model.ids.copy(), dates, approx))
    view.viewport().repaint()
    badges = {key[-1] for key in calls}
    assert ("March 2024 · Tue 12", True, False, False, 0) in badges  # the month's first photo
    assert ("", False, True, False, 0) in badges  # a photo dated by its file's time
    assert ("Mon 11 Mar", False, False, False, 0) in badges  # the next day's first photo

    delegate = view.itemDelegate()
    option = QtWidgets.QStyleOptionViewItem()
    option.initFrom(view)
    size = delegate.cell_size(view.font())

    def drawn(b: tuple, show_heart: bool = False) -> QtGui.QImage:
        pixmap = QtGui.QPixmap(size)
        pixmap.fill(QtGui.QColor("white"))
        painter = QtGui.QPainter(pixmap)
        delegate._paint_badges(painter, pixmap.rect(), option, b, show_heart=show_heart)
        painter.end()
        return pixmap.toImage()

    blank = drawn(("", False, False, False, 0))
    marked = drawn(("", False, True, False, 0))
    corner = QtCore.QPoint(delegate.margin + 64 - 10, delegate.margin + 64 - 10)
    assert marked.pixelColor(corner) != blank.pixelColor(corner)  # the "≈" mark
    headed = drawn(("Mon 11 Mar", False, False, False, 0))
    top = QtCore.QPoint(size.width() - 3, 3)
    assert headed.pixelColor(top) != blank.pixelColor(top)  # the header band
    heart = delegate.heart_rect(
        QtCore.QRect(QtCore.QPoint(0, 0), size), option.fontMetrics.height()
    )
    rated = drawn(("", False, False, True, 3))
    assert rated != drawn(("", False, False, False, 3))  # the heart fills for a favourite
    assert blank != drawn(("", False, False, False, 0), show_heart=True)  # under the pointer
    y = heart.center().y()
    row = [rated.pixelColor(x, y) for x in range(heart.right() + 2, size.width())]
    assert any(c.red() > 200 and c.blue() < 100 for c in row)  # gold stars


def test_a_video_cell_shows_its_duration_with_a_play_mark(view, tmp_path) -> None:
    from photoalbum.core.video import decode_video
    from tests.support.videos import make_video, solid

    clip = make_video(tmp_path / "walk.mp4", [(solid((200, 30, 30)), 3)])
    meta = decode_video(str(clip)).meta
    model: PhotoGridModel = view.model()
    video = dataclasses.replace(photo(2, str(clip), "fp2"), meta=meta)
    long = dataclasses.replace(
        photo(3, str(tmp_path / "film.mkv"), "fp3"),
        meta=dataclasses.replace(meta, duration_s=3723.4),
    )
    unknown = dataclasses.replace(
        photo(4, str(tmp_path / "cut.mov"), "fp4"), meta=dataclasses.replace(meta, duration_s=None)
    )
    model.add_photos([video, long, unknown])
    assert [model.video_badge(r) for r in range(5)] == [None, "0:03", "1:02:03", "", None]
    assert model.video_badge(10**6) is None

    delegate = view.itemDelegate()
    delegate.set_cell(64)
    calls = composed(view)
    view.viewport().repaint()
    shown = {key[1][0]: key[-2] for key in calls}  # file name → the video badge composed
    assert shown["walk.mp4"] == "0:03" and shown["IMG_1.jpg"] is None

    image = view.viewport().grab().toImage()
    fm = view.fontMetrics()

    def badge_pixels(row: int) -> list[QtGui.QColor]:
        cell = view.visualRect(model.index(row, 0))
        box = delegate.video_badge_rect(cell, cell.y() + delegate.margin + 3, fm, "0:03")
        y = box.center().y()
        return [image.pixelColor(x, y) for x in range(box.left() + 2, box.right() - 1)]

    steel = QtGui.QColor("steelblue")
    assert all(c == steel for c in badge_pixels(0))  # a photo: the thumbnail only
    video_px = badge_pixels(1)
    assert steel not in video_px  # the dark pill covers the corner
    assert any(c.lightness() > 200 for c in video_px)  # the white play mark and digits
