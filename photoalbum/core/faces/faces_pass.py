"""FacesPass: the background pass that finds, describes and crops the faces of one photo.

A :class:`photoalbum.core.passes.PhotoPass`: ``process(photo_id, image)`` runs on a worker
thread with the photo's already decoded, downscaled image, and ``commit(outcomes)`` writes a
batch's faces and pass state in one transaction. Raising the version redoes every photo. A
video's faces are those of a few of its moments, each person once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np
from PIL import Image

from photoalbum.core.faces.analyzer import AnalyzerOptions, FaceAnalyzer
from photoalbum.core.faces.crops import FaceCrops
from photoalbum.core.faces.isolated import IsolatedAnalyzer
from photoalbum.core.faces.ports import FaceStore
from photoalbum.core.faces.types import DetectedFace, FacesResult
from photoalbum.core.passes.ports import PassOutcome

logger = logging.getLogger(__name__)

#: Descriptor distance under which two faces of one video's moments are one person (dlib's own
#: threshold is 0.6; the same person in two photos measures under 0.5 in tests/core/faces).
SAME_FACE = 0.5


class FacesPass:
    """Faces of each photo into the :class:`FaceStore`; crops into :class:`FaceCrops`."""

    name = "faces"
    title = "Find faces"
    #: 1: dlib HOG detector (score ≥ 0.3) at 400 px, 5-point landmarks, resnet v1 descriptor.
    version = 1
    #: A video's faces come from 5 of its moments spread over it (the first among them): the
    #: people of each part of a clip, at the cost of five photos (a moment's detection and
    #: descriptors take 0.1-0.3 s of a core, so all 60 moments of a film would take a minute).
    video_moments = 5
    #: 2: five moments (1 read the first only). Videos alone are redone; photos keep ``version``.
    video_version = 2

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
        return self._result(photo_id, self.process_moment(photo_id, image))

    def process_moment(self, photo_id: int, image: Image.Image) -> list[DetectedFace]:
        """The faces in one of a video's moments (crops are written once they are merged)."""
        if self._isolated is not None:
            return self._isolated.analyze(image)
        return self._analyzer().analyze(image)

    def merge_moments(
        self, photo_id: int, results: Sequence[tuple[float, list[DetectedFace]]]
    ) -> FacesResult:
        """A video's faces: those of its moments, each person once (a face as close as
        :data:`SAME_FACE` to a surer one of another moment is that person again: one face per
        person and video, so a clip of Anna is one of Anna's items, not five)."""
        kept: list[tuple[int, DetectedFace]] = []
        found = [(n, f) for n, (_, faces) in enumerate(results) for f in faces]
        for n, face in sorted(found, key=lambda nf: -nf[1].score):
            if any(
                m != n and float(np.linalg.norm(face.descriptor - k.descriptor)) < SAME_FACE
                for m, k in kept
            ):
                continue
            kept.append((n, face))
        kept.sort(key=lambda nf: nf[0])  # in time order
        return self._result(photo_id, [f for _, f in kept])

    def _result(self, photo_id: int, faces: Sequence[DetectedFace]) -> FacesResult:
        """The photo's faces with their crops written."""
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
