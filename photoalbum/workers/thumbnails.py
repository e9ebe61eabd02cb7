"""Image loading off the GUI thread: QRunnables on a QThreadPool return QImage (never QPixmap)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable, Iterable, Sequence

from PIL import Image

from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.imaging import decode_photo
from photoalbum.core.scanning import is_raw_name, is_video_name
from photoalbum.core.video import frame_at, video_still
from photoalbum.qt import QtCore, QtGui, Signal

logger = logging.getLogger(__name__)


def read_image(
    paths: Sequence[str] = (),
    data: bytes | None = None,
    max_side: int | None = None,
    at_s: float | None = None,
) -> QtGui.QImage:
    """Decode the first readable source (EXIF orientation applied), scaled down to ``max_side``.

    Scaling happens in the decoder where the format allows (JPEG: DCT scaling), so a 12 MP photo
    costs little. A camera RAW (which Qt cannot read) and any file Qt fails on (HEIC without
    Qt's plugin, say) is decoded by the engine instead (a RAW's embedded preview when big
    enough). A video shows its frame at ``at_s`` seconds (None: its first moment, the one its
    thumbnail shows). Returns a null QImage when nothing could be read. Never writes anything.
    """
    sources: list[object] = list(paths)
    if data is not None:
        sources.append(data)
    for src in sources:
        buffer = None
        if isinstance(src, bytes):
            buffer = QtCore.QBuffer()
            buffer.setData(QtCore.QByteArray(src))
            buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
            reader = QtGui.QImageReader(buffer)
        else:
            if is_video_name(str(src)):
                image = video_image(str(src), at_s, max_side)
                if not image.isNull():
                    return image
                continue
            if is_raw_name(str(src)):
                image = engine_image(str(src), max_side)
                if not image.isNull():
                    return image
                continue
            reader = QtGui.QImageReader(str(src))
        reader.setAutoTransform(True)  # Qt's allocation limit (256 MB) refuses decompression bombs
        if max_side:
            size = reader.size()
            if size.isValid() and max(size.width(), size.height()) > max_side:
                reader.setScaledSize(
                    size.scaled(max_side, max_side, QtCore.Qt.AspectRatioMode.KeepAspectRatio)
                )
        image = reader.read()
        if buffer is not None:
            buffer.close()
        if image.isNull() and not isinstance(src, bytes):
            image = engine_image(str(src), max_side)
        if not image.isNull():
            return image
    return QtGui.QImage()


#: The shorter side the engine decodes to at most (a RAW preview this big is used as it is).
ENGINE_MIN_SIDE = 1024


def engine_image(path: str, max_side: int | None = None) -> QtGui.QImage:
    """Decode ``path`` through the engine (RAW through LibRaw, HEIC through pillow-heif) into a
    QImage, upright, its longer side at most ``max_side``; a null QImage when it cannot."""
    # A RAW's embedded preview is taken when its shorter side reaches ``min_side``: capped, so the
    # viewer's large ``max_side`` does not make LibRaw develop the sensor data instead.
    min_side = min(max_side, ENGINE_MIN_SIDE) if max_side else ENGINE_MIN_SIDE
    try:
        decoded = decode_photo(path, min_side=min_side)
    except PhotoDecodeError as exc:
        logger.debug("cannot show %s: %s", path, exc.reason)
        return QtGui.QImage()
    return _qimage(decoded.image, max_side)


def video_image(path: str, at_s: float | None, max_side: int | None = None) -> QtGui.QImage:
    """The frame of the video at ``path`` shown ``at_s`` seconds in (None: its first moment),
    its longer side at most ``max_side``; a null QImage when it cannot be decoded."""
    try:
        if at_s is None:
            im = video_still(path, min_side=min(max_side, ENGINE_MIN_SIDE) if max_side else 720)
        else:
            im = frame_at(path, at_s, max_side=max_side)
    except PhotoDecodeError as exc:
        logger.debug("cannot show %s at %s s: %s", path, at_s, exc.reason)
        return QtGui.QImage()
    return _qimage(im, max_side)


def _qimage(im: Image.Image, max_side: int | None) -> QtGui.QImage:
    im = im.convert("RGB")
    if max_side and max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    w, h = im.size
    data = im.tobytes()
    # The QImage borrows ``data``: copy() gives it its own pixels before ``data`` goes.
    return QtGui.QImage(data, w, h, 3 * w, QtGui.QImage.Format.Format_RGB888).copy()


def load_image_plugins(formats: Sequence[bytes] = (b"jpg", b"png")) -> None:
    """Load Qt's image format plugins on the calling thread by round-tripping a tiny image.

    Two pool threads making their first QImageReader at once crashed (SIGSEGV in the reader's
    constructor beside another thread's first ``size()``, ~1 run in 6 of the GUI tests once
    indexing moved to a child process and thumbnails began loading sooner); with the plugins
    loaded beforehand on one thread it did not.
    """
    image = QtGui.QImage(2, 2, QtGui.QImage.Format.Format_RGB32)
    image.fill(0)
    for fmt in formats:
        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.ReadWrite)
        QtGui.QImageWriter(buffer, fmt).write(image)
        buffer.seek(0)
        QtGui.QImageReader(buffer, fmt).read()
        buffer.close()
    QtGui.QImageReader.supportedImageFormats()


class _Load(QtCore.QRunnable):
    def __init__(
        self,
        loader: ThumbnailLoader,
        channel: str,
        key: Hashable,
        ticket: int,
        generation: int,
        paths: Sequence[str],
        data: bytes | None,
        max_side: int | None,
        at_s: float | None = None,
    ) -> None:
        super().__init__()
        self.loader = loader
        self.channel = channel
        self.key = key
        self.ticket = ticket
        self.generation = generation
        self.paths = list(paths)
        self.data = data
        self.max_side = max_side
        self.at_s = at_s

    def run(self) -> None:
        if not self.loader.is_wanted(self.channel, self.key, self.ticket):
            return  # dropped: scrolled away or a new result set
        try:
            image = read_image(self.paths, self.data, self.max_side, self.at_s)
        except Exception:  # never let a bad file kill a pool thread
            logger.exception("loading %s failed", self.paths or "dropped image")
            image = QtGui.QImage()
        self.loader.deliver(self.channel, self.key, self.ticket, self.generation, image)


class ThumbnailLoader(QtCore.QObject):
    """Loads images in a thread pool; requests are grouped in channels with a generation counter.

    A channel is one consumer (the grid, the viewer, the search-bar chips). Starting a new
    generation of a channel (a new result set) drops its queued requests; :meth:`retain` drops
    requests no longer visible. The most recent request runs first, so what is on screen now
    loads before what scrolled past.

    Signals:
        loaded(str channel, object key, int generation, QImage image): a finished load (the image
            is null when no source could be read).
    """

    loaded = Signal(str, object, int, QtGui.QImage)

    def __init__(self, max_threads: int = 2, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QtCore.QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, max_threads))
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, Hashable], int] = {}
        self._generations: dict[str, int] = {}
        self._tickets = 0
        self.requested = 0  # how many loads were queued (for tests and benchmarks)
        self._plugins_loaded = False

    def generation(self, channel: str) -> int:
        """The channel's current generation."""
        with self._lock:
            return self._generations.get(channel, 0)

    def new_generation(self, channel: str) -> int:
        """Start a new generation: queued requests of the channel are dropped."""
        with self._lock:
            gen = self._generations.get(channel, 0) + 1
            self._generations[channel] = gen
            for k in [k for k in self._pending if k[0] == channel]:
                del self._pending[k]
            return gen

    def request(
        self,
        channel: str,
        key: Hashable,
        paths: Sequence[str] = (),
        *,
        data: bytes | None = None,
        max_side: int | None = None,
        at_s: float | None = None,
    ) -> bool:
        """Queue a load unless one for ``key`` is already pending; True when queued.

        ``at_s``: for a video, the time (seconds) whose frame is shown (None: its first moment).
        """
        if not self._plugins_loaded:  # on the requesting (GUI) thread, before any pool thread
            self._plugins_loaded = True
            load_image_plugins()
        with self._lock:
            if (channel, key) in self._pending:
                return False
            self._tickets += 1
            ticket = self._tickets
            self._pending[(channel, key)] = ticket
            gen = self._generations.get(channel, 0)
            self.requested += 1
        job = _Load(self, channel, key, ticket, gen, paths, data, max_side, at_s)
        self._pool.start(job, ticket % (1 << 30))  # newer = higher priority
        return True

    def retain(self, channel: str, keys: Iterable[Hashable]) -> int:
        """Drop the channel's queued requests whose key is not in ``keys``; returns how many."""
        keep = set(keys)
        with self._lock:
            drop = [k for k in self._pending if k[0] == channel and k[1] not in keep]
            for k in drop:
                del self._pending[k]
        return len(drop)

    def pending(self, channel: str) -> int:
        """How many requests of the channel are queued or running."""
        with self._lock:
            return sum(1 for k in self._pending if k[0] == channel)

    def is_wanted(self, channel: str, key: Hashable, ticket: int) -> bool:
        """True while the request is still wanted (called from pool threads)."""
        with self._lock:
            return self._pending.get((channel, key)) == ticket

    def deliver(
        self, channel: str, key: Hashable, ticket: int, generation: int, image: QtGui.QImage
    ) -> None:
        """Hand a result to the GUI thread, unless the request was dropped meanwhile."""
        with self._lock:
            if self._pending.get((channel, key)) != ticket:
                return
            del self._pending[(channel, key)]
        self.loaded.emit(channel, key, generation, image)

    def shutdown(self, msec: int = 5000) -> bool:
        """Drop queued loads and wait for running ones; True if the pool is idle."""
        with self._lock:
            self._pending.clear()
        self._pool.clear()
        return self._pool.waitForDone(msec)
