"""The real app (window, workers, engine) on the tiny random model: index, search, drop, viewer."""

from __future__ import annotations

import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoalbum.gui.app import App, build_app
from photoalbum.gui.controllers.search import SearchState
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.main_window import PAGE_FIRST_RUN, PAGE_LIBRARY, PAGE_MESSAGE, PAGE_SETUP
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets
from photoalbum.workers.messages import LibraryOptions
from tests.support.model_fixtures import TINY_SPEC, link_model
from tests.support.photos import SAMPLES, make_sample_photos, snapshot
from tests.workers.signals import wait_worker_signal

pytestmark = pytest.mark.gui


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "Photos"
    make_sample_photos(folder, SAMPLES[:8])
    return folder


class Harness:
    """The app built by the composition root, with test doubles for dialogs and the desktop."""

    def __init__(self, qtbot, paths, tmp_path, *, model: str | None = TINY_SPEC, **kw) -> None:
        self.qtbot = qtbot
        self.folder_answer: str | None = None
        self.opened_urls: list[str] = []
        self.confirmations: list[str] = []
        settings = QtCore.QSettings(str(tmp_path / "gui.ini"), QtCore.QSettings.Format.IniFormat)
        kw.setdefault("watch", False)
        self.app: App = build_app(
            paths,
            LibraryOptions(model=model),
            settings,
            open_url=lambda url: self.opened_urls.append(url.toLocalFile()),
            choose_folder=lambda: self.folder_answer,
            confirm=lambda title, text: self.confirmations.append(title) or True,
            persist_model=False,
            **kw,
        )
        self.window = self.app.window
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.app.start()

    def wait_search_ready(self, timeout: int = 20000) -> None:
        """Until the search worker has opened (and loaded its text tower)."""
        search = self.window.search_controller
        self.qtbot.waitUntil(lambda: search.state is SearchState.OPEN, timeout=timeout)

    def wait_page(self, page: int, timeout: int = 20000) -> None:
        self.qtbot.waitUntil(lambda: self.window.current_page() == page, timeout=timeout)

    def add_folder_and_wait(self, folder: Path, timeout: int = 60000):
        self.folder_answer = str(folder)
        with wait_worker_signal(
            self.qtbot, self.window.index_worker.run_finished, timeout
        ) as finished:
            self.window.add_folder()
        return finished.args[0]

    def wait_rows(self, n: int, timeout: int = 20000) -> None:
        self.qtbot.waitUntil(lambda: self.window.grid_model.rowCount() == n, timeout=timeout)

    def search(self, text: str, timeout: int = 20000) -> None:
        with self.qtbot.waitSignal(self.window.results_shown, timeout=timeout):
            self.window.search(text)

    def close(self) -> None:
        self.window.close()
        self.app.shutdown()


@pytest.fixture
def harness(qtbot, tiny_paths, tmp_path):
    made: list[Harness] = []

    def make(**kw) -> Harness:
        h = Harness(qtbot, kw.pop("paths", tiny_paths), tmp_path, **kw)
        made.append(h)
        return h

    yield make
    for h in made:
        h.close()


def test_first_run_add_folder_index_search_and_never_write_photos(harness, photos):
    before = snapshot(photos)
    h = harness()
    h.wait_page(PAGE_FIRST_RUN)
    assert h.window.first_run.button.isVisible()
    assert h.window.banner.isVisible()  # random weights: loudly labelled
    report = h.add_folder_and_wait(photos)
    assert report.indexed == 8 and report.failed == 0
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)  # new photos appear in the grid (browse listing, newest first)
    assert not h.window.grid_model.has_scores
    assert h.window.folder_model.roots() == [str(photos.resolve())]
    h.qtbot.waitUntil(lambda: h.window.status_label.text() == "8 photos", timeout=5000)
    h.qtbot.waitUntil(
        lambda: h.window.index_status.label.text() == "Library up to date", timeout=5000
    )

    h.search("a cat")
    model = h.window.grid_model
    assert 0 < model.rowCount() <= 8 and model.has_scores
    scores = [
        model.data(model.index(r, 0), PhotoGridModel.ScoreRole) for r in range(model.rowCount())
    ]
    assert scores == sorted(scores, reverse=True)
    status = h.window.status_label.text()
    assert status.startswith(f"{model.rowCount()} result") and " for “" in status
    # Thumbnails come from the engine's cache.
    h.qtbot.waitUntil(
        lambda: model.data(model.index(0, 0), PhotoGridModel.LoadedRole), timeout=5000
    )
    # Ctrl+F puts the cursor in the search field; Esc there goes back to the whole library.
    h.window.grid.setFocus()
    h.qtbot.keyClick(h.window.grid, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert h.window.search_bar.edit.hasFocus()
    with h.qtbot.waitSignal(h.window.results_shown, timeout=10000):
        h.qtbot.keyClick(h.window.search_bar.edit, Qt.Key.Key_Escape)
    h.wait_rows(8)
    assert snapshot(photos) == before  # the app never writes to photos


def test_bad_query_is_reported_not_raised(harness, photos):
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_rows(8)
    with h.qtbot.waitSignal(h.window.search_failed, timeout=10000) as failed:
        h.window.search("-people")
    assert "negative" in failed.args[0]
    assert h.window.grid_model.rowCount() == 8  # the grid is left as it was


def _drop(window, mime: QtCore.QMimeData) -> None:
    """What a drag from the file manager or a browser delivers: DragEnter (accepted), then Drop."""
    _drag_enter(window, mime)
    _drop_only(window, mime)


def _drag_enter(window, mime: QtCore.QMimeData) -> None:
    pos = window.grid.mapTo(window, window.grid.rect().center())
    with warnings.catch_warnings():  # PySide marks the only QDragEnterEvent constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QtGui.QDragEnterEvent(
            pos,
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    QtCore.QCoreApplication.sendEvent(window, enter)
    assert enter.isAccepted()


def _drop_only(window, mime: QtCore.QMimeData) -> None:
    pos = window.grid.mapTo(window, window.grid.rect().center())
    drop = QtGui.QDropEvent(
        QtCore.QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QtCore.QCoreApplication.sendEvent(window, drop)


def _library_and_outside_photo(harness, photos, tmp_path):
    """(the app with ``photos`` indexed, a copy of chelsea.jpg outside the library, a drag's
    data naming that copy)."""
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_rows(8)
    outside = tmp_path / "outside.jpg"  # not in the library
    shutil.copy(photos / "chelsea.jpg", outside)
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(outside))])
    return h, outside, mime


