"""GroupListModel, GroupList and GroupChip: covers from the thumbnail cache, titles, counts, clicks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from photoalbum.core.ports import Photo, PhotoStatus
from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.widgets.group_list import GroupChip, GroupList
from photoalbum.qt import Qt
from photoalbum.workers.messages import GroupsUpdate, PhotoGroup
from tests.support.ui_language import chinese_ui

pytestmark = pytest.mark.gui


def _photo(pid: int, path: Path, fingerprint: str | None) -> Photo:
    return Photo(pid, str(path), 1, 1, 0, PhotoStatus.INDEXED, fingerprint=fingerprint)


@pytest.fixture
def groups(tmp_path) -> list[PhotoGroup]:
    thumbs = tmp_path / "thumbs"
    thumbs.mkdir()
    # Scene 1's cover has a cached thumbnail (red); scene 2's only the photo itself (a tall blue
    # one: cropped to a square icon); scene 3's cover file is unreadable.
    Image.new("RGB", (120, 80), (220, 0, 0)).save(thumbs / ("a" * 32 + ".jpg"))
    Image.new("RGB", (60, 200), (0, 0, 220)).save(tmp_path / "blue.jpg")
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    return [
        PhotoGroup(
            "scene",
            "sc-1",
            "Beach",
            "海滩",
            (1, 2, 3),
            _photo(2, tmp_path / "missing.jpg", "a" * 32),
            detail="name confidence 61%",
        ),
        PhotoGroup(
            "scene", "sc-2", "Snowy mountains", "雪山", (4,), _photo(4, tmp_path / "blue.jpg", None)
        ),
        PhotoGroup(
            "scene",
            "sc-3",
            "Similar photos",
            "相似照片",
            (5, 6),
            _photo(5, tmp_path / "broken.jpg", None),
        ),
    ]


def _model(loader, tmp_path, language="en") -> GroupListModel:
    return GroupListModel(
        loader,
        lambda fp: tmp_path / "thumbs" / f"{fp}.jpg",
        channel="test-groups",
        icon_size=32,
        language=language,
    )


def test_model_titles_counts_and_covers(qtbot, qtmodeltester, loader, groups, tmp_path):
    model = _model(loader, tmp_path)
    model.set_groups(groups)
    qtmodeltester.check(model)
    idx = [model.index(r, 0) for r in range(3)]
    assert idx[0].data() == "Beach\n3 photos"
    assert idx[1].data() == "Snowy mountains\n1 photo"
    tip = idx[0].data(Qt.ItemDataRole.ToolTipRole)
    assert "Beach" in tip and "海滩" in tip and "61%" in tip
    assert idx[0].data(GroupListModel.GroupRole) is groups[0]
    assert model.row_of_key("sc-3") == 2 and model.row_of_key("nope") is None
    # Covers load off the GUI thread on first paint; the placeholder until then.
    for i in idx:
        i.data(Qt.ItemDataRole.DecorationRole)

    def colour(row: int):
        image = model.index(row, 0).data(Qt.ItemDataRole.DecorationRole).toImage()
        return image.size().toTuple(), image.pixelColor(16, 16).getRgb()[:3]

    qtbot.waitUntil(lambda: colour(0)[1][0] > 180 and colour(1)[1][2] > 180, timeout=5000)
    (size0, red), (size1, blue) = colour(0), colour(1)
    assert size0 == size1 == (32, 32)  # square icons, whatever the photo's shape
    assert red[1] < 60 and blue[0] < 60
    qtbot.wait(200)
    assert colour(2)[1] != red and colour(2)[1] != blue  # unreadable: stays a placeholder

    model.set_language("zh")  # the engine's names in Chinese; the rest in the UI's language
    assert idx[0].data() == "海滩\n3 photos"
    with chinese_ui():
        assert idx[0].data() == "海滩\n3 张照片"


def test_group_list_click_summary_and_reselect(qtbot, loader, groups, tmp_path):
    model = _model(loader, tmp_path)
    widget = GroupList(model, "scene")
    qtbot.addWidget(widget)
    widget.resize(260, 300)
    widget.show()
    assert widget.summary.text() == ""
    widget.set_busy(True)
    assert widget.summary.text() == "Grouping…"
    widget.set_update(GroupsUpdate("scene", tuple(groups), ungrouped=7))
    widget.set_busy(False)
    assert widget.summary.text() == "3 scenes · 7 in no scene"
    rect = widget.view.visualRect(model.index(1, 0))
    with qtbot.waitSignal(widget.group_selected) as clicked:
        qtbot.mouseClick(widget.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked.args[0].key == "sc-2"
    # A refreshed list keeps the user's selection by key, wherever the row moved.
    widget.set_update(GroupsUpdate("scene", (groups[1], groups[0])))
    assert widget.selected_key() == "sc-2" and widget.view.currentIndex().row() == 0
    widget.set_update(GroupsUpdate("scene", (groups[0],)))  # dissolved in a recluster
    assert widget.selected_key() is None
    widget.set_update(GroupsUpdate("scene", ()))
    assert widget.summary.text().startswith("No scenes yet")


def test_chip_shows_the_active_group_and_clears(qtbot, groups):
    chip = GroupChip()
    qtbot.addWidget(chip)
    chip.show()
    chip.show_group(None)
    assert chip.isHidden()
    chip.show_group(groups[0], "en")
    assert chip.isVisible() and chip.label.text() == "Scene: Beach"
    with chinese_ui():
        chip.show_group(groups[0], "zh")
    assert chip.label.text() == "场景：海滩"
    with qtbot.waitSignal(chip.cleared):
        qtbot.mouseClick(chip.close_button, Qt.MouseButton.LeftButton)
    assert chip.isHidden() and chip.group is None
