"""The storage port the people feature needs (implemented by ``photoalbum.persistence.faces``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from photoalbum.core.faces.types import Face, FacesResult, Person


@dataclass(frozen=True)
class FaceVectors:
    """Every stored face's descriptor with its grouping state, row-aligned."""

    face_ids: np.ndarray  # (n,) int64
    person_ids: np.ndarray  # (n,) int64, -1 = not in a person
    pinned: np.ndarray  # (n,) bool: placed by the user
    vectors: np.ndarray  # (n, 128) float32


@dataclass(frozen=True)
class FaceCounts:
    """Progress of the faces pass and what it found."""

    photos: int  # live photos
    scanned: int  # live photos the current pass version has looked at
    failed: int
    faces: int
    people: int


class FaceStore(Protocol):
    """Faces, people and per-photo faces-pass state. Every method is one transaction."""

    def put_faces(self, results: Sequence[FacesResult], version: int) -> None: ...
    def unscanned_ids(self, version: int, limit: int | None = None) -> list[int]: ...
    def faces(self, *, photo_id: int | None = None, person_id: int | None = None) -> list[Face]: ...
    def face_vectors(self) -> FaceVectors: ...
    def apply_grouping(self, assign: Mapping[int, int], new_groups: Sequence[Sequence[int]]) -> list[int]: ...
    def people(self, *, hidden: bool = False, excluded: bool = False) -> list[Person]: ...
    def person(self, person_id: int) -> Person | None: ...
    def rename(self, person_id: int, name: str | None) -> None: ...
    def set_flags(self, person_id: int, *, hidden: bool | None = None,
                  excluded: bool | None = None) -> None: ...
    def merge(self, into: int, others: Sequence[int]) -> None: ...
    def split(self, face_ids: Sequence[int]) -> int: ...
    def person_photo_ids(self, person_ids: Sequence[int]) -> np.ndarray: ...
    def counts(self) -> FaceCounts: ...
    def wipe(self) -> int: ...
