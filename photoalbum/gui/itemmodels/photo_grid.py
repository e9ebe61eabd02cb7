"""PhotoGridModel: a flat list model over photo ids for a 100k-item thumbnail grid."""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from photoalbum.core.ports import Photo
from photoalbum.core.video import moment_label
from photoalbum.gui.itemmodels.index_types import AnyIndex
from photoalbum.gui.itemmodels.timeline import TimelineIndex
from photoalbum.gui.translation import arg
from photoalbum.qt import Qt, QtCore, QtGui, Signal
from photoalbum.workers.thumbnails import ThumbnailLoader

logger = logging.getLogger(__name__)

CHANNEL = "grid"
#: Drag format of photos dragged from a grid (their ids, comma-separated), for albums to take.
PHOTO_IDS_MIME = "application/x-photoalbum-photo-ids"
#: Rows whose details are asked for together when one of them is missing.
PAGE = 64
#: Above this many changed ranges, a refresh resets the model instead of patching it.
MAX_PATCH_RANGES = 200


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (first, last) index runs where ``mask`` is True, in order."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


class PhotoGridModel(QtCore.QAbstractListModel):
    """Rows are photo ids (a numpy array); details and thumbnails are fetched lazily.

    ``data(DecorationRole)`` returns a cached pixmap or a placeholder and queues one load; only
    rows a view actually paints ask for anything, so 100k rows cost an int64 array. Details
    (path, date, fingerprint) are requested a page at a time through ``info_requested`` and
    arrive through :meth:`add_photos`.

    Signals:
        info_requested(list[int]): photo ids whose details are needed (answer with add_photos).
    """

    PhotoIdRole = Qt.ItemDataRole.UserRole + 1
    PathRole = Qt.ItemDataRole.UserRole + 2
    ScoreRole = Qt.ItemDataRole.UserRole + 3
    DateRole = Qt.ItemDataRole.UserRole + 4
    PhotoRole = Qt.ItemDataRole.UserRole + 5
    LoadedRole = Qt.ItemDataRole.UserRole + 6  # True once the real thumbnail is shown
    CaptionRole = Qt.ItemDataRole.UserRole + 7  # (file name, "date · score") for the delegate
    #: A video search hit's best-matching moment (seconds from its start), else None.
    MomentRole = Qt.ItemDataRole.UserRole + 8

    info_requested = Signal(object)

    def __init__(
        self,
        loader: ThumbnailLoader,
        thumbnail_path: Callable[[str], Path],
        *,
        thumb_size: int = 256,
        pixmap_cache: int = 1500,
        info_cache: int = 20000,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._thumbnail_path = thumbnail_path
        self.thumb_size = thumb_size
        self._pixmap_cache = pixmap_cache
        self._info_cache = info_cache
        self._ids = np.zeros(0, dtype=np.int64)
        self._scores: np.ndarray | None = None
        self._moments: np.ndarray | None = None  # seconds per row (NaN: no moment)
        self._info: OrderedDict[int, Photo] = OrderedDict()
        self._captions: dict[int, tuple[Photo, tuple[str, str]]] = {}
        self._pixmaps: OrderedDict[str, QtGui.QPixmap] = OrderedDict()
        self._broken: set[str] = set()
        self._key_ids: dict[str, set[int]] = {}
        self._row_of: dict[int, int] | None = None
        self._timeline: TimelineIndex | None = None  # dates of the rows on the Photos timeline
        self._marks: dict[int, tuple[bool, int]] = {}  # photo id → (favourite, rating) once read
        self._info_wanted: set[int] = set()
        self._info_pending: set[int] = set()
        self._flush = QtCore.QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._flush_info_requests)
        self._placeholder = self._make_placeholder(False)
        self._broken_pixmap = self._make_placeholder(True)
        loader.loaded.connect(self._on_loader_loaded)

    # --- content -------------------------------------------------------------------------------
    @property
    def ids(self) -> np.ndarray:
        """The photo ids shown, in row order (read-only view)."""
        view = self._ids.view()
        view.flags.writeable = False
        return view

    @property
    def has_scores(self) -> bool:
        """True while showing ranked search results."""
        return self._scores is not None

    def set_results(
        self,
        ids: Sequence[int] | np.ndarray,
        scores: Sequence[float] | np.ndarray | None = None,
        photos: Iterable[Photo] = (),
        moments: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        """Show a new result set (a reset: stale thumbnail requests are dropped).

        ``moments``: per row, a video hit's best-matching moment in seconds (NaN: none).
        """
        self.beginResetModel()
        self._ids = np.asarray(ids, dtype=np.int64).copy()
        self._scores = None if scores is None else np.asarray(scores, dtype=np.float32).copy()
        self._moments = None if moments is None else np.asarray(moments, dtype=np.float64).copy()
        if self._scores is not None:
            self._timeline = None  # ranked results: no date headers
        self._row_of = None
        self._info_wanted.clear()
        self._key_ids.clear()
        self._loader.new_generation(CHANNEL)
        self._store_info(photos)
        self.endResetModel()

    def update_ids(self, ids: Sequence[int] | np.ndarray) -> None:
        """Show ``ids`` (unscored), patching rows in and out instead of resetting when possible.

        A browse listing refreshed while indexing mostly gains rows; patching keeps the scroll
        position, the selection and the loaded thumbnails.
        """
        new = np.asarray(ids, dtype=np.int64)
        old = self._ids
        if self._scores is not None or self._moments is not None or len(old) == 0 or not len(new):
            self.set_results(new)
            return
        keep_old = np.isin(old, new)
        keep_new = np.isin(new, old)
        removed = _runs(~keep_old)
        inserted = _runs(~keep_new)
        if (
            not np.array_equal(old[keep_old], new[keep_new])
            or len(removed) + len(inserted) > MAX_PATCH_RANGES
        ):
            self.set_results(new)
            return
        root = QtCore.QModelIndex()
        for a, b in reversed(removed):
            self.beginRemoveRows(root, a, b)
            self._ids = np.delete(self._ids, np.s_[a : b + 1])
            self._row_of = None
            self.endRemoveRows()
        for a, b in inserted:
            self.beginInsertRows(root, a, b)
            self._ids = np.insert(self._ids, a, new[a : b + 1])
            self._row_of = None
            self.endInsertRows()

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Drop rows of these photos (e.g. removed from the library)."""
        gone = np.asarray(list(ids), dtype=np.int64)
        mask = np.isin(self._ids, gone)
        root = QtCore.QModelIndex()
        for a, b in reversed(_runs(mask)):
            self.beginRemoveRows(root, a, b)
            self._ids = np.delete(self._ids, np.s_[a : b + 1])
            if self._scores is not None:
                self._scores = np.delete(self._scores, np.s_[a : b + 1])
            if self._moments is not None:
                self._moments = np.delete(self._moments, np.s_[a : b + 1])
            self._row_of = None
            self.endRemoveRows()

    def add_photos(self, photos: Iterable[Photo]) -> None:
        """Details arrived (from the search worker): repaint their rows."""
        changed = self._store_info(photos)
        for pid in changed:
            self._info_pending.discard(pid)
            row = self.row_of(pid)
            if row is not None:
                idx = self.index(row, 0)
                self.dataChanged.emit(idx, idx)

    def photo(self, row: int) -> Photo | None:
        """The details of a row, if known (None asks for them)."""
        if not 0 <= row < len(self._ids):
            return None
        pid = int(self._ids[row])
        photo = self._info.get(pid)
        if photo is None:
            self._want_info(row)
        return photo

    def photo_by_id(self, photo_id: int) -> Photo | None:
        """Known details of a photo, if cached."""
        return self._info.get(int(photo_id))

    def photo_id(self, row: int) -> int:
        """The photo id of a row."""
        return int(self._ids[row])

    def row_of(self, photo_id: int) -> int | None:
        """The row showing ``photo_id``, or None."""
        if self._row_of is None:
            self._row_of = {int(pid): row for row, pid in enumerate(self._ids.tolist())}
        return self._row_of.get(int(photo_id))

    def cached_pixmap(self, row: int) -> QtGui.QPixmap | None:
        """The loaded thumbnail of a row, or None."""
        photo = self._info.get(int(self._ids[row])) if 0 <= row < len(self._ids) else None
        if photo is None:
            return None
        return self._pixmaps.get(self._thumb_key(photo))

    def cell(self, row: int) -> tuple[QtGui.QPixmap | None, tuple[str, str] | None]:
        """(thumbnail or placeholder, caption) of a row, as ``data`` gives them for the
        Decoration and Caption roles, in one Python call: a delegate calling this directly
        avoids two round trips through Qt (each may hand the GIL to a busy worker thread)."""
        if not 0 <= row < len(self._ids):
            return None, None
        pid = int(self._ids[row])
        photo = self._info.get(pid)
        if photo is None:
            self._want_info(row)
            return self._placeholder, None
        self._info.move_to_end(pid)
        name, date = self._caption(photo)
        if self._scores is not None:
            date = f"{date}  ·  {float(self._scores[row]):.2f}"
        return self._decoration(photo), (name, date)

    @property
    def timeline(self) -> TimelineIndex | None:
        """The dates of the rows while the grid shows the timeline, else None."""
        return self._timeline

    def set_timeline(self, timeline: TimelineIndex | None) -> None:
        """Give the rows' dates (the timeline listing) for headers and marks; None drops them.

        Emits nothing: call it before the rows are set (their reset or insertions repaint), or
        repaint the view; a dataChanged over every row of a 100k listing is not needed for that.
        """
        self._timeline = timeline

    def badges(self, row: int) -> tuple[str, bool, bool, bool, int]:
        """(header, starts a month, approximate date, favourite, rating) of a row's cell: the
        timeline's day or month header on the first photo of a day, whether the date is the
        file's time, and the photo's marks."""
        if not 0 <= row < len(self._ids):
            return "", False, False, False, 0
        t = self._timeline
        pid = int(self._ids[row])
        favorite, rating = self._marks.get(pid, (False, 0))
        if t is not None and row < len(t) and int(t.ids[row]) == pid:
            header, month, approx = (
                t.header(row),
                bool(t.month_start[row]),
                bool(t.approximate[row]),
            )
            return header, month, approx, favorite, rating
        photo = self._info.get(pid)
        return "", False, photo is not None and photo.date_is_approximate, favorite, rating

    def moment(self, row: int) -> float | None:
        """The best-matching moment (seconds) of a row's video in search results, else None."""
        if self._moments is None or not 0 <= row < len(self._moments):
            return None
        t = float(self._moments[row])
        return None if np.isnan(t) else t

    def video_badge(self, row: int) -> str | None:
        """The duration a row's cell shows ("0:42", "1:02:03") when it is a video ("" when its
        length is unknown), None for a photo or a row whose details are not known yet."""
        if not 0 <= row < len(self._ids):
            return None
        photo = self._info.get(int(self._ids[row]))
        if photo is None or not photo.is_video:
            return None
        duration = photo.meta.duration_s if photo.meta is not None else None
        return moment_label(duration) if duration else ""

    def marks(self, photo_id: int) -> tuple[bool, int]:
        """(favourite, rating) of a photo as last read (unread: not a favourite, unrated)."""
        return self._marks.get(int(photo_id), (False, 0))

    def set_marks(self, marks: dict[int, object]) -> None:
        """Marks read or changed (photo id → an object with ``favorite`` and ``rating``, or
        None when unmarked): repaint their rows."""
        for pid, m in marks.items():
            value = (bool(m.favorite), int(m.rating)) if m is not None else (False, 0)  # type: ignore[attr-defined]
            self._marks[int(pid)] = value
            row = self.row_of(int(pid))
            if row is not None:
                idx = self.index(row, 0)
                self.dataChanged.emit(idx, idx)

    def retain_rows(self, first: int, last: int) -> None:
        """Drop queued thumbnail loads for rows outside [first, last] (scrolled away)."""
        if len(self._ids) == 0:
            return
        first = max(0, first)
        last = min(len(self._ids) - 1, last)
        keys = []
        for pid in self._ids[first : last + 1].tolist():
            photo = self._info.get(pid)
            if photo is not None:
                keys.append(self._thumb_key(photo))
        self._loader.retain(CHANNEL, keys)

    # --- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._ids):
            return None
        pid = int(self._ids[row])
        if role == self.PhotoIdRole:
            return pid
        if role == self.ScoreRole:
            return None if self._scores is None else float(self._scores[row])
        if role == self.MomentRole:
            return self.moment(row)
        photo = self._info.get(pid)
        if photo is not None:
            self._info.move_to_end(pid)
        elif role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ToolTipRole,
            self.PathRole,
            self.DateRole,
            self.PhotoRole,
            self.CaptionRole,
        ):
            self._want_info(row)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(photo)
        if role == self.LoadedRole:
            return photo is not None and self._thumb_key(photo) in self._pixmaps
        if photo is None:
            return (
                "" if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None
            )
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(photo.path).name
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [photo.path, photo.taken_or_file_time.strftime("%Y-%m-%d %H:%M")]
            if photo.date_is_approximate:
                lines[-1] = arg(self.tr("%1 (file time: the photo records no date)"), lines[-1])
            if self._scores is not None:
                lines.append(arg(self.tr("score %1"), f"{float(self._scores[row]):.2f}"))
            if (moment := self.moment(row)) is not None:
                lines.append(arg(self.tr("best match at %1"), moment_label(moment)))
            return "\n".join(lines)
        if role == self.PathRole:
            return photo.path
        if role == self.CaptionRole:
            name, date = self._caption(photo)
            if self._scores is not None:
                return name, f"{date}  ·  {float(self._scores[row]):.2f}"
            return name, date
        if role == self.DateRole:
            return photo.taken_or_file_time
        if role == self.PhotoRole:
            return photo
        return None

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list", PHOTO_IDS_MIME]

    def mimeData(self, indexes: Sequence[QtCore.QModelIndex]) -> QtCore.QMimeData:
        """Selected photos as file URLs, so they can be dragged out to other apps."""
        mime = QtCore.QMimeData()
        urls = []
        for index in indexes:
            photo = self._info.get(int(self._ids[index.row()])) if index.isValid() else None
            if photo is not None:
                urls.append(QtCore.QUrl.fromLocalFile(photo.path))
        mime.setUrls(urls)
        ids = [str(int(self._ids[i.row()])) for i in indexes if i.isValid()]
        mime.setData(PHOTO_IDS_MIME, QtCore.QByteArray(",".join(ids).encode("ascii")))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # --- internals -----------------------------------------------------------------------------
    @staticmethod
    def _thumb_key(photo: Photo) -> str:
        return photo.fingerprint or photo.path

    def _caption(self, photo: Photo) -> tuple[str, str]:
        caption = self._captions.get(photo.id)
        if caption is None or caption[0] is not photo:
            text = (os.path.basename(photo.path), photo.taken_or_file_time.strftime("%Y-%m-%d"))
            self._captions[photo.id] = (photo, text)
            if len(self._captions) > self._info_cache:
                self._captions.clear()
            return text
        return caption[1]

    def _store_info(self, photos: Iterable[Photo]) -> list[int]:
        changed = []
        for p in photos:
            self._info[p.id] = p
            self._info.move_to_end(p.id)
            changed.append(p.id)
        while len(self._info) > self._info_cache:
            self._info.popitem(last=False)
        return changed

    def _want_info(self, row: int) -> None:
        start = (row // PAGE) * PAGE
        for pid in self._ids[start : start + PAGE].tolist():
            if pid not in self._info and pid not in self._info_pending:
                self._info_wanted.add(pid)
        if self._info_wanted and not self._flush.isActive():
            self._flush.start()

    def _flush_info_requests(self) -> None:
        if not self._info_wanted:
            return
        ids = sorted(self._info_wanted)
        self._info_pending.update(ids)
        self._info_wanted.clear()
        self.info_requested.emit(ids)

    def forget_pending_info(self) -> None:
        """Ask again for details that never arrived (e.g. the search worker was reopened)."""
        self._info_pending.clear()

    def _decoration(self, photo: Photo | None) -> QtGui.QPixmap:
        if photo is None:
            return self._placeholder
        key = self._thumb_key(photo)
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key in self._broken:
            return self._broken_pixmap
        if len(self._key_ids) > 4 * self._pixmap_cache:  # dropped requests leave entries behind
            self._key_ids.clear()
        self._key_ids.setdefault(key, set()).add(photo.id)
        sources = [str(self._thumbnail_path(photo.fingerprint))] if photo.fingerprint else []
        sources.append(photo.path)  # no cached thumbnail: decode the photo itself (scaled)
        self._loader.request(CHANNEL, key, sources, max_side=self.thumb_size)
        return self._placeholder

    def _on_loader_loaded(
        self, channel: str, key: object, generation: int, image: QtGui.QImage
    ) -> None:
        if channel != CHANNEL or not isinstance(key, str):
            return
        if image.isNull():
            self._broken.add(key)
        else:
            self._pixmaps[key] = QtGui.QPixmap.fromImage(image)
            while len(self._pixmaps) > self._pixmap_cache:
                self._pixmaps.popitem(last=False)
        for pid in self._key_ids.pop(key, ()):
            row = self.row_of(pid)
            if row is not None:
                idx = self.index(row, 0)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole, self.LoadedRole])

    def _make_placeholder(self, broken: bool) -> QtGui.QPixmap:
        size = max(16, self.thumb_size // 2)
        pixmap = QtGui.QPixmap(size, size)
        pixmap.fill(QtGui.QColor(0, 0, 0, 0))
        painter = QtGui.QPainter(pixmap)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(120, 120, 120, 60))
        painter.drawRoundedRect(2, 2, size - 4, size - 4, 8, 8)
        if broken:
            pen = QtGui.QPen(QtGui.QColor(170, 60, 60), max(2, size // 24))
            painter.setPen(pen)
            m = size // 3
            painter.drawLine(m, m, size - m, size - m)
            painter.drawLine(size - m, m, m, size - m)
        painter.end()
        return pixmap
