"""IndexWorker on its own thread with a scripted library: throttling, pause, resume, cancel, errors."""

from __future__ import annotations

import threading
import time

import pytest

from photoalbum.core.errors import SchemaError
from photoalbum.workers.index_worker import IndexWorker
from photoalbum.workers.messages import LibraryOptions
from photoalbum.workers.threads import Throttle, WorkerThread
from tests.workers.fake_library import Script, fake_factory
from tests.workers.signals import wait_worker_signal

pytestmark = pytest.mark.gui


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def start_worker(qtbot, script, tmp_path):
    """Start an IndexWorker on its own thread; stopped (and checked stopped) at teardown."""
    started: list[WorkerThread] = []

    def start(**kw) -> IndexWorker:
        kw.setdefault("watch", False)
        worker = IndexWorker(fake_factory(script, tmp_path), LibraryOptions(), **kw)
        thread = WorkerThread(worker, "test-index")
        thread.start()
        started.append(thread)
        return worker

    yield start
    for t in started:
        assert t.stop(10000), "the worker thread did not stop"


def test_throttle_lets_one_event_per_interval():
    t = Throttle(0.1)
    assert t.ready(0.0)
    assert not t.ready(0.05)
    assert t.ready(0.11)
    assert not t.ready(0.2)
    assert t.ready(0.25)


def test_opens_on_its_thread_indexes_and_throttles_progress(qtbot, start_worker, script, tmp_path):
    _with_root(script, tmp_path)
    script.photos_per_run = 40
    script.step_seconds = 0.01
    worker = start_worker()
    progress = []
    worker.progress.connect(progress.append)
    with wait_worker_signal(qtbot, worker.opened, 5000) as opened:
        worker.open()
    state = opened.args[0]
    assert state.model == "fake-model" and state.model_prepared
    assert state.roots == (str(tmp_path),)
    assert script.passes_warmed == 1  # the passes' modules load at open, not mid-run
    with wait_worker_signal(qtbot, worker.run_finished, 10000) as finished:
        pass  # the start-up scan runs on its own
    report = finished.args[0]
    assert report.indexed == 40 and not report.cancelled
    # The library was built and used on the worker thread, never on the GUI thread.
    assert threading.get_ident() not in script.catalog.thread_ids
    assert script.opened[0].background is True
    # 400 engine callbacks over ~0.4 s became a handful of signals (≤ 10/s plus the final one).
    assert script.progress_calls == 400
    assert 1 <= len(progress) <= 4 + 10 * max(1.0, report.seconds)
    assert progress[-1].stage == "done"


def _with_root(script, tmp_path):
    from photoalbum.core.ports import Root

    script.catalog._roots.append(Root(1, str(tmp_path)))


def test_pause_resume_and_cancel(qtbot, start_worker, script, tmp_path):
    _with_root(script, tmp_path)
    script.photos_per_run = 400
    script.step_seconds = 0.005
    worker = start_worker()
    with wait_worker_signal(qtbot, worker.run_started, 5000):
        worker.open()
    qtbot.waitUntil(lambda: len(script.catalog._photos) >= 5, timeout=5000)
    with wait_worker_signal(qtbot, worker.paused_changed, 1000) as paused:
        worker.pause()
    assert paused.args == (True,) and worker.is_paused
    time.sleep(0.1)  # let the photo in flight finish
    n = len(script.catalog._photos)
    time.sleep(0.3)
    assert len(script.catalog._photos) == n, "indexing went on while paused"
    with wait_worker_signal(qtbot, worker.paused_changed, 1000) as resumed:
        worker.resume()
    assert resumed.args == (False,)
    qtbot.waitUntil(lambda: len(script.catalog._photos) > n + 3, timeout=5000)
    with wait_worker_signal(qtbot, worker.run_finished, 5000) as finished:
        worker.cancel()
    report = finished.args[0]
    assert report.cancelled and report.indexed < 400
    # After a cancel no automatic run starts until the user asks for one.
    runs = script.runs
    qtbot.wait(600)
    assert script.runs == runs
    with wait_worker_signal(qtbot, worker.run_finished, 10000):
        worker.index_now()
    assert script.runs == runs + 1