def test_drop_image_file_and_raw_bytes_run_image_searches(harness, photos, tmp_path):
    h, outside, mime = _library_and_outside_photo(harness, photos, tmp_path)
    model = h.window.grid_model
    with h.qtbot.waitSignal(h.window.results_shown, timeout=20000):
        _drop(h.window, mime)
    [chip] = h.window.search_bar.chips()
    assert chip.image.label == "outside.jpg"
    assert model.has_scores and model.rowCount() > 0
    top = model.photo(0)
    assert top is not None and Path(top.path).name == "chelsea.jpg"  # same picture ranks first

    # Raw bytes (a browser drop or a paste) replace nothing: they add a second chip.
    raw = QtCore.QMimeData()
    raw.setData("image/jpeg", QtCore.QByteArray((photos / "rocket.jpg").read_bytes()))
    with h.qtbot.waitSignal(h.window.results_shown, timeout=20000):
        _drop(h.window, raw)
    assert len(h.window.search_bar.chips()) == 2
    # Remove the first chip: only the raw-bytes image is left → the rocket ranks first.
    with h.qtbot.waitSignal(h.window.results_shown, timeout=20000):
        h.qtbot.mouseClick(h.window.search_bar.chips()[0].close_button, Qt.MouseButton.LeftButton)
    assert Path(model.photo(0).path).name == "rocket.jpg"


def test_a_drop_takes_the_vector_its_drag_enter_prefetched_only_for_the_same_bytes(
    harness, photos, tmp_path, monkeypatch
):
    import photoalbum.core.search as core_search

    decoded: list[int] = []  # sizes of the images the search worker decoded
    real = core_search.decode_image_bytes

    def counting(data, **kw):
        decoded.append(len(data))
        return real(data, **kw)

    monkeypatch.setattr(core_search, "decode_image_bytes", counting)
    h, outside, mime = _library_and_outside_photo(harness, photos, tmp_path)
    model = h.window.grid_model
    _drag_enter(h.window, mime)  # the pointer is still moving: the worker encodes it meanwhile
    chelsea = outside.stat().st_size
    h.qtbot.waitUntil(lambda: decoded == [chelsea], timeout=20000)
    assert model.rowCount() == 8  # nothing searched yet: the grid still lists the library
    with h.qtbot.waitSignal(h.window.results_shown, timeout=20000):
        _drop_only(h.window, mime)
    assert decoded == [chelsea]  # the drop's bytes are the same: their vector was ready
    assert Path(model.photo(0).path).name == "chelsea.jpg"

    # Between the drag-enter and the drop the file changes: the drop's bytes are what counts.
    h.window.search_bar.clear(emit=False)
    shutil.copy(photos / "chelsea.jpg", outside)
    outside.write_bytes(outside.read_bytes() + b"\0")  # other bytes, same picture: prefetched
    _drag_enter(h.window, mime)
    h.qtbot.waitUntil(lambda: len(decoded) == 2, timeout=20000)
    shutil.copy(photos / "rocket.jpg", outside)
    with h.qtbot.waitSignal(h.window.results_shown, timeout=20000):
        _drop_only(h.window, mime)
    assert decoded[2:] == [(photos / "rocket.jpg").stat().st_size]  # decoded anew at the drop
    assert Path(model.photo(0).path).name == "rocket.jpg"
    [chip] = h.window.search_bar.chips()
    assert chip.image.data == (photos / "rocket.jpg").read_bytes()


def test_viewer_opens_navigates_and_shows_exif(harness, photos):
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_rows(8)
    model = h.window.grid_model
    h.qtbot.waitUntil(
        lambda: model.photo(0) is not None and model.photo(1) is not None, timeout=5000
    )
    h.window.grid.setFocus()
    h.window.grid.setCurrentIndex(model.index(0, 0))
    h.qtbot.keyClick(h.window.grid, Qt.Key.Key_Space)
    viewer = h.window.viewer
    assert viewer is not None and viewer.isVisible()
    h.qtbot.waitUntil(lambda: viewer.full_loaded, timeout=5000)
    info = {
        viewer.info_form.itemAt(i, viewer.info_form.ItemRole.LabelRole)
        .widget()
        .text(): viewer.info_form.itemAt(i, viewer.info_form.ItemRole.FieldRole).widget().text()
        for i in range(viewer.info_form.rowCount())
    }
    assert info["Name:"] == Path(model.photo(0).path).name
    assert info["Camera:"].startswith("TestMaker Cam")
    assert "Taken:" in info
    h.qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.row == 1 and h.window.grid.currentIndex().row() == 1
    h.qtbot.keyClick(viewer, Qt.Key.Key_1)
    assert viewer.view.zoom_factor() == pytest.approx(1.0, rel=0.02)
    h.qtbot.keyClick(viewer, Qt.Key.Key_F)
    assert viewer.view.zoom_factor() <= 1.0
    h.qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    h.qtbot.waitUntil(lambda: h.window.viewer is None, timeout=3000)
    # Enter opens in the desktop's viewer (a double here); the context menu's helpers work.
    h.window.grid.setFocus()
    h.qtbot.keyClick(h.window.grid, Qt.Key.Key_Return)
    assert h.opened_urls == [model.photo(1).path]
    h.window.photo_actions.copy_paths([0, 1])
    assert QtGui.QGuiApplication.clipboard().text().splitlines() == [
        model.photo(0).path,
        model.photo(1).path,
    ]
    with h.qtbot.waitSignal(h.window.results_shown, timeout=20000):
        h.window.photo_actions.find_similar(0)
    assert h.window.search_bar.text().startswith("photo:") and model.has_scores


