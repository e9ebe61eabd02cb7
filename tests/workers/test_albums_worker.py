"""AlbumsWorker with a scripted library: albums, export progress, favourites and ratings."""

from __future__ import annotations

from datetime import datetime

import pytest

from photoalbum.core.ports import Photo, PhotoMeta, PhotoStatus, Root
from photoalbum.workers.albums_worker import AlbumsWorker
from photoalbum.workers.messages import LibraryOptions
from photoalbum.workers.threads import WorkerThread
from tests.workers.fake_library import Script, fake_factory
from tests.workers.signals import wait_worker_signal

pytestmark = pytest.mark.gui


@pytest.fixture
def script(tmp_path) -> Script:
    s = Script()
    s.catalog._roots.append(Root(1, str(tmp_path)))
    for pid in range(1, 6):
        s.catalog.add(
            Photo(
                id=pid,
                path=f"{tmp_path}/p{pid}.jpg",
                root_id=1,
                size=1,
                mtime_ns=0,
                status=PhotoStatus.INDEXED,
                fingerprint=f"{pid:032x}",
                meta=PhotoMeta(10, 10, taken_at=datetime(2024, 1, pid)),
            )
        )
    return s


@pytest.fixture
def worker(qtbot, script, tmp_path):
    w = AlbumsWorker(fake_factory(script, tmp_path), LibraryOptions())
    thread = WorkerThread(w, "test-albums")
    thread.start()
    with wait_worker_signal(qtbot, w.albums_ready, 5000) as got:
        w.open()
    assert got.args[0] == []  # opening lists the albums
    yield w
    assert thread.stop(5000)


def test_create_add_show_remove_and_delete_an_album(qtbot, worker, script, ui_language):
    ui_language("en")
    with wait_worker_signal(qtbot, worker.changed, 5000) as got:
        worker.create("Trip", (1, 2, 3))
    assert got.args[0] == "Made the album “Trip” with 3 photos"
    [info] = script.albums.all()
    assert info.count == 3
    script.albums.gone.add(2)
    with wait_worker_signal(qtbot, worker.album_shown, 5000) as got:
        worker.show(info.id)
    content = got.args[0]
    assert content.info.name == "Trip" and content.ids.tolist() == [1, 3]
    assert content.missing == (f"{script.catalog._photos[2].path}",)
    with wait_worker_signal(qtbot, worker.album_shown, 5000) as got:
        worker.remove(info.id, (3,))
    assert got.args[0].ids.tolist() == [1]
    with wait_worker_signal(qtbot, worker.albums_ready, 5000) as got:
        worker.delete(info.id)
    assert got.args[0] == [] and 1 in script.catalog._photos  # the photos stay


def test_a_taken_name_fails_with_a_message(qtbot, worker):
    worker.create("Trip")
    with wait_worker_signal(qtbot, worker.failed, 5000) as got:
        worker.create("trip")
    assert "taken" in got.args[0]


def test_export_reports_progress_then_the_report(qtbot, worker, script, tmp_path):
    worker.create("Trip", (1, 2))
    progress: list[tuple[int, int]] = []
    worker.export_progress.connect(lambda d, t: progress.append((d, t)))
    with wait_worker_signal(qtbot, worker.export_done, 5000) as got:
        worker.export(str(tmp_path / "out"), photo_ids=(4, 5))
    assert len(got.args[0].copied) == 2
    qtbot.waitUntil(lambda: progress[-1:] == [(2, 2)], timeout=2000)
    assert script.albums.exported[-1] == ([4, 5], str(tmp_path / "out"))


def test_favourites_and_ratings_answer_with_the_marks(qtbot, worker, script):
    with wait_worker_signal(qtbot, worker.marks_changed, 5000) as got:
        worker.set_favorite((1, 2), True)
    assert {i: m.favorite for i, m in got.args[0].items()} == {1: True, 2: True}
    with wait_worker_signal(qtbot, worker.marks_changed, 5000) as got:
        worker.rate((2,), 4)
    assert got.args[0][2].rating == 4 and got.args[0][2].favorite
    with wait_worker_signal(qtbot, worker.marks_changed, 5000) as got:
        worker.set_favorite((1,), False)
    assert got.args[0] == {1: None}  # no mark left


def test_hide_and_unhide_answer_with_the_marks_and_say_how_many(qtbot, worker, script, ui_language):
    ui_language("en")
    said: list[str] = []
    worker.changed.connect(said.append)
    with wait_worker_signal(qtbot, worker.marks_changed, 5000) as got:
        worker.set_hidden((1, 2), True)
    assert {i: m.hidden for i, m in got.args[0].items()} == {1: True, 2: True}
    assert script.albums.hidden == {1, 2}
    with wait_worker_signal(qtbot, worker.marks_changed, 5000) as got:
        worker.set_hidden((2,), False)
    assert got.args[0] == {2: None} and script.albums.hidden == {1}
    qtbot.waitUntil(lambda: said == ["Hid 2 photos", "Unhid 1 photo"], timeout=2000)


def test_corrections_run_on_the_worker_and_report_back(qtbot, worker, script, ui_language):
    ui_language("en")
    with wait_worker_signal(qtbot, worker.corrected, 5000) as got:
        worker.correct_date((1, 2), shift="+7h", zone="+09:00")
    assert got.args[0] == (1, 2)
    assert script.corrections.calls == [("shift", (1, 2), "+7h"), ("zone", (1, 2), "+09:00")]
    with wait_worker_signal(qtbot, worker.changed, 5000) as got:
        worker.correct_place((3,), "Kyoto, Japan")
    assert got.args[0] == "1 photo: taken in Kyoto, Japan"
    with wait_worker_signal(qtbot, worker.failed, 5000) as got:
        worker.correct_place((3,), "Atlantis")
    assert "unknown place" in got.args[0]
    with wait_worker_signal(qtbot, worker.corrected, 5000):
        worker.correct_date((3,), clear=True, zone="+01:00")  # clearing takes the zone too
    assert script.corrections.calls[-1] == ("clear", (3,), None)


def test_the_messages_are_in_the_ui_language(qtbot, worker, script, ui_language):
    ui_language("zh_CN")
    with wait_worker_signal(qtbot, worker.changed, 5000) as got:
        worker.create("旅行", (1, 2, 3))
    assert got.args[0] == "已新建相册“旅行”，包含 3 张照片"
    with wait_worker_signal(qtbot, worker.changed, 5000) as got:
        worker.set_hidden(tuple(range(1, 6)), True)
    assert got.args[0] == "已隐藏 5 张照片"
    with wait_worker_signal(qtbot, worker.changed, 5000) as got:
        worker.correct_place((3,), None)
    assert got.args[0] == "1 张照片：地点已恢复为 GPS 位置"
