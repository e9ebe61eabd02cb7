"""Plain data types of the people feature: detected faces, stored faces, people."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: dlib's face descriptor length.
DESCRIPTOR_DIM = 128


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in fractions of the displayed photo (0..1), so any scale can draw it."""

    x: float
    y: float
    w: float
    h: float

    def scaled(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(left, top, width, height) in pixels of an image ``width`` × ``height``."""
        return (
            round(self.x * width),
            round(self.y * height),
            round(self.w * width),
            round(self.h * height),
        )


@dataclass(frozen=True)
class DetectedFace:
    """One face found by the analyzer in one photo.

    Attributes:
        box: the detector's rectangle, in fractions of the photo.
        landmarks: the 5 landmark points (eye corners, nose), in fractions of the photo.
        score: the detector's confidence (HOG SVM margin; higher is surer).
        descriptor: dlib's 128-d face descriptor (Euclidean distance < ~0.6 = same person).
        crop: a small square JPEG of the face for covers and the People list.
    """

    box: FaceBox
    landmarks: tuple[tuple[float, float], ...]
    score: float
    descriptor: np.ndarray = field(repr=False)
    crop: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class FacesResult:
    """What the faces pass found in one photo."""

    photo_id: int
    faces: tuple[DetectedFace, ...] = ()
    crops: tuple[str | None, ...] = ()  # crop file name per face (under the faces dir)


@dataclass(frozen=True)
class Face:
    """A stored face: where it is, whose it is."""

    id: int
    photo_id: int
    box: FaceBox
    landmarks: tuple[tuple[float, float], ...]
    score: float
    person_id: int | None
    crop: str | None  # file name of the crop under the library's faces dir
    pinned: bool = False  # placed by the user (merge/split): automatic grouping never moves it


@dataclass(frozen=True)
class Person:
    """A group of faces. ``name`` is None until the user names it.

    ``hidden``: left out of the People list (still searchable by name). ``excluded``: kept out of
    grouping — never listed, never a search term, and new faces that match it join it silently
    instead of forming a new person.
    """

    id: int
    name: str | None
    face_count: int
    photo_count: int
    cover_face_id: int | None
    cover_crop: str | None
    hidden: bool = False
    excluded: bool = False

    @property
    def label(self) -> str:
        """The name, or "Person N" for an unnamed one."""
        return self.name or f"Person {self.id}"
