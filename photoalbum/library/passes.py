"""The library's background passes (text, faces): which exist, which are on, running them."""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from photoalbum.core.errors import UserError
from photoalbum.core.indexer import IndexProgress
from photoalbum.core.passes import (
    InlinePasses,
    PassProgress,
    PassReport,
    PassRunner,
    PhotoPass,
    RecentImages,
    pass_setting_key,
    video_version,
)
from photoalbum.core.places import LazyGazetteer
from photoalbum.library.people import LibraryPeople
from photoalbum.library.status import PassStatus
from photoalbum.persistence.catalog import SqlCatalog

#: name → (enabled by default, factory)
PassBuilders = dict[str, tuple[bool, Callable[[], PhotoPass]]]


class LibraryPasses:
    """The background passes of one library (each built once; models load on first use).

    Args:
        catalog: the library's catalog (pass state and the switches are kept there).
        people: the library's people (the faces pass writes there; new faces get people).
        background: True in the GUI worker (the passes leave the UI a core).
        threads: the library's thread budget (None: all cores).
        ocr_models: where the text pass keeps its rewritten OCR models (None: rapidocr's own).
    """

    def __init__(
        self,
        catalog: SqlCatalog,
        people: LibraryPeople,
        *,
        background: bool,
        threads: int | None,
        ocr_models: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self.people = people
        self.background = background
        self.threads = threads
        self.ocr_models = ocr_models
        self.recent_images = RecentImages()
        self._built: dict[str, PhotoPass] = {}
        self.gazetteer = LazyGazetteer()  # shared with search's query understanding

    def builders(self) -> PassBuilders:
        """Every background pass this build knows: name → (enabled by default, factory)."""
        builders: PassBuilders = {}
        if importlib.util.find_spec("rapidocr_onnxruntime") is not None:
            builders["text"] = (True, self._text_pass)
        if importlib.util.find_spec("dlib") is not None:
            # Off until asked for: grouping faces is biometric processing; a person opts in.
            builders["faces"] = (False, self.people.faces_pass)
        # On by default: no pixels, no model, thousands of photos a second. Listed last, so the
        # passes listings keep their order; the runner runs it first all the same.
        builders["places"] = (True, self._places_pass)
        return builders

    def _places_pass(self) -> PhotoPass:
        from photoalbum.core.places import PlacesPass

        return PlacesPass(self.catalog.places, self.gazetteer)

    def _text_pass(self) -> PhotoPass:
        from photoalbum.core.text import OcrEngine, TextPass

        # Single-threaded ONNX sessions (no pool to spin-wait); from the command line two photos
        # are read side by side (by one copy of the models: 2-3x the photos/s of one two-thread
        # session on 2 cores, bench/bench_passes.py); in the app one, so the GUI keeps a core.
        concurrency = 1 if self.background else min(2, self.threads or os.cpu_count() or 1)
        engine = OcrEngine(threads=1, concurrency=concurrency, model_dir=self.ocr_models)
        return TextPass(self.catalog.text_store, engine)

    def warm_up(self) -> None:
        """Load the enabled passes' native modules now (the text pass's OpenCV and rapidocr hold
        the GIL 0.15–0.35 s while they load). Missing optional packages are left for the pass to
        report."""
        if "text" in self.builders() and self.enabled("text"):
            from photoalbum.core.text.ocr import OcrUnavailableError, import_ocr_modules

            with contextlib.suppress(OcrUnavailableError):  # the pass reports it per photo
                import_ocr_modules()

    def enabled(self, name: str) -> bool:
        """Whether the pass is switched on for this library (its default until set)."""
        builders = self.builders()
        if name not in builders:
            raise UserError(
                f"no background pass called {name!r} "
                f"(known: {', '.join(sorted(builders)) or 'none'})"
            )
        value = self.catalog.get_setting(pass_setting_key(name))
        return builders[name][0] if value is None else value == "1"

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Switch a pass on or off for this library (a library setting)."""
        self.enabled(name)  # validates the name
        self.catalog.set_setting(pass_setting_key(name), "1" if enabled else "0")

    def get(self, name: str) -> PhotoPass:
        """The pass object (built once; models load lazily on first use)."""
        if name not in self._built:
            self.enabled(name)  # validates the name
            self._built[name] = self.builders()[name][1]()
        return self._built[name]

    def enabled_passes(self) -> list[PhotoPass]:
        """The passes switched on for this library."""
        return [self.get(n) for n in self.builders() if self.enabled(n)]

    def inline(self, enabled: Sequence[PhotoPass]) -> InlinePasses | None:
        """The passes of ``enabled`` an indexing run reads on its own decodes (None: none).

        From the command line only: there they overlap the CLIP encoder and save a second
        decode of every photo (bench/bench_index.py). In the app (``background``) new photos
        get their CLIP encoding first, and the passes keep to one core after it.
        """
        if self.background:
            return None
        return InlinePasses(enabled) or None

    def reset(self, name: str) -> None:
        """Forget what the pass did (it redoes every photo); call with the writer lock held."""
        self.enabled(name)  # validates the name
        self.catalog.pass_state.reset_pass(name)

    def run(
        self,
        enabled: Sequence[PhotoPass],
        on_progress: Callable[[IndexProgress], None] | None,
        should_stop: Callable[[], bool] | None,
        wait_if_paused: Callable[[], None] | None,
        should_yield: Callable[[], bool] | None = None,
    ) -> PassReport:
        """Run ``enabled`` over what they still have to do; call with the writer lock held."""

        def progress(p: PassProgress) -> None:
            if on_progress is not None:
                on_progress(IndexProgress(f"pass:{p.name}", p.done, p.total, p.current, p.rate))

        runner = PassRunner(
            self.catalog.pass_state,
            enabled,
            recent=self.recent_images,
            on_progress=progress,
            should_stop=should_stop,
            should_yield=should_yield,
            wait_if_paused=wait_if_paused,
        )
        try:
            report = runner.run()
        finally:
            self.recent_images.clear()  # what was not used by now is not worth its memory
        if report.done.get("faces"):  # new faces: give them people (cheap when nothing is new)
            self.people.service().update()
        return report

    def status(self) -> list[PassStatus]:
        """Where each pass stands: enabled, done, failed, todo and a few failures."""
        out = []
        for name in self.builders():
            p = self.get(name)
            counts = self.catalog.pass_state.pass_counts(
                name, p.version, video_version=video_version(p)
            )
            out.append(
                PassStatus(
                    name=name,
                    title=getattr(p, "title", name),
                    enabled=self.enabled(name),
                    version=p.version,
                    done=counts.done,
                    failed=counts.failed,
                    todo=counts.todo,
                    failures=tuple(counts.failures),
                )
            )
        return out

    def close(self) -> None:
        """Release the passes' models and child processes."""
        for p in self._built.values():
            closer = getattr(p, "close", None)  # optional in the PhotoPass port
            if closer is not None:
                closer()
        self._built.clear()
