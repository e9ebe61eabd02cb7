"""PhotoGridModel and its view: model checks, lazy details and thumbnails, 100k rows, patching."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.ports import Photo, PhotoMeta, PhotoStatus
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.widgets.photo_grid_view import PhotoGridView
from photoalbum.qt import Qt, QtCore, QtGui
from photoalbum.workers.thumbnails import ThumbnailLoader
from tests.support.photos import make_sample_photos

pytestmark = pytest.mark.gui


def photo(pid: int, path: str, fingerprint: str | None = None) -> Photo:
    return Photo(
        id=pid,
        path=path,
        root_id=1,
        size=1000,
        mtime_ns=pid * 10**9,
        status=PhotoStatus.INDEXED,
        fingerprint=fingerprint,
        meta=PhotoMeta(320, 240, taken_at=datetime(2024, 1, 1 + pid % 28)),
    )


@pytest.fixture
def loader():
    loader = ThumbnailLoader(max_threads=2)
    yield loader
    loader.shutdown(5000)


@pytest.fixture
def model(qtbot, loader, tmp_path):
    thumbs = tmp_path / "thumbs"
    return PhotoGridModel(loader, lambda fp: thumbs / f"{fp}.jpg", thumb_size=96)


def answer_info_requests(model: PhotoGridModel, table: dict[int, Photo]) -> list[list[int]]:
    """Play the search worker: answer details requests from ``table``."""
    asked: list[list[int]] = []

    def answer(ids):
        asked.append(list(ids))
        model.add_photos([table[i] for i in ids if i in table])

    model.info_requested.connect(answer)
    return asked


def test_model_passes_qt_model_tester(qtmodeltester, model, tmp_path):
    files = make_sample_photos(tmp_path / "p", ("coffee", "cat", "rocket"))
    table = {i + 1: photo(i + 1, str(f)) for i, f in enumerate(files)}
    answer_info_requests(model, table)
    model.set_results([1, 2, 3], [3.0, 2.0, 1.0], list(table.values()))
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)  # Qt's own tester too (its complaints are Qt warnings: failures)
    model.update_ids([3, 2, 1])
    model.update_ids([1, 3])
    model.remove_ids([3])
    assert model.ids.tolist() == [1]


def test_details_and_thumbnails_load_lazily(qtbot, model, loader, tmp_path):
    files = make_sample_photos(tmp_path / "p", ("coffee", "cat"))
    (tmp_path / "thumbs").mkdir()
    # Photo 1 has a cached thumbnail (a distinct 8x8 red image); photo 2 falls back to its file.
    QtGui.QImage(8, 8, QtGui.QImage.Format.Format_RGB32).save(str(tmp_path / "thumbs" / "fp1.jpg"))
    table = {1: photo(1, str(files[0]), "fp1"), 2: photo(2, str(files[1]), None)}
    asked = answer_info_requests(model, table)
    model.set_results([1, 2])
    assert model.data(model.index(0, 0)) == ""  # details not known yet: asked for
    qtbot.waitUntil(lambda: bool(asked), timeout=2000)
    assert asked == [[1, 2]]  # one request for the page, not one per row
    assert model.data(model.index(0, 0)) == Path(files[0]).name
    assert model.data(model.index(0, 0), PhotoGridModel.PhotoIdRole) == 1
    assert model.data(model.index(1, 0), PhotoGridModel.ScoreRole) is None
    for row in (0, 1):
        model.data(model.index(row, 0), Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(
        lambda: all(model.data(model.index(r, 0), PhotoGridModel.LoadedRole) for r in (0, 1)),
        timeout=5000,
    )
    thumb = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert (thumb.width(), thumb.height()) == (8, 8)  # from the cache, not the photo
    fallback = model.data(model.index(1, 0), Qt.ItemDataRole.DecorationRole)
    assert max(fallback.width(), fallback.height()) == 96  # decoded (scaled) from the file
    mime = model.mimeData([model.index(0, 0), model.index(1, 0)])
    assert [u.toLocalFile() for u in mime.urls()] == [str(f) for f in files]


@pytest.mark.qt_log_ignore("Unsupported marker type", "Corrupt JPEG", "Premature end")
def test_broken_image_gets_a_placeholder_not_a_crash(qtbot, model, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff not really")
    answer_info_requests(model, {1: photo(1, str(bad), None)})
    model.set_results([1])
    model.data(model.index(0, 0))
    qtbot.waitUntil(lambda: model.photo(0) is not None, timeout=2000)
    model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(lambda: bool(model._broken), timeout=5000)
    assert isinstance(model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole), QtGui.QPixmap)


def test_100k_rows_load_only_what_is_visible(qtbot, loader, tmp_path):
    [file] = make_sample_photos(tmp_path / "p", ("coffee",))
    n = 100_000
    model = PhotoGridModel(loader, lambda fp: tmp_path / "none" / fp, thumb_size=64)
    asked = []

    def answer(ids):  # every row is the same small photo (distinct keys: distinct loads)
        asked.extend(ids)
        model.add_photos([photo(i, str(file), f"{i:032x}") for i in ids])

    model.info_requested.connect(answer)
    view = PhotoGridView()
    view.set_thumbnail_size(64)
    view.setModel(model)
    view.resize(800, 600)
    qtbot.addWidget(view)
    model.set_results(np.arange(1, n + 1))
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: loader.requested > 0, timeout=5000)
    qtbot.wait(200)
    assert model.rowCount() == n
    visible = view.visible_rows()
    on_screen = visible[1] - visible[0] + 1
    assert 10 <= on_screen <= 200
    assert len(asked) <= 4 * 64  # details for a few pages around the screen, not 100k
    assert loader.requested <= 2 * on_screen + 64
    # Scrolling to the end loads the end, and drops what scrolled past.
    requested_before = loader.requested

    def at_bottom() -> bool:  # the batched layout may still be running: scroll until it is done
        view.scrollToBottom()
        return view.visible_rows()[1] == n - 1

    qtbot.waitUntil(at_bottom, timeout=5000)
    qtbot.waitUntil(lambda: loader.requested > requested_before, timeout=5000)
    qtbot.wait(300)
    assert loader.requested - requested_before <= 2 * on_screen + 64
    assert loader.pending("grid") <= 3 * on_screen


def test_update_ids_patches_rows_and_keeps_selection(qtbot, model):
    answer_info_requests(model, {})
    model.set_results([50, 40, 30, 20, 10])
    inserted, removed, resets = [], [], []
    model.rowsInserted.connect(lambda p, a, b: inserted.append((a, b)))
    model.rowsRemoved.connect(lambda p, a, b: removed.append((a, b)))
    model.modelReset.connect(lambda: resets.append(1))
    selection = QtCore.QItemSelectionModel(model)
    selection.select(model.index(2, 0), QtCore.QItemSelectionModel.SelectionFlag.Select)
    model.update_ids([60, 50, 45, 40, 30, 10])  # 60 and 45 new, 20 gone
    assert model.ids.tolist() == [60, 50, 45, 40, 30, 10]
    assert removed == [(3, 3)] and inserted == [(0, 0), (2, 2)] and not resets
    assert [i.row() for i in selection.selectedIndexes()] == [4]  # still photo 30
    assert model.data(selection.selectedIndexes()[0], PhotoGridModel.PhotoIdRole) == 30
    model.update_ids([10, 30])  # order changed: a reset
    assert resets and model.ids.tolist() == [10, 30]
    model.set_results([1, 2], [0.9, 0.5])
    model.update_ids([1, 2])  # results → listing: a reset, scores gone
    assert not model.has_scores


def test_a_video_hits_moment_reaches_the_grid(qtbot, model, tmp_path):
    table = {1: photo(1, str(tmp_path / "a.jpg")), 2: photo(2, str(tmp_path / "walk.mp4"))}
    answer_info_requests(model, table)
    model.set_results([2, 1, 3], [0.9, 0.5, 0.4], list(table.values()), moments=[83.4, np.nan, 0])
    role = PhotoGridModel.MomentRole
    assert [model.data(model.index(r, 0), role) for r in range(3)] == [83.4, None, 0.0]
    assert model.moment(0) == 83.4 and model.moment(1) is None and model.moment(7) is None
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("best match at 1:23")
    model.remove_ids([2])  # the moments stay with their rows
    assert [model.moment(r) for r in range(2)] == [None, 0.0]
    model.set_results([1, 2], [0.9, 0.5])  # results without videos: no moments
    assert model.data(model.index(1, 0), role) is None
    model.set_results([1, 2], [0.9, 0.5], moments=[np.nan, 2.0])
    model.update_ids([1, 2])  # results → listing: a reset, moments gone
    assert model.moment(1) is None


def test_a_fast_fling_reaches_the_end_of_100k_rows_while_details_arrive(qtbot, loader, tmp_path):
    """Details (and thumbnails, marks) arriving for the rows on screen must not lay the whole
    grid out again: the view lays 100k rows out in batches, and a relayout restarted at each
    arrival kept a fling from getting past the first few thousand rows."""
    from photoalbum.gui.delegates.thumbnail_delegate import ThumbnailDelegate

    n = 100_000
    model = PhotoGridModel(loader, lambda fp: tmp_path / f"{fp}.jpg", thumb_size=168)
    table = {i: photo(i, str(tmp_path / f"missing-{i}.jpg")) for i in range(1, n + 1)}
    model.info_requested.connect(  # answered a turn later, as the search worker's would be
        lambda ids: QtCore.QTimer.singleShot(0, lambda: model.add_photos([table[i] for i in ids]))
    )
    view = PhotoGridView(ThumbnailDelegate(168))
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1040, 800)
    view.show()
    qtbot.waitExposed(view)
    model.update_ids(np.arange(n, 0, -1))
    bar = view.verticalScrollBar()
    deadline = QtCore.QDeadlineTimer(30_000)
    while view.visible_rows()[1] < n - 1 and not deadline.hasExpired():
        # A fling, never waiting for the layout to finish (a long stride: the test is about
        # where it can get, not how fast this machine paints).
        bar.setValue(min(bar.maximum(), bar.value() + 40 * view.viewport().height()))
        qtbot.wait(16)
    assert view.visible_rows()[1] == n - 1
