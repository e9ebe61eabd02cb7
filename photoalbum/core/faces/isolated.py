"""Face analysis in a child process: dlib holds Python's GIL for its whole work (~40 ms to detect,
~0.2 s per face to describe), which would stall every other thread of the app — the GUI thread
included. A one-process pool runs it instead; the calling thread waits without the GIL.

The child exits when its parent dies, however it dies (kill -9 included): a pool's workers
otherwise live on, each holding dlib's models (~77 MB), because they wait on a queue whose
write end they hold themselves.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
from PIL import Image

from photoalbum.core.errors import KnownError
from photoalbum.core.faces.analyzer import AnalyzerOptions, FaceAnalyzer
from photoalbum.core.faces.types import DetectedFace

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=2)
def _child_analyzer(options: AnalyzerOptions) -> FaceAnalyzer:
    """The child process's analyzer (its models load once)."""
    return FaceAnalyzer(options)


def exit_with_parent() -> None:
    """Runs in the child as it starts: a thread that ends the child when the parent dies.

    It waits on the parent's sentinel, which multiprocessing hands every child it spawns (a pipe
    the parent holds open on POSIX, a process handle on Windows), so it needs no polling and
    works on every platform. (Linux's PR_SET_PDEATHSIG is not used: it fires when the *thread*
    that started the child ends, and the pool starts its child on whichever thread asks first.)
    The thread needs the GIL, so a child inside a dlib call exits once that call returns.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing (a test calling this directly)
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)  # no clean-up to do: the parent that wanted the results is gone

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def load_models(options: AnalyzerOptions) -> None:
    """Runs in the child: load the analyzer's models (a warm-up)."""
    _child_analyzer(options)


def analyze_array(options: AnalyzerOptions, array: np.ndarray) -> list[DetectedFace]:
    """Runs in the child: the faces of an RGB array."""
    return _child_analyzer(options).analyze(Image.fromarray(array))


class IsolatedAnalyzer:
    """Analyzes images in one child process (started on first use; thread-safe)."""

    def __init__(self, options: AnalyzerOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the child and load its models in the background, without waiting: its start-up
        (~1.5 s: Python, dlib, 30 MB of models) then overlaps the first photos' decoding."""
        try:
            self._get_pool().submit(load_models, self.options)
        except (BrokenProcessPool, RuntimeError):  # the first analyze reports what is wrong
            logger.debug("face analysis child did not start", exc_info=True)

    def analyze(self, image: Image.Image) -> list[DetectedFace]:
        """Every face in ``image``; the image is scaled to the detection size here first."""
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        scale = self.options.detect_side / max(1, min(rgb.size))
        if scale < 0.98:  # only shrink here (less to send); the analyzer enlarges small images
            size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
            rgb = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        pool = self._get_pool()
        try:
            return pool.submit(analyze_array, self.options, np.asarray(rgb)).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None  # a new child next time
            raise KnownError("face analysis crashed on this photo") from None

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: never fork a process that runs Qt and ONNX Runtime threads
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=exit_with_parent,
                )
            return self._pool

    def close(self) -> None:
        """Stop the child process."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
