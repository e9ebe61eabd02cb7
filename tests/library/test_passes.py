"""Library-level background passes: run after indexing, switchable per library, in status."""

from __future__ import annotations

import pytest

from photoalbum.core.errors import KnownError
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
        assert engine.model_dir == tiny_paths.models / "ocr"  # its rewritten models, shared
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


class InlineCountPass(CountPass):
    """A pass that does not use the photo id, so an indexing run may call it on its decodes."""

    name, min_side, inline = "inline", 300, True

    def __init__(self, catalog: SqlCatalog, fail: str = "") -> None:
        super().__init__(catalog)
        self.fail = fail
        self.threads: list[str] = []
        self.sides: list[int] = []

    def process(self, photo_id, image):
        import threading

        self.threads.append(threading.current_thread().name)
        self.sides.append(min(image.size))
        if self.fail and len(self.threads) == 1:
            raise KnownError(self.fail)
        return super().process(photo_id, image)


def _inline_lib(tiny_paths, tmp_path, monkeypatch, *, background, fail=""):
    built: list[InlineCountPass] = []

    def make(catalog):
        built.append(InlineCountPass(catalog, fail))
        return built[-1]

    monkeypatch.setattr(
        LibraryPasses, "builders", lambda self: {"inline": (True, lambda: make(self.catalog))}
    )
    library = Library(tiny_paths, model="random:tiny-clip", background=background)
    make_sample_photos(tmp_path / "photos")
    library.add_roots([tmp_path / "photos"])
    library.recent_images.capacity = 2  # a large run: more photos than the hand-off holds
    return library, built


def test_a_command_line_run_reads_inline_passes_on_its_own_decodes(
    tiny_paths, tmp_path, monkeypatch
):
    lib, built = _inline_lib(tiny_paths, tmp_path, monkeypatch, background=False)
    with lib:
        stages: list[str] = []
        report = lib.index(on_progress=lambda p: stages.append(p.stage))
        assert report.indexed == 6 and report.passes is not None
        assert report.passes.done == {"inline": 6} and report.passes.failed == {"inline": 0}
        # no second decode: each photo was read in a decode thread on the pipeline's image
        assert report.passes.decoded == 0 and report.passes.reused == 6
        (p,) = built
        assert len(p.threads) == 6 and all(t.startswith("decode") for t in p.threads)
        assert set(p.seen) == {0}  # new photos: no id yet when their decode is read
        assert "pass:inline" not in stages  # nothing left for the runner after
        status = lib.pass_status()[0]
        assert status["done"] == 6 and status["todo"] == 0
        assert lib.index().passes.done == {"inline": 0}  # and nothing is redone


def test_inline_pass_gets_an_image_of_its_size(tiny_paths, tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(InlineCountPass, "min_side", 500)
    lib, built = _inline_lib(tiny_paths, tmp_path, monkeypatch, background=False)
    # the CLIP pass alone would draft-decode this at 1/4 (400×300)
    Image.new("RGB", (1600, 1200), (90, 120, 150)).save(tmp_path / "photos" / "big.jpg")
    with lib:
        lib.index()
        assert sorted(built[0].sides)[-1] == 600  # 1/2: the pass's 500 px
        assert len(built[0].sides) == 7


def test_the_model_input_is_made_from_a_reduced_copy_of_the_passes_decode(
    tiny_paths, tmp_path, monkeypatch
):
    """Decoded larger for a pass, the photo's model input and thumbnail are still resampled
    from about the size the CLIP pass alone decodes (resampling 4x the pixels cost 7 ms more
    a 12 MP photo); the pass gets the whole decode."""
    from PIL import Image

    from photoalbum.core.models.encoder import ClipEncoder

    seen: list[tuple[int, int]] = []
    real = ClipEncoder.preprocess
    monkeypatch.setattr(
        ClipEncoder, "preprocess", lambda self, image: seen.append(image.size) or real(self, image)
    )
    monkeypatch.setattr(InlineCountPass, "min_side", 500)
    lib, built = _inline_lib(tiny_paths, tmp_path, monkeypatch, background=False)
    Image.new("RGB", (1600, 1200), (90, 120, 150)).save(tmp_path / "photos" / "big.jpg")
    with lib:
        lib.index()
        assert sorted(built[0].sides)[-1] == 600  # the pass: 800×600
        assert (400, 300) in seen and max(min(s) for s in seen) < 2 * 256  # the model: 400×300


def test_an_inline_failure_is_recorded_with_its_path(tiny_paths, tmp_path, monkeypatch):
    lib, _ = _inline_lib(tiny_paths, tmp_path, monkeypatch, background=False, fail="unreadable")
    with lib:
        report = lib.index()
        assert report.passes.done == {"inline": 5} and report.passes.failed == {"inline": 1}
        ((name, path, reason),) = report.passes.failures
        assert name == "inline" and reason == "unreadable" and path.endswith(".jpg")
        assert lib.pass_status()[0]["failed"] == 1


def test_the_app_runs_the_passes_after_the_clip_pass(tiny_paths, tmp_path, monkeypatch):
    lib, built = _inline_lib(tiny_paths, tmp_path, monkeypatch, background=True)
    with lib:
        report = lib.index()
        assert report.passes.done == {"inline": 6} and report.passes.decoded == 4
        assert all(t.startswith("pass") for t in built[0].threads)


def test_a_pass_left_for_after_still_gets_a_small_runs_decodes(tiny_paths, tmp_path, monkeypatch):
    built: list[CountPass] = []

    def make(cls, catalog):
        built.append(cls(catalog))
        return built[-1]

    monkeypatch.setattr(
        LibraryPasses,
        "builders",
        lambda self: {
            "inline": (True, lambda: make(InlineCountPass, self.catalog)),
            "count": (True, lambda: make(CountPass, self.catalog)),
        },
    )
    with Library(tiny_paths, model="random:tiny-clip") as lib:
        make_sample_photos(tmp_path / "photos")
        lib.add_roots([tmp_path / "photos"])
        report = lib.index()
        assert report.passes.done == {"inline": 6, "count": 6}
        assert report.passes.decoded == 0  # the runner's pass was handed the pipeline's images
        assert report.passes.reused == 12
