"""ModelSetupPage: the registry, random weights only by name, preparing through the child process."""

from __future__ import annotations

import pytest

from photoalbum.gui.dialogs.model_setup import ModelSetupPage
from photoalbum.qt import Qt
from photoalbum.workers.messages import LibraryState, ModelInfo
from photoalbum.workers.model_prep import ModelPreparer
from tests.support.model_fixtures import TINY_SPEC

pytestmark = pytest.mark.gui


def test_setup_page_prepares_through_the_child_process(qtbot, tiny_paths):
    preparer = ModelPreparer(tiny_paths.models, tiny_paths.downloads)
    page = ModelSetupPage(preparer)
    qtbot.addWidget(page)
    page.show()
    state = LibraryState(
        library="/lib",
        model=TINY_SPEC,
        model_prepared=False,
        models=(
            ModelInfo(
                "xlm-roberta-base-ViT-B-32",
                ("multilingual",),
                "Default.",
                (("Crossmodal-3600 zh R@1/5/10", "53.7/77.7/86.1"),),
                default=True,
            ),
            ModelInfo("random:other", random=True),
            ModelInfo(TINY_SPEC, random=True, description="RANDOM WEIGHTS"),
        ),
    )
    page.set_state(state)
    names = [page.table.topLevelItem(i).text(0) for i in range(page.table.topLevelItemCount())]
    assert names == ["xlm-roberta-base-ViT-B-32 (default)", TINY_SPEC]  # random only by name
    assert page.table.topLevelItem(0).text(2) == "R@1: zh 53.7, en —"
    assert page.selected_model().name == TINY_SPEC
    assert page.prepare_button.text() == "Prepare random-weights demo model"
    assert page.import_button.isEnabled()  # the model store always imports
    assert page.import_button.toolTip()
    with qtbot.waitSignal(page.model_ready, timeout=120000) as ready:
        page.start_prepare()
        assert not page.prepare_button.isEnabled() and page.cancel_button.isVisible()
    assert ready.args == [TINY_SPEC]
    assert page.prepare_button.isEnabled() and not page.bar.isVisible()
    assert not preparer.running
    preparer.shutdown()


def test_setup_page_imports_a_prepared_folder(qtbot, paths, tiny_model):
    preparer = ModelPreparer(paths.models, paths.downloads)
    page = ModelSetupPage(preparer, choose_import=lambda: str(tiny_model.path))
    qtbot.addWidget(page)
    page.show()
    page.set_state(
        LibraryState(
            library="/lib",
            model=TINY_SPEC,
            model_prepared=False,
            models=(ModelInfo(TINY_SPEC, random=True),),
        )
    )
    assert page.import_button.isEnabled()
    with qtbot.waitSignal(page.model_ready, timeout=120000) as ready:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert ready.args == [TINY_SPEC]
    assert (paths.models / tiny_model.path.name / "manifest.json").is_file()
    preparer.shutdown()


def _first_run_state(**kw) -> LibraryState:
    base = dict(
        library="/lib",
        model="xlm-roberta-base-ViT-B-32",
        model_prepared=False,
        models=(
            ModelInfo(
                "xlm-roberta-base-ViT-B-32",
                ("multilingual",),
                "Default.",
                (("Crossmodal-3600 zh R@1/5/10", "53.7/77.7/86.1"),),
                default=True,
                download_mb=1450,
            ),
            ModelInfo("ViT-B-32-datacomp", ("en",), "Fast, English only."),
        ),
    )
    base.update(kw)
    return LibraryState(**base)


def test_welcome_flow_offers_pictures_folder_and_the_default_model(qtbot, paths):
    preparer = ModelPreparer(paths.models, paths.downloads)
    answers = iter(["/photos/holidays", "/photos/holidays"])
    page = ModelSetupPage(
        preparer, default_folders=["/home/me/Pictures"], choose_folder=lambda: next(answers)
    )
    qtbot.addWidget(page)
    page.show()
    page.set_state(_first_run_state())
    assert page.folders_box.isVisible()
    assert page.chosen_folders() == ["/home/me/Pictures"]
    qtbot.mouseClick(page.add_folder_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.add_folder_button, Qt.MouseButton.LeftButton)  # no duplicate
    assert page.chosen_folders() == ["/home/me/Pictures", "/photos/holidays"]
    page.folders.item(0).setSelected(True)
    qtbot.mouseClick(page.remove_folder_button, Qt.MouseButton.LeftButton)
    assert page.chosen_folders() == ["/photos/holidays"]
    # the default model is preselected, with its download size, languages and published R@1
    row = page.table.topLevelItem(0)
    assert page.selected_model().name == "xlm-roberta-base-ViT-B-32"
    assert [row.text(i) for i in range(5)] == [
        "xlm-roberta-base-ViT-B-32 (default)",
        "multilingual",
        "R@1: zh 53.7, en —",
        "≈ 1.4 GB (ONNX)",
        "not installed",
    ]
    assert page.table.topLevelItem(1).text(3) == "prepared locally (torch)"
    assert page.prepare_button.text() == "Install (download ≈ 1.4 GB)"
    # byte progress of a download reads in MB
    page._on_preparer_progress("downloading textual/model.onnx", 250_000_000, 1_000_000_000)
    assert page.stage.text() == "downloading textual/model.onnx: 250.0 of 1,000.0 MB"
    assert page.bar.maximum() == 1_000_000_000
    # a library that already has folders doesn't ask again
    page.set_state(_first_run_state(roots=("/photos/a",)))
    assert not page.folders_box.isVisible() and page.chosen_folders() == []


def test_offline_install_explains_how_to_import(qtbot, paths, monkeypatch):
    monkeypatch.setenv("PHOTOALBUM_HUB_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    preparer = ModelPreparer(paths.models, paths.downloads)
    page = ModelSetupPage(preparer)
    qtbot.addWidget(page)
    page.show()
    page.set_state(_first_run_state())
    with qtbot.waitSignal(preparer.finished, timeout=120000):
        page.start_prepare()
    text = page.message.text()
    assert "offline" in text and "Import model file or folder" in text
    line = page.message.fontMetrics().height()
    qtbot.waitUntil(lambda: page.message.height() > 2 * line, timeout=3000)  # not cut to a line
    assert not any(p.name.startswith("xlm") for p in paths.models.iterdir())
    preparer.shutdown()


def test_setup_page_installs_an_immich_archive(qtbot, paths, immich_export, tmp_path):
    from tests.support.readymade import make_archive

    packed = make_archive(immich_export, tmp_path / "export.zip")
    preparer = ModelPreparer(paths.models, paths.downloads)
    page = ModelSetupPage(preparer, choose_import=lambda: str(packed))
    qtbot.addWidget(page)
    page.show()
    page.set_state(
        LibraryState(
            library="/lib",
            model=TINY_SPEC,
            model_prepared=False,
            models=(ModelInfo(TINY_SPEC, random=True),),
        )
    )
    with qtbot.waitSignal(page.model_ready, timeout=240000) as ready:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert ready.args == [TINY_SPEC]
    assert (paths.models / "random_tiny-clip" / "image.int8.onnx").is_file()
    preparer.shutdown()