def test_shutdown_while_paused_stops_promptly(qtbot, script, tmp_path):
    _with_root(script, tmp_path)
    script.photos_per_run = 1000
    worker = IndexWorker(fake_factory(script, tmp_path), LibraryOptions(), watch=False)
    thread = WorkerThread(worker, "test-index")
    thread.start()
    with wait_worker_signal(qtbot, worker.run_started, 5000):
        worker.open()
    worker.pause()
    qtbot.wait(100)
    t0 = time.perf_counter()
    assert thread.stop(5000)
    assert time.perf_counter() - t0 < 2.0
    assert script.opened[0].closed


def test_add_folder_starts_a_run_and_reports_state(qtbot, start_worker, script, tmp_path):
    worker = start_worker()
    with wait_worker_signal(qtbot, worker.opened, 5000) as opened:
        worker.open()
    assert opened.args[0].roots == ()
    folder = tmp_path / "photos"
    folder.mkdir()
    states = []
    worker.state_changed.connect(states.append)
    with wait_worker_signal(qtbot, worker.run_finished, 10000):
        worker.add_folders([str(folder)])
    assert states and states[0].roots == (str(folder),)
    assert len(script.catalog._photos) == script.photos_per_run


def test_locked_library_reports_busy_and_retries(qtbot, start_worker, script, tmp_path):
    _with_root(script, tmp_path)
    script.locked_times = 1
    worker = start_worker(retry_locked=0.3)
    busy, finished = [], []
    worker.busy.connect(busy.append)
    worker.run_finished.connect(finished.append)
    worker.open()
    qtbot.waitUntil(lambda: any(r is not None for r in finished), timeout=10000)
    assert busy and "being written" in busy[0]
    assert finished[0] is None  # the locked attempt ended without a report; the retry ran
    assert script.runs == 2 and finished[-1].indexed == script.photos_per_run


def test_open_failure_and_missing_model_are_reported(qtbot, start_worker, script, tmp_path):
    script.open_error = SchemaError("the catalog was written by a newer photoalbum")
    worker = start_worker()
    with wait_worker_signal(qtbot, worker.open_failed, 5000) as failed:
        worker.open()
    assert "newer photoalbum" in failed.args[0]

    script.open_error = None
    script.prepared = False
    with wait_worker_signal(qtbot, worker.model_missing, 5000) as missing:
        worker.reopen()
    state = missing.args[0]
    assert not state.model_prepared
    assert any(m.default for m in state.models)  # the registry is listed for the setup page
    assert script.runs == 0  # nothing indexes without a prepared model


def test_a_bug_in_a_command_is_reported_not_fatal(qtbot, start_worker, script, tmp_path):
    worker = start_worker()
    with wait_worker_signal(qtbot, worker.opened, 5000):
        worker.open()
    script.opened[0].remove_root = None  # calling it raises TypeError inside the worker
    with wait_worker_signal(qtbot, worker.error, 5000) as err:
        worker.remove_folder("/nowhere")
    assert "Unexpected error" in err.args[0]
    with wait_worker_signal(qtbot, worker.state_changed, 5000):
        worker.add_folders([])  # still alive


def test_file_activity_triggers_a_run_after_the_debounce(qtbot, start_worker, script, tmp_path):
    _with_root(script, tmp_path)
    script.photos_per_run = 2
    worker = start_worker(watch=True, debounce=0.3, reconcile_every=3600)
    with wait_worker_signal(qtbot, worker.run_finished, 10000):
        worker.open()  # the start-up scan; the folder is watched after it
    assert script.runs == 1
    qtbot.wait(300)
    (tmp_path / "note.txt").write_text("not a photo")  # ignored
    qtbot.wait(800)
    assert script.runs == 1
    with wait_worker_signal(qtbot, worker.run_finished, 10000):
        (tmp_path / "new photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert script.runs == 2


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyError("bug")])
def test_errors_during_a_run_are_reported_and_the_worker_lives_on(
    qtbot, start_worker, script, tmp_path, exc
):
    from photoalbum.core.errors import KnownError

    _with_root(script, tmp_path)
    script.index_error = KnownError(f"disk full: {exc}") if isinstance(exc, OSError) else exc
    worker = start_worker()
    errors, finished = [], []
    worker.error.connect(errors.append)
    worker.run_finished.connect(finished.append)
    worker.open()
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    assert finished == [None]
    assert ("disk full" in errors[0]) if isinstance(exc, OSError) else ("KeyError" in errors[0])
    script.index_error = None
    with wait_worker_signal(qtbot, worker.run_finished, 10000) as done:
        worker.index_now()
    assert done.args[0].indexed == script.photos_per_run


