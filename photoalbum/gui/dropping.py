"""Turn drops and pastes (file URLs, raw image bytes) into image terms; web addresses are never fetched."""

from __future__ import annotations

import logging
from pathlib import Path

from photoalbum.core.scanning import PHOTO_EXTENSIONS
from photoalbum.gui.translation import arg
from photoalbum.qt import QtCore, QtGui
from photoalbum.workers.messages import ImageInput

logger = logging.getLogger(__name__)
translate = QtCore.QCoreApplication.translate

#: Largest dropped image accepted (bytes).
MAX_BYTES = 64 * 1024 * 1024
#: What a dropped file may be: every photo the library indexes (JPEG, MPO, PNG, …, camera RAW).
IMAGE_SUFFIXES = PHOTO_EXTENSIONS
#: Raw image formats a browser or an image editor may put on a drag or the clipboard, best first.
RAW_FORMATS = (
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "image/bmp",
    "image/tiff",
    "image/avif",
    "image/heic",
)


def has_image_content(mime: QtCore.QMimeData | None) -> bool:
    """True when a drag or the clipboard might carry an image (file URLs included)."""
    if mime is None:
        return False
    if mime.hasImage() or any(mime.hasFormat(f) for f in RAW_FORMATS):
        return True
    return mime.hasUrls() and any(_looks_like_image_url(u) for u in mime.urls())


def _looks_like_image_url(url: QtCore.QUrl) -> bool:
    if url.isLocalFile():
        return Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES
    return url.scheme() in ("http", "https", "ftp", "data")


def images_from_mime(
    mime: QtCore.QMimeData | None, max_bytes: int = MAX_BYTES
) -> tuple[list[ImageInput], list[str]]:
    """Image terms carried by ``mime`` plus messages about what was refused.

    Local image files are read (read-only); raw image bytes are taken as they are; a bare QImage
    is encoded as PNG. A web address is never fetched: the message says to save the file first.
    """
    images: list[ImageInput] = []
    problems: list[str] = []
    if mime is None:
        return images, problems
    web_urls = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                item, problem = _read_local(Path(url.toLocalFile()), max_bytes)
                if item is not None:
                    images.append(item)
                elif problem:
                    problems.append(problem)
            elif url.scheme():
                web_urls.append(url.toDisplayString())
    if not images:
        for fmt in RAW_FORMATS:
            if mime.hasFormat(fmt):
                data = bytes(mime.data(fmt).data())
                if 0 < len(data) <= max_bytes:
                    images.append(ImageInput(data=data, label=_raw_label(fmt)))
                    break
    if not images and mime.hasImage():
        data = _png_bytes(mime.imageData())
        if data:
            images.append(ImageInput(data=data, label=translate("Dropping", "pasted image")))
    if not images and web_urls:
        problems.append(
            arg(
                translate(
                    "Dropping",
                    "photoalbum never downloads from the web: save the image to a file and "
                    "drop the file instead (%1)",
                ),
                web_urls[0],
            )
        )
    return images, problems


def _read_local(path: Path, max_bytes: int) -> tuple[ImageInput | None, str | None]:
    if path.is_dir():
        return None, arg(
            translate("Dropping", "%1 is a folder: use 'Add folder…' to add it to the library"),
            path.name,
        )
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None, arg(translate("Dropping", "%1 is not an image photoalbum can read"), path.name)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, arg(
                translate("Dropping", "%1 is too large to search with (%2 MB)"),
                path.name,
                size // 2**20,
            )
        with path.open("rb") as fh:  # read-only: the app never writes to photos
            data = fh.read()
    except OSError as exc:
        return None, arg(
            translate("Dropping", "cannot read %1: %2"), path.name, exc.strerror or exc
        )
    # The name goes along: it tells a camera RAW from a plain TIFF (both are TIFF containers).
    return ImageInput(data=data, label=path.name), None


def _raw_label(fmt: str) -> str:
    return arg(translate("Dropping", "dropped %1 image"), fmt.split("/", 1)[1].upper())


def _png_bytes(image: object) -> bytes:
    if isinstance(image, QtGui.QPixmap):
        image = image.toImage()
    if not isinstance(image, QtGui.QImage) or image.isNull():
        return b""
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 types the format as bytes, yet refuses bytes at run time and takes only a str.
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(buffer.data().data())
