"""The indexing child process: its protocol, its commands, and a whole run relayed to the app."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import threading

import pytest

from photoalbum.core.errors import KnownError, LibraryLockedError
from photoalbum.core.indexer import IndexProgress, IndexReport
from photoalbum.core.passes.runner import PassReport
from photoalbum.core.writer_lock import WriterLock
from photoalbum.library import Library
from photoalbum.workers.index_process import (
    _Controls,
    _Writer,
    child_command,
    progress_from_dict,
    report_from_dict,
    report_to_dict,
)
from photoalbum.workers.index_runner import (
    IndexProcessError,
    ProcessIndexRunner,
    _Relay,
    _Switches,
)
from photoalbum.workers.messages import LibraryOptions
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import SAMPLES, make_sample_photos, snapshot


def test_report_survives_the_trip_through_json():
    report = IndexReport(
        scanned=5,
        new=4,
        indexed=3,
        failed=1,
        seconds=1.5,
        cancelled=True,
        failures=[("/a/b.jpg", "truncated")],
        scan_errors=[("/a/x", "denied")],
        passes=PassReport(
            done={"text": 2},
            failed={"text": 1},
            failures=[("text", "/a/c.jpg", "unreadable")],
            yielded=True,
        ),
    )
    back = report_from_dict(json.loads(json.dumps(report_to_dict(report))))
    assert back == report
    assert back.rate == report.rate


def test_progress_line_round_trip():
    p = IndexProgress("encode", 3, 10, "/photos/ä b.jpg", 2.5)
    out = io.StringIO()
    _Writer(out).progress(p)
    assert progress_from_dict(json.loads(out.getvalue())["progress"]) == p


def test_writer_thins_out_progress_within_a_stage_but_keeps_each_stage_end():
    out = io.StringIO()
    w = _Writer(out)
    for i in range(1, 101):
        w.progress(IndexProgress("scan", i, 100))
    lines = [json.loads(x)["progress"] for x in out.getvalue().splitlines()]
    assert lines[0]["done"] == 1 and lines[-1]["done"] == 100  # first and the stage's end
    assert len(lines) < 20


def test_writer_goes_quiet_when_the_app_stopped_reading():
    r, w = _pipe()
    r.close()  # the app quit: writing would raise BrokenPipeError
    writer = _Writer(w)
    writer.line({"progress": {"stage": "encode", "done": 1, "total": 2}})
    writer.progress(IndexProgress("encode", 2, 2))
    assert writer.closed
    with contextlib.suppress(OSError):
        w.close()


def test_commands_switch_the_run_and_the_end_of_stdin_stops_it():
    c = _Controls()
    c.read(io.StringIO("pause\n"))
    # stdin ended: a stop, which also ends the pause (nobody could resume it)
    assert c.stop.is_set() and c.resumed.is_set()
    c = _Controls()
    r, w = _pipe()
    t = threading.Thread(target=c.read, args=(r,))
    t.start()
    w.write("pause\nyield\n")
    w.flush()
    _until(lambda: c.yield_passes.is_set())
    assert not c.resumed.is_set() and not c.stop.is_set()
    w.write("resume\n")
    w.flush()
    _until(c.resumed.is_set)
    w.write("stop\n")
    w.flush()
    _until(c.stop.is_set)
    w.close()
    t.join(5)


def test_relay_sends_each_change_once():
    out = io.StringIO()
    relay = _Relay(out)
    relay.update(_Switches(stop=False, paused=True, yield_passes=False))
    relay.update(_Switches(stop=False, paused=True, yield_passes=True))
    relay.update(_Switches(stop=False, paused=False, yield_passes=True))
    relay.update(_Switches(stop=True, paused=False, yield_passes=True))
    relay.update(_Switches(stop=True, paused=False, yield_passes=True))
    assert out.getvalue().split() == ["pause", "yield", "resume", "stop"]
    relay.close()
    relay.update(
        _Switches(stop=True, paused=True, yield_passes=True)
    )  # a closed pipe is not an error


def test_child_command_carries_the_options():
    argv = child_command(
        "/lib",
        "/models",
        "/dl",
        model="random:tiny-clip",
        precision="int8",
        threads=2,
        index_kwargs={"batch_size": 4},
    )
    assert argv[:3] == [sys.executable, "-m", "photoalbum.workers.index_process"]
    assert argv[argv.index("--model") + 1] == "random:tiny-clip"
    assert argv[argv.index("--precision") + 1] == "int8"
    assert argv[argv.index("--threads") + 1] == "2"
    assert json.loads(argv[argv.index("--kwargs") + 1]) == {"batch_size": 4}


# --- whole runs in a real child process ----------------------------------------------------------
def _run(runner, *, stop=lambda: False, progress=None):
    return runner(
        LibraryOptions(model=TINY_SPEC),
        on_progress=(progress.append if progress is not None else lambda p: None),
        should_stop=stop,
        paused=lambda: False,
        yield_passes=lambda: False,
        index_kwargs={"batch_size": 4},
    )


@pytest.fixture
def library(tiny_paths, tmp_path):
    folder = tmp_path / "Photos"
    make_sample_photos(folder, SAMPLES[:5])
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    lib = Library(tiny_paths, model=TINY_SPEC)
    lib.add_roots([str(folder)])
    lib.close()
    return tiny_paths, folder


def test_a_run_in_the_child_indexes_and_reports_like_library_index(library):
    paths, folder = library
    before = snapshot(folder)
    progress: list[IndexProgress] = []
    report = _run(ProcessIndexRunner(paths), progress=progress)
    assert (report.indexed, report.failed) == (5, 1)
    assert report.failures[0][0].endswith("broken.jpg") and report.failures[0][1]
    assert any(p.stage == "encode" for p in progress)
    assert snapshot(folder) == before  # never writes to photos
    lib = Library(paths, model=TINY_SPEC)
    try:  # this process sees what the child committed
        assert lib.status().indexed == 5
        assert lib.search(lib.parse("a photo"), k=3).hits
    finally:
        lib.close()
    again = _run(ProcessIndexRunner(paths))
    assert again.unchanged == 6 and again.indexed == 0


def test_a_stop_asked_for_ends_the_run_cancelled(library):
    paths, _ = library
    report = _run(ProcessIndexRunner(paths), stop=lambda: True)
    assert report.cancelled


def test_a_locked_library_raises_library_locked(library):
    paths, _ = library
    with WriterLock(paths.lock_file, who="test"), pytest.raises(LibraryLockedError):
        _run(ProcessIndexRunner(paths))


def test_a_user_error_in_the_child_is_a_known_error(tiny_paths):
    # no folders yet: Library.index refuses with a message for people
    with pytest.raises(KnownError, match="no folders"):
        _run(ProcessIndexRunner(tiny_paths))


def test_a_child_that_dies_without_a_report_is_an_index_process_error(tiny_paths):
    def crash(*args, **kwargs):
        return [
            sys.executable,
            "-c",
            "import sys; print('about to fail', file=sys.stderr); sys.exit(7)",
        ]

    with pytest.raises(IndexProcessError, match=r"exit code 7.*about to fail"):
        _run(ProcessIndexRunner(tiny_paths, command=crash))


# --- helpers -------------------------------------------------------------------------------------
def _pipe():
    import os

    r, w = os.pipe()
    return os.fdopen(r, "r"), os.fdopen(w, "w")


def _until(cond, timeout=5.0):
    import time

    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)


def test_a_child_killed_while_decoding_is_started_again_and_completes_the_run(library):
    import os
    import signal

    paths, _ = library
    runner = ProcessIndexRunner(paths)
    killed: list[int] = []

    def kill_on_first_encode(p: IndexProgress) -> None:
        if p.stage == "encode" and not killed and runner.pid is not None:
            killed.append(runner.pid)
            os.kill(runner.pid, signal.SIGKILL)

    report = _run(runner, progress=_Calls(kill_on_first_encode))  # no error: a new child finished
    assert len(killed) == 1
    assert not paths.decode_journal.exists()
    lib = Library(paths, model=TINY_SPEC)
    try:
        status = lib.status()
        assert status.indexed == 5 and status.failed == 1
        assert status.vectors == 5  # catalog and vector index agree
    finally:
        lib.close()
    assert report.indexed + report.unchanged >= 5


def test_a_child_that_keeps_dying_while_decoding_is_restarted_a_few_times_only(
    tiny_paths, tmp_path
):
    from photoalbum.workers.index_runner import CRASH_RESTARTS, IndexProcessDied

    starts = tmp_path / "starts"
    journal = tiny_paths.decode_journal
    journal.parent.mkdir(parents=True, exist_ok=True)

    def dies_decoding(*args, **kwargs):
        return [
            sys.executable,
            "-c",
            f"open({str(starts)!r}, 'a').write('x'); "
            f"open({str(journal)!r}, 'w').write('[\"start\", \"/p/a.jpg\"]\\n'); "
            "import os; os._exit(70)",
        ]

    with pytest.raises(IndexProcessDied, match="exit code 70"):
        _run(ProcessIndexRunner(tiny_paths, command=dies_decoding))
    assert starts.read_text() == "x" * (CRASH_RESTARTS + 1)
    starts.unlink()
    with pytest.raises(IndexProcessDied):  # asked to stop: not started again
        _run(ProcessIndexRunner(tiny_paths, command=dies_decoding), stop=lambda: True)
    assert starts.read_text() == "x"


class _Calls(list):
    """A progress sink that also calls a function per report."""

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def append(self, p) -> None:
        super().append(p)
        self.fn(p)
