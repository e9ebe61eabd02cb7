"""GUI test settings: a Qt warning fails a test, except the offscreen platform's own complaint."""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent

#: The offscreen platform plugin (used for tests) warns whenever a top-level window's size
#: constraints change; real platforms implement it. Every other Qt warning still fails a test.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
