"""FacesPass: the background pass that finds, describes and crops the faces of one photo.

A :class:`photoalbum.core.passes.PhotoPass`: ``process(photo_id, image)`` runs on a worker
thread with the photo's already decoded, downscaled image, and ``commit(outcomes)`` writes a
batch's faces and pass state in one transaction. Raising the version redoes every photo.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from PIL import Image

from photoalbum.core.faces.analyzer import AnalyzerOptions, FaceAnalyzer
from photoalbum.core.faces.crops import FaceCrops
from photoalbum.core.faces.isolated import IsolatedAnalyzer
from photoalbum.core.faces.ports import FaceStore
from photoalbum.core.faces.types import FacesResult
from photoalbum.core.passes.ports import PassOutcome

logger = logging.getLogger(__name__)


class FacesPass:
    """Faces of each photo into the :class:`FaceStore`; crops into :class:`FaceCrops`."""

    name = "faces"
    title = "Find faces"
    #: 1: dlib HOG detector (score ≥ 0.3) at 400 px, 5-point landmarks, resnet v1 descriptor.
    version = 1

    def __init__(
        self,
        store: FaceStore,
        crops: FaceCrops,
        options: AnalyzerOptions | None = None,
        *,
        isolate: bool = True,
    ) -> None:
        self.store = store
        self.crops = crops
        self.options = options or AnalyzerOptions()
        self.min_side = self.options.detect_side  # the shorter side it wants images decoded at
        self._local = threading.local()
        # dlib holds the GIL: by default it runs in a child process (core.faces.isolated)
        self._isolated = IsolatedAnalyzer(self.options) if isolate else None

    def _analyzer(self) -> FaceAnalyzer:
        analyzer = getattr(self._local, "analyzer", None)
        if analyzer is None:  # dlib's networks are not thread-safe: one per thread
            analyzer = FaceAnalyzer(self.options)
            self._local.analyzer = analyzer
        return analyzer

    def process(self, photo_id: int, image: Image.Image) -> FacesResult:
        """Find the faces in ``image`` and write their crops. Thread-safe."""
        if self._isolated is not None:
            faces = self._isolated.analyze(image)
        else:
            faces = self._analyzer().analyze(image)
        names = []
        for n, face in enumerate(faces):
            name = FaceCrops.name_for(photo_id, n)
            self.crops.put(name, face.crop)
            names.append(name)
        return FacesResult(photo_id, tuple(faces), tuple(names))

    def prepare(self) -> None:
        """Start loading the models (in the child process) without waiting; the runner calls
        this when a run begins."""
        if self._isolated is not None:
            self._isolated.start()

    def close(self) -> None:
        """Stop the analysis child process (if one was started)."""
        if self._isolated is not None:
            self._isolated.close()

    def commit(self, outcomes: Sequence[PassOutcome]) -> None:
        """Store a batch's faces and pass state in one transaction."""
        self.store.put_faces(self.name, self.version, outcomes)
