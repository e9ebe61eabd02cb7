"""Library-level background passes: run after indexing, switchable per library, in status."""

from __future__ import annotations

import pytest

from photoalbum.library import Library, LibraryPasses
from photoalbum.persistence.catalog import SqlCatalog
from photoalbum.persistence.pass_state import record_outcomes
from tests.support.photos import make_sample_photos


class CountPass:
    name, version, min_side = "count", 1, 64

    def __init__(self, catalog: SqlCatalog) -> None:
        self.catalog = catalog
        self.seen: list[int] = []

    def process(self, photo_id, image):
        self.seen.append(photo_id)
        return image.size

    def commit(self, outcomes):
        with self.catalog.database.transaction(write=True) as c:
            record_outcomes(c, self.name, self.version, outcomes)


@pytest.fixture
def lib(tiny_paths, tmp_path, monkeypatch):
    monkeypatch.setattr(
        LibraryPasses, "builders", lambda self: {"count": (True, lambda: CountPass(self.catalog))}
    )
    library = Library(tiny_paths, model="random:tiny-clip")
    make_sample_photos(tmp_path / "photos")
    library.add_roots([tmp_path / "photos"])
    yield library
    library.close()


def test_index_runs_enabled_passes_after_clip_with_progress(lib):
    stages: list[str] = []
    report = lib.index(on_progress=lambda p: stages.append(p.stage))
    assert report.indexed == 6 and report.passes is not None
    assert report.passes.done == {"count": 6}
    assert report.passes.reused == 6  # a small run hands its decoded images over
    assert stages.index("pass:count") > max(i for i, s in enumerate(stages) if s == "encode")
    status = lib.status().to_json()["passes"]
    assert status[0]["name"] == "count" and status[0]["done"] == 6 and status[0]["enabled"]


def test_switched_off_pass_does_not_run(lib):
    lib.set_pass_enabled("count", False)
    assert lib.index().passes is None
    assert lib.pass_status()[0]["todo"] == 6 and not lib.pass_status()[0]["enabled"]
    lib.set_pass_enabled("count", True)
    assert lib.run_passes().done == {"count": 6}


def test_reset_pass_makes_it_redo_every_photo(lib):
    assert lib.index().passes.done == {"count": 6}
    lib.reset_pass("count")
    assert lib.pass_status()[0]["todo"] == 6 and lib.pass_status()[0]["done"] == 0
    assert lib.run_passes().done == {"count": 6}


def test_unknown_pass_is_a_user_error(lib):
    from photoalbum.core.errors import UserError

    with pytest.raises(UserError, match="no background pass called 'nope'"):
        lib.set_pass_enabled("nope", True)
    with pytest.raises(UserError, match="no background pass called 'nope'"):
        lib.reset_pass("nope")


@pytest.mark.parametrize(
    ("background", "threads", "concurrency"), [(False, None, 2), (False, 1, 1), (True, None, 1)]
)
def test_text_pass_reads_two_photos_at_once_on_the_command_line_one_in_the_app(
    tiny_paths, background, threads, concurrency, monkeypatch
):
    pytest.importorskip("rapidocr_onnxruntime")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    library = Library(tiny_paths, model="random:tiny-clip", background=background, threads=threads)
    try:
        engine = library.get_pass("text").engine  # type: ignore[attr-defined]
        assert (engine.threads, engine.concurrency) == (1, concurrency)  # no ORT pool to spin
    finally:
        library.close()


@pytest.mark.parametrize("text_on", [True, False])
def test_warm_up_loads_the_ocr_modules_only_for_an_enabled_text_pass(paths, text_on):
    # In a fresh process: the GUI's indexing worker calls this when it opens, so loading OpenCV
    # and rapidocr (the GIL held 0.15-0.35 s) never happens in the middle of a run.
    import os
    import subprocess
    import sys

    lib = Library(paths)
    lib.set_pass_enabled("text", text_on)
    lib.close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from photoalbum.core.paths import Paths\n"
        "from photoalbum.library import Library\n"
        f"lib = Library(Paths(library=Path({str(paths.library)!r}), "
        f"models=Path({str(paths.models)!r}), downloads=Path({str(paths.downloads)!r})))\n"
        "before = 'cv2' in sys.modules\n"
        "lib.warm_up_passes()\n"
        "print(before, 'cv2' in sys.modules, 'rapidocr_onnxruntime' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", str(text_on), str(text_on)]
