"""Background passes: per-photo work (text, faces …) that runs after a photo's CLIP encoding."""

from photoalbum.core.passes.ports import (
    PassCounts,
    PassOutcome,
    PassProgress,
    PassStateStore,
    PassTodo,
    PhotoPass,
    pass_setting_key,
)
from photoalbum.core.passes.runner import PassReport, PassRunner, RecentImages

__all__ = [
    "PassCounts",
    "PassOutcome",
    "PassProgress",
    "PassReport",
    "PassRunner",
    "PassStateStore",
    "PassTodo",
    "PhotoPass",
    "RecentImages",
    "pass_setting_key",
]