def test_passes_make_way_for_new_photos_and_resume_after_them(
    qtbot, start_worker, script, tmp_path
):
    _with_root(script, tmp_path)
    script.photos_per_run = 2
    script.pass_photos = 600  # a backlog of a few seconds
    script.step_seconds = 0.005
    worker = start_worker(watch=True, debounce=0.2, reconcile_every=3600)
    stages: list[str] = []
    worker.progress.connect(lambda p: stages.append(p.stage))
    worker.open()
    qtbot.waitUntil(lambda: "pass:text" in stages, timeout=10000)
    with wait_worker_signal(qtbot, worker.run_finished, 10000) as first:
        (tmp_path / "new photo.jpg").write_bytes(b"\xff\xd8\xff")  # the watcher sees it
    assert first.args[0].passes.yielded and not first.args[0].cancelled
    left = 600 - script.pass_reports[0].done["text"]
    assert left > 0
    # the new photo's run comes at once (not at the next reconcile); the passes finish after it
    qtbot.waitUntil(lambda: len(script.pass_reports) >= 2, timeout=30000)
    assert script.runs == 2
    assert script.pass_reports[1].done["text"] == left and not script.pass_reports[1].yielded


def test_a_failing_warm_up_does_not_stop_the_worker(qtbot, start_worker, script, tmp_path):
    _with_root(script, tmp_path)
    script.warm_up_error = RuntimeError("OpenCV cannot load libGL")
    worker = start_worker()
    with wait_worker_signal(qtbot, worker.opened, 5000):
        worker.open()
    with wait_worker_signal(qtbot, worker.run_finished, 10000) as finished:
        pass  # the start-up scan still runs
    assert finished.args[0].indexed == script.photos_per_run


class _RecordingRunner:
    """Stands in for ProcessIndexRunner: reports progress, watches the worker's switches."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.seen_paused = False
        self.seen_stop = False

    def __call__(
        self, options, *, on_progress, should_stop, paused, yield_passes, index_kwargs=None
    ):
        from photoalbum.core.indexer import IndexProgress, IndexReport

        self.calls.append(
            {"options": options, "index_kwargs": index_kwargs, "thread": threading.get_ident()}
        )
        for i in range(1, 6):
            on_progress(IndexProgress("encode", i, 5))
        end = time.monotonic() + 10
        while time.monotonic() < end and not should_stop():
            self.seen_paused = self.seen_paused or paused()
            time.sleep(0.01)
        self.seen_stop = should_stop()
        return IndexReport(indexed=5, cancelled=self.seen_stop)


def test_a_runner_runs_the_index_elsewhere_with_the_workers_switches(
    qtbot, start_worker, script, tmp_path
):
    _with_root(script, tmp_path)
    runner = _RecordingRunner()
    worker = start_worker(runner=runner, index_kwargs={"batch_size": 4})
    progress = []
    worker.progress.connect(progress.append)
    with wait_worker_signal(qtbot, worker.run_started, 5000):
        worker.open()
    assert script.passes_warmed == 0  # the passes load in the runner's process, not here
    assert script.runs == 0  # the in-thread Library.index is not used
    qtbot.waitUntil(lambda: len(runner.calls) == 1, timeout=5000)
    call = runner.calls[0]
    assert call["index_kwargs"] == {"batch_size": 4}
    assert call["thread"] != threading.get_ident()  # on the worker thread
    worker.pause()
    qtbot.waitUntil(lambda: runner.seen_paused, timeout=5000)
    with wait_worker_signal(qtbot, worker.run_finished, 5000) as finished:
        worker.cancel()
    assert finished.args[0].cancelled and finished.args[0].indexed == 5
    assert progress and progress[-1].done == 5
