"""ModelSetupPage: the registry, random weights only by name, preparing through the child process."""

from __future__ import annotations

import pytest

from photoalbum.gui.dialogs.model_setup import ModelSetupPage
from photoalbum.workers.messages import LibraryState, ModelInfo
from photoalbum.workers.model_prep import ModelPreparer
from photoalbum.workers.qt import Qt
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
    assert not page.import_button.isEnabled()  # no import API: disabled, with a tooltip
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
            can_import=True,
        )
    )
    assert page.import_button.isEnabled()
    with qtbot.waitSignal(page.model_ready, timeout=120000) as ready:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert ready.args == [TINY_SPEC]
    assert (paths.models / tiny_model.path.name / "manifest.json").is_file()
    preparer.shutdown()