def test_remove_from_library_forgets_photos_and_keeps_files(harness, photos):
    before = snapshot(photos)
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_rows(8)
    assert h.window.state is not None
    # From a result set, not only the browse listing: every file name matches "jpg", so the
    # keyword evidence keeps all 8 photos whatever the random-weights CLIP scores say.
    h.search("jpg")
    model = h.window.grid_model
    h.qtbot.waitUntil(lambda: model.rowCount() >= 2, timeout=10000)
    n = model.rowCount()
    gone = [model.photo_id(0), model.photo_id(1)]
    with wait_worker_signal(h.qtbot, h.window.index_worker.photos_removed, 20000):
        h.window.photo_actions.remove_photos([0, 1])
    assert h.confirmations[-1] == "Remove from library"
    h.qtbot.waitUntil(lambda: model.rowCount() == n - 2, timeout=5000)
    assert not set(gone) & set(model.ids.tolist())
    h.qtbot.waitUntil(lambda: h.window.state.photos == 6, timeout=10000)
    with h.qtbot.waitSignal(h.window.results_shown, timeout=10000):
        h.window.search_bar.clear()
    h.wait_rows(6)
    with wait_worker_signal(h.qtbot, h.window.index_worker.run_finished, 60000) as finished:
        h.window.index_worker.index_now()  # a rescan leaves them out
    assert finished.args[0].new == 0
    assert snapshot(photos) == before  # never deleted or written


def test_a_search_made_while_indexing_is_ranked_again_when_indexing_ends(harness, photos):
    h = harness()
    h.wait_page(PAGE_FIRST_RUN)
    h.wait_search_ready()
    with h.qtbot.waitSignal(h.window.search_failed, timeout=20000):
        h.window.search("a cat")  # nothing is indexed yet
    assert h.window.grid_model.rowCount() == 0
    with h.qtbot.waitSignal(h.window.results_shown, timeout=60000, check_params_cb=bool):
        h.add_folder_and_wait(photos)
    assert h.window.grid_model.has_scores and h.window.search_bar.text() == "a cat"
    # A transient message hides the status label instead of overlapping it.
    h.window.show_message("hello")
    assert not h.window.status_label.isVisible()
    h.window.statusBar().clearMessage()
    assert h.window.status_label.isVisible()


