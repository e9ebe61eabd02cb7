"""The application icon and desktop identity (window icon, desktop file name) from resources/."""

from __future__ import annotations

import logging

from photoalbum.core.resources import resources_dir
from photoalbum.qt import QtGui

logger = logging.getLogger(__name__)

#: The freedesktop application id: names the .desktop and metainfo files in resources/desktop/.
APP_ID = "io.github.photoalbum.photoalbum"
#: PNG sizes rendered from the SVG by packaging/render_icons.py.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QtGui.QIcon:
    """The app's icon with every shipped PNG size (an empty icon if resources are missing)."""
    icon = QtGui.QIcon()
    try:
        icons = resources_dir() / "icons"
    except FileNotFoundError as exc:
        logger.warning("no application icon: %s", exc)
        return icon
    for size in ICON_SIZES:
        png = icons / f"photoalbum-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon
