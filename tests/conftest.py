"""Shared fixtures: every data dir under tmp_path; nothing writes to the real home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from photoalbum.core.paths import Paths

# Qt must be offscreen before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.support.model_fixtures", "tests.support.readymade"]


@pytest.fixture(autouse=True)
def _no_real_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point HOME and XDG dirs at a temp dir so a stray default path can't touch the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for var in ("PHOTOALBUM_HOME", "PHOTOALBUM_MODELS", "PHOTOALBUM_CACHE", "PHOTOALBUM_LOG_DIR"):
        monkeypatch.delenv(var, raising=False)
    _temp_trash(home / "xdg_data_home", monkeypatch)


def _temp_trash(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """send2trash reads XDG_DATA_HOME once, at import: its home trash is pointed at the temp
    home here, and its own Freedesktop code is used even where GIO is installed."""
    import send2trash
    import send2trash.plat_other as freedesktop

    monkeypatch.setattr(freedesktop, "XDG_DATA_HOME", os.fsencode(data_home))
    monkeypatch.setattr(freedesktop, "HOMETRASH_B", os.fsencode(data_home / "Trash"))
    monkeypatch.setattr(freedesktop, "HOMETRASH", str(data_home / "Trash"))
    monkeypatch.setattr(send2trash, "send2trash", freedesktop.send2trash)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    """A library, model store and download dir, all under tmp_path."""
    p = Paths(
        library=tmp_path / "library", models=tmp_path / "models", downloads=tmp_path / "downloads"
    )
    p.ensure_library()
    p.ensure_models()
    return p