def _more_photos(folder: Path, n: int, size: int = 640) -> None:
    """``n`` distinct photos (different crops of the samples) so none is a copy of another."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    base = [
        np.asarray(Image.open(p).convert("RGB").resize((size, size)))
        for p in make_sample_photos(folder / ".src", SAMPLES[:4], size=size)
    ]
    shutil.rmtree(folder / ".src")
    for i in range(n):
        arr = base[i % len(base)].astype(np.int16) + rng.integers(-12, 12, (size, size, 3))
        Image.fromarray(arr.clip(0, 255).astype(np.uint8)).save(
            folder / f"img_{i:04d}.jpg", quality=85
        )


def test_pause_resume_cancel_from_the_status_bar(harness, tmp_path):
    folder = tmp_path / "many"
    _more_photos(folder, 120)
    # CLIP indexing only: the background passes have their own test below
    h = harness(index_kwargs={"batch_size": 4, "passes": False})
    h.wait_page(PAGE_FIRST_RUN)
    status = h.window.index_status
    # Paused before it starts: the run must wait at its first photo.
    h.window.index_worker.pause()
    h.folder_answer = str(folder)
    with wait_worker_signal(h.qtbot, h.window.index_worker.run_started, 20000):
        h.window.add_folder()
    h.qtbot.waitUntil(lambda: status.pause_button.isVisible(), timeout=5000)
    assert status.pause_button.text() == "Resume"
    h.qtbot.wait(400)
    assert h.window.grid_model.rowCount() == 0
    progress = []
    # encode progress only: the INT8 self-check on a sample comes first, with its own stage
    h.window.index_worker.progress.connect(
        lambda p: progress.append(p.done) if p.stage == "encode" else None
    )
    h.qtbot.mouseClick(status.pause_button, Qt.MouseButton.LeftButton)  # resume
    h.qtbot.waitUntil(lambda: any(d >= 8 for d in progress), timeout=20000)
    h.qtbot.mouseClick(status.pause_button, Qt.MouseButton.LeftButton)  # pause
    h.qtbot.waitUntil(lambda: status.pause_button.text() == "Resume", timeout=2000)
    h.qtbot.wait(300)  # the photo in flight finishes
    done = max(progress)
    h.qtbot.wait(500)
    assert max(progress) <= done + 4  # at most one more batch commits
    with wait_worker_signal(h.qtbot, h.window.index_worker.run_finished, 20000) as finished:
        h.qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    report = finished.args[0]
    assert report.cancelled and report.indexed < 120
    h.qtbot.waitUntil(lambda: "cancelled" in status.label.text(), timeout=5000)
    assert status.index_button.isVisible()
    # What was indexed is searchable; Index now finishes the job.
    with wait_worker_signal(h.qtbot, h.window.index_worker.run_finished, 60000) as finished:
        h.qtbot.mouseClick(status.index_button, Qt.MouseButton.LeftButton)
    assert not finished.args[0].cancelled
    h.wait_rows(120)


def test_event_loop_keeps_turning_while_indexing(harness, tmp_path):
    folder = tmp_path / "many"
    _more_photos(folder, 80, size=1024)
    h = harness(index_kwargs={"passes": False})  # CLIP indexing (80 photos of OCR: minutes here)
    h.wait_page(PAGE_FIRST_RUN)
    h.wait_search_ready()  # its one-off warm-up (tokenizer load holds the GIL) comes first
    gaps: list[float] = []
    last = [time.perf_counter()]
    indexing = [False]

    def tick() -> None:
        now = time.perf_counter()
        if indexing[0]:
            gaps.append(now - last[0])
        last[0] = now

    timer = QtCore.QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    h.window.index_worker.run_started.connect(lambda: indexing.__setitem__(0, True))
    shown_while_indexing = []
    search = h.window.search_controller
    h.window.results_shown.connect(
        lambda n: shown_while_indexing.append(n) if indexing[0] and search.request.text else None
    )
    progress = []
    h.window.index_worker.progress.connect(lambda p: progress.append(p.done))

    def search_once_photos_are_in() -> None:  # search works while indexing runs
        if indexing[0] and any(progress) and not search.request.text:
            h.window.search("a cat")

    poll = QtCore.QTimer()
    poll.setInterval(50)
    poll.timeout.connect(search_once_photos_are_in)
    poll.start()
    report = h.add_folder_and_wait(folder)
    indexing[0] = False
    timer.stop()
    poll.stop()
    assert report.indexed == 80
    assert shown_while_indexing, "no search results arrived while indexing"
    assert len(gaps) > 10
    # Generous bound for a shared CI machine; the real figure is in bench/bench_gui.py.
    assert max(gaps) < 0.5, f"GUI thread stalled {max(gaps) * 1000:.0f} ms while indexing"


def test_missing_model_opens_the_setup_page(harness, paths, tiny_model):
    # No model prepared in paths.models, and the library asks for the default model.
    h = harness(paths=paths, model=None)
    h.wait_page(PAGE_SETUP)
    page = h.window.setup_page
    info = page.selected_model()
    assert info is not None and info.default and not info.prepared
    names = [page.table.topLevelItem(i).text(0) for i in range(page.table.topLevelItemCount())]
    assert not any(n.startswith("random:") for n in names)  # never offered silently
    assert page.prepare_button.text() == "Install (download ≈ 1.4 GB)"  # ready-made ONNX
    assert not h.window.search_bar.isVisible()
    assert not h.window.banner.isVisible()
    # Once a model is ready (here: the tiny one copied in), the library reopens with it.
    link_model(tiny_model, paths.models)
    h.window.setup_page.model_ready.emit(TINY_SPEC)
    h.wait_page(PAGE_FIRST_RUN)
    assert h.window.options.model == TINY_SPEC
    assert h.window.banner.isVisible() and "RANDOM WEIGHTS" in h.window.banner.text()


def test_geometry_and_splitter_are_restored(harness, photos):
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.window.resize(760, 560)  # within the offscreen screen (800 x 600)
    h.window.splitter.setSizes([300, 450])
    h.qtbot.wait(50)
    size = h.window.size()
    sizes = h.window.splitter.sizes()
    assert size.width() == 760 and sizes[0] != 240  # not the defaults
    h.window.close()  # saves the settings
    h2 = harness()
    h2.wait_page(PAGE_LIBRARY)
    assert h2.window.size() == size
    assert h2.window.splitter.sizes() == sizes


def test_an_unopenable_library_shows_a_message_with_retry(qtbot, tiny_paths, tmp_path):
    from photoalbum.core.errors import SchemaError

    def broken(options, background):
        raise SchemaError("the catalog was written by a newer photoalbum (schema 9); update")

    h = Harness(qtbot, tiny_paths, tmp_path, factory=broken)
    try:
        h.wait_page(PAGE_MESSAGE)
        assert "newer photoalbum" in h.window.message_page.text.text()
        assert h.window.message_page.button.isVisible()
    finally:
        h.close()


def test_open_folders_adds_and_shows_them(harness, photos):
    # `photoalbum FOLDER` / "Open with": asked before the library is open, done once it is.
    h = harness(index_kwargs={"passes": False})
    with wait_worker_signal(h.qtbot, h.window.index_worker.run_finished, 60000) as finished:
        h.window.open_folders([str(photos.resolve())])
    assert finished.args[0].indexed == 8
    h.wait_page(PAGE_LIBRARY)
    assert h.window.folder_model.roots() == [str(photos.resolve())]
    h.qtbot.waitUntil(
        lambda: h.window.filter_bar.folder.currentData() == str(photos.resolve()), timeout=5000
    )
    h.wait_rows(8)
    # A folder inside the library is shown, not added again.
    sub = photos / "sub"
    sub.mkdir()
    shutil.copy(next(photos.glob("*.jpg")), sub / "copy.jpg")
    with wait_worker_signal(h.qtbot, h.window.index_worker.run_finished, 60000):
        h.window.open_folders([str(sub.resolve())])
    assert h.window.folder_model.roots() == [str(photos.resolve())]
    assert h.window.filter_bar.folder.currentData() == str(sub.resolve())
    h.wait_rows(1)


def test_window_has_the_app_icon(harness):
    from photoalbum.gui.icon import app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= {16, 32, 48, 256}


def test_first_run_folders_are_added_once_the_model_is_ready(harness, paths, tiny_model, photos):
    h = harness(
        paths=paths, model=None, default_folders=[str(photos)], index_kwargs={"passes": False}
    )
    h.wait_page(PAGE_SETUP)
    assert h.window.setup_page.chosen_folders() == [str(photos)]
    link_model(tiny_model, paths.models)
    with wait_worker_signal(h.qtbot, h.window.index_worker.run_finished, 60000) as finished:
        h.window.setup_page.model_ready.emit(TINY_SPEC)
    assert finished.args[0].indexed == 8
    h.wait_page(PAGE_LIBRARY)
    assert h.window.state.roots == (str(photos),)


def test_help_about_shows_the_model_and_log_file(harness, tmp_path):
    h = harness(log_file=tmp_path / "photoalbum.log")
    h.wait_page(PAGE_FIRST_RUN)
    dialog = h.window.open_about()
    rows = dict(dialog.rows)
    assert rows["Log file"] == str(tmp_path / "photoalbum.log")
    assert rows["Model"].startswith(TINY_SPEC) and "RANDOM WEIGHTS" in rows["Model"]
    assert rows["INT8 agreement"]
    dialog.close()


def test_text_match_ranks_first_and_is_highlighted_in_the_viewer(harness, photos):
    pytest.importorskip("rapidocr_onnxruntime")
    from tests.support.text_photos import RECEIPT_EN, RECEIPT_ZH, save_text_photo

    save_text_photo(photos / "IMG_2041.jpg", [RECEIPT_EN, RECEIPT_ZH], size=(1200, 900))
    h = harness()
    report = h.add_folder_and_wait(photos, timeout=180000)
    assert report.passes is not None and report.passes.done["text"] == 9
    h.wait_search_ready()
    h.search("hardware store")
    model = h.window.grid_model
    h.qtbot.waitUntil(lambda: model.photo(0) is not None, timeout=5000)
    assert Path(model.photo(0).path).name == "IMG_2041.jpg"
    viewer = h.window.open_viewer(0)
    h.qtbot.waitUntil(lambda: len(viewer.text_lines) == 2, timeout=10000)
    assert viewer.words == ("hardware", "store") and viewer.matched_lines == [0]
    # the boxes are placed over whatever image is shown (thumbnail, then the full-size one)
    h.qtbot.waitUntil(lambda: not viewer.view.item.pixmap().isNull(), timeout=10000)
    assert len(viewer.view.highlights) == 1
    rect = viewer.view.highlights[0].polygon().boundingRect()
    pm = viewer.view.item.pixmap()
    assert 0 < rect.left() < rect.right() <= pm.width() and rect.height() < pm.height() / 4
    texts = [
        viewer.info_form.itemAt(i, viewer.info_form.ItemRole.FieldRole).widget().text()
        for i in range(viewer.info_form.rowCount())
    ]
    assert any(f"<b style='background:#ffe680'>{RECEIPT_EN}</b>" in t for t in texts)
    h.qtbot.waitUntil(lambda: viewer.full_loaded, timeout=5000)
    assert len(viewer.view.highlights) == 1  # placed again over the full-size image
    # The text can arrive before any image: the thumbnail arriving then must keep it (the row
    # used to be shown again, its text dropped and asked for anew).
    h.qtbot.waitUntil(lambda: model.cached_pixmap(0) is not None, timeout=5000)
    viewer._full_loaded = False
    viewer.view.set_pixmap(QtGui.QPixmap(), viewer.view.natural)
    assert viewer.view.highlights == [] and len(viewer.text_lines) == 2
    model.dataChanged.emit(model.index(0, 0), model.index(0, 0))
    assert len(viewer.text_lines) == 2 and len(viewer.view.highlights) == 1
    assert not viewer.view.item.pixmap().isNull()


def test_navigation_pages_shortcuts_and_back_forward(harness, photos):
    from photoalbum.gui.controllers.navigation import EXPLORE, FAVORITES, FOLDERS, PAGES, PHOTOS

    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w = h.window
    assert w.page() == PHOTOS and not w.page_panels.isVisible()  # opens on Photos, grid only
    assert [w.page_actions[k].shortcut().toString() for k in PAGES] == [
        f"Ctrl+{n}" for n in range(1, len(PAGES) + 1)
    ]
    # Favorites: the page lists (and searches) favourites only; none yet.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.page_actions[FAVORITES].trigger()
    assert w.page() == FAVORITES and w.grid_model.rowCount() == 0
    assert w.search_controller.request.flt.favorites
    w.page_actions[FOLDERS].trigger()
    assert w.page_panels.isVisible() and w.page_panels.currentWidget() is w.side_panel
    w.nav.setCurrentRow(w.nav.row_of(EXPLORE))  # a click in the list
    assert not w.page_panels.isVisible() and w.library_page.tiles_shown()  # the tiles
    # Back (the menu's action, Alt+Left) goes page by page; Forward comes back.
    assert "Alt+Left" in [s.toString() for s in w.back_action.shortcuts()]
    w.back_action.trigger()
    assert w.page() == FOLDERS and not w.library_page.tiles_shown()
    w.back_action.trigger()
    assert w.page() == FAVORITES
    w.forward_action.trigger()
    assert w.page() == FOLDERS
    # A search is an entry too; the mouse's back button returns to the page before it.
    w.page_actions[PHOTOS].trigger()
    h.search("a cat")
    assert w.grid_model.has_scores
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        h.qtbot.mouseClick(w.grid.viewport(), Qt.MouseButton.BackButton)
    assert w.page() == PHOTOS and w.search_bar.text() == "" and not w.grid_model.has_scores
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        h.qtbot.mouseClick(w.nav.viewport(), Qt.MouseButton.ForwardButton)
    assert w.search_bar.text() == "a cat" and w.grid_model.has_scores
    w.back_action.trigger()
    w.back_action.trigger()
    assert w.page() == FOLDERS and not w.search_controller.request.flt.favorites


def test_photos_opens_on_the_timeline_with_its_scrubber(harness, photos):
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w = h.window
    h.qtbot.waitUntil(lambda: w.grid_model.timeline is not None, timeout=10000)
    timeline = w.grid_model.timeline
    assert timeline.ids.tolist() == w.grid_model.ids.tolist()
    assert (np.diff(timeline.dates.astype(np.int64)) <= 0).all()  # newest first
    assert w.grid_model.badges(0)[0] == timeline.header(0) != ""  # the first month's header
    assert w.scrubber.isVisible() and w.scrubber.text() == timeline.label(0)
    year, month = timeline.year_month(len(timeline) - 1)
    assert w.jump_to_date(year, month) == timeline.row_for(year, month)
    h.search("a cat")
    assert w.grid_model.timeline is None and not w.scrubber.isVisible()


def test_albums_from_the_grid_open_scoped_export_and_delete(harness, photos, tmp_path):
    from photoalbum.gui.controllers.navigation import ALBUMS, PHOTOS

    names = iter(["Trip", "Everything"])
    out = tmp_path / "export"
    out.mkdir()
    h = harness(ask_text=lambda *a: next(names), choose_export_folder=lambda: str(out))
    before = snapshot(photos)
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w, albums = h.window, h.window.albums_controller
    trip_ids = w.grid_model.ids[:3].tolist()
    with h.qtbot.waitSignal(w.albums_panel.list.model().rowsInserted, timeout=20000):
        albums.new_album([0, 1, 2])  # "New album from selection…"
    [trip] = w.albums_panel.albums
    assert (trip.name, trip.count) == ("Trip", 3)
    # Open it on the Albums page: the grid lists it, the search bar names it.
    w.go_to(ALBUMS)
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        albums.open_album(trip.id)
    assert sorted(w.grid_model.ids.tolist()) == sorted(trip_ids)
    assert w.album_chip.isVisible() and w.album_chip.label.text() == "Album: Trip"
    assert w.status_label.text() == "3 photos in the album “Trip”"
    h.search("a cat")
    assert set(w.grid_model.ids.tolist()) <= set(trip_ids)  # searched inside the album
    assert w.search_controller.request.flt.album == trip.id
    # Export the album: copies in the folder, the originals untouched.
    albums.export(None)
    assert albums.progress is not None  # a progress dialog while the worker copies
    h.qtbot.waitUntil(lambda: albums.progress is None, timeout=20000)
    assert len(list(out.iterdir())) == 3
    # Remove one from the album (not from the library).
    w.search_bar.clear()
    h.qtbot.waitUntil(lambda: w.grid_model.rowCount() == 3, timeout=20000)
    albums.remove([0])
    h.qtbot.waitUntil(lambda: w.grid_model.rowCount() == 2, timeout=20000)
    # Leaving the page closes the album: the whole library again.
    w.go_to(PHOTOS)
    h.wait_rows(8)
    assert not w.album_chip.isVisible() and w.search_controller.request.flt.album is None
    # "Save results as album" keeps what the grid shows.
    w.save_album_button.click()
    h.qtbot.waitUntil(lambda: len(w.albums_panel.albums) == 2, timeout=20000)
    assert {a.name: a.count for a in w.albums_panel.albums} == {"Everything": 8, "Trip": 2}
    # Delete asks first and says the photos stay.
    w.go_to(ALBUMS)
    w.albums_panel.list.setCurrentRow(1)
    w.albums_panel.delete_button.click()
    assert h.confirmations[-1] == "Delete album"
    h.qtbot.waitUntil(lambda: len(w.albums_panel.albums) == 1, timeout=20000)
    assert [a.name for a in w.albums_panel.albums] == ["Everything"]
    assert snapshot(photos) == before


def test_scope_chips_sit_in_the_search_bar_and_their_x_widens_the_search(harness, photos):
    from photoalbum.gui.controllers.navigation import ALBUMS

    h = harness(ask_text=lambda *a: "Trip")
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w, albums = h.window, h.window.albums_controller
    for chip in (w.album_chip, w.person_chip, w.group_chip):
        assert w.search_bar.isAncestorOf(chip) and chip.isHidden()
    trip_ids = w.grid_model.ids[:3].tolist()
    with h.qtbot.waitSignal(w.albums_panel.list.model().rowsInserted, timeout=20000):
        albums.new_album([0, 1, 2])
    [trip] = w.albums_panel.albums
    w.go_to(ALBUMS)
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        albums.open_album(trip.id)
    h.search("a photo")
    assert w.album_chip.isVisible() and set(w.grid_model.ids.tolist()) <= set(trip_ids)
    n = w.grid_model.rowCount()
    assert w.status_label.text().startswith(f"{n} result{'' if n == 1 else 's'} for")
    # ×: the same words over the whole library.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.album_chip.close_button.click()
    assert w.album_chip.isHidden() and w.search_bar.text() == "a photo"
    assert w.search_controller.request.flt.album is None and w.grid_model.has_scores
    assert "in the album" not in w.status_label.text()


def test_favourites_and_ratings_from_the_grid(harness, photos):
    from photoalbum.gui.controllers.navigation import FAVORITES, PHOTOS

    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w, model, grid = h.window, h.window.grid_model, h.window.grid
    first, second = model.photo_id(0), model.photo_id(1)
    grid.setFocus()
    grid.setCurrentIndex(model.index(0, 0))
    h.qtbot.keyClick(grid, Qt.Key.Key_F)  # F: a favourite
    h.qtbot.waitUntil(lambda: model.marks(first) == (True, 0), timeout=20000)
    assert model.badges(0)[3] is True
    h.qtbot.keyClick(grid, Qt.Key.Key_4)  # 4: four stars
    h.qtbot.waitUntil(lambda: model.marks(first) == (True, 4), timeout=20000)
    # The heart on the second thumbnail, clicked.
    rect = grid.visualRect(model.index(1, 0))
    heart = grid.delegate.heart_rect(rect, grid.fontMetrics().height())
    h.qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=heart.center())
    h.qtbot.waitUntil(lambda: model.marks(second) == (True, 0), timeout=20000)
    # The Favorites page lists both; "." takes one out again.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.go_to(FAVORITES)
    assert sorted(model.ids.tolist()) == sorted([first, second])
    assert w.status_label.text() == "2 favourites"
    row = model.row_of(second)
    grid.setCurrentIndex(model.index(row, 0))
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        h.qtbot.keyClick(grid, Qt.Key.Key_Period)
    assert model.ids.tolist() == [first]
    # The filter bar: rating ≥ 4 on the whole library.
    w.go_to(PHOTOS)
    h.wait_rows(8)
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.filter_bar.rating.setCurrentIndex(4)
    assert model.ids.tolist() == [first]
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.filter_bar.rating.setCurrentIndex(5)  # ≥ 5 stars: none
    assert model.rowCount() == 0
    w.filter_bar.reset()
    h.wait_rows(8)
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.filter_bar.favorites.setChecked(True)
    assert model.ids.tolist() == [first]


def test_hide_from_the_grid_and_unhide_on_the_hidden_page(harness, photos):
    from photoalbum.gui.controllers.navigation import HIDDEN, PHOTOS

    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w, model, grid = h.window, h.window.grid_model, h.window.grid
    first, second = model.photo_id(0), model.photo_id(1)
    assert w.page_actions[HIDDEN].shortcut().toString() == "Ctrl+7"
    # H on a selection of two: both leave the timeline.
    grid.setFocus()
    grid.setCurrentIndex(model.index(0, 0))
    grid.selectionModel().select(model.index(1, 0), QtCore.QItemSelectionModel.SelectionFlag.Select)
    h.qtbot.keyClick(grid, Qt.Key.Key_H)
    h.wait_rows(6)
    assert {first, second}.isdisjoint(model.ids.tolist())
    # Searches leave them out too.
    h.search("a photo")
    assert {first, second}.isdisjoint(model.ids.tolist())
    w.search_bar.clear()
    h.wait_rows(6)
    # The Hidden page (Ctrl+7) lists them, and its menu unhides.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.page_actions[HIDDEN].trigger()
    assert w.page() == HIDDEN and sorted(model.ids.tolist()) == sorted([first, second])
    assert w.status_label.text() == "2 hidden photos"
    assert not w.page_panels.isVisible()
    menu = QtWidgets.QMenu()
    w.marks_controller.menu(menu, [model.row_of(first)])
    [unhide] = [a for a in menu.actions() if a.text().startswith("Unhide")]
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        unhide.trigger()
    assert model.ids.tolist() == [second]
    # Back on Photos, the unhidden one is in the timeline again.
    w.go_to(PHOTOS)
    h.wait_rows(7)
    assert first in model.ids.tolist() and second not in model.ids.tolist()
    menu = QtWidgets.QMenu()
    w.marks_controller.menu(menu, [0])
    assert any(a.text() == "Hide  (H)" for a in menu.actions())


def test_move_to_trash_asks_then_moves_only_the_chosen_files(harness, photos):
    import os

    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w, model, grid = h.window, h.window.grid_model, h.window.grid
    before = snapshot(photos)
    # Photo details arrive after the rows (asked for as cells are painted).
    h.qtbot.waitUntil(
        lambda: model.photo(0) is not None and model.photo(1) is not None, timeout=10000
    )
    chosen = {model.photo(0).path, model.photo(1).path}
    grid.setFocus()
    grid.setCurrentIndex(model.index(0, 0))
    grid.selectionModel().select(model.index(1, 0), QtCore.QItemSelectionModel.SelectionFlag.Select)
    asked: list[tuple[str, str]] = []
    w.photo_actions._confirm = lambda title, text: asked.append((title, text)) or False
    h.qtbot.keyClick(grid, Qt.Key.Key_Delete)  # declined: nothing moves
    assert asked[-1][0] == "Move to Trash" and "Move 2 files to the trash?" in asked[-1][1]
    h.qtbot.wait(300)
    assert model.rowCount() == 8 and snapshot(photos) == before
    w.photo_actions._confirm = lambda title, text: True
    h.qtbot.keyClick(grid, Qt.Key.Key_Delete)
    h.wait_rows(6)
    trash = Path(os.environ["HOME"]) / "xdg_data_home" / "Trash" / "files"
    assert sorted(p.name for p in trash.iterdir()) == sorted(Path(p).name for p in chosen)
    assert snapshot(photos) == {p: v for p, v in before.items() if p not in chosen}
    assert "Moved 2 files to the trash" in w.statusBar().currentMessage()


def test_on_this_day_row_shows_earlier_years_and_lists_one(harness, tmp_path):
    from datetime import date

    from photoalbum.gui.controllers.navigation import ALBUMS, PHOTOS
    from tests.support.dated_photos import make_on_this_day_photos

    made = make_on_this_day_photos(tmp_path / "Dated")
    h = harness()
    h.add_folder_and_wait(tmp_path / "Dated")
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(len(made))
    w = h.window
    bar, otd = w.library_page.on_this_day_bar, w.on_this_day_controller

    def answered(day: date) -> None:
        h.qtbot.waitUntil(lambda: otd.answer is not None and otd.answer.day == day, timeout=20000)

    otd.today = lambda: date(2025, 1, 2)  # a day with no photos: no row
    otd.ask()
    answered(date(2025, 1, 2))
    assert not bar.isVisible()
    otd.today = lambda: date(2025, 7, 14)
    otd.ask()
    answered(date(2025, 7, 14))
    assert bar.isVisible() and bar.years() == [2019, 2022]  # no screenshot or burst year
    assert [b.text() for b in bar.year_buttons] == ["2019,", "2022"]
    # A year clicked lists its photos; the chip names it, × goes back to the timeline.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        bar.year_buttons[0].click()
    assert sorted(w.grid_model.ids.tolist()) == sorted(otd.answer.years[0].photo_ids)
    assert w.group_chip.label.text() == "On this day: 2019"
    assert w.grid_model.rowCount() == 2
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.group_chip.close_button.click()
    h.wait_rows(len(made))
    # Only on the Photos page; dismissed, it stays closed for the day.
    w.go_to(ALBUMS)
    assert not bar.isVisible()
    w.go_to(PHOTOS)
    assert bar.isVisible()
    bar.close_button.click()
    assert not bar.isVisible()
    w.go_to(ALBUMS)
    w.go_to(PHOTOS)
    assert not bar.isVisible()
    otd.today = lambda: date(2025, 7, 15)  # the next day asks again and shows again
    w.go_to(ALBUMS)
    w.go_to(PHOTOS)
    answered(date(2025, 7, 15))
    assert bar.isVisible() and bar.years() == [2019]


def test_albums_page_shows_albums_made_or_renamed_elsewhere(harness, photos, tiny_paths):
    from photoalbum.gui.controllers.navigation import ALBUMS, PHOTOS
    from photoalbum.library import Library

    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w = h.window
    h.qtbot.waitUntil(lambda: w.albums_controller._opened, timeout=20000)
    # Another process (the CLI) makes an album while the app is open.
    other = Library(tiny_paths, model=TINY_SPEC)
    try:
        made = other.albums.create("From the CLI")
        other.albums.add(made.id, [str(photos / f"{SAMPLES[0]}.jpg")])
    finally:
        other.close()
    assert w.albums_panel.albums == []
    w.go_to(ALBUMS)
    h.qtbot.waitUntil(
        lambda: [a.name for a in w.albums_panel.albums] == ["From the CLI"], timeout=20000
    )
    # Renamed elsewhere while open: the list and the chip follow when the page is shown again.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.albums_controller.open_album(made.id)
    w.go_to(PHOTOS)
    other = Library(tiny_paths, model=TINY_SPEC)
    try:
        other.albums.rename(made.id, "Renamed")
    finally:
        other.close()
    w.go_to(ALBUMS)
    h.qtbot.waitUntil(lambda: [a.name for a in w.albums_panel.albums] == ["Renamed"], timeout=20000)
    # An album open on the page, renamed elsewhere: the next listing renames its chip too.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.albums_controller.open_album(made.id)
    other = Library(tiny_paths, model=TINY_SPEC)
    try:
        other.albums.rename(made.id, "Renamed again")
    finally:
        other.close()
    w.albums_worker.create("Another")
    h.qtbot.waitUntil(lambda: w.album_chip.label.text() == "Album: Renamed again", timeout=20000)
    assert w.search_controller.album_id == made.id


def test_the_filters_fit_a_1200_px_window_on_every_page(harness, photos):
    from photoalbum.gui.controllers.navigation import ALBUMS, DUPLICATES, PHOTOS

    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(8)
    w, bar = h.window, h.window.filter_bar
    w.resize(1200, 800)
    controls = (bar.date_check, bar.date_to, bar.folder, bar.camera, bar.rating, bar.reset_button)
    for page in (PHOTOS, ALBUMS, DUPLICATES):  # the grid alone, and with a page's panel beside it
        w.go_to(page)
        h.qtbot.wait(50)
        QtWidgets.QApplication.processEvents()
        assert w.width() == 1200
        for control in (*controls, w.sort_combo, w.save_album_button):
            # Wholly shown: nothing cut off or scrolled out of sight.
            assert control.isVisible(), (page, control)
            shown = control.visibleRegion().boundingRect()
            assert shown.size() == control.size(), (page, control, shown, control.size())
            right = control.mapTo(w, QtCore.QPoint(control.width(), 0)).x()
            assert right <= w.width(), (page, control, right)
        assert bar.height() < 3 * bar.folder.sizeHint().height()  # at most two rows
