"""ViewerDialog: one photo large, next/previous with the arrow keys, EXIF panel, fit or 100 %.

Text read in the photo (the text pass) is listed in the info panel; lines containing the search's
words are highlighted on the photo.

A video is shown as its frame at the search's matched moment (its first moment otherwise); Play
(or Space) plays it in place from that moment (Qt Multimedia, imported on the first play), with a
position slider. A Live Photo's "Live" button plays its movie in place, then shows the still again.
Where Qt Multimedia cannot be loaded or cannot play a file, the viewer says why and keeps the frame
with "Open in player…", which hands the file to the desktop's video player.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from photoalbum.core.ports import Photo
from photoalbum.core.text.matching import matching_lines
from photoalbum.core.text.ocr import TextLine
from photoalbum.core.video import moment_label
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.translation import QT_TRANSLATE_NOOP, arg
from photoalbum.gui.widgets.video_player import VideoPlayer
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal, multimedia
from photoalbum.workers.thumbnails import ThumbnailLoader

logger = logging.getLogger(__name__)

CHANNEL = "viewer"
#: Largest side decoded for the viewer (a 100 MP panorama is shown scaled).
MAX_SIDE = 8192
#: How the info panel names an item's companion files, by role.
_COMPANION_LABELS = {
    "raw": QT_TRANSLATE_NOOP("ViewerDialog", "RAW"),
    "motion": QT_TRANSLATE_NOOP("ViewerDialog", "Live movie"),
}


class _ImageView(QtWidgets.QGraphicsView):
    """Shows one pixmap: fitted to the window (never enlarged past 100 %) or at 100 %."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QtWidgets.QGraphicsScene(self))
        self.item = QtWidgets.QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setBackgroundBrush(QtGui.QColor(24, 24, 24))
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QtWidgets.QGraphicsView.DragMode.ScrollHandDrag)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fit = True
        self.natural = QtCore.QSize()  # the photo's real size (a thumbnail may stand in for it)
        self.faces: list[tuple[tuple[float, float, float, float], str]] = []
        self._face_items: list[QtWidgets.QGraphicsItem] = []
        self.highlights: list[QtWidgets.QGraphicsPolygonItem] = []
        self._boxes: list[Sequence[tuple[float, float]]] = []

    def set_highlights(self, boxes: Sequence[Sequence[tuple[float, float]]]) -> None:
        """Mark these text boxes (corners as fractions of the photo) over the photo."""
        self._boxes = list(boxes)
        self._place_highlights()

    def _place_highlights(self) -> None:
        for item in self.highlights:
            self.scene().removeItem(item)
        self.highlights = []
        pm = self.item.pixmap()
        if pm.isNull():
            return
        w, h = pm.width(), pm.height()
        pen = QtGui.QPen(QtGui.QColor(255, 170, 0), 0)  # cosmetic: 1 screen pixel at any zoom
        pen.setWidth(3)
        pen.setCosmetic(True)
        for box in self._boxes:
            poly = QtGui.QPolygonF([QtCore.QPointF(x * w, y * h) for x, y in box])
            item = self.scene().addPolygon(poly, pen, QtGui.QBrush(QtGui.QColor(255, 220, 0, 70)))
            self.highlights.append(item)

    def set_pixmap(self, pixmap: QtGui.QPixmap, natural: QtCore.QSize | None = None) -> None:
        """Show ``pixmap``, standing in for an image of size ``natural``."""
        self.item.setPixmap(pixmap)
        self.natural = natural if natural is not None and natural.isValid() else pixmap.size()
        self.scene().setSceneRect(QtCore.QRectF(pixmap.rect()))
        self._place_highlights()
        self._place_faces()
        self.apply_zoom()

    def set_faces(self, faces: list[tuple[tuple[float, float, float, float], str]]) -> None:
        """Outline faces: (x, y, w, h) in fractions of the photo, with a label each."""
        self.faces = list(faces)
        self._place_faces()

    def _place_faces(self) -> None:
        for it in self._face_items:
            self.scene().removeItem(it)
        self._face_items = []
        pm = self.item.pixmap()
        if pm.isNull():
            return
        w, h = pm.width(), pm.height()
        pen = QtGui.QPen(QtGui.QColor(255, 214, 10), max(1.5, min(w, h) / 250))
        pen.setCosmetic(False)
        for (x, y, fw, fh), label in self.faces:
            rect = self.scene().addRect(QtCore.QRectF(x * w, y * h, fw * w, fh * h), pen)
            self._face_items.append(rect)
            if label:
                text = self.scene().addSimpleText(label)
                font = text.font()
                font.setPixelSize(max(10, round(min(w, h) / 28)))
                text.setFont(font)
                text.setBrush(QtGui.QColor(255, 214, 10))
                text.setPos(x * w, (y + fh) * h + 2)
                self._face_items.append(text)

    def zoom_factor(self) -> float:
        """How many screen pixels one pixel of the photo takes now."""
        pm = self.item.pixmap()
        if pm.isNull() or self.natural.width() <= 0:
            return 1.0
        return self.transform().m11() * pm.width() / self.natural.width()

    def apply_zoom(self) -> None:
        """Re-apply fit or 100 % (after a resize or a new image)."""
        pm = self.item.pixmap()
        if pm.isNull() or self.natural.width() <= 0:
            return
        per_pixel = self.natural.width() / pm.width()  # scene units per real pixel, inverted
        if self.fit:
            vp = self.viewport().size()
            fit = min(vp.width() / self.natural.width(), vp.height() / self.natural.height())
            scale = min(1.0, fit) * per_pixel
        else:
            scale = per_pixel
        self.setTransform(QtGui.QTransform.fromScale(scale, scale))
        self.centerOn(self.item)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.apply_zoom()


