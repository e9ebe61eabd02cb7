"""The library's CLIP model: prepared or loaded on first use, its encoder, the INT8 self-check."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from photoalbum.core.decode_journal import DecodeJournal
from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.indexer import IndexProgress
from photoalbum.core.models.encoder import ClipEncoder, EncoderCache
from photoalbum.core.models.registry import ModelSpec
from photoalbum.core.models.store import ModelStore, PreparedModel, Preparer
from photoalbum.core.paths import Paths
from photoalbum.core.ports import Root

# The library's messages go out under one logger name (the console prints it).
logger = logging.getLogger("photoalbum.library.library")

ModelProgress = Callable[[str, int, int], None]


class LibraryModel:
    """One library's model and encoder, made lazily (see :class:`Library` for the arguments).

    Args:
        spec: the model to use.
        models: where prepared models live.
        paths: library and model dirs (the models dir is made before a preparation).
        precision: "auto" | "fp32" | "int8" for the ONNX towers.
        threads: ONNX Runtime threads (default: all cores).
        preparer: makes a model that was never prepared (None: cannot).
        may_prepare: a model that was never prepared is prepared on first use.
        on_progress: progress of that preparation.
        encoders: encoders shared with the process's other libraries.
    """

    def __init__(
        self,
        spec: ModelSpec,
        models: ModelStore,
        paths: Paths,
        *,
        precision: str,
        threads: int | None,
        preparer: Preparer | None,
        may_prepare: bool,
        on_progress: ModelProgress | None,
        encoders: EncoderCache | None,
    ) -> None:
        self.spec = spec
        self.models = models
        self.paths = paths
        self.precision = precision
        self.threads = threads
        self.may_prepare = may_prepare
        self.on_progress = on_progress
        self._preparer = preparer
        self._encoders = encoders
        self._prepared: PreparedModel | None = None
        self._encoder: ClipEncoder | None = None

    def prepared(self) -> PreparedModel:
        """The model; with ``may_prepare``, prepared on first use (with progress).

        Raises:
            ModelNotAvailableError: it was never prepared (and may not be prepared here).
            ModelDamagedError: its folder is damaged: never prepared again implicitly.
        """
        if self._prepared is None:
            if self.may_prepare:
                self.paths.ensure_models()
                self._prepared = self.models.ensure(self.spec, self._preparer, self.on_progress)
            else:
                model = self.models.load(self.spec)
                if model is None:
                    raise ModelNotAvailableError(
                        f"model {self.spec.name} is not prepared: run "
                        f"`photoalbum model prepare {self.spec.name}` or `photoalbum index`"
                    )
                self._prepared = model
            if self._prepared.random_weights:
                logger.warning(
                    "model %s has RANDOM WEIGHTS: for tests and benchmarks only; "
                    "search results are meaningless",
                    self.spec.name,
                )
        return self._prepared

    def if_prepared(self) -> PreparedModel | None:
        """The model if it is prepared already, else None: never prepares (downloads) one."""
        prepared = self._prepared or self.models.get(self.spec)
        if prepared is not None:
            self._prepared = prepared
        return prepared

    def use(self, prepared: PreparedModel) -> None:
        """Take ``prepared`` (loaded by the caller) as the model."""
        self._prepared = prepared

    def encoder(self) -> ClipEncoder:
        """The ONNX Runtime encoder (towers load lazily on first use)."""
        if self._encoder is None:
            if self._encoders is not None:  # shared with the process's other Libraries
                self._encoder = self._encoders.get(self.prepared(), self.precision, self.threads)
            else:
                self._encoder = ClipEncoder(
                    self.prepared(), precision=self.precision, threads=self.threads
                )
        return self._encoder

    def forget_encoder(self) -> None:
        """Drop the encoder (its sessions are freed once nothing else holds them)."""
        self._encoder = None

    def int8_self_check(
        self,
        roots: Sequence[Root],
        on_progress: Callable[[IndexProgress], None] | None,
        should_stop: Callable[[], bool] | None = None,
        wait_if_paused: Callable[[], None] | None = None,
        *,
        journal: DecodeJournal,
    ) -> None:
        """First indexing with an INT8 image tower: measure it against fp32 on the user's photos
        and let the result choose the tower's "auto" precision (photoalbum.core.models.int8.selfcheck).
        Its decodes go to the run's decode ``journal`` too (a photo that kills the process here
        would otherwise kill every run before indexing starts)."""
        from photoalbum.core.models.int8 import selfcheck

        model = self.prepared()
        if self.precision != "auto" or not selfcheck.needs_check(model):
            return

        def report(done: int, total: int) -> None:
            if on_progress is not None:
                on_progress(
                    IndexProgress(
                        "int8-check", done, total, "checking INT8 on a sample of your photos"
                    )
                )

        report(0, 0)
        candidates = selfcheck.sample_paths([r.path for r in roots])
        with journal.appending():
            result = selfcheck.run_check(
                model,
                candidates,
                threads=self.threads,
                on_progress=report,
                should_stop=should_stop,
                wait_if_paused=wait_if_paused,
                journal=journal,
            )
        if result is not None:
            self._prepared = selfcheck.record(model, result)
            self._encoder = None  # the next encoder reads the new "auto" precision
