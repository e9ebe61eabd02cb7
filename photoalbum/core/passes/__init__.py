"""Background passes: per-photo work (text, faces …) that runs after a photo's CLIP encoding."""

from photoalbum.core.passes.inline import InlinePasses, runs_inline
from photoalbum.core.passes.ports import (
    MetadataPass,
    PassCounts,
    PassOutcome,
    PassProgress,
    PassStateStore,
    PassTodo,
    PhotoPass,
    needs_pixels,
    pass_setting_key,
    spread_moments,
    video_moments,
    video_version,
)
from photoalbum.core.passes.runner import PassReport, PassRunner, RecentImages, VideoFrames

__all__ = [
    "InlinePasses",
    "MetadataPass",
    "PassCounts",
    "PassOutcome",
    "PassProgress",
    "PassReport",
    "PassRunner",
    "PassStateStore",
    "PassTodo",
    "PhotoPass",
    "RecentImages",
    "needs_pixels",
    "pass_setting_key",
    "VideoFrames",
    "runs_inline",
    "spread_moments",
    "video_moments",
    "video_version",
]
