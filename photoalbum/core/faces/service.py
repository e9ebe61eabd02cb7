"""PeopleService: grouping faces into people incrementally, and what front ends do with people.

Grouping (``update``) keeps every decision already made: a new face joins the person whose faces
it is closest to (a vote of its nearest grouped faces within the threshold); faces that match no
one are clustered among themselves (Chinese whispers) and a group of at least ``min_faces``
becomes a new person. Faces the user placed (merge/split) are pinned and never moved. An excluded
person still attracts new faces of theirs, so they never come back as a "new" person.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from photoalbum.core.errors import UserError
from photoalbum.core.faces.clustering import DEFAULT_THRESHOLD, cluster, nearest
from photoalbum.core.faces.crops import FaceCrops
from photoalbum.core.faces.ports import FaceStore
from photoalbum.core.faces.types import Face, Person

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupingReport:
    """What one ``update`` did."""

    assigned: int  # new faces that joined an existing person
    new_people: int
    ungrouped: int  # faces still without a person (too few look alike yet)
    seconds: float


class PeopleService:
    """People of one library over a :class:`FaceStore`; nothing here touches photo files."""

    def __init__(
        self,
        store: FaceStore,
        crops: FaceCrops,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        min_faces: int = 2,
        method: str = "chinese_whispers",
        vote_k: int = 5,
    ) -> None:
        self.store = store
        self.crops = crops
        self.threshold = threshold
        self.min_faces = min_faces
        self.method = method
        self.vote_k = vote_k

    # --- grouping -----------------------------------------------------------------------------
    def update(self, *, full: bool = False) -> GroupingReport:
        """Give new faces a person (see the module doc). Call with the writer lock held.

        Only faces the grouping has not considered yet cost work: each is matched against the
        grouped faces (exact, new × grouped), and the rest are clustered together with the
        ungrouped faces near them — a new person always includes a new face. ``full`` considers
        every ungrouped face again.
        """
        t0 = time.perf_counter()
        fv = self.store.face_vectors()
        grouped = fv.person_ids >= 0
        loose = ~grouped
        new = np.flatnonzero(loose & (~fv.seen if not full else True))
        if len(new) == 0:
            return GroupingReport(0, 0, int(loose.sum()), time.perf_counter() - t0)
        assign: dict[int, int] = {}
        if grouped.any():
            g_idx = np.flatnonzero(grouped)
            nb, dist = nearest(fv.vectors[new], fv.vectors[g_idx], k=self.vote_k)
            for row, face_pos in enumerate(new):
                votes: dict[int, float] = {}
                for j, d in zip(nb[row], dist[row], strict=True):
                    if d < self.threshold:
                        pid = int(fv.person_ids[g_idx[j]])
                        votes[pid] = votes.get(pid, 0.0) + (1.0 - float(d))
                if votes:
                    assign[int(fv.face_ids[face_pos])] = max(votes.items(), key=lambda kv: kv[1])[0]
        rest = np.asarray([i for i in new if int(fv.face_ids[i]) not in assign], dtype=np.int64)
        pool = rest
        if len(rest) and not full:  # ungrouped faces seen before that are near the new ones
            old = np.flatnonzero(loose & fv.seen)
            if len(old):
                nb, dist = nearest(fv.vectors[rest], fv.vectors[old], k=min(16, len(old)))
                near = np.unique(old[nb[dist < self.threshold]])
                pool = np.union1d(rest, near)
        groups: list[list[int]] = []
        if len(pool) >= self.min_faces:
            labels = cluster(fv.vectors[pool], threshold=self.threshold, method=self.method)
            for label in range(int(labels.max()) + 1):
                members = pool[labels == label]
                if len(members) < self.min_faces:
                    break  # labels are ordered by size
                groups.append([int(fv.face_ids[i]) for i in members])
        seen = [int(fv.face_ids[i]) for i in new]
        made = self.store.apply_grouping(assign, groups, seen)
        ungrouped = int(loose.sum()) - len(assign) - sum(len(g) for g in groups)
        report = GroupingReport(len(assign), len(made), ungrouped, time.perf_counter() - t0)
        logger.info(
            "people: %d faces joined people, %d new people, %d faces ungrouped (%.2f s)",
            report.assigned,
            report.new_people,
            report.ungrouped,
            report.seconds,
        )
        return report

    # --- reading --------------------------------------------------------------------------------
    def people(self, *, hidden: bool = False, excluded: bool = False) -> list[Person]:
        """People with faces, named first, then by number of photos."""
        return self.store.people(hidden=hidden, excluded=excluded)

    def person(self, person_id: int) -> Person:
        """One person. Raises UserError for an unknown id."""
        p = self.store.person(int(person_id))
        if p is None:
            raise UserError(f"no person with id {person_id}: see 'photoalbum people'")
        return p

    def faces(self, *, photo_id: int | None = None, person_id: int | None = None) -> list[Face]:
        """Faces of a photo or of a person."""
        return self.store.faces(photo_id=photo_id, person_id=person_id)

    def photo_ids(self, person_ids: Sequence[int]) -> np.ndarray:
        """Photos showing any of these people."""
        return self.store.person_photo_ids(list(person_ids))

    def resolve(self, name: str) -> list[Person]:
        """People a query word names: by name (case-insensitive), or ``#ID`` / a bare id.

        Raises:
            UserError: nobody is called that.
        """
        key = name.strip()
        if key.lstrip("#").isdigit():
            p = self.store.person(int(key.lstrip("#")))
            if p is not None and not p.excluded:
                return [p]
        found = self.store.people_named(key)
        if not found:
            raise UserError(
                f"no person called {key!r}: name one with 'photoalbum people name ID NAME'"
            )
        return found

    def names(self) -> list[str]:
        """Names given to people (what a plain query word can match)."""
        return self.store.names()

    # --- editing --------------------------------------------------------------------------------
    def rename(self, person_id: int, name: str | None) -> Person:
        """Name a person (or forget the name with None/"")."""
        self.store.rename(int(person_id), name)
        return self.person(person_id)

    def merge(self, into: int, others: Sequence[int]) -> Person:
        """Merge ``others`` into ``into``; the faces stay there for good."""
        if not others:
            raise UserError("merge needs two people: photoalbum people merge ID ID")
        self.store.merge(int(into), [int(o) for o in others])
        return self.person(into)

    def split(self, face_ids: Sequence[int]) -> Person:
        """Move faces out into a new person."""
        return self.person(self.store.split([int(f) for f in face_ids]))

    def hide(self, person_id: int, hidden: bool = True) -> None:
        """Leave a person out of the People list (or show them again)."""
        self.store.set_flags(int(person_id), hidden=hidden)

    def exclude(self, person_id: int, excluded: bool = True) -> None:
        """Keep a person out of grouping, the list and search (or bring them back)."""
        self.store.set_flags(int(person_id), excluded=excluded)

    def wipe(self, pass_name: str = "faces") -> int:
        """Delete all face data (faces, people, crops, pass records); returns how many faces."""
        n = self.store.wipe(pass_name)
        self.crops.wipe()
        return n
