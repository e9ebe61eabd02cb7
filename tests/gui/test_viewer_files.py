"""The viewer's info panel lists every file of an item (a RAW, a Live Photo's movie)."""

from __future__ import annotations

from photoalbum.core.ports import CompanionFile, Photo, PhotoMeta, PhotoStatus
from photoalbum.gui.dialogs.viewer import ViewerDialog
from photoalbum.qt import QtCore, QtGui, Signal


class _Model(QtCore.QAbstractListModel):
    def __init__(self, photos: list[Photo]) -> None:
        super().__init__()
        self._photos = photos

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return len(self._photos)

    def data(self, index: QtCore.QModelIndex, role: int = 0) -> object:
        return None

    def photo(self, row: int) -> Photo:
        return self._photos[row]

    def cached_pixmap(self, row: int) -> QtGui.QPixmap | None:
        return None


class _Loader(QtCore.QObject):
    loaded = Signal(str, object, int, object)

    def new_generation(self, channel: str) -> int:
        return 1

    def generation(self, channel: str) -> int:
        return 1

    def request(self, *args: object, **kwargs: object) -> None:
        pass


def _info(viewer: ViewerDialog) -> list[tuple[str, str]]:
    form = viewer.info_form
    return [
        (
            form.itemAt(i, form.ItemRole.LabelRole).widget().text(),
            form.itemAt(i, form.ItemRole.FieldRole).widget().text(),
        )
        for i in range(form.rowCount())
    ]


def test_info_panel_lists_the_raw_and_the_live_movie(qtbot) -> None:
    meta = PhotoMeta(640, 480)
    pair = Photo(
        1, "/p/IMG_1.JPG", 1, 10, 1, PhotoStatus.INDEXED, "fp1", None, meta,
        (CompanionFile("/p/IMG_1.CR2", "raw", 20, 1),),
    )  # fmt: skip
    live = Photo(
        2, "/p/IMG_2.HEIC", 1, 10, 1, PhotoStatus.INDEXED, "fp2", None, meta,
        (CompanionFile("/p/IMG_2.MOV", "motion", 30, 1),),
    )  # fmt: skip
    single = Photo(3, "/p/other.jpg", 1, 10, 1, PhotoStatus.INDEXED, "fp3", None, meta)
    viewer = ViewerDialog(_Model([pair, live, single]), _Loader(), 0)  # type: ignore[arg-type]
    qtbot.addWidget(viewer)
    assert _info(viewer)[:2] == [("Name:", "IMG_1.JPG"), ("Folder:", "/p")]
    assert ("RAW:", "IMG_1.CR2") in _info(viewer)
    viewer.show_row(1)
    assert ("Live movie:", "IMG_2.MOV") in _info(viewer)
    viewer.show_row(2)
    assert not any(label in ("RAW:", "Live movie:") for label, _ in _info(viewer))
