"""Settings and failures dialogs, and the global exception hook (dialog + log, never a crash)."""

from __future__ import annotations

import logging
import sys
import threading

import pytest

from photoalbum.core.errors import LibraryLockedError
from photoalbum.gui.dialogs.failures_dialog import FailuresDialog
from photoalbum.gui.dialogs.settings_dialog import SettingsDialog
from photoalbum.gui.errors import ExceptionHook, logs_exceptions
from photoalbum.qt import QtGui
from photoalbum.workers.messages import LibraryOptions, LibraryState, ModelInfo

pytestmark = pytest.mark.gui


def state(**kw) -> LibraryState:
    base = dict(
        library="/lib",
        model="xlm-roberta-base-ViT-B-32",
        model_prepared=True,
        roots=("/photos/a", "/photos/b"),
        models=(
            ModelInfo("xlm-roberta-base-ViT-B-32", prepared=True, default=True),
            ModelInfo("ViT-B-32-datacomp"),
        ),
    )
    base.update(kw)
    return LibraryState(**base)


def test_settings_dialog_collects_changes(qtbot):
    answers = iter(["/photos/c"])
    dialog = SettingsDialog(
        state(), LibraryOptions(precision="auto"), choose_folder=lambda: next(answers)
    )
    qtbot.addWidget(dialog)
    assert dialog.options() == LibraryOptions(model="xlm-roberta-base-ViT-B-32")
    dialog.add_button.click()
    dialog.folders.item(0).setSelected(True)
    dialog.remove_button.click()
    assert dialog.added_folders() == ["/photos/c"]
    assert dialog.removed_folders() == ["/photos/a"]
    dialog.model.setCurrentIndex(dialog.model.findData("ViT-B-32-datacomp"))
    dialog.precision.setCurrentIndex(dialog.precision.findData("int8"))
    dialog.threads.setValue(2)
    assert dialog.options() == LibraryOptions("ViT-B-32-datacomp", "int8", 2)
    labels = [dialog.model.itemText(i) for i in range(dialog.model.count())]
    assert labels[0].endswith("(default) ✓")


def test_failures_dialog_lists_reasons(qtbot):
    dialog = FailuresDialog([("/p/broken.jpg", "cannot decode: truncated"), ("/p/e.png", "empty")])
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    dialog.copy_to_clipboard()
    assert "broken.jpg\tcannot decode: truncated" in QtGui.QGuiApplication.clipboard().text()


def test_exception_hook_logs_and_shows_bugs_and_known_errors(qtbot, caplog):
    shown = []
    hook = ExceptionHook(show=lambda title, text, details: shown.append((title, text, details)))
    hook.install()
    try:
        assert sys.excepthook == hook.handle
        try:
            raise ValueError("boom")
        except ValueError:
            with caplog.at_level(logging.ERROR):
                hook.handle(*sys.exc_info())
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
        title, text, details = shown[0]
        assert "ValueError: boom" in text and "Traceback" in details
        assert "uncaught exception" in caplog.text
        # A known problem: its message, no traceback.
        hook.handle(LibraryLockedError, LibraryLockedError("busy: wait"), None)
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=2000)
        assert shown[1][1] == "busy: wait" and shown[1][2] == ""
        # From another thread: delivered to the GUI thread.
        where = []
        hook._show = lambda *a: where.append(threading.get_ident())
        t = threading.Thread(target=lambda: hook.handle(RuntimeError, RuntimeError("x"), None))
        t.start()
        t.join()
        qtbot.waitUntil(lambda: where == [threading.get_ident()], timeout=2000)
    finally:
        hook.uninstall()
    assert sys.excepthook != hook.handle


def test_logs_exceptions_logs_and_reraises(caplog):
    @logs_exceptions
    def slot() -> None:
        raise KeyError("k")

    with caplog.at_level(logging.ERROR), pytest.raises(KeyError):
        slot()
    assert "error in test_logs_exceptions_logs_and_reraises.<locals>.slot" in caplog.text


def test_about_dialog_shows_versions_paths_and_int8_agreement(qtbot):
    from photoalbum.gui.dialogs.about_dialog import AboutDialog

    s = state(
        int8_check="INT8 check on 64 of your photos: centred cosine 0.9993, top-5 overlap "
        "0.98 → image tower uses int8",
        models_dir="/models",
        model_source="ready-made immich-app/x — UNVERIFIED (no checksum recorded)",
    )
    dialog = AboutDialog(s, log_file="/logs/photoalbum.log")
    qtbot.addWidget(dialog)
    rows = dict(dialog.rows)
    for key in ("photoalbum", "Python", "Qt", "ONNX Runtime"):
        assert rows[key] and rows[key] != "not installed"
    assert rows["Library"] == "/lib" and rows["Models"] == "/models"
    assert rows["Log file"] == "/logs/photoalbum.log"
    assert "0.9993" in rows["INT8 agreement"] and "UNVERIFIED" in rows["Model source"]
    assert "0.9993" in dialog.table.text()


