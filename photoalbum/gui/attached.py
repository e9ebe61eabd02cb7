"""``while_attached``: a worker slot that does nothing once its owner was detached."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def while_attached(fn: F) -> F:
    """Decorate a method of an object with a ``detached`` flag: once it is set, the method does
    nothing (at shutdown, signals queued before the workers stopped may still arrive)."""

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.detached:
            return None
        return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
