"""The background-pass port: what a pass does per photo, and the per-photo state it leaves.

A pass (e.g. "text": OCR, "faces") turns one photo's decoded, downscaled image into a result in a
worker thread (:meth:`PhotoPass.process`), and stores a batch of results together with the
per-photo state in one transaction (:meth:`PhotoPass.commit`). The state (done, or failed with a
reason; the pass version and the photo's content fingerprint it was computed for) is what makes
passes resumable after a kill, keeps a failed photo from being retried forever (until its file
changes or the pass's version does) and redoes every photo when a pass's version changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image


def pass_setting_key(name: str) -> str:
    """The library setting that switches the pass ``name`` on ("1") or off ("0")."""
    return f"pass.{name}.enabled"


@dataclass(frozen=True)
class PassTodo:
    """A live photo a pass has not (validly) processed: no state, or state for another version or
    another content fingerprint."""

    photo_id: int
    path: str
    fingerprint: str | None


@dataclass(frozen=True)
class PassOutcome:
    """One photo's outcome: ``result`` when it worked, else ``reason`` (recorded as failed)."""

    photo_id: int
    fingerprint: str | None
    result: Any = None
    reason: str | None = None
    #: The pass version the outcome was made under when not the pass's ``version``: a video's
    #: outcome records the pass's ``video_version`` (see :func:`video_version`).
    version: int | None = None

    @property
    def failed(self) -> bool:
        """True when the pass could not process the photo."""
        return self.reason is not None


@dataclass
class PassCounts:
    """Where a pass stands over the library's live photos (for its current version)."""

    name: str
    enabled: bool = True
    done: int = 0
    failed: int = 0
    todo: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), a few

    @property
    def total(self) -> int:
        """Live photos the pass covers."""
        return self.done + self.failed + self.todo


@dataclass
class PassProgress:
    """One progress report of a pass: ``done`` of ``total`` photos this run, at ``rate``/s."""

    name: str
    done: int
    total: int
    current: str = ""
    rate: float = 0.0


class PhotoPass(Protocol):
    """One kind of background work on photos.

    Attributes:
        name: a short stable id ("text", "faces"); state and settings are keyed by it.
        title: what front ends call it ("Text in photos"); optional, defaults to ``name``.
        version: bump it when results would change (new model, new parameters): every photo is
            then redone (old results stay until each photo's new result replaces them).
        min_side: the shorter side (pixels) the pass wants of the decoded image; a decoded image
            smaller than this is used only if it is the photo's full resolution.

    A pass may also have ``prepare()``: the runner calls it (when the pass has work) before the
    first photo, to start loading models in the background without waiting.

    A pass that needs no pixels (its input is in the catalog, e.g. GPS) sets ``needs_pixels =
    False`` and has ``process_batch(todos) -> list[PassOutcome]`` (see :class:`MetadataPass`):
    the runner then gives it pages of photos, decodes nothing, and runs it before the others.

    A pass whose ``process`` does not use ``photo_id`` may set ``inline = True``: a command-line
    indexing run then calls it on the image it decoded for the CLIP pass, in its decode threads
    (see :class:`~photoalbum.core.passes.inline.InlinePasses`). Videos never run inline.

    Videos: a pass reads a video's first moment (its thumbnail) unless it sets
    ``video_moments = k`` > 1: the runner then decodes up to ``k`` of the video's moments, spread
    over it (:func:`spread_moments`), calls ``process_moment(photo_id, image)`` (default:
    ``process``) on each and ``merge_moments(photo_id, [(seconds, result), …])`` for the video's
    one result. ``video_version`` (default: ``version``) is the version a video's state records:
    bumping it alone redoes every video and no photo.
    """

    name: str
    version: int
    min_side: int

    def process(self, photo_id: int, image: Image.Image) -> Any:
        """The result for one photo (called in worker threads, on an RGB image).

        Raises:
            KnownError: the photo can't be processed (recorded as failed, with the message).
        """
        ...

    def commit(self, outcomes: Sequence[PassOutcome]) -> None:
        """Store the results *and* each photo's state (done/failed) in one transaction."""
        ...


class MetadataPass(PhotoPass, Protocol):
    """A pass whose input is the catalog, not the image (``needs_pixels = False``)."""

    needs_pixels: bool

    def process_batch(self, todos: Sequence[PassTodo]) -> list[PassOutcome]:
        """One outcome per photo of ``todos`` (a failure is an outcome with a reason)."""
        ...


def needs_pixels(p: PhotoPass) -> bool:
    """False for a :class:`MetadataPass`."""
    return bool(getattr(p, "needs_pixels", True))


def video_moments(p: PhotoPass) -> int:
    """How many of a video's moments the pass reads (1: the first, the video's thumbnail)."""
    return max(1, int(getattr(p, "video_moments", 1)))


def video_version(p: PhotoPass) -> int:
    """The pass version a video's state records (``video_version``, else ``version``)."""
    return int(getattr(p, "video_version", p.version))


def spread_moments(count: int, k: int) -> list[int]:
    """Indices of ``k`` of ``count`` moments spread evenly over the video, the first always
    among them (all of them when ``k >= count``)."""
    if count <= 0:
        return []
    if k >= count:
        return list(range(count))
    if k <= 1:
        return [0]
    return sorted({round(i * (count - 1) / (k - 1)) for i in range(k)})


class PassStateStore(Protocol):
    """The catalog side of the per-photo pass state (implemented by ``persistence``)."""

    def pass_todo(
        self,
        name: str,
        version: int,
        *,
        after_id: int = 0,
        limit: int = 256,
        video_version: int | None = None,
    ) -> list[PassTodo]:
        """Live photos with id > ``after_id`` the pass still has to do, by id (a video is to do
        unless done under ``video_version``, default ``version``)."""
        ...

    def pass_counts(
        self, name: str, version: int, *, failures: int = 20, video_version: int | None = None
    ) -> PassCounts:
        """done / failed / todo counts (and the first ``failures`` failures with reasons)."""
        ...

    def record_pass(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None:
        """Record only the state of ``outcomes`` (one transaction; for passes storing nothing
        else, and for failures)."""
        ...

    def reset_pass(self, name: str) -> None:
        """Forget every photo's state for the pass (it will redo everything)."""
        ...
