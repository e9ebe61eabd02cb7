"""Search bar (typing pause, Enter, Esc, chips, drops, paste), drop parsing, filter bar, folder tree."""

from __future__ import annotations

import warnings
from datetime import datetime

import pytest
from PIL import Image

from photoalbum.core.ports import PhotoFilter
from photoalbum.gui.dropping import has_image_content, images_from_mime
from photoalbum.gui.itemmodels.folder_tree import FolderTreeModel
from photoalbum.gui.widgets.filter_bar import FilterBar
from photoalbum.gui.widgets.index_status import IndexStatus
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import Qt, QtCore, QtGui
from photoalbum.workers.messages import ImageInput
from photoalbum.workers.thumbnails import ThumbnailLoader

pytestmark = pytest.mark.gui


@pytest.fixture
def jpeg(tmp_path):
    path = tmp_path / "drop me.jpg"
    Image.new("RGB", (64, 48), (20, 120, 220)).save(path)
    return path


@pytest.fixture
def bar(qtbot):
    loader = ThumbnailLoader(max_threads=1)
    bar = SearchBar(loader, pause_ms=50)
    qtbot.addWidget(bar)
    bar.show()
    yield bar
    loader.shutdown(5000)


def file_mime(*paths) -> QtCore.QMimeData:
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def test_typing_searches_after_a_pause_enter_now_esc_clears(qtbot, bar):
    seen = []
    bar.search_requested.connect(lambda text, images: seen.append((text, images)))
    qtbot.keyClicks(bar.edit, "dog on")
    qtbot.keyClicks(bar.edit, " a beach")
    assert seen == []  # still typing
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=2000)
    assert seen[0] == ("dog on a beach", ())
    qtbot.wait(150)
    assert len(seen) == 1  # one search per pause, not per key
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert len(seen) == 2 and seen[-1][0] == "dog on a beach"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert bar.text() == "" and seen[-1] == ("", ())


def test_dropped_file_becomes_a_removable_chip(qtbot, bar, jpeg):
    seen = []
    bar.search_requested.connect(lambda text, images: seen.append((text, images)))
    assert bar.add_images_from_mime(file_mime(jpeg)) == 1
    [chip] = bar.chips()
    assert chip.image.label == "drop me.jpg" and chip.image.data == jpeg.read_bytes()
    assert seen[-1][1] == (chip.image,)
    qtbot.waitUntil(
        lambda: chip.icon.pixmap() is not None and not chip.icon.pixmap().isNull(), timeout=3000
    )  # the small picture was decoded off the GUI thread
    bar.set_text("+beach -people", search=True)
    assert seen[-1][0] == "+beach -people" and len(seen[-1][1]) == 1
    chip.set_negative(True)
    assert seen[-1][1][0].weight == -1.0
    qtbot.mouseClick(chip.close_button, Qt.MouseButton.LeftButton)
    assert bar.chips() == [] and seen[-1] == ("+beach -people", ())