def test_settings_dialog_shows_the_int8_check(qtbot):
    dialog = SettingsDialog(
        state(int8_check="INT8 check on 20 of your photos: …"), LibraryOptions()
    )
    qtbot.addWidget(dialog)
    assert "20 of your photos" in dialog.int8_check.text()


def test_settings_dialog_switches_background_passes(qtbot):
    from photoalbum.workers.messages import PassInfo

    passes = (
        PassInfo("text", "Read text in photos", True, done=3, todo=2),
        PassInfo("faces", "Find faces", False),
    )
    dialog = SettingsDialog(state(passes=passes), LibraryOptions())
    qtbot.addWidget(dialog)
    boxes = {name: box for name, (box, _) in dialog._pass_boxes.items()}
    assert boxes["text"].isChecked() and not boxes["faces"].isChecked()
    assert "3 done" in boxes["text"].toolTip()
    assert dialog.pass_choices() == {}
    boxes["text"].setChecked(False)
    boxes["faces"].setChecked(True)
    assert dialog.pass_choices() == {"text": False, "faces": True}


def test_settings_dialog_names_the_passes_in_the_ui_language(qtbot):
    from photoalbum.workers.messages import PassInfo
    from tests.support.ui_language import chinese_ui

    passes = (
        PassInfo("text", "Read text in photos", True),
        PassInfo("places", "Places from GPS", True),
        PassInfo("someday", "A pass the GUI does not know", False),
    )
    with chinese_ui():
        dialog = SettingsDialog(state(passes=passes), LibraryOptions())
    qtbot.addWidget(dialog)
    boxes = {name: box.text() for name, (box, _) in dialog._pass_boxes.items()}
    assert boxes == {
        "text": "识别照片中的文字",
        "places": "根据 GPS 标注地点",
        "someday": "A pass the GUI does not know",  # the engine's own title
    }


def test_path_label_elides_the_middle_to_fit_and_keeps_the_whole_path(qtbot):
    from photoalbum.gui.dialogs.viewer import PathLabel

    path = "/home/someone/Pictures/2024/Holidays in the mountains/day 3/camera"
    label = PathLabel(path)
    qtbot.addWidget(label)
    label.resize(160, 20)
    label.show()
    qtbot.waitUntil(lambda: label.text() != path, timeout=2000)
    shown = label.text()
    assert "…" in shown and shown.startswith("/home") and shown.endswith("camera")
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.toolTip() == path and label.path == path
    label.resize(2000, 20)
    qtbot.waitUntil(lambda: label.text() == path, timeout=2000)  # room again: all of it


def test_path_label_in_a_form_takes_the_rows_room_without_widening_the_panel(qtbot):
    from photoalbum.gui.dialogs.viewer import PathLabel
    from photoalbum.qt import QtWidgets

    path = "/home/someone/Pictures/2024/Holidays in the mountains/day 3/camera"
    panel = QtWidgets.QWidget()
    qtbot.addWidget(panel)
    form = QtWidgets.QFormLayout(panel)
    form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.addRow("Name:", QtWidgets.QLabel("cat.jpg"))
    label = PathLabel(path)
    form.addRow("Folder:", label)
    assert panel.sizeHint().width() < 200  # a long path does not ask for a wide panel
    panel.resize(320, 200)
    panel.show()
    qtbot.waitUntil(lambda: label.width() > 200, timeout=2000)
    qtbot.waitUntil(lambda: len(label.text()) > 20, timeout=2000)
    assert "…" in label.text() and label.text().endswith("camera")


def test_settings_dialog_offers_the_ui_languages(qtbot):
    dialog = SettingsDialog(state(), LibraryOptions(), language="zh_CN")
    qtbot.addWidget(dialog)
    assert dialog.language() == "zh_CN"
    keys = [dialog.language_combo.itemData(i) for i in range(dialog.language_combo.count())]
    assert keys == ["system", "en", "zh_CN"]
    dialog.language_combo.setCurrentIndex(0)
    assert dialog.language() == "system"
    assert SettingsDialog(state(), LibraryOptions(), language="xx").language() == "system"
