"""Map vector-store labels back to library items and videos' moments (and items to labels)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photoalbum.core.ports import MOMENT_LABEL_BASE


@dataclass(frozen=True)
class MomentIndex:
    """Every live moment as (label, item, time), labels ascending (see
    :meth:`photoalbum.core.ports.Catalog.moment_map`). A label not in it is a photo's id."""

    labels: np.ndarray  # int64, ascending
    items: np.ndarray  # int64
    times: np.ndarray  # float64 seconds

    @classmethod
    def empty(cls) -> MomentIndex:
        """No videos."""
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, np.zeros(0, dtype=np.float64))

    def __len__(self) -> int:
        return len(self.labels)

    def _rows(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row in the index or 0, whether found) of each label."""
        labels = np.asarray(labels, dtype=np.int64)
        if not len(self.labels):
            return np.zeros(len(labels), dtype=np.int64), np.zeros(len(labels), dtype=bool)
        pos = np.searchsorted(self.labels, labels)
        pos = np.minimum(pos, len(self.labels) - 1)
        return pos, self.labels[pos] == labels

    def items_of(self, labels: np.ndarray) -> np.ndarray:
        """The item each label belongs to (a photo's label is its id)."""
        labels = np.asarray(labels, dtype=np.int64)
        if not len(self.labels):
            return labels
        pos, found = self._rows(labels)
        return np.where(found, self.items[pos], labels)

    def times_of(self, labels: np.ndarray) -> np.ndarray:
        """Each label's moment time in seconds (NaN for a photo)."""
        if not len(self.labels):
            return np.full(len(labels), np.nan)
        pos, found = self._rows(labels)
        return np.where(found, self.times[pos], np.nan)

    def labels_of(self, items: np.ndarray) -> np.ndarray:
        """The labels of ``items``: the items themselves plus their videos' later moments."""
        items = np.asarray(items, dtype=np.int64)
        if not len(self.labels) or not len(items):
            return items  # no videos: nothing to add (and no sort of a 100k-id filter)
        extra = self.labels[(self.labels >= MOMENT_LABEL_BASE) & np.isin(self.items, items)]
        return np.union1d(items, extra) if len(extra) else items

    def label_near(self, item: int, seconds: float) -> int | None:
        """The label of ``item``'s moment nearest ``seconds`` (None: not a video here)."""
        rows = np.flatnonzero(self.items == int(item))
        if not len(rows):
            return None
        return int(self.labels[rows[np.argmin(np.abs(self.times[rows] - float(seconds)))]])