def test_drop_event_on_the_text_field(qtbot, bar, jpeg):
    mime = file_mime(jpeg)
    pos = QtCore.QPointF(bar.edit.rect().center())
    with warnings.catch_warnings():  # PySide marks the only QDragEnterEvent constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QtGui.QDragEnterEvent(
            pos.toPoint(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    QtCore.QCoreApplication.sendEvent(bar.edit, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QtCore.QCoreApplication.sendEvent(bar.edit, drop)
    assert len(bar.chips()) == 1
    assert bar.text() == ""  # the URL was not pasted as text


def test_paste_raw_image_bytes_from_the_clipboard(qtbot, bar, jpeg):
    mime = QtCore.QMimeData()
    mime.setData("image/jpeg", QtCore.QByteArray(jpeg.read_bytes()))
    QtGui.QGuiApplication.clipboard().setMimeData(mime)
    bar.edit.setFocus()
    qtbot.keyClick(bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    [chip] = bar.chips()
    assert chip.image.data == jpeg.read_bytes() and "JPEG" in chip.image.label
    qtbot.keyClick(bar.edit, Qt.Key.Key_Backspace)  # backspace in an empty field drops a chip
    assert bar.chips() == []
    QtGui.QGuiApplication.clipboard().setText("just text")
    qtbot.keyClick(bar.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert bar.text() == "just text" and bar.chips() == []


def test_mime_parsing_never_fetches_the_web(qapp, jpeg, tmp_path):
    web = QtCore.QMimeData()
    web.setUrls([QtCore.QUrl("https://example.com/cat.jpg")])
    assert has_image_content(web)
    images, problems = images_from_mime(web)
    assert images == [] and "never downloads" in problems[0]
    # A browser drop: a web URL plus the image itself as a QImage → the image, as PNG bytes.
    web.setImageData(QtGui.QImage(str(jpeg)))
    images, problems = images_from_mime(web)
    assert len(images) == 1 and images[0].data.startswith(b"\x89PNG") and not problems
    # Not images: a text file and a folder are refused with a reason.
    note = tmp_path / "note.txt"
    note.write_text("hi")
    images, problems = images_from_mime(file_mime(note, tmp_path))
    assert images == [] and len(problems) == 2
    assert not has_image_content(QtCore.QMimeData())
    # Too large.
    images, problems = images_from_mime(file_mime(jpeg), max_bytes=10)
    assert images == [] and "too large" in problems[0]


def test_filter_bar_builds_photo_filters(qtbot):
    bar = FilterBar()
    qtbot.addWidget(bar)
    seen = []
    bar.filter_changed.connect(seen.append)
    bar.set_roots(["/photos/a", "/photos/b"])
    assert seen == []  # nothing changed yet
    bar.set_folder("/photos/b")
    assert seen[-1] == PhotoFilter(folders=("/photos/b",))
    bar.set_folder("/photos/b/2023")  # a subfolder from the side panel
    assert seen[-1].folders == ("/photos/b/2023",)
    bar.date_from.setDate(QtCore.QDate(2023, 5, 1))
    bar.date_to.setDate(QtCore.QDate(2023, 5, 31))
    bar.date_check.setChecked(True)
    assert seen[-1].date_from == datetime(2023, 5, 1)
    assert seen[-1].date_to == datetime(2023, 5, 31, 23, 59, 59)
    qtbot.keyClicks(bar.camera, "canon")
    qtbot.waitUntil(lambda: seen[-1].camera == "canon", timeout=2000)
    assert bar.reset_button.isEnabled()
    bar.reset()
    assert seen[-1] == PhotoFilter() and not bar.reset_button.isEnabled()


def test_folder_tree_lists_subfolders_lazily(qtmodeltester, tmp_path):
    (tmp_path / "a" / "2023").mkdir(parents=True)
    (tmp_path / "a" / "2024").mkdir()
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / "@eaDir").mkdir()
    (tmp_path / "b").mkdir()
    model = FolderTreeModel()
    model.set_roots([str(tmp_path / "a"), str(tmp_path / "b")])
    assert model.rowCount() == 2
    a = model.index(0, 0)
    assert model.rowCount(a) == 0 and model.canFetchMore(a)
    model.fetchMore(a)
    names = [model.index(i, 0, a).data() for i in range(model.rowCount(a))]
    assert names == ["2023", "2024"]
    assert model.index(1, 0, a).data(FolderTreeModel.FolderPathRole) == str(tmp_path / "a" / "2024")
    assert model.parent(model.index(0, 0, a)) == a
    assert model.parent(QtCore.QPersistentModelIndex(model.index(0, 0, a))) == a
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_folder_tree_parent_without_an_index_is_the_qobject_parent():
    # QAbstractItemModel.parent() overloads QObject.parent(): the tree's parent(index) must not
    # hide the owner.
    owner = QtCore.QObject()
    model = FolderTreeModel(owner)
    assert model.parent() is owner
    assert FolderTreeModel().parent() is None


def test_index_status_shows_progress_and_controls(qtbot):
    from photoalbum.core.indexer import IndexProgress, IndexReport

    w = IndexStatus()
    qtbot.addWidget(w)
    w.show()
    w.set_idle("12 photos")
    assert w.index_button.isVisible() and not w.pause_button.isVisible()
    w.set_running()
    w.set_progress(IndexProgress("encode", 30, 200, "/p/IMG_0030.jpg", 12.34))
    assert "30 / 200" in w.label.text() and "12.3 photos/s" in w.label.text()
    assert "IMG_0030.jpg" in w.label.text() and w.bar.value() == 30
    clicks = []
    w.pause_clicked.connect(lambda: clicks.append("pause"))
    w.resume_clicked.connect(lambda: clicks.append("resume"))
    w.cancel_clicked.connect(lambda: clicks.append("cancel"))
    qtbot.mouseClick(w.pause_button, Qt.MouseButton.LeftButton)
    w.set_paused(True)
    assert w.pause_button.text() == "Resume" and w.label.text().startswith("Paused")
    qtbot.mouseClick(w.pause_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.cancel_button, Qt.MouseButton.LeftButton)
    assert clicks == ["pause", "resume", "cancel"]
    w.set_finished(IndexReport(indexed=30, cancelled=True), "30 photos")
    assert w.label.text() == "30 photos" and not w.bar.isVisible()
    assert w.index_button.isVisible()
    w.set_failures(3)
    assert w.failures_button.isVisible() and "3 failed" in w.failures_button.text()


def test_image_input_repr_hides_bytes():
    assert "data" not in repr(ImageInput(data=b"\x00" * 10, label="x"))


def test_index_status_shows_background_pass_progress(qtbot):
    from photoalbum.core.indexer import IndexProgress

    w = IndexStatus()
    qtbot.addWidget(w)
    w.pass_titles = {"text": "Reading text in photos"}
    w.set_running()
    w.set_progress(IndexProgress("pass:text", 7, 40, "/p/receipt.jpg", 8.5))
    assert w.label.text() == "Reading text in photos: 7 / 40 · 8.5 photos/s"
    assert w.bar.maximum() == 40 and w.bar.value() == 7
    w.set_progress(IndexProgress("pass:faces", 1, 2))
    assert w.label.text().startswith("faces: 1 / 2")  # unknown title: the pass's name


def test_flow_layout_wraps_whole_items_onto_more_rows(qtbot):
    from photoalbum.gui.widgets.flow_layout import FlowLayout
    from photoalbum.qt import QtWidgets

    host = QtWidgets.QWidget()
    qtbot.addWidget(host)
    layout = FlowLayout(host, spacing=10, row_spacing=4)
    buttons = []
    for n in range(3):
        b = QtWidgets.QPushButton(f"button {n}")
        b.setFixedSize(100, 20)
        layout.addWidget(b)
        buttons.append(b)
    assert layout.sizeHint().width() == 320 and layout.minimumSize().width() == 100
    assert layout.heightForWidth(320) == 20  # one row
    assert layout.heightForWidth(250) == 44  # two rows
    assert layout.heightForWidth(100) == 68  # one item a row
    host.resize(250, 44)
    host.show()
    qtbot.waitExposed(host)
    assert [(b.x(), b.y()) for b in buttons] == [(0, 0), (110, 0), (0, 24)]


def test_dropped_mpo_and_raw_files_are_image_terms(qapp, tmp_path):
    """Every kind of photo the library indexes can be dropped: MPO (a camera's 3D or
    multi-picture JPEG) and camera RAW files went unrecognised before."""
    from photoalbum.gui.dropping import IMAGE_SUFFIXES

    assert {
        ".mpo",
        ".dng",
        ".cr2",
        ".cr3",
        ".nef",
        ".arw",
        ".raf",
        ".orf",
        ".rw2",
    } <= IMAGE_SUFFIXES
    files = []
    for name in ("left.MPO", "IMG_0001.DNG", "DSC_0002.nef"):
        path = tmp_path / name
        path.write_bytes(b"bytes of " + name.encode())
        files.append(path)
    mime = file_mime(*files)
    assert has_image_content(mime)
    images, problems = images_from_mime(mime)
    assert [(i.label, i.data) for i in images] == [
        (p.name, p.read_bytes()) for p in files
    ] and not problems
