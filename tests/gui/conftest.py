"""GUI test settings: a Qt warning fails a test, except the offscreen platform's own complaint;
the UI is in English, with its catalog (plural forms) installed as the app installs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.gui.translation import install_translators, locale_for, remove_translators
from photoalbum.workers.thumbnails import ThumbnailLoader

_HERE = Path(__file__).parent

#: The offscreen platform plugin (used for tests) warns whenever a top-level window's size
#: constraints change; real platforms implement it. Every other Qt warning still fails a test.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            # pytest-qt reads the closest mark only: keep a module's own patterns too.
            own = item.get_closest_marker("qt_log_ignore")
            extra = own.args if own is not None else ()
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, *extra))


@pytest.fixture(autouse=True, scope="session")
def english_ui(qapp):
    """The app's English catalog, as ``photoalbum.gui.app.run`` installs it for an English desktop
    (without it, counts read "%n photo(s)"-style: "1 photo(s)")."""
    translators = install_translators(qapp, locale_for("en"))
    yield
    remove_translators(qapp, translators)


@pytest.fixture
def loader(qapp):
    """A thumbnail loader with one thread, its loads dropped and waited for afterwards."""
    loader = ThumbnailLoader(max_threads=1)
    yield loader
    loader.shutdown()
