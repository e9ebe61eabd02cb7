"""The shipped desktop integration: .desktop file, AppStream metainfo and icons agree and validate."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from photoalbum.gui.icon import APP_ID, ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "resources" / "desktop" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / "desktop" / f"{APP_ID}.metainfo.xml"
ICONS = ROOT / "resources" / "icons"


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_folders_and_images() -> None:
    entry = _entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "photoalbum %F"  # files and folders, as local paths
    mime = [m for m in entry["MimeType"].split(";") if m]
    assert "inode/directory" in mime
    assert {"image/jpeg", "image/png", "image/heic"} <= set(mime)
    assert entry["Icon"] == "photoalbum"
    assert (ICONS / "photoalbum.svg").is_file()


def test_icon_pngs_have_their_sizes() -> None:
    for size in ICON_SIZES:
        with Image.open(ICONS / f"photoalbum-{size}.png") as im:
            assert im.size == (size, size)
            assert im.mode == "RGBA"
            assert im.getchannel("A").getextrema()[0] == 0  # transparent corners


def test_metainfo_names_the_desktop_file_and_version() -> None:
    from photoalbum import __version__

    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.find("releases/release").get("version") == __version__


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli not installed")
def test_appstreamcli_validates_the_metainfo() -> None:
    out = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-validate not installed"
)
def test_desktop_file_validate() -> None:
    out = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


@pytest.mark.skipif(shutil.which("install") is None, reason="needs a POSIX shell and install(1)")
def test_install_script_lays_out_the_freedesktop_files(tmp_path: Path) -> None:
    script = ROOT / "packaging" / "install-desktop-files.sh"
    out = subprocess.run(
        ["sh", str(script), str(tmp_path), "/opt/photoalbum/photoalbum"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    share = tmp_path / "share"
    desktop = (share / "applications" / DESKTOP.name).read_text(encoding="utf-8")
    assert "Exec=/opt/photoalbum/photoalbum %F" in desktop
    assert "TryExec=/opt/photoalbum/photoalbum" in desktop
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    assert (share / "icons/hicolor/scalable/apps/photoalbum.svg").is_file()
    for size in ICON_SIZES:
        assert (share / f"icons/hicolor/{size}x{size}/apps/photoalbum.png").is_file()
