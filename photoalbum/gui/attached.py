"""``while_attached``: a worker slot that does nothing once its owner was detached."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar


class Detachable(Protocol):
    """An object whose slots stop acting once ``detached`` is set."""

    detached: bool


S = TypeVar("S", bound=Detachable)
P = ParamSpec("P")


def while_attached(fn: Callable[Concatenate[S, P], None]) -> Callable[Concatenate[S, P], None]:
    """Decorate a method of an object with a ``detached`` flag: once it is set, the method does
    nothing (at shutdown, signals queued before the workers stopped may still arrive)."""

    @functools.wraps(fn)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> None:
        if self.detached:
            return
        fn(self, *args, **kwargs)

    return wrapper
