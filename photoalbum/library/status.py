"""What a library holds and where it stands: the frozen answers of ``status`` and ``pass_status``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PassStatus:
    """Where one background pass stands over the library's live photos."""

    name: str
    title: str
    enabled: bool
    version: int
    done: int
    failed: int
    todo: int
    failures: tuple[tuple[str, str], ...] = ()  # (path, reason), a few

    def to_json(self) -> dict[str, Any]:
        """The pass as ``passes --json`` and ``status --json`` print it."""
        return {
            "name": self.name,
            "title": self.title,
            "enabled": self.enabled,
            "version": self.version,
            "done": self.done,
            "failed": self.failed,
            "todo": self.todo,
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
        }


@dataclass(frozen=True)
class LibraryStatus:
    """A summary of one library: photos, indexed, failed (with reasons), gone, vectors, model.

    ``model_id`` is the key the counts are for: the prepared model's, else the spec's (status
    never prepares a model). ``vectors`` is None when the caller did not ask to count them
    (counting opens the vector store).
    """

    library: str
    model: str
    recorded_model: str | None
    roots: tuple[str, ...]
    photos: int  # present (not gone)
    indexed: int  # with a live vector for ``model_id``
    pending: int  # still to encode for it
    failed: int
    gone: int
    failures: tuple[tuple[str, str], ...]  # (path, reason), the first 100
    model_id: str
    model_prepared: bool
    random_weights: bool
    vector_store: str
    vectors: int | None
    passes: tuple[PassStatus, ...]
    videos: int = 0  # of ``photos``, the videos (each one item, found by its moments)

    def to_json(self) -> dict[str, Any]:
        """The ``status --json`` dict (vectors 0 when not counted)."""
        return {
            "library": self.library,
            "model": self.model,
            "recorded_model": self.recorded_model,
            "roots": list(self.roots),
            "photos": self.photos,
            "videos": self.videos,
            "indexed": self.indexed,
            "pending": self.pending,
            "failed": self.failed,
            "gone": self.gone,
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
            "model_id": self.model_id,
            "model_prepared": self.model_prepared,
            "random_weights": self.random_weights,
            "vector_store": self.vector_store,
            "vectors": self.vectors or 0,
            "passes": [p.to_json() for p in self.passes],
        }