class ViewerDialog(QtWidgets.QDialog):
    """A large view of the grid's photos, starting at ``row``.

    Keys: Left/Right (or PgUp/PgDn) previous/next, F fit, 1 100 %, I info panel, Esc close;
    Space plays/pauses a video or a Live Photo, and closes the viewer on a photo.
    ``open_url`` opens a file URL in the desktop's default app (default:
    ``QDesktopServices.openUrl``): a video in its player.

    Signals:
        row_changed(int): the photo shown changed (the grid follows).
    """

    row_changed = Signal(int)

    def __init__(
        self,
        model: PhotoGridModel,
        loader: ThumbnailLoader,
        row: int,
        parent: QtWidgets.QWidget | None = None,
        *,
        words: Sequence[str] = (),
        request_text: Callable[[int], None] | None = None,
        request_place: Callable[[int], None] | None = None,
        language: str = "en",
        open_url: Callable[[QtCore.QUrl], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_url = open_url
        self.setWindowTitle("photoalbum")
        self.words = tuple(words)
        self._request_text = request_text
        self._request_place = request_place
        self.language = language
        self.place: dict | None = None  # the shown photo's place (Library.place_of), once known
        self._filled: Photo | None = None  # the details the info panel shows
        self.text_lines: list[TextLine] = []
        self._shown_id: int | None = None  # the photo show_row found (None: details to come)
        self.resize(1100, 760)
        self.model = model
        self.loader = loader
        self.row = -1
        self._full_loaded = False
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QtWidgets.QToolBar()
        self.prev_action = bar.addAction(self.tr("◀ Previous"))
        self.next_action = bar.addAction(self.tr("Next ▶"))
        bar.addSeparator()
        self.fit_action = bar.addAction(self.tr("Fit"))
        self.actual_action = bar.addAction("100 %")
        for a in (self.fit_action, self.actual_action):
            a.setCheckable(True)
        self.fit_action.setChecked(True)
        bar.addSeparator()
        self.info_action = bar.addAction(self.tr("Info"))
        self.info_action.setCheckable(True)
        self.info_action.setChecked(True)
        self.title = QtWidgets.QLabel()
        self.title.setContentsMargins(12, 0, 6, 0)
        bar.addWidget(self.title)
        layout.addWidget(bar)
        split = QtWidgets.QSplitter()
        self.view = _ImageView()
        # The picture, or (page 1, built on the first play) the video player.
        self.stage = QtWidgets.QStackedWidget()
        self.stage.addWidget(self.view)
        self.player: VideoPlayer | None = None
        # Why this app cannot play videos (Qt Multimedia missing), once a play found out.
        self.playback_unavailable: str | None = None
        self._item_unplayable: str | None = None  # why the item shown could not be played
        # Below the picture, for a video or a Live Photo: the moment shown, position and buttons.
        self.media_bar = QtWidgets.QWidget()
        media = QtWidgets.QHBoxLayout(self.media_bar)
        media.setContentsMargins(8, 4, 8, 4)
        self.moment_caption = QtWidgets.QLabel()
        media.addWidget(self.moment_caption, 1)  # the stretch: buttons keep their size
        self.position_slider = QtWidgets.QSlider(Qt.Orientation.Horizontal)
        self.position_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows step photos
        self.position_slider.setToolTip(self.tr("Drag to move through the video"))
        self.time_label = QtWidgets.QLabel()
        self.playback_note = QtWidgets.QLabel()  # why it is not played here
        self.playback_note.setWordWrap(True)
        media.addWidget(self.position_slider, 1)
        media.addWidget(self.time_label)
        media.addWidget(self.playback_note, 1)
        self.play_button = QtWidgets.QPushButton()
        self.play_button.setToolTip(self.tr("Plays the video here (Space)"))
        self.live_button = QtWidgets.QPushButton(self.tr("Live"))
        self.live_button.setToolTip(self.tr("Plays the Live Photo's movie (Space)"))
        self.open_button = QtWidgets.QPushButton(self.tr("Open in player…"))
        self.open_button.setToolTip(
            self.tr(
                "Opens the file in your desktop's video player. A player cannot be told where "
                "to start in a way every desktop understands: skip to the moment yourself."
            )
        )
        for button in (self.play_button, self.live_button, self.open_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space is the viewer's key
            button.setAutoDefault(False)  # Enter presses nothing
            media.addWidget(button)
        self._set_position_shown(False)
        left = QtWidgets.QWidget()
        left_layout = QtWidgets.QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.stage, 1)
        left_layout.addWidget(self.media_bar)
        self.media_bar.hide()
        split.addWidget(left)
        self.info = QtWidgets.QWidget()
        self.info_form = QtWidgets.QFormLayout(self.info)
        self.info_form.setFieldGrowthPolicy(
            QtWidgets.QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow
        )
        self.info.setMinimumWidth(240)
        split.addWidget(self.info)
        split.setStretchFactor(0, 1)
        split.setSizes([820, 280])
        layout.addWidget(split, 1)
        self.prev_action.triggered.connect(self.show_previous)
        self.next_action.triggered.connect(self.show_next)
        self.fit_action.triggered.connect(lambda: self.set_fit(True))
        self.actual_action.triggered.connect(lambda: self.set_fit(False))
        self.info_action.toggled.connect(self.info.setVisible)
        self.play_button.clicked.connect(self.play_video)
        self.live_button.clicked.connect(self.play_live_photo)
        self.open_button.clicked.connect(self.open_in_player)
        self.position_slider.sliderMoved.connect(self._on_slider_moved)
        loader.loaded.connect(self._on_loader_loaded)
        model.dataChanged.connect(self._on_model_data_changed)
        self.show_row(row)

    # --- navigation ----------------------------------------------------------------------------
    def show_row(self, row: int) -> None:
        """Show the photo of ``row``."""
        if not 0 <= row < self.model.rowCount():
            return
        self._stop_playback()  # leaving the item: its player lets go of the file
        self._item_unplayable = None
        self.row = row
        self._full_loaded = False
        self.view.faces = []
        photo = self.model.photo(row)
        self._shown_id = photo.id if photo is not None else None
        natural = _natural_size(photo)
        thumb = self.model.cached_pixmap(row)
        if thumb is not None:
            self.view.set_pixmap(thumb, natural)
        else:
            self.view.set_pixmap(QtGui.QPixmap(), natural)
        self.text_lines = []
        self.place = None
        self.view.set_highlights([])
        self._fill_info(photo)
        if photo is not None and self._request_text is not None:
            self._request_text(photo.id)
        if photo is not None and self._request_place is not None:
            self._request_place(photo.id)
        self._show_media_bar(photo)
        gen = self.loader.new_generation(CHANNEL)
        if photo is not None:
            self.loader.request(
                CHANNEL,
                (gen, photo.id),
                [photo.path],
                max_side=MAX_SIDE,
                at_s=self.moment if photo.is_video else None,
            )
        self.prev_action.setEnabled(row > 0)
        self.next_action.setEnabled(row < self.model.rowCount() - 1)
        self.row_changed.emit(row)

    def show_next(self) -> None:
        """The next photo."""
        self.show_row(self.row + 1)

    def show_previous(self) -> None:
        """The previous photo."""
        self.show_row(self.row - 1)

    def set_fit(self, fit: bool) -> None:
        """Fit to the window, or 100 %."""
        self.view.fit = fit
        self.fit_action.setChecked(fit)
        self.actual_action.setChecked(not fit)
        self.view.apply_zoom()

    def set_text_lines(self, photo_id: int, lines: Sequence[TextLine]) -> None:
        """The text read in photo ``photo_id`` arrived: list it, highlight what matches."""
        photo = self.model.photo(self.row)
        if photo is None or photo.id != photo_id:
            return  # the user moved on
        self.text_lines = list(lines)
        matched = set(matching_lines(self.text_lines, self.words))
        shown = self.moment if photo.is_video else None
        self.view.set_highlights(
            [
                ln.box
                for i, ln in enumerate(self.text_lines)
                if i in matched and _on_screen(ln, photo.is_video, shown)
            ]
        )
        self._fill_info(photo)

    def set_place(self, photo_id: int, place: dict | None) -> None:
        """Where photo ``photo_id`` was taken arrived (``Library.place_of``): show it."""
        photo = self.model.photo(self.row)
        if photo is None or photo.id != photo_id:
            return  # the user moved on
        self.place = place
        self._fill_info(photo)

    def place_text(self) -> str | None:
        """The shown photo's place in the UI language: town, city, region, country."""
        place = self.place
        if not place:
            return None
        keys = (
            ("town_zh", "city_zh", "region_zh", "country_zh")
            if self.language == "zh"
            else ("town", "city", "region", "country_name")
        )
        parts: list[str] = []
        for key in keys:
            name = place.get(key)
            if name and str(name) not in parts:
                parts.append(str(name))
        text = ", ".join(parts) or str(place.get("label") or "")
        return arg(self.tr("%1 (corrected)"), text) if place.get("corrected") else text

    @property
    def moment(self) -> float | None:
        """The matched moment (seconds) of the video shown, from the search, else None."""
        moment = self.model.data(self.model.index(self.row, 0), PhotoGridModel.MomentRole)
        return float(moment) if isinstance(moment, (int, float)) else None

    def play_video(self) -> bool:
        """Play the video shown here from the matched moment, or pause/resume it; where it cannot
        be played here, open it in the desktop's video player. True when either happened."""
        photo = self.model.photo(self.row)
        if photo is None or not photo.is_video:
            return False
        if self._can_play_here():
            player = self.player
            if player is not None and player.path == photo.path:
                player.toggle()
                return True
            player = self._ensure_player()
            if player is not None:
                self._start(player, photo.path, self.moment)
                return True
        return self._open_file(photo.path)

    def play_live_photo(self) -> bool:
        """Play the shown Live Photo's movie in place (the still comes back at its end), or stop
        it; where it cannot be played here, open the movie in the desktop's video player."""
        photo = self.model.photo(self.row)
        movie = _motion_path(photo)
        if movie is None:
            return False
        if self._can_play_here():
            if self.player is not None and self.player.path == movie:
                self._stop_playback()
                return True
            player = self._ensure_player()
            if player is not None:
                self._start(player, movie, None)
                return True
        return self._open_file(movie)

    def open_in_player(self) -> bool:
        """Open the video (a Live Photo's movie) in the desktop's video player."""
        photo = self.model.photo(self.row)
        path = photo.path if photo is not None and photo.is_video else _motion_path(photo)
        if path is None:
            return False
        self._stop_playback()
        return self._open_file(path)

    @property
    def playing(self) -> bool:
        """True while the viewer plays a video or a Live Photo's movie."""
        return self.player is not None and self.player.path is not None and self.player.playing

    # --- playback ------------------------------------------------------------------------------
    def _can_play_here(self) -> bool:
        return self.playback_unavailable is None and self._item_unplayable is None

    def _ensure_player(self) -> VideoPlayer | None:
        """The player, built on the first play; None (and the reason shown) when Qt Multimedia
        cannot be loaded."""
        if self.player is not None:
            return self.player
        try:
            mm = multimedia()
        except ImportError as exc:  # not installed, or a library it links is missing (libpulse)
            logger.warning("videos open in the desktop's player: Qt Multimedia: %s", exc)
            self.playback_unavailable = arg(
                self.tr("Videos cannot be played here (Qt Multimedia: %1)."), str(exc)
            )
            self._show_media_bar(self.model.photo(self.row))
            return None
        self.player = VideoPlayer(mm, self.stage)
        self.stage.addWidget(self.player)
        self.player.position_changed.connect(self._on_player_position)
        self.player.playing_changed.connect(self._on_player_playing)
        self.player.finished.connect(self._on_player_finished)
        self.player.failed.connect(self._on_player_failed)
        return self.player

    def _start(self, player: VideoPlayer, path: str, start_s: float | None) -> None:
        self.stage.setCurrentWidget(player)
        self._set_position_shown(True)
        self.position_slider.setRange(0, 0)
        self.time_label.setText("")
        player.open(path, start_s)
        self._update_play_buttons()

    def _stop_playback(self) -> None:
        """Stop and release the player; the picture comes back."""
        if self.player is not None:
            self.player.release()
        self.stage.setCurrentWidget(self.view)
        self._set_position_shown(False)
        self._update_play_buttons()

    def _set_position_shown(self, shown: bool) -> None:
        self.position_slider.setVisible(shown)
        self.time_label.setVisible(shown)
        self.moment_caption.setVisible(not shown)

    def _update_play_buttons(self) -> None:
        photo = self.model.photo(self.row)
        player = self.player
        loaded = player is not None and player.path is not None and photo is not None
        if photo is not None and photo.is_video:
            moment = self.moment
            if loaded and player is not None and player.playing:
                self.play_button.setText(self.tr("Pause"))
            elif loaded:
                self.play_button.setText(self.tr("Play"))
            elif moment is not None and moment >= 1:
                self.play_button.setText(arg(self.tr("Play from %1"), moment_label(moment)))
            else:
                self.play_button.setText(self.tr("Play"))
        self.live_button.setText(self.tr("Stop") if loaded else self.tr("Live"))

    def _on_player_position(self, position: int, duration: int) -> None:
        if self.position_slider.maximum() != duration:
            self.position_slider.setRange(0, max(0, duration))
        if not self.position_slider.isSliderDown():
            self.position_slider.setValue(position)
        self.time_label.setText(
            f"{moment_label(position / 1000)} / {moment_label(duration / 1000)}"
        )

    def _on_slider_moved(self, value: int) -> None:
        if self.player is not None:
            self.player.seek(value)

    def _on_player_playing(self, _playing: bool) -> None:
        self._update_play_buttons()

    def _on_player_finished(self) -> None:
        photo = self.model.photo(self.row)
        if photo is not None and not photo.is_video:
            self._stop_playback()  # a Live Photo's movie ends on its still
        else:
            self._update_play_buttons()  # the last frame stays; Play starts it again

    def _on_player_failed(self, reason: str) -> None:
        self._item_unplayable = arg(self.tr("It cannot be played here: %1"), reason)
        self._stop_playback()
        self._show_media_bar(self.model.photo(self.row))

    def _open_file(self, path: str) -> bool:
        # A local file's URL only: the app never fetches anything.
        open_url = self._open_url or QtGui.QDesktopServices.openUrl
        opened = open_url(QtCore.QUrl.fromLocalFile(path))
        if opened is False:  # QDesktopServices found no application (an injected opener: None)
            self.title.setText(arg(self.tr("No application opens %1"), Path(path).name))
        return opened is not False

    def _show_media_bar(self, photo: Photo | None) -> None:
        video = photo is not None and photo.is_video
        live = _motion_path(photo) is not None
        here = self._can_play_here()
        note = self.playback_unavailable or self._item_unplayable
        self.media_bar.setVisible(video or live)
        self.play_button.setVisible(video and here)
        self.live_button.setVisible(live and not video and here)
        self.open_button.setVisible((video or live) and not here)
        self.playback_note.setVisible(bool(note) and (video or live))
        self.playback_note.setText(note or "")
        self.moment_caption.setText("")
        self._update_play_buttons()
        if not video or photo is None:
            return
        duration = photo.meta.duration_s if photo.meta is not None else None
        moment = self.moment
        length = moment_label(duration) if duration else None
        if moment is not None and length is not None:
            caption = arg(self.tr("Moment %1 of %2"), moment_label(moment), length)
        elif moment is not None:
            caption = arg(self.tr("Moment %1"), moment_label(moment))
        elif length is not None:
            caption = arg(self.tr("Video, %1 long"), length)
        else:
            caption = self.tr("Video")
        self.moment_caption.setText(caption)

    @property
    def matched_lines(self) -> list[int]:
        """Indices of the text lines highlighted now."""
        return matching_lines(self.text_lines, self.words)

    @property
    def full_loaded(self) -> bool:
        """True once the full-size image replaced the thumbnail."""
        return self._full_loaded

    # --- events --------------------------------------------------------------------------------
    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self.show_next()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.show_previous()
        elif key == Qt.Key.Key_F:
            self.set_fit(True)
        elif key == Qt.Key.Key_1:
            self.set_fit(False)
        elif key == Qt.Key.Key_I:
            self.info_action.toggle()
        elif key == Qt.Key.Key_Space and self.play_button.isVisible():
            self.play_video()
        elif key == Qt.Key.Key_Space and self.live_button.isVisible():
            self.play_live_photo()
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Escape):
            self.reject()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def set_faces(self, photo_id: int, faces: list) -> None:  # list[FaceCard]
        """Outline the faces of the shown photo (ignored if another photo is shown by now)."""
        photo = self.model.photo(self.row)
        if photo is None or photo.id != photo_id:
            return
        self.view.set_faces([((f.box.x, f.box.y, f.box.w, f.box.h), f.label or "") for f in faces])
        names = sorted({f.label for f in faces if f.label})
        loose = sum(1 for f in faces if not f.label)
        lines = names + ([self.tr("%Ln more face(s)", "", loose)] if loose else [])
        if lines:  # one name per line: a label added later does not re-wrap reliably
            field = QtWidgets.QLabel("\n".join(lines))
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_form.addRow(self.tr("People:"), field)

    def done(self, result: int) -> None:
        self.loader.new_generation(CHANNEL)
        if self.player is not None:  # closing: the player, its decoder and audio stream go
            self._stop_playback()
            self.stage.removeWidget(self.player)
            self.player.deleteLater()
            self.player = None
        super().done(result)

    def _on_loader_loaded(
        self, channel: str, key: object, generation: int, image: QtGui.QImage
    ) -> None:
        if channel != CHANNEL or not isinstance(key, tuple):
            return
        photo = self.model.photo(self.row)
        if photo is None or key[1] != photo.id or generation != self.loader.generation(CHANNEL):
            return
        if image.isNull():
            self.title.setText(arg(self.tr("%1 — cannot be displayed"), Path(photo.path).name))
            return
        natural = _natural_size(photo)
        if not natural.isValid() or image.width() >= natural.width():
            natural = image.size()
        self.view.set_pixmap(QtGui.QPixmap.fromImage(image), natural)
        self._full_loaded = True

    def _on_model_data_changed(
        self, top_left: QtCore.QModelIndex, bottom_right: QtCore.QModelIndex, roles: object = None
    ) -> None:
        if not top_left.row() <= self.row <= bottom_right.row():
            return
        if self._full_loaded:
            photo = self.model.photo(self.row)
            if photo is not None and photo.id == self._shown_id and photo is not self._filled:
                self._fill_info(photo)  # new details (a corrected date): the panel follows
                if self._request_place is not None:
                    self._request_place(photo.id)
            return
        photo = self.model.photo(self.row)
        if photo is not None and photo.id == self._shown_id and photo is not self._filled:
            self._fill_info(photo)  # new details (a corrected date): the panel follows
            if self._request_place is not None:
                self._request_place(photo.id)
        if photo is None or not self.view.item.pixmap().isNull():
            return
        if photo.id != self._shown_id:
            self.show_row(self.row)  # its details arrived: ask for its text and full image now
            return
        thumb = self.model.cached_pixmap(self.row)
        if thumb is not None:  # the thumbnail arrived; the text already found stays highlighted
            self.view.set_pixmap(thumb, _natural_size(photo))

    # --- info panel ----------------------------------------------------------------------------
    def _fill_info(self, photo: Photo | None) -> None:
        self._filled = photo
        while self.info_form.rowCount():
            self.info_form.removeRow(0)
        if photo is None:
            self.title.setText(self.tr("Loading…"))
            return
        name = Path(photo.path).name
        self.title.setText(name)
        self.setWindowTitle(f"{name} — photoalbum")
        meta = photo.meta
        # Labels in English (the Folder row is told by its label), translated when shown.
        rows: list[tuple[str, str]] = [
            (QT_TRANSLATE_NOOP("ViewerDialog", "Name"), name),
            (QT_TRANSLATE_NOOP("ViewerDialog", "Folder"), str(Path(photo.path).parent)),
        ]
        # The item's other files: the RAW of a RAW+JPEG pair, a Live Photo's movie.
        rows += [
            (
                _COMPANION_LABELS.get(c.role, QT_TRANSLATE_NOOP("ViewerDialog", "File")),
                Path(c.path).name,
            )
            for c in photo.companions
        ]
        date = photo.date
        if date.corrected:
            when = date.value.strftime("%Y-%m-%d %H:%M:%S")
            if date.utc_offset is not None:
                sign = "-" if date.utc_offset < 0 else "+"
                off = abs(date.utc_offset)
                when += f" {sign}{off // 60:02d}:{off % 60:02d}"
            rows.append(
                (QT_TRANSLATE_NOOP("ViewerDialog", "Date"), arg(self.tr("%1 (corrected)"), when))
            )
        elif meta is not None and meta.taken_at is not None:
            rows.append(
                (
                    QT_TRANSLATE_NOOP("ViewerDialog", "Taken"),
                    meta.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                )
            )
        else:
            rows.append(
                (
                    QT_TRANSLATE_NOOP("ViewerDialog", "File date"),
                    photo.taken_or_file_time.strftime("%Y-%m-%d %H:%M:%S"),
                )
            )
        place = self.place_text()
        if place:
            rows.append((QT_TRANSLATE_NOOP("ViewerDialog", "Place"), place))
        if photo.is_video:
            rows.append((QT_TRANSLATE_NOOP("ViewerDialog", "Media"), self.tr("Video")))
            if meta is not None and meta.duration_s:
                rows.append(
                    (QT_TRANSLATE_NOOP("ViewerDialog", "Duration"), moment_label(meta.duration_s))
                )
        if meta is not None:
            camera = " ".join(x for x in (meta.camera_make, meta.camera_model) if x)
            if camera:
                rows.append((QT_TRANSLATE_NOOP("ViewerDialog", "Camera"), camera))
            rows.append(
                (
                    QT_TRANSLATE_NOOP("ViewerDialog", "Size"),
                    f"{meta.width} × {meta.height} px",
                )
            )
            if meta.orientation and meta.orientation != 1:
                rows.append(
                    (
                        QT_TRANSLATE_NOOP("ViewerDialog", "Orientation"),
                        f"EXIF {meta.orientation}",
                    )
                )
            if meta.gps_lat is not None and meta.gps_lon is not None:
                rows.append(
                    (
                        QT_TRANSLATE_NOOP("ViewerDialog", "GPS"),
                        f"{meta.gps_lat:.5f}, {meta.gps_lon:.5f}",
                    )
                )
        rows.append((QT_TRANSLATE_NOOP("ViewerDialog", "File size"), _human_size(photo.size)))
        score = self.model.data(self.model.index(self.row, 0), PhotoGridModel.ScoreRole)
        if score is not None:
            rows.append((QT_TRANSLATE_NOOP("ViewerDialog", "Score"), f"{score:.2f}"))
        for label, value in rows:
            if label == "Folder":
                field: QtWidgets.QLabel = PathLabel(value)
            else:
                field = QtWidgets.QLabel(value)
                field.setWordWrap(True)
                field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_form.addRow(arg(self.tr("%1:"), self.tr(label)), field)
        if self.text_lines:
            matched = set(self.matched_lines)
            field = QtWidgets.QLabel()
            field.setTextFormat(Qt.TextFormat.RichText)
            field.setText(
                "<br>".join(
                    f"<b style='background:#ffe680'>{_escape(ln.text)}</b>"
                    if i in matched
                    else _escape(ln.text)
                    for i, ln in enumerate(self.text_lines)
                )
            )
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_form.addRow(self.tr("Text:"), field)


#: The narrowest a path label gets (its size hint: the form gives it the rest of the row).
MIN_PATH_WIDTH = 40


class PathLabel(QtWidgets.QLabel):
    """One line showing a path, its middle elided to fit the width; the whole path as tooltip.

    A word-wrapped label cut a folder path off after its first line in the viewer's form (a path
    has no spaces to wrap at, and the form did not grow the row): the screenshots showed
    "/tmp/shots/" for "/tmp/shots/photos/camera".
    """

    def __init__(self, path: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setToolTip(path)
        # Expanding, with a small size hint: a form grows the field to the room it has, and a long
        # path never widens the panel.
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self._fit()

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(MIN_PATH_WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(MIN_PATH_WIDTH, super().minimumSizeHint().height())

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = max(MIN_PATH_WIDTH, self.contentsRect().width())
        self.setText(self.fontMetrics().elidedText(self.path, Qt.TextElideMode.ElideMiddle, width))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _motion_path(photo: Photo | None) -> str | None:
    """The movie of a Live Photo (its "motion" companion), if it has one."""
    if photo is None:
        return None
    return next((c.path for c in photo.companions if c.role == "motion"), None)


def _natural_size(photo: Photo | None) -> QtCore.QSize:
    if photo is None or photo.meta is None or photo.meta.width <= 0:
        return QtCore.QSize()
    return QtCore.QSize(photo.meta.width, photo.meta.height)


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            if unit == "bytes":
                return QtCore.QCoreApplication.translate("ViewerDialog", "%Ln byte(s)", None, n)
            return f"{size:.1f} {unit}"
        size /= 1024
    return QtCore.QCoreApplication.translate("ViewerDialog", "%Ln byte(s)", None, n)


def _on_screen(line: TextLine, is_video: bool, shown: float | None) -> bool:
    """Whether ``line`` was read in the picture on screen: any of a photo's; a video's only when
    read in the moment shown (``shown``: its time, None when not known)."""
    if not is_video:
        return True
    return shown is not None and line.time_s is not None and abs(line.time_s - shown) < 1e-3
