"""Render resources/icons/photoalbum.svg to the PNG sizes desktops and installers use.

usage: python packaging/render_icons.py   (from the project root; the PNGs are committed)

Uses QtSvg from PySide6, which the app depends on anyway, so no extra tool is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from photoalbum.qt import QtCore, QtGui

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int, out: Path) -> None:
    """Draw the SVG into a size x size transparent PNG."""
    from PySide6 import QtSvg  # QtSvg is not re-exported by photoalbum/qt (only this tool needs it)

    renderer = QtSvg.QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {svg}")
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QtCore.QRectF(0, 0, size, size))
    painter.end()
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"could not write {out}")


def main() -> int:
    app = QtGui.QGuiApplication.instance() or QtGui.QGuiApplication(sys.argv[:1])
    svg = ICONS / "photoalbum.svg"
    for size in SIZES:
        out = ICONS / f"photoalbum-{size}.png"
        render(svg, size, out)
        print(out.relative_to(ROOT))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
