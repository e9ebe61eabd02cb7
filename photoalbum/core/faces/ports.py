"""The storage port the people feature needs (implemented by ``photoalbum.persistence.faces``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from photoalbum.core.faces.types import Face, Person
from photoalbum.core.passes.ports import PassOutcome


@dataclass(frozen=True)
class FaceVectors:
    """Every stored face's descriptor with its grouping state, row-aligned."""

    face_ids: np.ndarray  # (n,) int64
    person_ids: np.ndarray  # (n,) int64, -1 = not in a person
    pinned: np.ndarray  # (n,) bool: placed by the user
    vectors: np.ndarray  # (n, 128) float32
    seen: np.ndarray  # (n,) bool: already considered by the grouping


@dataclass(frozen=True)
class FaceCounts:
    """What the faces pass found (its progress is in the background passes' state)."""

    faces: int  # in live photos
    people: int  # not excluded


class FaceStore(Protocol):
    """Faces and people. Every method is one transaction."""

    def put_faces(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None: ...
    def faces(self, *, photo_id: int | None = None, person_id: int | None = None) -> list[Face]: ...
    def face_vectors(self) -> FaceVectors: ...
    def apply_grouping(
        self,
        assign: Mapping[int, int],
        new_groups: Sequence[Sequence[int]],
        seen: Sequence[int] = (),
    ) -> list[int]: ...
    def people(self, *, hidden: bool = False, excluded: bool = False) -> list[Person]: ...
    def person(self, person_id: int) -> Person | None: ...
    def people_named(self, name: str) -> list[Person]: ...
    def names(self) -> list[str]: ...
    def rename(self, person_id: int, name: str | None) -> None: ...
    def set_flags(
        self, person_id: int, *, hidden: bool | None = None, excluded: bool | None = None
    ) -> None: ...
    def merge(self, into: int, others: Sequence[int]) -> None: ...
    def split(self, face_ids: Sequence[int]) -> int: ...
    def person_photo_ids(self, person_ids: Sequence[int]) -> np.ndarray: ...
    def counts(self) -> FaceCounts: ...
    def wipe(self, pass_name: str) -> int: ...
