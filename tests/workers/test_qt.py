"""The binding module's workaround: PySide6 calls that leak references to None/True can't crash us."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

CHURN = """
import sys
{imports}

class Emitter(QtCore.QObject):
    ping = Signal()

timer, emitter = QtCore.QTimer(), Emitter()
for _ in range(200_000):  # far more than None's or True's reference count at start-up
    timer.stop()           # a void method: PySide6 6.12 drops a reference to None
    emitter.ping.emit()    # drops one to True
print("survived")
"""


def _churn(imports: str) -> subprocess.CompletedProcess[str]:
    code = CHURN.format(imports=imports)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_many_qt_calls_do_not_exhaust_none_or_true():
    out = _churn("from photoalbum.qt import QtCore, Signal")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "survived" in out.stdout


def _leaks() -> list[object]:
    from photoalbum.qt import leaked_singletons

    leaked = leaked_singletons()
    if not leaked:
        pytest.skip("this Qt binding (or Python) does not leak references to None/True")
    return leaked


def test_the_same_calls_without_the_workaround_abort_the_interpreter():
    _leaks()
    # Qt straight from the binding, not through photoalbum.qt: what the workaround prevents.
    out = _churn("from PySide6 import QtCore\nfrom PySide6.QtCore import Signal")
    assert out.returncode != 0 and "survived" not in out.stdout
    assert "dealloc" in out.stderr


def test_the_singletons_that_leak_are_pinned():
    for obj in _leaks():  # the probe still sees the leak: the pin makes it harmless
        assert sys.getrefcount(obj) > 1 << 39, f"{obj!r} is not pinned"
